"""TLS handshakes with SNI to many addresses at once, as ``openssl s_client`` would.

Each address gets a handshake that verifies the chain (against the system trust
store or a CA bundle) without checking the host name; the names are judged
later, from the certificate. When verification fails, a second handshake with
verification off fetches the certificate so it can still be described.

The verified certificate is described with the standard library. An unverified
one only comes as DER, which the standard library cannot parse: it is decoded
with the ``cryptography`` package when installed, and left undescribed
(``TlsResult.cert_note`` says why) otherwise.
"""

from __future__ import annotations

import hashlib
import socket
import ssl
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from plcheck.facts.probe import CertInfo, TlsErrorKind, TlsResult
from plcheck.probe.net import MAX_WORKERS


def handshake(
    address: str,
    port: int,
    server_name: str,
    *,
    ca_bundle: Path | None = None,
    timeout: float = 5.0,
) -> TlsResult:
    """Handshake with ``address:port`` sending SNI ``server_name``; network errors are results."""
    trust = str(ca_bundle) if ca_bundle else "system trust store"
    base: dict[str, Any] = {
        "address": address,
        "port": port,
        "server_name": server_name,
        "trust": trust,
        "timeout": timeout,
    }
    verifying = ssl.create_default_context(cafile=str(ca_bundle) if ca_bundle else None)
    verifying.check_hostname = False  # names are judged from the certificate
    started = time.perf_counter()
    try:
        tls = _handshake(verifying, address, port, server_name, timeout)
    except ssl.SSLCertVerificationError as exc:
        verify_error = exc.verify_message or exc.reason or str(exc)
    except _HandshakeFailure as failure:
        return TlsResult(handshake=False, error=failure.kind, detail=failure.detail, **base)
    else:
        latency = round((time.perf_counter() - started) * 1000, 2)
        return TlsResult(handshake=True, verified=True, latency_ms=latency, **tls, **base)

    # The chain did not verify: fetch the certificate anyway to describe it.
    describing = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    describing.check_hostname = False
    describing.verify_mode = ssl.CERT_NONE
    try:
        tls = _handshake(describing, address, port, server_name, timeout)
    except _HandshakeFailure as failure:
        return TlsResult(
            handshake=False,
            verify_error=verify_error,
            error=failure.kind,
            detail=failure.detail,
            **base,
        )
    latency = round((time.perf_counter() - started) * 1000, 2)
    return TlsResult(
        handshake=True, verified=False, verify_error=verify_error, latency_ms=latency, **tls, **base
    )


def handshake_all(
    addresses: Iterable[str],
    port: int,
    server_name: str,
    *,
    ca_bundle: Path | None = None,
    timeout: float = 5.0,
) -> tuple[TlsResult, ...]:
    """Handshake with every address concurrently; results in the order of ``addresses``."""
    unique = list(dict.fromkeys(addresses))
    if not unique:
        return ()
    workers = min(MAX_WORKERS, len(unique))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="plcheck-tls") as pool:
        return tuple(
            pool.map(
                lambda a: handshake(a, port, server_name, ca_bundle=ca_bundle, timeout=timeout),
                unique,
            )
        )


