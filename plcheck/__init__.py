"""plcheck: preflight diagnostics for AWS PrivateLink."""

__version__ = "0.1.0"
