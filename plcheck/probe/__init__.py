"""Network probes behind ``plcheck probe``: DNS, TCP and TLS, gathered from where plcheck runs.

Modules here do I/O and return frozen dataclasses; the checks in
``plcheck.checks.probe_*`` judge them without touching the network.
"""
