"""The probe run: DNS, TCP and TLS to a host name from where plcheck runs.

What people do by hand with ``dig``, ``curl -k`` and ``openssl s_client``, for
every address the name resolves to, concurrently. With an endpoint named, the
endpoint's own DNS names are probed too, and every answer is compared with the
private IPs of the endpoint's network interfaces.
"""

from __future__ import annotations

import ssl
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from plcheck.checks import framework, probe_tls
from plcheck.errors import UsageError
from plcheck.facts.endpoints import EndpointInfo
from plcheck.facts.outcome import Outcome, outcome_of
from plcheck.facts.probe import ProbeFacts, TlsResult
from plcheck.model import Report, View
from plcheck.probe.dns import Nameserver, parse_nameserver, resolve
from plcheck.probe.net import connect_all
from plcheck.probe.tls import handshake_all
from plcheck.validate import parse_target, validate_id

if TYPE_CHECKING:
    from plcheck.aws import AwsContext, Scope


def _default_scope() -> Scope:
    from plcheck.aws import Scope

    return Scope()


@dataclass(frozen=True)
class ProbeOptions:
    """Everything a probe takes, before validation."""

    hostname: str
    """The name clients use (also the SNI and the name certificates must cover); ``HOST:PORT``
    and ``https://`` URLs give their port too."""
    port: int | None = None
    """TCP port to connect and handshake on; None: the one in ``hostname``, else 443."""
    resolver: str | None = None
    """``IP[:PORT]`` of a resolver to ask instead of the system's."""
    endpoint: str | None = None
    """An interface endpoint (``vpce-...``) whose DNS names and interfaces to compare with."""
    scope: Scope = field(default_factory=_default_scope)
    """The endpoint's account and region (used only with ``endpoint``)."""
    ca_bundle: Path | None = None
    """PEM file of CAs to verify against instead of the system trust store."""
    insecure: bool = False
    """Report certificate problems as warnings (``curl -k``)."""
    sni: str | None = None
    """Server name to send and to check certificates against, instead of ``hostname``."""
    timeout: float = 5.0
    """Seconds allowed for each DNS lookup, TCP connect and TLS handshake."""


def target(options: ProbeOptions) -> tuple[str, int]:
    """The host and port to probe: ``hostname`` split (``HOST:PORT``, URL), ``--port`` checked.

    A port in ``hostname`` that differs from ``--port`` is a usage error.
    """
    host, named_port = parse_target(options.hostname)
    if options.port is not None and not 0 < options.port < 65536:
        raise UsageError(f"bad --port {options.port}: must be 1-65535")
    if named_port is not None and options.port is not None and named_port != options.port:
        raise UsageError(
            f"{options.hostname!r} names port {named_port} but --port is {options.port}: "
            "give the port once"
        )
    return host, named_port or options.port or 443


