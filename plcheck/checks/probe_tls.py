"""probe-tls: every address presents a trusted, current certificate for the host name."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from plcheck.facts.probe import CertInfo, ProbeFacts, TlsResult

SPEC = CheckSpec(
    id="probe-tls",
    title="Every address presents a valid certificate for the name",
    command="probe",
    subject="probe",
    inspects=(
        "A TLS handshake with SNI with each address that accepted TCP: whether the chain "
        "verifies against the system trust store (or --ca-bundle), whether the certificate's "
        "names cover the host name (or --sni), days to expiry, and the protocol version."
    ),
    why=(
        "Behind an interface endpoint, clients still use the service's name, so the TLS "
        "listener must present a certificate for that name from a CA the clients trust. A "
        "certificate for the load balancer's or the endpoint's own name, an expired one, or a "
        "private CA the clients do not have fails every request with a certificate error."
    ),
    remediation=(
        "Present a certificate whose subjectAltName covers the name clients use (on an NLB TLS "
        "listener, add it to the listener's certificates; SNI picks it), issued by a CA the "
        "clients trust, with the full chain, and renew it before it expires."
    ),
    docs_url="https://docs.aws.amazon.com/elasticloadbalancing/latest/network/tls-listener-certificates.html",
    details={
        "address": "the address",
        "port": "the port",
        "server_name": "the SNI sent and checked",
        "names": "names of the address",
        "handshake": "whether the handshake completed",
        "verified": "whether the chain verified",
        "verify_error": "why it did not",
        "trust": "the trust store (system, or the CA bundle)",
        "protocol": "TLS version",
        "cipher": "cipher suite",
        "latency_ms": "handshake time",
        "insecure": "whether --insecure was given",
        "certificate": "the leaf: subject, issuer, names, validity, serial",
        "days_left": "days until it expires",
        "covers_name": "whether it covers the server name",
        "problems": "what is wrong with it",
        "error": "why the handshake failed",
        "error_detail": "the library's words",
    },
    severity="high",
)

#: A certificate closer than this to expiry is a warning.
EXPIRY_WARN_DAYS = 30


def covers(cert: CertInfo, name: str) -> bool:
    """True if the certificate's subjectAltNames cover ``name`` (RFC 6125 wildcards)."""
    name = name.rstrip(".").lower()
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return any(_dns_match(pattern, name) for pattern in cert.dns_names)
    return any(ipaddress.ip_address(a) == ip for a in cert.ip_addresses)


def _dns_match(pattern: str, name: str) -> bool:
    pattern = pattern.rstrip(".").lower()
    if not pattern.startswith("*."):
        return pattern == name
    # A wildcard stands for exactly one whole left-most label.
    head, _, rest = name.partition(".")
    return bool(head) and rest == pattern[2:] and rest.count(".") >= 1


def evaluate(
    results: Sequence[TlsResult],
    *,
    hostname: str,
    insecure: bool = False,
    skipped: Sequence[str] = (),
    names: Mapping[str, Sequence[str]] | None = None,
    now: datetime | None = None,
    account: str = "",
    region: str = "",
) -> list[Finding]:
    """One finding per address: handshaken (``results``) or not tried (``skipped``)."""
    now = now or datetime.now(timezone.utc)
    findings = [
        _one(hostname, r, insecure, (names or {}).get(r.address, ()), now, account, region)
        for r in results
    ]
    for address in skipped:
        findings.append(
            Finding(
                check=SPEC.id,
                status=Status.SKIP,
                resource=f"{hostname}@{address}",
                account=account,
                region=region,
                message=f"no TLS handshake with {address}: TCP did not connect (see probe-tcp)",
                details={"address": address, "names": list((names or {}).get(address, ()))},
            )
        )
    if not findings:
        findings.append(
            Finding(
                check=SPEC.id,
                status=Status.SKIP,
                resource=hostname,
                account=account,
                region=region,
                message=f"{hostname}: no addresses to handshake with (see probe-dns)",
            )
        )
    return findings


