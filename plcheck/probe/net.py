"""Open TCP connections to many addresses at once, timing each, as ``nc -z`` would."""

from __future__ import annotations

import errno
import ipaddress
import socket
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from plcheck.facts.probe import TcpErrorKind, TcpResult

#: Upper bound on concurrent connections (an endpoint has at most one ENI per zone).
MAX_WORKERS = 32


def connect(address: str, port: int, timeout: float) -> TcpResult:
    """Open (and close) one TCP connection to ``address:port``."""
    family = socket.AF_INET6 if ipaddress.ip_address(address).version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    started = time.perf_counter()
    try:
        sock.connect((address, port))
    except TimeoutError as exc:
        return TcpResult(
            address,
            port,
            False,
            error=TcpErrorKind.TIMEOUT,
            detail=str(exc) or "timed out",
            timeout=timeout,
        )
    except ConnectionRefusedError as exc:
        return TcpResult(
            address,
            port,
            False,
            error=TcpErrorKind.REFUSED,
            detail=exc.strerror or str(exc),
            timeout=timeout,
        )
    except OSError as exc:
        unreachable = exc.errno in {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL}
        kind = TcpErrorKind.UNREACHABLE if unreachable else TcpErrorKind.ERROR
        return TcpResult(
            address, port, False, error=kind, detail=exc.strerror or str(exc), timeout=timeout
        )
    else:
        latency = (time.perf_counter() - started) * 1000
        return TcpResult(address, port, True, latency_ms=round(latency, 2), timeout=timeout)
    finally:
        sock.close()


def connect_all(addresses: Iterable[str], port: int, timeout: float) -> tuple[TcpResult, ...]:
    """Connect to every address concurrently; results in the order of ``addresses``."""
    unique = list(dict.fromkeys(addresses))
    if not unique:
        return ()
    workers = min(MAX_WORKERS, len(unique))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="plcheck-tcp") as pool:
        return tuple(pool.map(lambda address: connect(address, port, timeout), unique))
