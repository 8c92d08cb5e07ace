"""What ``plcheck probe`` takes, through the CLI: HOST:PORT and https:// URLs, names that
break RFC 1035 (exit 2, naming the rule), and a --resolver that refuses or is not there."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from plcheck.cli import run
from plcheck.sim.tls_server import unused_port
from tests.support.dns_server import DnsMode, DnsServer
from tests.support.tls_server import Pki, TlsServer

HOST = "api.example.test"


@pytest.fixture
def served(dns_server: DnsServer, pki: Pki, tls_servers: Callable[..., TlsServer]) -> TlsServer:
    """A TLS server for HOST on 127.0.0.2, which the loopback DNS server names."""
    server = tls_servers(pki.leaf(HOST), host="127.0.0.2")
    dns_server.add(HOST, "A", "127.0.0.2")
    return server


def probe_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = run(["probe", *args, "--timeout", "1", "--format", "json"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    return code, json.loads(out)


@pytest.mark.parametrize(
    "target",
    [
        "{host}:{port}",
        "https://{host}:{port}/health?x=1",
        "https://user@{host}:{port}",
        "{host}.:{port}",
    ],
)
def test_host_and_port_in_one_argument(
    target: str,
    served: TlsServer,
    dns_server: DnsServer,
    ca_bundle: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, report = probe_json(
        capsys,
        target.format(host=HOST, port=served.port),
        "--resolver",
        dns_server.resolver,
        "--ca-bundle",
        str(ca_bundle),
    )
    assert code == 0, report
    findings = report["findings"]
    assert isinstance(findings, list)
    assert {f["check"]: f["status"] for f in findings} == {
        "probe-dns": "pass",
        "probe-tcp": "pass",
        "probe-tls": "pass",
    }
    # The name went to DNS without the port, and the port to TCP and TLS.
    assert {q.name for q in dns_server.queries} == {HOST}
    assert f"port {served.port}" in json.dumps(report["views"])


def test_the_same_port_twice_is_fine(
    served: TlsServer, dns_server: DnsServer, ca_bundle: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = str(served.port)
    code, _ = probe_json(
        capsys, f"{HOST}:{port}", "--port", port, "--resolver", dns_server.resolver,
        "--ca-bundle", str(ca_bundle),
    )  # fmt: skip
    assert code == 0


def usage_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert run(["probe", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("plcheck: error: ")
    return err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["api.example.test:8443", "--port", "443"], "names port 8443 but --port is 443"),
        (["https://api.example.test:8443/", "--port", "9443"], "names port 8443 but --port"),
        (["api.example.test:0"], "the port must be 1-65535, not '0'"),
        (["api.example.test:https"], "the port must be 1-65535, not 'https'"),
        (["http://api.example.test/"], "takes https:// URLs (or HOST:PORT)"),
        (["https:///path"], "the URL has no host name"),
        (["api.example.test/health"], "a host name has no path"),
    ],
)
def test_bad_targets_are_exit_2_saying_why(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert words in usage_error(capsys, *args)


LONG_LABEL = "a" * 64
LONG_NAME = ".".join(["b" * 63] * 4)  # 4 * 63 + 3 dots = 255 characters


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("", "empty host name ''"),
        ("   ", "empty host name"),
        ("api example.test", "a host name has no spaces"),
        ("api..example.test", "empty label"),
        (f"{LONG_LABEL}.example.test", "is 64 octets; RFC 1035 §2.3.4 allows 63"),
        (LONG_NAME, "it is 255 octets; RFC 1035 §2.3.4 allows 253 (255 on the wire)"),
    ],
)
def test_names_that_break_rfc_1035_are_exit_2_naming_the_rule(
    name: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert words in usage_error(capsys, name)


def test_the_longest_names_rfc_1035_allows_go_to_dns(
    dns_server: DnsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    longest = ".".join(["c" * 63, "c" * 63, "c" * 63, "c" * 61])  # 253 characters
    code, report = probe_json(capsys, longest, "--resolver", dns_server.resolver)
    assert code == 1  # NXDOMAIN from the loopback server: a DNS answer, not a usage error
    assert [q.name for q in dns_server.queries if q.rdtype == "A"] == [longest]
    assert "NXDOMAIN" in json.dumps(report)


def dns_message(report: dict[str, object]) -> str:
    findings = report["findings"]
    assert isinstance(findings, list)
    [dns] = [f for f in findings if f["check"] == "probe-dns"]
    assert dns["status"] == "fail"
    return str(dns["message"])


def test_a_resolver_that_refuses_says_udp_then_tcp(capsys: pytest.CaptureFixture[str]) -> None:
    with DnsServer(mode=DnsMode.REFUSED) as refusing:
        _, report = probe_json(capsys, HOST, "--resolver", refusing.resolver)
        transports = {(q.rdtype, q.transport) for q in refusing.queries}
    message = dns_message(report)
    assert "the resolver refused the query" in message
    assert "tried UDP: REFUSED, then TCP: REFUSED" in message
    assert transports == {("A", "udp"), ("A", "tcp"), ("AAAA", "udp"), ("AAAA", "tcp")}


def test_a_resolver_that_is_not_there_says_what_tcp_found(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, report = probe_json(capsys, HOST, "--resolver", f"127.0.0.1:{unused_port()}")
    message = dns_message(report)
    assert "tried UDP: no answer within 1 s, then TCP: connection refused" in message


def test_a_resolver_that_answers_asks_over_udp_only(
    served: TlsServer, dns_server: DnsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    probe_json(capsys, HOST, "--resolver", dns_server.resolver, "--insecure")
    assert {q.transport for q in dns_server.queries} == {"udp"}


TOML = """\
[[link]]
name = "burrito"
service = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
provider = {{ profile = "provider", region = "us-east-1" }}

[[link.consumer]]
profile = "consumer"
region = "us-east-1"
vpc = "vpc-0123456789abcdef0"
probe = {{ host = "{host}" }}
"""


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("api.example.test:8443", 'host is a name only: write host = "api.example.test" and '
         "port = 8443"),
        ("https://api.example.test/", 'host is a name only: write host = "api.example.test"'),
        (f"{LONG_LABEL}.example.test", "RFC 1035 §2.3.4 allows 63"),
    ],
)  # fmt: skip
def test_a_toml_probe_host_follows_the_same_rules(
    host: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "plcheck.toml"
    config.write_text(TOML.format(host=host))
    assert run(["check", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert words in err
    assert "plcheck.toml:10: " in err
