"""The loopback DNS server (:mod:`plcheck.sim.dns_server`) and its pytest fixture.

The server lives in the package so ``plcheck demo`` can run it; this module
re-exports it for the tests and adds the fixture, which stays out of the package.
Import the fixture into your conftest or test module.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from plcheck.sim.dns_server import DnsMode, DnsServer, Query, Records

__all__ = ["DnsMode", "DnsServer", "Query", "Records", "dns_server"]


@pytest.fixture
def dns_server() -> Iterator[DnsServer]:
    """A running :class:`DnsServer` with no records; add them with ``add``/``set``."""
    with DnsServer() as server:
        yield server