class _HandshakeFailure(Exception):
    def __init__(self, kind: TlsErrorKind, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def _handshake(
    context: ssl.SSLContext, address: str, port: int, server_name: str, timeout: float
) -> dict[str, Any]:
    """Connect and handshake; return protocol, cipher, cert and cert_note for ``TlsResult``."""
    try:
        raw = socket.create_connection((address, port), timeout=timeout)
    except TimeoutError:
        raise _HandshakeFailure(TlsErrorKind.CONNECT, "TCP connect timed out") from None
    except OSError as exc:
        raise _HandshakeFailure(TlsErrorKind.CONNECT, exc.strerror or str(exc)) from None
    try:
        with context.wrap_socket(raw, server_hostname=server_name) as tls:
            der = tls.getpeercert(binary_form=True)
            decoded = tls.getpeercert() if context.verify_mode != ssl.CERT_NONE else None
            cipher = tls.cipher()
            protocol = tls.version() or ""
    except ssl.SSLCertVerificationError:
        raise
    except TimeoutError:
        detail = f"no TLS handshake within {timeout:g} s"
        raise _HandshakeFailure(TlsErrorKind.TIMEOUT, detail) from None
    except (ssl.SSLEOFError, ssl.SSLZeroReturnError, ConnectionError) as exc:
        detail = getattr(exc, "reason", None) or exc.strerror or str(exc)
        raise _HandshakeFailure(TlsErrorKind.CLOSED, f"connection closed: {detail}") from None
    except ssl.SSLError as exc:
        raise _HandshakeFailure(TlsErrorKind.HANDSHAKE, exc.reason or str(exc)) from None
    except OSError as exc:
        raise _HandshakeFailure(TlsErrorKind.CLOSED, exc.strerror or str(exc)) from None
    finally:
        raw.close()
    cert: CertInfo | None = None
    note = ""
    if der is None:
        note = "the server sent no certificate"
    elif decoded:
        cert = cert_from_peercert(decoded, der)
    else:
        cert, note = cert_from_der(der)
    return {
        "protocol": protocol,
        "cipher": cipher[0] if cipher else "",
        "cert": cert,
        "cert_note": note,
    }


def cert_from_peercert(decoded: dict[str, Any], der: bytes) -> CertInfo:
    """Describe a certificate from ``SSLSocket.getpeercert()`` and its DER form."""
    subject = _dn(decoded.get("subject", ()))
    alt_names = decoded.get("subjectAltName", ())
    return CertInfo(
        subject=subject,
        common_name=_first(decoded.get("subject", ()), "commonName"),
        issuer=_dn(decoded.get("issuer", ())),
        dns_names=tuple(v for k, v in alt_names if k == "DNS"),
        ip_addresses=tuple(v.strip() for k, v in alt_names if k == "IP Address"),
        not_before=_utc(ssl.cert_time_to_seconds(decoded["notBefore"])),
        not_after=_utc(ssl.cert_time_to_seconds(decoded["notAfter"])),
        serial=str(decoded.get("serialNumber", "")).upper(),
        sha256=hashlib.sha256(der).hexdigest(),
    )


def cert_from_der(der: bytes) -> tuple[CertInfo | None, str]:
    """Describe a DER certificate with ``cryptography``; ``(None, reason)`` if it cannot."""
    try:
        from cryptography import x509
        from cryptography.x509.oid import NameOID
    except ImportError:
        return None, "install the 'cryptography' package to describe unverified certificates"
    try:
        cert = x509.load_der_x509_certificate(der)
        try:
            san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            dns_names = tuple(san.get_values_for_type(x509.DNSName))
            ips = tuple(str(ip) for ip in san.get_values_for_type(x509.IPAddress))
        except x509.ExtensionNotFound:
            dns_names, ips = (), ()
        cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return (
            CertInfo(
                subject=cert.subject.rfc4514_string(),
                common_name=str(cns[0].value) if cns else "",
                issuer=cert.issuer.rfc4514_string(),
                dns_names=dns_names,
                ip_addresses=ips,
                not_before=cert.not_valid_before_utc,
                not_after=cert.not_valid_after_utc,
                serial=format(cert.serial_number, "X"),
                sha256=hashlib.sha256(der).hexdigest(),
            ),
            "",
        )
    except ValueError as exc:
        return None, f"the certificate could not be parsed: {exc}"


_SHORT = {
    "commonName": "CN",
    "organizationName": "O",
    "organizationalUnitName": "OU",
    "countryName": "C",
    "stateOrProvinceName": "ST",
    "localityName": "L",
}


def _dn(rdns: Any) -> str:
    # getpeercert() gives RDNs in certificate order; RFC 4514 lists them reversed.
    parts = [f"{_SHORT.get(k, k)}={v}" for rdn in reversed(rdns) for k, v in rdn]
    return ",".join(parts)


def _first(rdns: Any, key: str) -> str:
    return next((v for rdn in rdns for k, v in rdn if k == key), "")


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)
