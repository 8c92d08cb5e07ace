"""probe-tls: handshakes against loopback TLS servers, name matching, and judging."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from plcheck.checks import probe_tls
from plcheck.model import Finding, Status
from plcheck.probe.tls import CertInfo, TlsErrorKind, TlsResult, handshake, handshake_all
from tests.support.tls_server import Pki, TlsServer, unused_port

HOST = "api.example.test"
Servers = Callable[..., TlsServer]

# -- gathering ---------------------------------------------------------------------


def test_good_certificate_verifies_and_is_described(
    pki: Pki, tls_servers: Servers, ca_bundle: Path
) -> None:
    server = tls_servers(pki.leaf(HOST, "*.example.test"), host="127.0.0.2")
    result = handshake("127.0.0.2", server.port, HOST, ca_bundle=ca_bundle, timeout=2)
    assert result.handshake
    assert result.verified
    assert result.protocol.startswith("TLSv1.")
    assert result.cert is not None
    assert result.cert.dns_names == (HOST, "*.example.test")
    assert result.cert.not_after > datetime.now(timezone.utc)
    assert result.trust == str(ca_bundle)


def test_system_trust_store_does_not_trust_the_test_ca(pki: Pki, tls_servers: Servers) -> None:
    server = tls_servers(pki.leaf(HOST), host="127.0.0.2")
    result = handshake("127.0.0.2", server.port, HOST, timeout=2)
    assert result.handshake
    assert not result.verified
    assert result.trust == "system trust store"
    assert result.cert is not None
    assert result.cert.dns_names == (HOST,)


@pytest.mark.parametrize(
    ("kwargs", "verify_error"),
    [
        ({"expired": True}, "expired"),
        ({"untrusted": True}, "local issuer"),
    ],
)
def test_unverifiable_certificates_are_still_described(
    pki: Pki, tls_servers: Servers, ca_bundle: Path, kwargs: dict[str, bool], verify_error: str
) -> None:
    server = tls_servers(pki.leaf(HOST, **kwargs), host="127.0.0.3")
    result = handshake("127.0.0.3", server.port, HOST, ca_bundle=ca_bundle, timeout=2)
    assert result.handshake
    assert not result.verified
    assert verify_error in result.verify_error
    assert result.cert is not None
    assert result.cert.dns_names == (HOST,)
    assert result.protocol


def test_without_cryptography_the_unverified_certificate_is_not_described(
    pki: Pki, tls_servers: Servers, ca_bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = tls_servers(pki.leaf(HOST, untrusted=True), host="127.0.0.3")
    monkeypatch.setitem(sys.modules, "cryptography", None)  # makes its import fail
    result = handshake("127.0.0.3", server.port, HOST, ca_bundle=ca_bundle, timeout=2)
    assert result.handshake
    assert result.cert is None
    assert "cryptography" in result.cert_note
    (finding,) = probe_tls.evaluate([result], hostname=HOST)
    assert finding.status is Status.FAIL
    assert "not inspected" in finding.message


def test_stalled_handshake_times_out(pki: Pki, tls_servers: Servers) -> None:
    server = tls_servers(None, host="127.0.0.4", stall=True)
    started = time.monotonic()
    result = handshake("127.0.0.4", server.port, HOST, timeout=0.5)
    assert time.monotonic() - started < 5  # bounded (~0.5 s on a quiet machine)
    assert not result.handshake
    assert result.error is TlsErrorKind.TIMEOUT


def test_refused_handshake() -> None:
    result = handshake("127.0.0.5", unused_port("127.0.0.5"), HOST, timeout=1)
    assert result.error is TlsErrorKind.CONNECT


def test_delayed_handshakes_run_concurrently(
    pki: Pki, tls_servers: Servers, ca_bundle: Path
) -> None:
    delay, count = 0.5, 8
    first = tls_servers(pki.leaf(HOST), host="127.0.0.30", delay=delay)
    for i in range(1, count):
        tls_servers(pki.leaf(HOST), host=f"127.0.0.{30 + i}", port=first.port, delay=delay)
    addresses = [f"127.0.0.{30 + i}" for i in range(count)]
    started = time.monotonic()
    results = handshake_all(addresses, first.port, HOST, ca_bundle=ca_bundle, timeout=3)
    elapsed = time.monotonic() - started
    assert all(r.verified for r in results)
    # In a row they would take count * delay = 4 s; together ~0.5 s (bound: 7x that).
    assert elapsed < count * delay - 0.1


# -- name matching ------------------------------------------------------------------


def _cert(*dns_names: str, ips: tuple[str, ...] = (), days: float = 200) -> CertInfo:
    now = datetime.now(timezone.utc)
    return CertInfo(
        subject="CN=x",
        common_name="x",
        issuer="CN=Test CA",
        dns_names=dns_names,
        ip_addresses=ips,
        not_before=now - timedelta(days=10),
        not_after=now + timedelta(days=days),
        serial="01",
        sha256="00",
    )


@pytest.mark.parametrize(
    ("names", "host", "covered"),
    [
        (("api.example.test",), "api.example.test", True),
        (("API.Example.Test",), "api.example.test.", True),
        (("*.example.test",), "api.example.test", True),
        (("*.example.test",), "a.b.example.test", False),
        (("*.example.test",), "example.test", False),
        (("*.test",), "example.test", False),  # no wildcard directly under a TLD
        (("other.test",), "api.example.test", False),
        ((), "api.example.test", False),
    ],
)
def test_covers(names: tuple[str, ...], host: str, covered: bool) -> None:
    assert probe_tls.covers(_cert(*names), host) is covered


def test_covers_ip_addresses() -> None:
    assert probe_tls.covers(_cert(ips=("10.0.1.5",)), "10.0.1.5")
    assert not probe_tls.covers(_cert("10.0.1.5"), "10.0.1.5")


# -- judging -------------------------------------------------------------------------


def _result(cert: CertInfo | None = None, **kwargs: Any) -> TlsResult:
    base = TlsResult(
        address="10.0.1.5",
        port=443,
        server_name=HOST,
        handshake=True,
        verified=True,
        protocol="TLSv1.3",
        cert=cert if cert is not None else _cert(HOST),
        timeout=5,
    )
    return replace(base, **kwargs)


def _one(result: TlsResult, **kwargs: Any) -> Finding:
    (finding,) = probe_tls.evaluate([result], hostname=HOST, **kwargs)
    json.dumps(finding.as_dict())
    assert finding.resource == f"{HOST}@10.0.1.5"
    return finding


def test_trusted_matching_current_certificate_passes() -> None:
    finding = _one(_result())
    assert finding.status is Status.PASS
    assert "TLSv1.3" in finding.message
    assert finding.details["days_left"] in (199, 200)
    assert finding.details["certificate"]["dns_names"] == [HOST]


def test_certificate_for_another_name_fails() -> None:
    finding = _one(_result(_cert("other.test")))
    assert finding.status is Status.FAIL
    assert "certificate is for other.test, not api.example.test" in finding.message
    assert "subjectAltName covers api.example.test" in finding.remediation


def test_sni_name_is_what_is_checked() -> None:
    result = _result(_cert("internal.example.test"), server_name="internal.example.test")
    assert _one(result).status is Status.PASS


def test_expired_certificate_fails_once_with_its_date() -> None:
    result = _result(_cert(HOST, days=-3), verified=False, verify_error="certificate has expired")
    finding = _one(result)
    assert finding.status is Status.FAIL
    assert "expired on" in finding.message
    assert "not trusted" not in finding.message


def test_expiring_soon_warns() -> None:
    finding = _one(_result(_cert(HOST, days=12)))
    assert finding.status is Status.WARN
    assert "expires in" in finding.message
    assert "Renew" in finding.remediation


def test_untrusted_fails_and_insecure_downgrades_to_warn() -> None:
    result = _result(verified=False, verify_error="unable to get local issuer certificate")
    strict = _one(result)
    assert strict.status is Status.FAIL
    assert "chain not trusted by the system trust store" in strict.message
    assert "--ca-bundle" in strict.remediation
    lenient = _one(result, insecure=True)
    assert lenient.status is Status.WARN
    assert "--insecure" in lenient.message
    assert "not trusted" in lenient.message


def test_insecure_does_not_hide_a_failed_handshake() -> None:
    result = _result(
        None, handshake=False, verified=False, error=TlsErrorKind.TIMEOUT, detail="no TLS"
    )
    result = replace(result, cert=None)
    assert _one(result, insecure=True).status is Status.FAIL


def test_unconnected_addresses_are_skipped_and_nothing_at_all_is_one_skip() -> None:
    (skipped,) = probe_tls.evaluate([], hostname=HOST, skipped=["10.0.2.7"])
    assert skipped.status is Status.SKIP
    assert skipped.resource == f"{HOST}@10.0.2.7"
    (nothing,) = probe_tls.evaluate([], hostname=HOST)
    assert nothing.status is Status.SKIP
    assert nothing.resource == HOST
