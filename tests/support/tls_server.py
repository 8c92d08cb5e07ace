"""The loopback TLS servers (:mod:`plcheck.sim.tls_server`) and their pytest fixtures.

The servers live in the package so ``plcheck demo`` can run them; this module
re-exports them for the tests and adds the fixtures, which stay out of the
package. Import the fixtures into your conftest or test module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import trustme

from plcheck.sim.tls_server import (
    Blackhole,
    Pki,
    TlsServer,
    servers_on_one_port,
    unused_port,
)

__all__ = [
    "Blackhole",
    "Pki",
    "TlsServer",
    "pki",
    "servers_on_one_port",
    "tls_servers",
    "unused_port",
]


@pytest.fixture(scope="session")
def pki() -> Pki:
    """A session-wide :class:`Pki`."""
    return Pki()


@pytest.fixture
def tls_servers() -> Iterator[Callable[..., TlsServer]]:
    """A factory ``tls_servers(cert, host=..., port=..., delay=..., stall=...)`` of running servers.

    Every server it started is stopped when the test ends.
    """
    started: list[TlsServer] = []

    def start(cert: trustme.LeafCert | None, **kwargs: object) -> TlsServer:
        server = TlsServer(cert, **kwargs).start()  # type: ignore[arg-type]
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