def _one(
    hostname: str,
    result: TlsResult,
    insecure: bool,
    names: Sequence[str],
    now: datetime,
    account: str,
    region: str,
) -> Finding:
    target = (
        f"[{result.address}]:{result.port}"
        if ":" in result.address
        else (f"{result.address}:{result.port}")
    )
    details: dict[str, Any] = {
        "address": result.address,
        "port": result.port,
        "server_name": result.server_name,
        "names": list(names),
        "handshake": result.handshake,
        "verified": result.verified,
        "verify_error": result.verify_error,
        "trust": result.trust,
        "protocol": result.protocol,
        "cipher": result.cipher,
        "latency_ms": result.latency_ms,
        "insecure": insecure,
        "certificate": _cert_details(result.cert),
    }

    def make(status: Status, message: str, remediation: str = "") -> Finding:
        return Finding(
            check=SPEC.id,
            status=status,
            resource=f"{hostname}@{result.address}",
            account=account,
            region=region,
            message=message,
            remediation=remediation,
            details=details,
        )

    if not result.handshake:
        details["error"] = result.error.value if result.error else None
        details["error_detail"] = result.detail
        return make(
            Status.FAIL,
            f"TLS handshake with {target} (SNI {result.server_name}) failed: {result.detail}",
            f"Check that port {result.port} on {result.address} speaks TLS: an NLB TLS listener "
            "with a certificate, or targets that terminate TLS, with a security policy that "
            "allows TLS 1.2 or later.",
        )

    cert = result.cert
    problems, fixes = _problems(result, cert, now)
    days_left = (cert.not_after - now).days if cert is not None else None
    if cert is not None:
        details["days_left"] = days_left
        details["covers_name"] = covers(cert, result.server_name)
    details["problems"] = problems
    summary = _summary(result, cert, days_left)
    if problems:
        status = Status.WARN if insecure else Status.FAIL
        prefix = "--insecure: " if insecure else ""
        remediation = "; ".join(fixes) or "see the message"
        return make(
            status,
            f"{prefix}{target} (SNI {result.server_name}): {'; '.join(problems)} [{summary}]",
            remediation[0].upper() + remediation[1:] + ".",
        )
    if cert is not None and days_left is not None and days_left < EXPIRY_WARN_DAYS:
        return make(
            Status.WARN,
            f"{target} presents a valid certificate for {result.server_name} that expires in "
            f"{days_left} days [{summary}]",
            f"Renew the certificate for {result.server_name} before {cert.not_after:%Y-%m-%d}.",
        )
    return make(
        Status.PASS,
        f"{target} presents a trusted certificate for {result.server_name} [{summary}]",
    )


def _problems(
    result: TlsResult, cert: CertInfo | None, now: datetime
) -> tuple[list[str], list[str]]:
    """Certificate problems (for the message) and what to do about each."""
    problems: list[str] = []
    fixes: list[str] = []
    expired = cert is not None and cert.not_after <= now
    not_yet = cert is not None and cert.not_before > now
    # OpenSSL reports a time problem as the verify error; say it once, with the date.
    time_error = any(w in result.verify_error for w in ("expired", "not yet valid"))
    if not result.verified and not (time_error and (expired or not_yet)):
        problems.append(f"chain not trusted by the {_trust(result)} ({result.verify_error})")
        fixes.append(
            "serve the full chain from a CA this host trusts, or pass that CA with --ca-bundle"
        )
    if cert is None:
        problems.append(f"certificate not inspected: {result.cert_note}")
        return problems, fixes
    if not covers(cert, result.server_name):
        problems.append(f"certificate is for {_cert_names(cert)}, not {result.server_name}")
        fixes.append(
            f"present a certificate whose subjectAltName covers {result.server_name} "
            "(on an NLB TLS listener: add it to the listener's certificates for SNI)"
        )
    if expired:
        ago = (now - cert.not_after).days
        problems.append(f"certificate expired on {cert.not_after:%Y-%m-%d} ({ago} days ago)")
        fixes.append("renew the certificate and deploy it to the listener")
    elif not_yet:
        problems.append(f"certificate not valid before {cert.not_before:%Y-%m-%d %H:%M} UTC")
        fixes.append("check the issuance date and this host's clock")
    return problems, fixes


def _summary(result: TlsResult, cert: CertInfo | None, days_left: int | None) -> str:
    parts = [result.protocol or "unknown protocol"]
    if cert is not None and days_left is not None and days_left >= 0:
        parts.append(f"expires {cert.not_after:%Y-%m-%d}, {days_left} days left")
    elif cert is not None:
        parts.append(f"expired {cert.not_after:%Y-%m-%d}")
    return ", ".join(parts)


def _trust(result: TlsResult) -> str:
    return (
        "system trust store"
        if result.trust == "system trust store"
        else (f"CA bundle {result.trust}")
    )


def _cert_names(cert: CertInfo) -> str:
    names = [*cert.dns_names, *cert.ip_addresses]
    if names:
        return ", ".join(names)
    return f"CN={cert.common_name} (no subjectAltName)" if cert.common_name else "no names"


def _cert_details(cert: CertInfo | None) -> dict[str, Any] | None:
    if cert is None:
        return None
    return {
        "subject": cert.subject,
        "common_name": cert.common_name,
        "issuer": cert.issuer,
        "dns_names": list(cert.dns_names),
        "ip_addresses": list(cert.ip_addresses),
        "not_before": cert.not_before.isoformat(),
        "not_after": cert.not_after.isoformat(),
        "serial": cert.serial,
        "sha256": cert.sha256,
    }


def judge(facts: ProbeFacts) -> list[Finding]:
    """TLS with every address that connected."""
    return evaluate(
        facts.tls,
        hostname=facts.hostname,
        insecure=facts.insecure,
        skipped=[r.address for r in facts.tcp if not r.connected],
        names=facts.names_by_address,
        account=facts.account,
        region=facts.region,
    )
