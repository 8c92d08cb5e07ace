"""Shared test helpers: real servers on loopback that tests start and stop."""