def validate(options: ProbeOptions) -> Nameserver | None:
    """Check the options; return the parsed resolver. Raises :class:`UsageError`."""
    target(options)
    if not options.timeout > 0:
        raise UsageError(f"bad --timeout {options.timeout:g}: must be more than 0 seconds")
    if options.ca_bundle is not None:
        if not options.ca_bundle.is_file():
            raise UsageError(f"--ca-bundle {options.ca_bundle}: no such file")
        try:
            ssl.create_default_context(cafile=str(options.ca_bundle))
        except ssl.SSLError as exc:
            raise UsageError(
                f"--ca-bundle {options.ca_bundle}: not a PEM file of CA certificates ({exc})"
            ) from None
    if options.endpoint is not None:
        validate_id("endpoint", options.endpoint)
    elif options.scope.profile or options.scope.region or options.scope.role_arn:
        raise UsageError("--profile, --region and --role-arn apply only with --endpoint")
    if options.resolver is None:
        return None
    try:
        return parse_nameserver(options.resolver)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def gather(options: ProbeOptions, ctx: AwsContext | None = None) -> ProbeFacts:
    """Read the endpoint (when named), then resolve, connect and handshake concurrently."""
    nameserver = validate(options)
    host, port = target(options)
    options = replace(options, hostname=host, port=port)
    endpoint: Outcome[EndpointInfo] | None = None
    if options.endpoint is not None:
        endpoint = _read_endpoint(options, ctx)
    found = endpoint.value if endpoint is not None else None
    own_names = list(found.dns_names) if found else []
    names = list(dict.fromkeys([options.hostname.rstrip(".").lower(), *own_names]))
    with ThreadPoolExecutor(max_workers=min(16, len(names)), thread_name_prefix="plcheck") as pool:
        dns = tuple(pool.map(lambda n: resolve(n, nameserver, options.timeout), names))
    addresses = [a for result in dns for a in result.addresses]
    tcp = connect_all(addresses, port, options.timeout)
    connected = [r.address for r in tcp if r.connected]
    server_name = options.sni or options.hostname
    tls = handshake_all(
        connected, port, server_name, ca_bundle=options.ca_bundle, timeout=options.timeout
    )
    return ProbeFacts(
        hostname=options.hostname,
        port=port,
        server_name=server_name,
        insecure=options.insecure,
        dns=dns,
        tcp=tcp,
        tls=tls,
        endpoint_id=options.endpoint,
        endpoint=endpoint,
        endpoint_region=options.scope.region or "",
    )


def _read_endpoint(options: ProbeOptions, ctx: AwsContext | None) -> Outcome[EndpointInfo]:
    from plcheck.aws import AwsContext
    from plcheck.aws.endpoints import describe_endpoint

    assert options.endpoint is not None
    endpoint_id = options.endpoint
    if ctx is not None:
        return outcome_of(lambda: describe_endpoint(ctx, options.scope, endpoint_id))
    with AwsContext() as own:
        return outcome_of(lambda: describe_endpoint(own, options.scope, endpoint_id))


def views(facts: ProbeFacts) -> list[View]:
    """One row per address: names, interface, TCP and TLS outcome."""
    if not facts.tcp:
        return []
    names = facts.names_by_address
    tls = {r.address: r for r in facts.tls}
    endpoint = facts.found_endpoint
    owner = {ip: i for i in endpoint.interfaces for ip in i.private_ips} if endpoint else {}
    rows = []
    for result in facts.tcp:
        eni = owner.get(result.address)
        if result.connected:
            tcp_cell = f"{result.latency_ms:.1f} ms"
        else:
            tcp_cell = result.error.value if result.error else "failed"
        interface = [f"{eni.interface_id} ({eni.availability_zone})" if eni else "—"]
        rows.append(
            (
                result.address,
                ", ".join(names.get(result.address, ())),
                *(interface if endpoint is not None else []),
                tcp_cell,
                _tls_cell(tls.get(result.address), facts.server_name),
            )
        )
    interface_column = ("Endpoint interface",) if endpoint is not None else ()
    return [
        View(
            title=f"Addresses probed on port {facts.port}",
            columns=("Address", "Resolved from", *interface_column, "TCP", "TLS"),
            rows=tuple(rows),
            highlight=frozenset(i for i, r in enumerate(facts.tcp) if not r.connected),
        )
    ]


def _tls_cell(result: TlsResult | None, server_name: str) -> str:
    if result is None:
        return "—"
    if not result.handshake:
        return result.error.value if result.error else "failed"
    chain = "trusted chain" if result.verified else f"untrusted ({result.verify_error})"
    if result.cert is not None and not probe_tls.covers(result.cert, server_name):
        chain += f", not for {server_name}"
    return f"{result.protocol}, {chain}"


def run(options: ProbeOptions, ctx: AwsContext | None = None) -> Report:
    """Probe, judge and lay out; ``ctx`` is the AWS context for the endpoint, if named."""
    facts = gather(options, ctx)
    findings = framework.judge("probe", "probe", facts)
    return Report("probe", tuple(findings), views=tuple(views(facts)))
