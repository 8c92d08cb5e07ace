r"""TLS servers on 127.0.0.x, with certificates from a ``trustme`` CA.

Used by ``plcheck demo`` (the probe step) and by the tests (through
``tests/support/tls_server.py``, which adds the pytest fixtures).

Linux routes all of 127.0.0.0/8 to the loopback interface, so several servers
can share one port on 127.0.0.2, 127.0.0.3, ... and a DNS name can resolve to
all of them::

    pki = Pki()                                  # tests: the session ``pki`` fixture
    with TlsServer(pki.leaf("api.example.test"), host="127.0.0.2") as a, \
         TlsServer(pki.leaf("other.test"), host="127.0.0.3", port=a.port) as b:
        ...   # clients trust pki.ca_bundle(tmp_path)

Behaviours: ``delay`` seconds before the server starts its side of the handshake;
``stall=True`` accepts TCP and never speaks TLS. For TCP-level failures:
``unused_port(host)`` gives a port that refuses, and :class:`Blackhole` a port
whose connections time out.

How "never answers" is made on loopback (measured on Linux 5.x/6.x): a socket
that listens with backlog 0 and never accepts takes one connection into its
accept queue; once that queue is full, the kernel drops further SYNs
(``tcp_abort_on_overflow=0``, the default), so ``connect()`` times out exactly
as against a security group that drops packets. :class:`Blackhole` fills the
queue itself and checks that a probe connection times out.
"""

from __future__ import annotations

import datetime as dt
import select
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import trustme


class Pki:
    """A trusted CA, an untrusted CA, and leaf certificates from either."""

    def __init__(self, name: str = "plcheck test") -> None:
        self.ca = trustme.CA(organization_name=f"{name} CA")
        self.untrusted_ca = trustme.CA(organization_name=f"{name} untrusted CA")

    def leaf(
        self,
        *names: str,
        untrusted: bool = False,
        expired: bool = False,
        days_left: float | None = None,
    ) -> trustme.LeafCert:
        """A leaf for ``names``; ``expired`` ended 10 days ago, ``days_left`` ends that soon."""
        now = dt.datetime.now(dt.timezone.utc)
        not_before, not_after = None, None
        if expired:
            not_before, not_after = now - dt.timedelta(days=400), now - dt.timedelta(days=10)
        elif days_left is not None:
            not_before, not_after = now - dt.timedelta(days=1), now + dt.timedelta(days=days_left)
        ca = self.untrusted_ca if untrusted else self.ca
        return ca.issue_cert(*names, not_before=not_before, not_after=not_after)

    def ca_bundle(self, directory: Path, filename: str = "plcheck-test-ca.pem") -> Path:
        """Write the trusted CA's PEM into ``directory`` and return its path."""
        path = directory / filename
        self.ca.cert_pem.write_to_path(str(path))
        return path


class TlsServer:
    """A TLS server on ``host:port`` presenting ``cert``; reads until the client leaves."""

    def __init__(
        self,
        cert: trustme.LeafCert | None,
        *,
        host: str = "127.0.0.2",
        port: int = 0,
        delay: float = 0.0,
        stall: bool = False,
    ) -> None:
        self.delay = delay
        self.stall = stall
        self.handshakes = 0
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        if cert is not None:
            cert.configure_cert(self._context)
        elif not stall:
            raise ValueError("a TLS server needs a certificate unless it stalls")
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self._sock.listen(64)
        self.host: str = host
        self.port: int = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def start(self) -> TlsServer:
        thread = threading.Thread(target=self._serve, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=2)
        self._sock.close()

    def __enter__(self) -> TlsServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._sock], [], [], 0.05)
            if not ready:
                continue
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve_conn, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve_conn(self, conn: socket.socket) -> None:
        with conn:
            if self.stall or self.delay:
                self._stop.wait(None if self.stall else self.delay)
            if self.stall or self._stop.is_set():
                return
            conn.settimeout(5)
            try:
                with self._context.wrap_socket(conn, server_side=True) as tls:
                    with self._lock:
                        self.handshakes += 1
                    while not self._stop.is_set() and tls.recv(1024):
                        pass
            except (OSError, ssl.SSLError):
                return  # client gave up, rejected our certificate, or left


def servers_on_one_port(
    certs: Mapping[str, trustme.LeafCert], *, attempts: int = 20
) -> list[TlsServer]:
    """Bound, not yet started, servers on one port: one per ``host -> certificate``.

    The port is the one the kernel picks for the first host; if it is taken on
    another host (another process on 127.0.0.x), everything is closed and tried again.
    """
    hosts = list(certs)
    for _ in range(attempts):
        servers: list[TlsServer] = []
        try:
            for host in hosts:
                port = servers[0].port if servers else 0
                servers.append(TlsServer(certs[host], host=host, port=port))
        except OSError:
            for server in servers:
                server.stop()
            continue
        return servers
    raise RuntimeError(f"no port free on all of {', '.join(hosts)}")


def unused_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` where nothing listens (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
    return port


class Blackhole:
    """A port on ``host`` where TCP connects time out (see the module docstring)."""

    def __init__(self, host: str = "127.0.0.9", port: int = 0) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind((host, port))
        self._sock.listen(0)
        self.host: str = host
        self.port: int = self._sock.getsockname()[1]
        self._fillers: list[socket.socket] = []

    def __enter__(self) -> Blackhole:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            probe.settimeout(0.2)
            try:
                probe.connect((self.host, self.port))
            except TimeoutError:
                probe.close()
                return self  # the queue is full: SYNs are dropped
            self._fillers.append(probe)
        self.__exit__(None, None, None)
        raise RuntimeError("could not fill the accept queue; TCP timeouts cannot be simulated")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for sock in (*self._fillers, self._sock):
            sock.close()
