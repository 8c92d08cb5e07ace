"""The shared loopback servers themselves: what other features rely on."""

from __future__ import annotations

import socket
import time

import dns.resolver
import pytest

from tests.support.dns_server import DnsMode, DnsServer
from tests.support.tls_server import Blackhole, unused_port


def _resolver(server: DnsServer) -> dns.resolver.Resolver:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [server.host]
    resolver.port = server.port
    resolver.lifetime = 1.0
    return resolver


def test_dns_server_serves_txt_records_over_udp_and_large_ones_over_tcp(
    dns_server: DnsServer,
) -> None:
    dns_server.add("_verify.example.test", "TXT", "token=abc", "second")
    dns_server.add("big.example.test", "TXT", "x" * 700)
    resolver = _resolver(dns_server)
    small = resolver.resolve("_verify.example.test", "TXT")
    assert sorted(b"".join(r.strings).decode() for r in small) == ["second", "token=abc"]
    big = resolver.resolve("big.example.test", "TXT")
    assert [len(b"".join(r.strings)) for r in big] == [700]
    transports = [(q.name, q.transport) for q in dns_server.queries]
    assert ("big.example.test", "tcp") in transports  # truncated over UDP, retried over TCP


def test_dns_server_cname_nxdomain_nodata_and_modes() -> None:
    records = {
        "Alias.Example.Test.": {"CNAME": ["target.example.test."]},
        "target.example.test": {"A": ["127.0.0.5"]},
    }
    with DnsServer(records) as server:
        resolver = _resolver(server)
        answer = resolver.resolve("alias.example.test", "A")
        assert [r.address for r in answer] == ["127.0.0.5"]
        assert answer.canonical_name.to_text() == "target.example.test."
        with pytest.raises(dns.resolver.NXDOMAIN):
            resolver.resolve("missing.example.test", "A")
        with pytest.raises(dns.resolver.NoAnswer):
            resolver.resolve("target.example.test", "AAAA")
        server.mode = DnsMode.SERVFAIL
        with pytest.raises(dns.resolver.NoNameservers):
            resolver.resolve("target.example.test", "A")
        server.mode = DnsMode.SILENT
        with pytest.raises(dns.resolver.LifetimeTimeout):
            resolver.resolve("target.example.test", "A", lifetime=0.3)


def test_unused_port_refuses_and_blackhole_times_out() -> None:
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", unused_port("127.0.0.1")), timeout=1).close()
    with Blackhole("127.0.0.9") as hole:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            socket.create_connection((hole.host, hole.port), timeout=0.3).close()
        assert time.monotonic() - started >= 0.25
