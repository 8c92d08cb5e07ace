"""``plcheck probe`` end to end: loopback DNS and TLS servers, through run() and the CLI."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from plcheck.aws import Scope
from plcheck.cli import build_app
from plcheck.cli import run as cli_run
from plcheck.errors import AwsCallError, AwsErrorKind, UsageError
from plcheck.model import Finding, Status
from plcheck.runs.probe import ProbeOptions
from plcheck.runs.probe import run as probe_run
from tests.support.dns_server import DnsMode, DnsServer
from tests.support.tls_server import Blackhole, Pki, TlsServer, unused_port


def run(options: ProbeOptions, ctx: Any = None) -> list[Finding]:
    return list(probe_run(options, ctx).findings)


HOST = "api.example.test"
Servers = Callable[..., TlsServer]


@dataclass
class World:
    """A DNS server and TLS servers sharing one port on 127.0.0.x."""

    dns: DnsServer
    pki: Pki
    servers: Servers
    ca_bundle: Path
    port: int

    def serve(self, host: str, cert: Any = None, **kwargs: Any) -> TlsServer:
        return self.servers(cert or self.pki.leaf(HOST), host=host, port=self.port, **kwargs)

    def options(self, **kwargs: Any) -> ProbeOptions:
        defaults: dict[str, Any] = {
            "hostname": HOST,
            "port": self.port,
            "resolver": self.dns.resolver,
            "ca_bundle": self.ca_bundle,
            # Generous: a handshake on a loaded machine can take a second. Tests of
            # timeouts pass their own.
            "timeout": 5.0,
        }
        return ProbeOptions(**{**defaults, **kwargs})


@pytest.fixture
def world(dns_server: DnsServer, pki: Pki, tls_servers: Servers, ca_bundle: Path) -> World:
    first = tls_servers(pki.leaf(HOST), host="127.0.0.2")
    return World(dns_server, pki, tls_servers, ca_bundle, first.port)


def by_check(findings: list[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        json.dumps(finding.as_dict())
        grouped.setdefault(finding.check, []).append(finding)
    return grouped


def statuses(findings: list[Finding]) -> dict[str, Status]:
    return {f"{f.check} {f.resource}": f.status for f in findings}


def test_all_good(world: World) -> None:
    world.serve("127.0.0.3")
    world.dns.add(HOST, "A", "127.0.0.2", "127.0.0.3")
    findings = run(world.options())
    assert statuses(findings) == {
        f"probe-dns {HOST}": Status.PASS,
        f"probe-tcp {HOST}@127.0.0.2": Status.PASS,
        f"probe-tcp {HOST}@127.0.0.3": Status.PASS,
        f"probe-tls {HOST}@127.0.0.2": Status.PASS,
        f"probe-tls {HOST}@127.0.0.3": Status.PASS,
    }


def test_nxdomain(world: World) -> None:
    grouped = by_check(run(world.options()))
    (dns,) = grouped["probe-dns"]
    assert dns.status is Status.FAIL
    assert "NXDOMAIN" in dns.message
    assert [f.status for f in grouped["probe-tcp"] + grouped["probe-tls"]] == [Status.SKIP] * 2


def test_resolver_that_does_not_answer(world: World) -> None:
    world.dns.add(HOST, "A", "127.0.0.2")
    world.dns.mode = DnsMode.SILENT
    started = time.monotonic()
    (dns, *_) = run(world.options(timeout=0.5))
    assert time.monotonic() - started < 5  # bounded (generous: ~0.5 s on a quiet machine)
    assert dns.status is Status.FAIL
    assert "timeout" in dns.message


def test_servfail(world: World) -> None:
    world.dns.mode = DnsMode.SERVFAIL
    (dns, *_) = run(world.options())
    assert "SERVFAIL" in dns.message


def test_refused_port(world: World) -> None:
    port = unused_port("127.0.0.2")
    world.dns.add(HOST, "A", "127.0.0.2")
    grouped = by_check(run(world.options(port=port)))
    (tcp,) = grouped["probe-tcp"]
    assert tcp.status is Status.FAIL
    assert f"127.0.0.2:{port} refused" in tcp.message
    assert grouped["probe-tls"][0].status is Status.SKIP


def test_port_that_never_answers_is_bounded_by_timeout(world: World) -> None:
    world.dns.add(HOST, "A", "127.0.0.9")
    with Blackhole("127.0.0.9", world.port):
        started = time.monotonic()
        grouped = by_check(run(world.options(timeout=0.5)))
        elapsed = time.monotonic() - started
    (tcp,) = grouped["probe-tcp"]
    assert tcp.status is Status.FAIL
    assert "timed out" in tcp.message
    assert elapsed < 5  # bounded (generous: ~0.5 s on a quiet machine)


def test_tls_that_never_answers_is_bounded_by_timeout(world: World) -> None:
    world.servers(None, host="127.0.0.4", port=world.port, stall=True)
    world.dns.add(HOST, "A", "127.0.0.4")
    started = time.monotonic()
    grouped = by_check(run(world.options(timeout=0.5)))
    assert time.monotonic() - started < 5  # bounded (generous: ~0.5 s on a quiet machine)
    assert grouped["probe-tcp"][0].status is Status.PASS
    (tls,) = grouped["probe-tls"]
    assert tls.status is Status.FAIL
    assert "no TLS handshake within 0.5 s" in tls.message


@pytest.mark.parametrize(
    ("leaf", "words"),
    [
        ({"expired": True}, "expired on"),
        ({"untrusted": True}, "chain not trusted"),
    ],
)
def test_bad_certificates_fail(world: World, leaf: dict[str, bool], words: str) -> None:
    world.serve("127.0.0.5", world.pki.leaf(HOST, **leaf))
    world.dns.add(HOST, "A", "127.0.0.5")
    (tls,) = by_check(run(world.options()))["probe-tls"]
    assert tls.status is Status.FAIL
    assert words in tls.message
    assert tls.details["certificate"]["dns_names"] == [HOST]  # described although unverified


def test_certificate_for_another_name(world: World) -> None:
    world.serve("127.0.0.5", world.pki.leaf("other.test"))
    world.dns.add(HOST, "A", "127.0.0.5")
    (tls,) = by_check(run(world.options()))["probe-tls"]
    assert tls.status is Status.FAIL
    assert "certificate is for other.test, not api.example.test" in tls.message
    # --sni checks (and sends) the other name instead
    (tls,) = by_check(run(world.options(sni="other.test")))["probe-tls"]
    assert tls.status is Status.PASS


def test_untrusted_certificate_with_insecure_warns(world: World) -> None:
    world.serve("127.0.0.5", world.pki.leaf(HOST, untrusted=True))
    world.dns.add(HOST, "A", "127.0.0.5")
    (tls,) = by_check(run(world.options(insecure=True)))["probe-tls"]
    assert tls.status is Status.WARN
    assert "not trusted" in tls.message


def test_without_ca_bundle_the_system_store_does_not_trust_the_test_ca(world: World) -> None:
    world.dns.add(HOST, "A", "127.0.0.2")
    (tls,) = by_check(run(world.options(ca_bundle=None)))["probe-tls"]
    assert tls.status is Status.FAIL
    assert "system trust store" in tls.message


def test_several_addresses_one_bad(world: World) -> None:
    world.serve("127.0.0.3")
    world.serve("127.0.0.4", world.pki.leaf(HOST, expired=True))
    refused = "127.0.0.6"  # nothing listens there on this port
    world.dns.add(HOST, "A", "127.0.0.2", "127.0.0.3", "127.0.0.4", refused)
    found = statuses(run(world.options()))
    assert found[f"probe-tcp {HOST}@{refused}"] is Status.FAIL
    assert found[f"probe-tls {HOST}@{refused}"] is Status.SKIP
    assert found[f"probe-tls {HOST}@127.0.0.4"] is Status.FAIL
    for good in ("127.0.0.2", "127.0.0.3"):
        assert found[f"probe-tcp {HOST}@{good}"] is Status.PASS
        assert found[f"probe-tls {HOST}@{good}"] is Status.PASS
    assert found[f"probe-dns {HOST}"] is Status.PASS


def test_delayed_addresses_are_probed_concurrently(world: World) -> None:
    delay, count = 0.5, 6
    hosts = [f"127.0.0.{40 + i}" for i in range(count)]
    for host in hosts:
        world.serve(host, delay=delay)
    world.dns.add(HOST, "A", *hosts)
    started = time.monotonic()
    findings = run(world.options(timeout=3))
    elapsed = time.monotonic() - started
    assert all(f.status is Status.PASS for f in findings)
    # In a row they would take count * delay = 3 s; together ~0.5 s (bound: 5x that).
    assert elapsed < count * delay - 0.1


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"port": 0}, "--port"),
        ({"port": 70000}, "--port"),
        ({"resolver": "dns.google"}, "not an IP address"),
        ({"resolver": "127.0.0.1:0"}, "port must be"),
        ({"ca_bundle": Path("/nonexistent/ca.pem")}, "no such file"),
        ({"timeout": 0}, "--timeout"),
        ({"hostname": "api.example.test/health"}, "a host name has no path"),
        ({"hostname": f"https://{HOST}:1/"}, "give the port once"),
        ({"endpoint": "vpce-nope"}, "malformed endpoint"),
        ({"scope": Scope(profile="dev")}, "only with --endpoint"),
    ],
)
def test_bad_input(world: World, kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(UsageError, match=words):
        run(world.options(**kwargs))


def test_ca_bundle_that_is_not_pem(world: World, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    with pytest.raises(UsageError, match="not a PEM file"):
        run(world.options(ca_bundle=junk))


# -- --endpoint, with the AWS layer replaced by recorded answers -------------------------

ENDPOINT = "vpce-0123456789abcdef0"
SVC = "vpce-svc-0123456789abcdef0"
REGIONAL = f"{ENDPOINT}-abcd1234.{SVC}.us-east-1.vpce.amazonaws.com"
ZONAL_A = f"{ENDPOINT}-abcd1234-us-east-1a.{SVC}.us-east-1.vpce.amazonaws.com"
ZONAL_B = f"{ENDPOINT}-abcd1234-us-east-1b.{SVC}.us-east-1.vpce.amazonaws.com"


class FakeAws:
    """Stands in for AwsContext: answers the two calls probe --endpoint makes."""

    def __init__(self, error: AwsCallError | None = None) -> None:
        self.error = error
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def region(self, scope: object) -> str:
        return "us-east-1"

    def call(self, scope: object, service: str, operation: str, **params: Any) -> dict[str, Any]:
        self.calls.append((operation, params))
        if self.error:
            raise self.error
        if operation == "describe_vpc_endpoints":
            return {
                "VpcEndpoints": [
                    {
                        "VpcEndpointId": ENDPOINT,
                        "OwnerId": "222222222222",
                        "ServiceName": f"com.amazonaws.vpce.us-east-1.{SVC}",
                        "NetworkInterfaceIds": ["eni-aaa", "eni-bbb"],
                        "DnsEntries": [
                            {"DnsName": REGIONAL, "HostedZoneId": "Z1"},
                            {"DnsName": ZONAL_A, "HostedZoneId": "Z1"},
                            {"DnsName": ZONAL_B, "HostedZoneId": "Z1"},
                            {"DnsName": HOST, "HostedZoneId": "Z2"},
                        ],
                        "DnsOptions": {"DnsRecordIpType": "ipv4"},
                    }
                ]
            }
        assert operation == "describe_network_interfaces"
        assert params == {"NetworkInterfaceIds": ["eni-aaa", "eni-bbb"]}  # one call for all
        return {
            "NetworkInterfaces": [
                {
                    "NetworkInterfaceId": eni,
                    "AvailabilityZone": zone,
                    "SubnetId": f"subnet-{eni[-3:]}",
                    "PrivateIpAddress": ip,
                    "PrivateIpAddresses": [{"PrivateIpAddress": ip, "Primary": True}],
                    "Ipv6Addresses": [],
                }
                for eni, zone, ip in (
                    ("eni-aaa", "us-east-1a", "127.0.0.2"),
                    ("eni-bbb", "us-east-1b", "127.0.0.3"),
                )
            ]
        }


def _endpoint_dns(world: World, host_answer: tuple[str, ...]) -> None:
    world.dns.add(HOST, "A", *host_answer)
    world.dns.add(REGIONAL, "A", "127.0.0.2", "127.0.0.3")
    world.dns.add(ZONAL_A, "A", "127.0.0.2")
    world.dns.add(ZONAL_B, "A", "127.0.0.3")


def test_endpoint_names_are_probed_and_compared(world: World) -> None:
    world.serve("127.0.0.3")
    _endpoint_dns(world, ("127.0.0.2", "127.0.0.3"))
    aws = FakeAws()
    findings = run(world.options(endpoint=ENDPOINT), ctx=aws)  # type: ignore[arg-type]
    grouped = by_check(findings)
    assert [f.resource for f in grouped["probe-dns"]] == [HOST, REGIONAL, ZONAL_A, ZONAL_B]
    assert all(f.status is Status.PASS for f in findings), [f.message for f in findings]
    assert all((f.account, f.region) == ("222222222222", "us-east-1") for f in findings)
    assert "127.0.0.2 (eni-aaa, us-east-1a)" in grouped["probe-dns"][0].message
    # one TCP and one TLS finding per distinct address, naming every name behind it
    assert len(grouped["probe-tcp"]) == len(grouped["probe-tls"]) == 2
    tcp = {f.resource: f for f in grouped["probe-tcp"]}
    assert tcp[f"{HOST}@127.0.0.2"].details["names"] == [HOST, REGIONAL, ZONAL_A]
    assert tcp[f"{HOST}@127.0.0.3"].details["names"] == [HOST, REGIONAL, ZONAL_B]
    assert [c[0] for c in aws.calls] == ["describe_vpc_endpoints", "describe_network_interfaces"]


def test_endpoint_stale_record_fails(world: World) -> None:
    world.serve("127.0.0.3")
    world.serve("127.0.0.7")
    _endpoint_dns(world, ("127.0.0.2", "127.0.0.7"))
    findings = run(world.options(endpoint=ENDPOINT), ctx=FakeAws())  # type: ignore[arg-type]
    host_dns = next(f for f in findings if f.check == "probe-dns" and f.resource == HOST)
    assert host_dns.status is Status.FAIL
    assert host_dns.details["extra"] == ["127.0.0.7"]
    assert host_dns.details["missing"] == ["127.0.0.3"]


def test_endpoint_that_cannot_be_read_is_an_error_and_the_probe_goes_on(world: World) -> None:
    world.dns.add(HOST, "A", "127.0.0.2")
    denied = AwsCallError(
        AwsErrorKind.ACCESS_DENIED, "ec2:DescribeVpcEndpoints", "UnauthorizedOperation", "no"
    )
    findings = run(world.options(endpoint=ENDPOINT), ctx=FakeAws(denied))  # type: ignore[arg-type]
    found = statuses(findings)
    assert found[f"probe-dns {ENDPOINT}"] is Status.ERROR
    assert found[f"probe-dns {HOST}"] is Status.PASS
    assert found[f"probe-tls {HOST}@127.0.0.2"] is Status.PASS


# -- through the CLI -------------------------------------------------------------------


def _cli_args(world: World, *extra: str) -> list[str]:
    return [
        "probe",
        HOST,
        "--port",
        str(world.port),
        "--resolver",
        world.dns.resolver,
        "--ca-bundle",
        str(world.ca_bundle),
        "--timeout",
        "5",
        "--format",
        "json",
        *extra,
    ]


def test_cli_json_report_all_good(world: World) -> None:
    world.dns.add(HOST, "A", "127.0.0.2")
    result = CliRunner().invoke(build_app(), _cli_args(world))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["command"] == "probe"
    assert report["summary"]["pass"] == 3
    assert {f["check"] for f in report["findings"]} == {"probe-dns", "probe-tcp", "probe-tls"}
    tls = next(f for f in report["findings"] if f["check"] == "probe-tls")
    assert tls["details"]["verified"] is True
    assert tls["details"]["protocol"].startswith("TLSv1.")
    (view,) = report["views"]
    assert view["rows"][0][0] == "127.0.0.2"


def test_cli_insecure_and_fail_on(world: World) -> None:
    world.serve("127.0.0.5", world.pki.leaf(HOST, untrusted=True))
    world.dns.add(HOST, "A", "127.0.0.5")
    strict = CliRunner().invoke(build_app(), _cli_args(world))
    assert strict.exit_code == 1
    lenient = CliRunner().invoke(build_app(), _cli_args(world, "--insecure"))
    assert lenient.exit_code == 0
    report = json.loads(lenient.stdout)
    assert report["summary"]["warn"] == 1
    picky = CliRunner().invoke(build_app(), _cli_args(world, "-k", "--fail-on", "warn"))
    assert picky.exit_code == 1


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--resolver", "nonsense"], "bad resolver"),
        (["--ca-bundle", "/nonexistent.pem"], "no such file"),
        (["--port", "0"], "--port"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_run(["probe", HOST, *args]) == 2
    err = capsys.readouterr().err
    assert words in err
    assert err.count("\n") == 1
