"""The suite's guard: no test, and no Python process a test starts, reaches past this machine."""

from __future__ import annotations

import socket
import subprocess
import sys
from typing import Any

import pytest

from tests.support import offline
from tests.support.dns_server import DnsServer, dns_server
from tests.support.offline import REFUSED

__all__ = ["dns_server"]


def test_a_connection_off_this_machine_is_refused_before_it_is_sent() -> None:
    # 192.0.2.1 is TEST-NET-1: the guard must refuse it before any packet leaves.
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(OSError, match=REFUSED),
    ):
        sock.connect(("192.0.2.1", 443))


def test_a_datagram_off_this_machine_is_refused() -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock,
        pytest.raises(OSError, match=REFUSED),
    ):
        sock.sendto(b"x", ("192.0.2.1", 53))


def test_loopback_is_allowed() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"x", ("127.0.0.1", 9))


LOOKUPS = [
    ("getaddrinfo", ("example.com", 443)),
    ("gethostbyname", ("example.com",)),
    ("gethostbyname_ex", ("example.com",)),
    ("gethostbyaddr", ("192.0.2.1",)),
    ("getnameinfo", (("192.0.2.1", 443), 0)),
    # Not a name, but not this machine either: refused before any socket is made.
    ("getaddrinfo", ("192.0.2.1", 443)),
]


@pytest.mark.parametrize(("name", "args"), LOOKUPS)
def test_a_lookup_of_another_host_is_refused_and_names_it(name: str, args: tuple[Any]) -> None:
    with pytest.raises(OSError, match=REFUSED) as refused:
        getattr(socket, name)(*args)
    assert repr(args[0]) in str(refused.value)


@pytest.mark.parametrize(("name", "args"), LOOKUPS)
def test_a_refused_lookup_never_reaches_the_resolver(
    name: str, args: tuple[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The guard wraps whatever it finds: here a resolver that records being asked.
    asked: list[object] = []
    monkeypatch.setattr(socket, name, lambda *a, **k: asked.append(a))
    for owner, attribute, guarded in offline.patches():
        monkeypatch.setattr(owner, attribute, guarded)
    with pytest.raises(OSError, match=REFUSED):
        getattr(socket, name)(*args)
    assert asked == []


def test_a_connection_by_address_is_refused_in_the_lookup() -> None:
    with pytest.raises(OSError, match=f"{REFUSED}: getaddrinfo '192.0.2.1'"):
        socket.create_connection(("192.0.2.1", 443), timeout=1)


def test_this_machine_still_resolves() -> None:
    assert socket.getaddrinfo("127.0.0.1", 443)[0][4][0] == "127.0.0.1"
    assert socket.getaddrinfo("::1", 443, socket.AF_INET6)[0][4][0] == "::1"
    assert socket.gethostbyname("localhost") == "127.0.0.1"
    assert socket.getaddrinfo(None, 0, flags=socket.AI_PASSIVE)  # a server's wildcard bind
    assert socket.getnameinfo(("192.0.2.1", 443), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV)


def test_dnspython_still_asks_a_nameserver_on_loopback(dns_server: DnsServer) -> None:
    import dns.resolver

    dns_server.add("svc.example.test", "A", "10.0.0.5")
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [dns_server.host]
    resolver.port = dns_server.port
    assert [r.address for r in resolver.resolve("svc.example.test", "A")] == ["10.0.0.5"]
    # A nameserver elsewhere is refused by the socket guard, not asked.
    resolver.nameservers = ["192.0.2.53"]
    with pytest.raises(dns.resolver.NoNameservers, match=REFUSED):
        resolver.resolve("svc.example.test", "A", lifetime=1)


def _child(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )


@pytest.mark.parametrize(
    "code",
    [
        "import socket; socket.create_connection(('192.0.2.1', 443), timeout=1)",
        "import socket; socket.socket().connect(('192.0.2.1', 443))",
        "import socket; socket.getaddrinfo('example.com', 443)",
    ],
)
def test_a_python_child_is_guarded_too(code: str) -> None:
    done = _child(code)
    assert done.returncode == 1
    assert f"OSError: {REFUSED}" in done.stderr


def test_a_python_child_still_reaches_loopback() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        done = _child(f"import socket; socket.create_connection(('localhost', {port}), 5).close()")
    assert done.returncode == 0, done.stderr
