"""probe-dns: resolving with dnspython (against the loopback server) and judging answers."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plcheck.checks import probe_dns
from plcheck.facts.endpoints import EndpointInfo, EndpointInterface
from plcheck.model import Finding, Status
from plcheck.probe.dns import DnsErrorKind, DnsResult, Nameserver, parse_nameserver, resolve
from tests.support.dns_server import DnsMode, DnsServer

HOST = "api.example.test"

# -- gathering ---------------------------------------------------------------------


def _ns(server: DnsServer) -> Nameserver:
    return parse_nameserver(server.resolver)


def test_resolve_returns_a_then_aaaa(dns_server: DnsServer) -> None:
    dns_server.add(HOST, "A", "10.0.1.5")
    dns_server.add(HOST, "AAAA", "fd00::5")
    result = resolve(HOST, _ns(dns_server), timeout=1)
    assert result.ok
    assert result.addresses == ("10.0.1.5", "fd00::5")
    assert result.resolver == dns_server.resolver
    assert {q.rdtype for q in dns_server.queries} == {"A", "AAAA"}


def test_resolve_follows_cname(dns_server: DnsServer) -> None:
    dns_server.add("alias.example.test", "CNAME", f"{HOST}.")
    dns_server.add(HOST, "A", "10.0.1.5")
    result = resolve("alias.example.test.", _ns(dns_server), timeout=1)
    assert result.name == "alias.example.test"
    assert result.addresses == ("10.0.1.5",)
    assert result.canonical_name == HOST


@pytest.mark.parametrize(
    ("mode", "kind"),
    [(DnsMode.SERVFAIL, DnsErrorKind.SERVFAIL), (DnsMode.REFUSED, DnsErrorKind.REFUSED)],
)
def test_resolve_server_errors(dns_server: DnsServer, mode: DnsMode, kind: DnsErrorKind) -> None:
    dns_server.add(HOST, "A", "10.0.1.5")
    dns_server.mode = mode
    result = resolve(HOST, _ns(dns_server), timeout=1)
    assert result.error is kind
    assert not result.ok


def test_resolve_nxdomain_and_no_answer(dns_server: DnsServer) -> None:
    dns_server.add("txt-only.example.test", "TXT", "hello")
    assert resolve(HOST, _ns(dns_server), timeout=1).error is DnsErrorKind.NXDOMAIN
    assert resolve("txt-only.example.test", _ns(dns_server), 1).error is DnsErrorKind.NO_ANSWER


def test_resolve_times_out_within_the_timeout(dns_server: DnsServer) -> None:
    dns_server.mode = DnsMode.SILENT
    started = time.monotonic()
    result = resolve(HOST, _ns(dns_server), timeout=0.4)
    elapsed = time.monotonic() - started
    assert result.error is DnsErrorKind.TIMEOUT
    assert elapsed < 4  # bounded by the timeout (~0.4 s on a quiet machine)


def test_ip_literal_is_not_resolved() -> None:
    result = resolve("10.0.0.1")
    assert result.literal
    assert result.addresses == ("10.0.0.1",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.0.0.2", Nameserver("10.0.0.2", 53)),
        ("127.0.0.1:5353", Nameserver("127.0.0.1", 5353)),
        ("fd00::2", Nameserver("fd00::2", 53)),
        ("[fd00::2]:5300", Nameserver("fd00::2", 5300)),
    ],
)
def test_parse_nameserver(text: str, expected: Nameserver) -> None:
    assert parse_nameserver(text) == expected


@pytest.mark.parametrize(
    "text", ["dns.google", "10.0.0.2:0", "10.0.0.2:70000", "10.0.0.2:", "[fd00::2", "1.2.3.4:x"]
)
def test_parse_nameserver_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="bad resolver"):
        parse_nameserver(text)


# -- judging -------------------------------------------------------------------------


def _ok(*addresses: str, name: str = HOST) -> DnsResult:
    return DnsResult(name, resolver="10.0.0.2:53", addresses=addresses, timeout=5)


def _only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1
    json.dumps(findings[0].as_dict())  # details are JSON-serialisable
    return findings[0]


def test_private_answer_passes() -> None:
    finding = _only(probe_dns.evaluate(_ok("10.0.1.5", "10.0.2.7")))
    assert finding.status is Status.PASS
    assert finding.check == "probe-dns"
    assert finding.resource == HOST
    assert "10.0.1.5, 10.0.2.7 (private)" in finding.message


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        (DnsErrorKind.NXDOMAIN, "NXDOMAIN"),
        (DnsErrorKind.SERVFAIL, "SERVFAIL"),
        (DnsErrorKind.TIMEOUT, "timeout"),
        (DnsErrorKind.NO_ANSWER, "no A or AAAA"),
        (DnsErrorKind.REFUSED, "refused"),
        (DnsErrorKind.NO_RESOLVER, "no resolver"),
    ],
)
def test_failures_say_which(kind: DnsErrorKind, words: str) -> None:
    result = DnsResult(HOST, resolver="10.0.0.2:53", error=kind, timeout=2)
    finding = _only(probe_dns.evaluate(result))
    assert finding.status is Status.FAIL
    assert words in finding.message
    assert "10.0.0.2:53" in finding.message
    assert finding.remediation
    assert finding.details["error"] == kind.value


def test_public_answer_warns_and_names_the_public_addresses() -> None:
    finding = _only(probe_dns.evaluate(_ok("10.0.1.5", "52.94.236.248")))
    assert finding.status is Status.WARN
    assert "52.94.236.248" in finding.message
    assert "10.0.1.5" not in finding.message.split("public addresses")[1]
    assert "leave PrivateLink" in finding.message


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "shared"),
        ("100.127.255.254", "shared"),
        ("8.8.8.8", "public"),
        ("127.0.0.2", "loopback"),
        ("169.254.169.253", "link-local"),
        ("fd00::1", "private"),
        ("2600:1f18::1", "public"),
        ("::ffff:8.8.8.8", "public"),
        ("::ffff:10.0.0.1", "private"),
        ("192.0.2.1", "private"),  # TEST-NET: not routable, Python calls it private
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
    ],
)
def test_classify(address: str, kind: str) -> None:
    assert probe_dns.classify(address) == kind


@given(st.ip_addresses())
def test_only_global_addresses_are_public(address: object) -> None:
    import ipaddress

    ip = ipaddress.ip_address(str(address))
    mapped = getattr(ip, "ipv4_mapped", None) or ip
    assert (probe_dns.classify(str(ip)) == "public") == (
        mapped.is_global and not mapped.is_multicast
    )


def test_shared_address_space_does_not_warn() -> None:
    assert _only(probe_dns.evaluate(_ok("100.64.1.1"))).status is Status.PASS


def test_ip_literal_is_skipped() -> None:
    result = DnsResult("10.0.0.1", resolver="-", addresses=("10.0.0.1",), literal=True)
    assert _only(probe_dns.evaluate(result)).status is Status.SKIP


# -- judging against an endpoint -------------------------------------------------------

ENDPOINT = EndpointInfo(
    endpoint_id="vpce-0123456789abcdef0",
    account="222222222222",
    region="us-east-1",
    service_name="com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
    dns_names=(
        "vpce-0123456789abcdef0-abcd1234.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com",
        "vpce-0123456789abcdef0-abcd1234-us-east-1a.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com",
    ),
    interfaces=(
        EndpointInterface("eni-aaa", "us-east-1a", "subnet-a", ("10.0.1.5", "fd00::5")),
        EndpointInterface("eni-bbb", "us-east-1b", "subnet-b", ("10.0.2.7",)),
    ),
)


def test_endpoint_exact_match_passes_and_lists_zones() -> None:
    finding = _only(probe_dns.evaluate(_ok("10.0.2.7", "10.0.1.5"), ENDPOINT))
    assert finding.status is Status.PASS
    assert "10.0.1.5 (eni-aaa, us-east-1a)" in finding.message
    assert "10.0.2.7 (eni-bbb, us-east-1b)" in finding.message
    assert (finding.account, finding.region) == ("222222222222", "us-east-1")
    assert finding.details["extra"] == []
    assert finding.details["missing"] == []


def test_endpoint_extra_addresses_fail() -> None:
    finding = _only(probe_dns.evaluate(_ok("10.0.1.5", "10.0.2.7", "10.9.9.9"), ENDPOINT))
    assert finding.status is Status.FAIL
    assert finding.details["extra"] == ["10.9.9.9"]
    assert "not vpce-0123456789abcdef0's: 10.9.9.9" in finding.message


def test_endpoint_public_answer_fails() -> None:
    finding = _only(probe_dns.evaluate(_ok("52.94.236.248"), ENDPOINT))
    assert finding.status is Status.FAIL
    assert "52.94.236.248 (public)" in finding.message
    assert finding.details["missing"] == ["10.0.1.5", "10.0.2.7"]


def test_endpoint_missing_addresses_warn() -> None:
    finding = _only(probe_dns.evaluate(_ok("10.0.1.5"), ENDPOINT))
    assert finding.status is Status.WARN
    assert "missing: 10.0.2.7 (eni-bbb, us-east-1b)" in finding.message


def test_zonal_name_expects_only_its_zone() -> None:
    zonal = ENDPOINT.dns_names[1]
    assert ENDPOINT.zone_of(zonal) == "us-east-1a"
    assert _only(probe_dns.evaluate(_ok("10.0.1.5", name=zonal), ENDPOINT)).status is Status.PASS
    wrong = _only(probe_dns.evaluate(_ok("10.0.2.7", name=zonal), ENDPOINT))
    assert wrong.status is Status.FAIL
    assert "in us-east-1a" in wrong.message


def test_dualstack_endpoint_expects_aaaa_too() -> None:
    from dataclasses import replace

    dualstack = replace(ENDPOINT, dns_record_ip_type="dualstack")
    assert dualstack.expected_addresses(HOST) == ("10.0.1.5", "fd00::5", "10.0.2.7")
    both = _ok("10.0.1.5", "10.0.2.7", "fd00::5")
    assert _only(probe_dns.evaluate(both, dualstack)).status is Status.PASS
