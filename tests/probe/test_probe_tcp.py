"""probe-tcp: concurrent connects against loopback listeners, and judging the results.

Making a port "never answer" on loopback: a listener with backlog 0 that never
accepts takes one connection; after that the kernel drops SYNs, so connects time
out exactly like against a security group that drops packets (see
tests/support/tls_server.py, ``Blackhole``).
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from plcheck.checks import probe_tcp
from plcheck.model import Finding, Status
from plcheck.probe.net import TcpErrorKind, TcpResult, connect_all
from tests.support.tls_server import Blackhole, unused_port


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    sock = socket.socket()
    sock.bind(("127.0.0.2", 0))
    sock.listen(16)
    yield sock
    sock.close()


def test_connect_all_reports_connected_refused_and_timeout(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    with Blackhole("127.0.0.9", port):
        started = time.monotonic()
        results = connect_all(["127.0.0.2", "127.0.0.8", "127.0.0.9", "127.0.0.2"], port, 0.5)
        elapsed = time.monotonic() - started
    assert [r.address for r in results] == ["127.0.0.2", "127.0.0.8", "127.0.0.9"]  # deduplicated
    ok, refused, dropped = results
    assert ok.connected
    assert ok.latency_ms is not None
    assert refused.error is TcpErrorKind.REFUSED
    assert dropped.error is TcpErrorKind.TIMEOUT
    assert elapsed < 5  # bounded by the timeout (~0.5 s on a quiet machine)


def test_timeouts_run_concurrently() -> None:
    with ExitStack() as stack:
        first = stack.enter_context(Blackhole("127.0.0.20"))
        holes = [
            first,
            *(stack.enter_context(Blackhole(f"127.0.0.{i}", first.port)) for i in range(21, 26)),
        ]
        started = time.monotonic()
        results = connect_all([h.host for h in holes], first.port, 0.5)
        elapsed = time.monotonic() - started
    assert all(r.error is TcpErrorKind.TIMEOUT for r in results)
    # Six timeouts of 0.5 s in a row take 3 s; together about 0.5 s (bound: 5x that).
    assert elapsed < 6 * 0.5 - 0.1


def test_no_addresses() -> None:
    assert connect_all([], unused_port(), 1) == ()


# -- judging ----------------------------------------------------------------------


def _judge(*results: TcpResult) -> list[Finding]:
    findings = probe_tcp.evaluate(
        "api.example.test", results, names={"10.0.1.5": ["api.example.test"]}
    )
    for f in findings:
        json.dumps(f.as_dict())
    return findings


def test_connected_passes_with_latency() -> None:
    (finding,) = _judge(TcpResult("10.0.1.5", 443, True, latency_ms=1.234, timeout=5))
    assert finding.status is Status.PASS
    assert finding.resource == "api.example.test@10.0.1.5"
    assert "10.0.1.5:443" in finding.message
    assert "1.2 ms" in finding.message
    assert finding.details["names"] == ["api.example.test"]


def test_refused_and_timeout_fail_saying_which() -> None:
    refused, dropped = _judge(
        TcpResult("10.0.1.5", 443, False, error=TcpErrorKind.REFUSED, timeout=5),
        TcpResult("10.0.2.7", 443, False, error=TcpErrorKind.TIMEOUT, timeout=2.5),
    )
    assert refused.status is dropped.status is Status.FAIL
    assert "10.0.1.5:443 refused" in refused.message
    assert "10.0.2.7:443 timed out" in dropped.message
    assert "2.5 s" in dropped.message
    assert "security groups" in dropped.remediation
    assert dropped.details["error"] == "timeout"


def test_unreachable_and_ipv6() -> None:
    (finding,) = _judge(
        TcpResult("fd00::5", 443, False, error=TcpErrorKind.UNREACHABLE, detail="No route")
    )
    assert finding.status is Status.FAIL
    assert "[fd00::5]:443 is unreachable" in finding.message


def test_nothing_to_connect_to_is_skipped() -> None:
    (finding,) = _judge()
    assert finding.status is Status.SKIP
