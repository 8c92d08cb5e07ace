"""What probing a name from here found: DNS answers, TCP connections, TLS handshakes.

Gathered by :mod:`plcheck.probe` (the network side), judged by the probe checks.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from plcheck.facts.endpoints import EndpointInfo
from plcheck.facts.outcome import Outcome


class DnsErrorKind(str, enum.Enum):
    """Why a name did not resolve."""

    NXDOMAIN = "NXDOMAIN"
    """The name does not exist."""
    SERVFAIL = "SERVFAIL"
    """The resolver answered SERVFAIL (it could not get an answer itself)."""
    REFUSED = "REFUSED"
    """The resolver refused the query (or answered another error code)."""
    TIMEOUT = "TIMEOUT"
    """No answer within the timeout."""
    NO_ANSWER = "NO_ANSWER"
    """The name exists but has neither A nor AAAA records."""
    NO_RESOLVER = "NO_RESOLVER"
    """No resolver is configured on this machine (no usable /etc/resolv.conf)."""
    ERROR = "ERROR"
    """Any other failure (network error, malformed answer)."""


@dataclass(frozen=True)
class DnsResult:
    """What resolving one host name gave."""

    name: str
    """The name asked for, without a trailing dot."""
    resolver: str
    """Who answered: ``system (10.0.0.2:53)`` or the ``--resolver`` given."""
    addresses: tuple[str, ...] = ()
    """A then AAAA addresses, in answer order, without duplicates."""
    error: DnsErrorKind | None = None
    """Why the name did not resolve; ``None`` when it has addresses."""
    detail: str = ""
    """Human detail of the error (resolver message)."""
    canonical_name: str = ""
    """The name after following CNAMEs, when it differs from ``name``."""
    literal: bool = False
    """``name`` is an IP address: nothing was resolved."""
    elapsed_ms: float = 0.0
    """Time the lookups took, in milliseconds."""
    timeout: float = 0.0
    """The lifetime allowed for each lookup, in seconds."""
    tried: tuple[str, ...] = ()
    """When a ``--resolver`` failed over UDP: each transport asked and what came back,
    e.g. ``("UDP: REFUSED", "TCP: connection refused")``; clients ask over UDP first."""

    @property
    def ok(self) -> bool:
        """The name gave at least one address."""
        return self.error is None and bool(self.addresses)


class TcpErrorKind(str, enum.Enum):
    """Why a TCP connection did not open."""

    REFUSED = "refused"
    """The address answered with a reset: nothing listens on the port, or a firewall rejects."""
    TIMEOUT = "timeout"
    """No answer within the timeout: a security group, NACL or route drops the packets."""
    UNREACHABLE = "unreachable"
    """The network or host is unreachable from here (no route)."""
    ERROR = "error"
    """Any other socket error."""


@dataclass(frozen=True)
class TcpResult:
    """The outcome of one TCP connection attempt."""

    address: str
    """IP address connected to."""
    port: int
    """TCP port."""
    connected: bool
    """The three-way handshake completed."""
    latency_ms: float | None = None
    """Time to connect, in milliseconds, when connected."""
    error: TcpErrorKind | None = None
    """Why it did not connect."""
    detail: str = ""
    """The socket error text."""
    timeout: float = 0.0
    """The timeout allowed, in seconds."""


class TlsErrorKind(str, enum.Enum):
    """Why no TLS handshake completed (certificate problems are not errors here)."""

    TIMEOUT = "timeout"
    """The server accepted the connection but did not finish the handshake in time."""
    HANDSHAKE = "handshake"
    """The handshake failed: alert, no shared protocol or cipher, not TLS at all."""
    CLOSED = "closed"
    """The server closed or reset the connection during the handshake."""
    CONNECT = "connect"
    """The TCP connection for the handshake failed."""


@dataclass(frozen=True)
class CertInfo:
    """The facts of a leaf certificate that matter to a client."""

    subject: str
    """Subject distinguished name, e.g. ``CN=api.example.com,O=Example``."""
    common_name: str
    """Subject common name, empty when absent."""
    issuer: str
    """Issuer distinguished name."""
    dns_names: tuple[str, ...]
    """DNS names of the subjectAltName extension (wildcards kept as ``*.example.com``)."""
    ip_addresses: tuple[str, ...]
    """IP addresses of the subjectAltName extension."""
    not_before: datetime
    """Start of validity (UTC)."""
    not_after: datetime
    """End of validity (UTC)."""
    serial: str
    """Serial number in upper-case hex."""
    sha256: str
    """SHA-256 fingerprint of the DER certificate, hex."""


@dataclass(frozen=True)
class TlsResult:
    """The outcome of a TLS handshake with one address."""

    address: str
    """IP address."""
    port: int
    """TCP port."""
    server_name: str
    """SNI sent (and the name the certificate is judged against)."""
    handshake: bool
    """A handshake completed (with or without a verified chain)."""
    verified: bool = False
    """The chain verified against ``trust``."""
    verify_error: str = ""
    """OpenSSL's reason when the chain did not verify (``certificate has expired``)."""
    protocol: str = ""
    """Negotiated protocol version, e.g. ``TLSv1.3``."""
    cipher: str = ""
    """Negotiated cipher suite."""
    cert: CertInfo | None = None
    """The server's leaf certificate, when it could be described."""
    cert_note: str = ""
    """Why ``cert`` is missing although a handshake completed."""
    error: TlsErrorKind | None = None
    """Why no handshake completed."""
    detail: str = ""
    """Error text from the TLS library or socket."""
    latency_ms: float | None = None
    """Time for TCP connect plus handshake, in milliseconds."""
    trust: str = "system trust store"
    """What the chain was verified against: the system trust store or a CA bundle path."""
    timeout: float = 0.0
    """The timeout allowed, in seconds."""


@dataclass(frozen=True)
class ProbeFacts:
    """Everything one probe found: the ``probe`` subject of the probe checks."""

    hostname: str
    """The name clients use."""
    port: int
    """The TCP port probed."""
    server_name: str
    """The SNI sent and the name certificates are judged against."""
    insecure: bool
    """Certificate problems are warnings (``curl -k``)."""
    dns: tuple[DnsResult, ...]
    """One result per probed name, the host name first."""
    tcp: tuple[TcpResult, ...]
    """One result per distinct address."""
    tls: tuple[TlsResult, ...]
    """One result per address that connected."""
    endpoint_id: str | None = None
    """The interface endpoint named with ``--endpoint``."""
    endpoint: Outcome[EndpointInfo] | None = None
    """That endpoint as read from AWS (None without ``--endpoint``)."""
    endpoint_region: str = ""
    """The region the endpoint was looked up in, for its error finding."""

    @property
    def resource(self) -> str:
        """The host name probed."""
        return self.hostname

    @property
    def found_endpoint(self) -> EndpointInfo | None:
        """The endpoint, when it was named and could be read."""
        return self.endpoint.value if self.endpoint is not None else None

    @property
    def account(self) -> str:
        """The endpoint's account, when there is one."""
        found = self.found_endpoint
        return found.account if found else ""

    @property
    def region(self) -> str:
        """The endpoint's region, when there is one."""
        found = self.found_endpoint
        return found.region if found else ""

    @property
    def names_by_address(self) -> dict[str, list[str]]:
        """Each address with the names that resolved to it."""
        names: dict[str, list[str]] = {}
        for result in self.dns:
            for address in result.addresses:
                names.setdefault(address, []).append(result.name)
        return names
