"""DNS lookups with dnspython, as ``dig`` would: a host's addresses, any record set.

Shared by ``plcheck probe`` (A and AAAA) and the provider's TXT verification
check. dnspython is imported inside functions so ``plcheck --help`` stays fast.
"""

from __future__ import annotations

import ipaddress
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from plcheck.facts.probe import DnsErrorKind, DnsResult

if TYPE_CHECKING:
    import dns.resolver


@dataclass(frozen=True)
class Nameserver:
    """A resolver to ask instead of the system's, from ``--resolver IP[:PORT]``."""

    address: str
    """IPv4 or IPv6 address of the resolver."""
    port: int = 53
    """UDP/TCP port of the resolver."""

    def __str__(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"


def parse_nameserver(text: str) -> Nameserver:
    """Parse ``IP``, ``IP:PORT``, ``IPV6`` or ``[IPV6]:PORT``; raise ``ValueError`` if malformed."""
    text = text.strip()
    port_text = ""
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(f"bad resolver {text!r}: expected IP, IP:PORT or [IPV6]:PORT")
        port_text = rest[1:]
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
    else:
        host = text
    try:
        address = str(ipaddress.ip_address(host))
    except ValueError:
        raise ValueError(f"bad resolver {text!r}: {host!r} is not an IP address") from None
    port = 53
    if port_text or text.endswith(":"):
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError(f"bad resolver {text!r}: port must be 1-65535")
        port = int(port_text)
    return Nameserver(address, port)


@dataclass(frozen=True)
class RecordAnswer:
    """One record type's answer for one name; DNS failures are data, not exceptions."""

    values: tuple[str, ...] = ()
    """Record values as text; a TXT record's strings are joined into one value, unquoted."""
    error: DnsErrorKind | None = None
    """Why there are no values; None on an answer."""
    detail: str = ""
    """Resolver message for an error."""
    canonical: str = ""
    """The name after following CNAMEs."""
    tried: tuple[str, ...] = ()
    """Each transport asked and what came back, when UDP failed and TCP was tried too."""


def resolve(name: str, nameserver: Nameserver | None = None, timeout: float = 5.0) -> DnsResult:
    """Resolve ``name`` (A and AAAA, concurrently) with the system's resolvers or ``nameserver``.

    Never raises for DNS failures: they come back as ``DnsResult.error``.
    """
    name = name.rstrip(".")
    try:
        literal = ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return DnsResult(
            name, resolver="(none: IP address)", addresses=(str(literal),), literal=True
        )

    import dns.resolver

    started = time.perf_counter()
    try:
        resolver = make_resolver(nameserver, timeout)
    except dns.resolver.NoResolverConfiguration as exc:
        return DnsResult(
            name,
            resolver="system",
            error=DnsErrorKind.NO_RESOLVER,
            detail=str(exc),
            timeout=timeout,
        )
    described = str(nameserver) if nameserver else describe_system(resolver)
    ask = query_udp_then_tcp if nameserver is not None else query
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="plcheck-dns") as pool:
        answers = list(pool.map(lambda rdtype: ask(resolver, name, rdtype), ("A", "AAAA")))
    elapsed = (time.perf_counter() - started) * 1000
    addresses = tuple(dict.fromkeys(a for answer in answers for a in answer.values))
    canonical = next((a.canonical for a in answers if a.canonical), "")
    canonical = canonical if canonical != name.lower() else ""
    worst = RecordAnswer()
    if not addresses:
        # Report the most telling error: NXDOMAIN, then server failures, then no data.
        failures = [a for a in answers if a.error is not None]
        ranked = sorted(failures, key=lambda a: list(DnsErrorKind).index(a.error))  # type: ignore[arg-type]
        worst = ranked[0] if ranked else RecordAnswer(error=DnsErrorKind.NO_ANSWER)
    return DnsResult(
        name,
        resolver=described,
        addresses=addresses,
        error=worst.error,
        detail=worst.detail,
        canonical_name=canonical,
        elapsed_ms=round(elapsed, 1),
        timeout=timeout,
        tried=worst.tried,
    )


