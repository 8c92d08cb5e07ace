"""The suite's offline guard: no test, and no Python process a test starts, leaves this machine.

One set of patches, used twice: ``tests/conftest.py`` applies them to the test processes for
the whole session, and ``offline_hook/sitecustomize.py`` applies them at start-up in every
Python child of a test (``python -m plcheck …``, ``python -c …``), which finds the hook
through ``PYTHONPATH`` and is told to install it by ``PLCHECK_TEST_OFFLINE=1``; the conftest
sets both, so ``subprocess`` children inherit them unless a test replaces the environment.

What is refused, before anything is sent:

- ``connect``, ``connect_ex`` and ``sendto`` of an internet socket to an address that is not
  loopback (a host name other than ``localhost`` included: the socket would resolve it);
- name resolution (``getaddrinfo``, ``gethostbyname``, ``gethostbyname_ex``) of anything but
  ``localhost``, a loopback literal or the unspecified address a server binds to: any other
  name would be a DNS query through the C resolver;
- reverse resolution (``gethostbyaddr``, ``getnameinfo`` without ``NI_NUMERICHOST``) of an
  address that is not loopback: a PTR query.

dnspython's resolver sends its queries itself, over sockets, to the nameserver it is given,
so the probe tests' DNS servers on 127.0.0.x pass and any other nameserver is refused.
Limits: code that calls ``_socket`` directly, and programs that are not Python (bash running
the action's steps, actionlint), cannot be guarded this way; the tests that start those
only give them loopback addresses or none.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Mapping
from typing import Any

ENV_VAR = "PLCHECK_TEST_OFFLINE"
HOOK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "offline_hook")
REFUSED = "tests must not leave this machine"


def _host(value: Any) -> str:
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else str(value)
    return text.split("%")[0]  # an IPv6 scope (fe80::1%eth0) names no other host


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_local(value: Any) -> bool:
    """Whether ``value`` (a host of an address) is this machine: loopback or ``localhost``."""
    host = _host(value)
    address = _literal(host)
    if address is not None:
        return address.is_loopback
    return host.lower().rstrip(".") == "localhost"


def resolves_locally(value: Any) -> bool:
    """Whether resolving ``value`` stays on this machine: local, or the wildcard a server binds."""
    if value is None or value in ("", b""):
        return True
    address = _literal(_host(value))
    return is_local(value) or (address is not None and address.is_unspecified)


def _refuse(call: str, target: Any) -> OSError:
    return OSError(f"{REFUSED}: {call} {target!r} (only loopback and localhost are allowed)")


def _socket_call(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(sock: socket.socket, address: Any, *rest: Any) -> Any:
        # sendto(data, [flags,] address) passes the address last; connect(address) first.
        target = rest[-1] if name == "sendto" else address
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_local(target[0]):
            raise _refuse(name, target)
        return original(sock, address, *rest)

    return guarded


def _resolver(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(host: Any, *rest: Any, **options: Any) -> Any:
        if not resolves_locally(host):
            raise _refuse(name, host)
        return original(host, *rest, **options)

    return guarded


def _reverse(original: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(address: Any) -> Any:
        if not is_local(address):
            raise _refuse("gethostbyaddr", address)
        return original(address)

    return guarded


def _name_info(original: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(sockaddr: Any, flags: int) -> Any:
        if not flags & socket.NI_NUMERICHOST and not is_local(sockaddr[0]):
            raise _refuse("getnameinfo", sockaddr)
        return original(sockaddr, flags)

    return guarded


def patches() -> list[tuple[Any, str, Callable[..., Any]]]:
    """Each ``(owner, attribute, guarded replacement)``, wrapping the current attribute."""
    found: list[tuple[Any, str, Callable[..., Any]]] = [
        (socket.socket, name, _socket_call(name, getattr(socket.socket, name)))
        for name in ("connect", "connect_ex", "sendto")
    ]
    found += [
        (socket, name, _resolver(name, getattr(socket, name)))
        for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex")
    ]
    found.append((socket, "gethostbyaddr", _reverse(socket.gethostbyaddr)))
    found.append((socket, "getnameinfo", _name_info(socket.getnameinfo)))
    return found


def install() -> None:
    """Apply the guard to this process for good (a child process's start-up)."""
    for owner, name, replacement in patches():
        setattr(owner, name, replacement)


def child_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The variables that give a Python child the guard: the hook first on its path."""
    path = [HOOK_DIR, *(p for p in environ.get("PYTHONPATH", "").split(os.pathsep) if p)]
    return {ENV_VAR: "1", "PYTHONPATH": os.pathsep.join(dict.fromkeys(path))}