#: UDP failures after which a named resolver is asked again over TCP, to say what answers.
_TRY_TCP = (DnsErrorKind.REFUSED, DnsErrorKind.TIMEOUT, DnsErrorKind.ERROR)


def query_udp_then_tcp(resolver: dns.resolver.Resolver, name: str, rdtype: str) -> RecordAnswer:
    """Ask over UDP; if that is refused, unanswered or fails, ask over TCP too.

    The UDP answer stands (clients ask over UDP first and stub resolvers do not retry a
    refused query over TCP); the TCP one says whether the resolver is there at all.
    """
    udp = query(resolver, name, rdtype)
    if udp.error not in _TRY_TCP:
        return udp
    tcp = query(resolver, name, rdtype, tcp=True)
    tried = (f"UDP: {_said(udp, resolver)}", f"TCP: {_said(tcp, resolver)}")
    return replace(udp, detail="; ".join(tried), tried=tried)


def _said(answer: RecordAnswer, resolver: dns.resolver.Resolver) -> str:
    """What one transport got back, in a few words."""
    if answer.error is None:
        return "answered " + (", ".join(answer.values) or "with no records")
    if answer.error is DnsErrorKind.TIMEOUT:
        return f"no answer within {float(resolver.lifetime):g} s"
    if answer.error is DnsErrorKind.NO_ANSWER:
        return "answered with no records"
    if answer.error is DnsErrorKind.ERROR:
        return re.sub(r"^\[Errno \d+\] ", "", answer.detail).lower()  # "connection refused"
    return str(answer.error.value)


def make_resolver(nameserver: Nameserver | None, timeout: float) -> dns.resolver.Resolver:
    import dns.resolver

    if nameserver is None:
        resolver = dns.resolver.Resolver(configure=True)
    else:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [nameserver.address]
        resolver.port = nameserver.port
    resolver.lifetime = timeout
    resolver.timeout = min(timeout, 2.0)
    resolver.cache = None
    return resolver


def describe_system(resolver: dns.resolver.Resolver) -> str:
    servers = ", ".join(str(ns) for ns in resolver.nameservers)
    return f"system ({servers})" if servers else "system"


def query(
    resolver: dns.resolver.Resolver, name: str, rdtype: str, *, tcp: bool = False
) -> RecordAnswer:
    import dns.exception
    import dns.resolver

    try:
        answer = resolver.resolve(name, rdtype, tcp=tcp, search=False, raise_on_no_answer=False)
    except dns.resolver.NXDOMAIN as exc:
        return RecordAnswer(error=DnsErrorKind.NXDOMAIN, detail=str(exc))
    except dns.resolver.LifetimeTimeout as exc:
        return RecordAnswer(error=DnsErrorKind.TIMEOUT, detail=str(exc))
    except dns.resolver.NoNameservers as exc:
        errors = exc.kwargs.get("errors", [])
        texts = [str(error[3]) for error in errors]
        kind = DnsErrorKind.SERVFAIL if "SERVFAIL" in texts else DnsErrorKind.REFUSED
        if not any(t in {"SERVFAIL", "REFUSED", "NOTIMP", "FORMERR", "NOTAUTH"} for t in texts):
            kind = DnsErrorKind.ERROR
        return RecordAnswer(error=kind, detail="; ".join(dict.fromkeys(texts)) or str(exc))
    except dns.exception.DNSException as exc:
        return RecordAnswer(error=DnsErrorKind.ERROR, detail=str(exc) or type(exc).__name__)
    canonical = answer.canonical_name.to_text().rstrip(".").lower()
    if answer.rrset is None:
        return RecordAnswer(error=DnsErrorKind.NO_ANSWER, canonical=canonical)
    return RecordAnswer(values=tuple(_text(r) for r in answer.rrset), canonical=canonical)


def _text(rdata: object) -> str:
    strings = getattr(rdata, "strings", None)
    if strings is not None:  # TXT: one record may be split into several strings
        return b"".join(strings).decode("utf-8", "replace")
    return str(rdata.to_text())  # type: ignore[attr-defined]
