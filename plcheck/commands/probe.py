"""``plcheck probe``: DNS, TCP and TLS to a host name from where plcheck runs.

What people do by hand with ``dig``, ``curl -k`` and ``openssl s_client``, for
every address the name resolves to, concurrently. With ``--endpoint`` the
endpoint's own DNS names are probed too, and every answer is compared with the
private IPs of the endpoint's network interfaces.
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plcheck.checks import probe_dns, probe_tcp, probe_tls
from plcheck.commands.common import (
    FailOnOption,
    FormatOption,
    OutputOption,
    OutputOptions,
    ProfileOption,
    RegionOption,
    error_finding,
    finish,
    validate_id,
)
from plcheck.errors import AwsCallError, UsageError
from plcheck.facts.endpoints import EndpointInfo
from plcheck.model import FailOn, Finding, View
from plcheck.probe.dns import DnsResult, Nameserver, parse_nameserver, resolve
from plcheck.probe.net import TcpResult, connect_all
from plcheck.probe.tls import TlsResult, handshake_all
from plcheck.report import Format

if TYPE_CHECKING:
    from plcheck.aws import AwsContext


@dataclass(frozen=True)
class ProbeOptions:
    """Everything ``plcheck probe`` takes, before validation."""

    hostname: str
    """The name clients use (also the SNI and the name certificates must cover)."""
    port: int = 443
    """TCP port to connect and handshake on."""
    resolver: str | None = None
    """``IP[:PORT]`` of a resolver to ask instead of the system's."""
    endpoint: str | None = None
    """An interface endpoint (``vpce-...``) whose DNS names and interfaces to compare with."""
    profile: str | None = None
    """AWS profile for --endpoint."""
    region: str | None = None
    """AWS region for --endpoint."""
    ca_bundle: Path | None = None
    """PEM file of CAs to verify against instead of the system trust store."""
    insecure: bool = False
    """Report certificate problems as warnings (``curl -k``)."""
    sni: str | None = None
    """Server name to send and to check certificates against, instead of ``hostname``."""
    timeout: float = 5.0
    """Seconds allowed for each DNS lookup, TCP connect and TLS handshake."""


@dataclass(frozen=True)
class ProbeRun:
    """Everything one probe gathered, for judging and for the address table."""

    options: ProbeOptions
    """What was asked."""
    endpoint: EndpointInfo | None
    """The endpoint, with --endpoint when it could be read."""
    endpoint_error: AwsCallError | None
    """Why the endpoint could not be read."""
    dns: tuple[DnsResult, ...]
    """One result per probed name, the host name first."""
    tcp: tuple[TcpResult, ...]
    """One result per distinct address."""
    tls: tuple[TlsResult, ...]
    """One result per address that connected."""


def validate(options: ProbeOptions) -> Nameserver | None:
    """Check the options; return the parsed resolver. Raises :class:`UsageError`."""
    host = options.hostname.strip()
    if not host or "/" in host or " " in host:
        raise UsageError(f"pass a host name, not {options.hostname!r} (no scheme or path)")
    if not 0 < options.port < 65536:
        raise UsageError(f"bad --port {options.port}: must be 1-65535")
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
    elif options.profile or options.region:
        raise UsageError("--profile and --region apply only with --endpoint")
    if options.resolver is None:
        return None
    try:
        return parse_nameserver(options.resolver)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def gather(options: ProbeOptions, ctx: AwsContext | None = None) -> ProbeRun:
    """Read the endpoint (with --endpoint), then resolve, connect and handshake concurrently."""
    nameserver = validate(options)
    endpoint, endpoint_error = None, None
    if options.endpoint is not None:
        endpoint, endpoint_error = _read_endpoint(options, ctx)
    names = list(dict.fromkeys([options.hostname.rstrip(".").lower(), *_endpoint_names(endpoint)]))
    with ThreadPoolExecutor(max_workers=min(16, len(names)), thread_name_prefix="plcheck") as pool:
        dns = tuple(pool.map(lambda n: resolve(n, nameserver, options.timeout), names))
    addresses = [a for result in dns for a in result.addresses]
    tcp = connect_all(addresses, options.port, options.timeout)
    connected = [r.address for r in tcp if r.connected]
    tls = handshake_all(
        connected,
        options.port,
        options.sni or options.hostname,
        ca_bundle=options.ca_bundle,
        timeout=options.timeout,
    )
    return ProbeRun(options, endpoint, endpoint_error, dns, tcp, tls)


def judge(probed: ProbeRun) -> list[Finding]:
    """probe-dns per name, then probe-tcp and probe-tls per address."""
    options, endpoint = probed.options, probed.endpoint
    account = endpoint.account if endpoint else ""
    region = endpoint.region if endpoint else ""
    findings: list[Finding] = []
    if probed.endpoint_error is not None and options.endpoint:
        findings.append(
            error_finding(
                probe_dns.SPEC, options.endpoint, probed.endpoint_error, region=options.region or ""
            )
        )
    for result in probed.dns:
        findings.extend(probe_dns.judge(result, endpoint))
    names = _names_by_address(probed.dns)
    host = options.hostname
    findings.extend(probe_tcp.judge(host, probed.tcp, names=names, account=account, region=region))
    findings.extend(
        probe_tls.judge(
            probed.tls,
            hostname=host,
            insecure=options.insecure,
            skipped=[r.address for r in probed.tcp if not r.connected],
            names=names,
            account=account,
            region=region,
        )
    )
    return findings


def run(options: ProbeOptions, ctx: AwsContext | None = None) -> list[Finding]:
    """Probe and judge; ``ctx`` is the AWS context for --endpoint (one is made if needed)."""
    return judge(gather(options, ctx))


def views(probed: ProbeRun) -> list[View]:
    """One row per address: names, interface, TCP and TLS outcome."""
    if not probed.tcp:
        return []
    names = _names_by_address(probed.dns)
    tls = {r.address: r for r in probed.tls}
    owner = {}
    if probed.endpoint is not None:
        owner = {ip: i for i in probed.endpoint.interfaces for ip in i.private_ips}
    server_name = probed.options.sni or probed.options.hostname
    rows = []
    for result in probed.tcp:
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
                *(interface if probed.endpoint is not None else []),
                tcp_cell,
                _tls_cell(tls.get(result.address), server_name),
            )
        )
    interface_column = ("Endpoint interface",) if probed.endpoint is not None else ()
    return [
        View(
            title=f"Addresses probed on port {probed.options.port}",
            columns=("Address", "Resolved from", *interface_column, "TCP", "TLS"),
            rows=tuple(rows),
            highlight=frozenset(i for i, r in enumerate(probed.tcp) if not r.connected),
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


def _names_by_address(dns: Sequence[DnsResult]) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for result in dns:
        for address in result.addresses:
            names.setdefault(address, []).append(result.name)
    return names


def _endpoint_names(endpoint: EndpointInfo | None) -> list[str]:
    return list(endpoint.dns_names) if endpoint else []


def _read_endpoint(
    options: ProbeOptions, ctx: AwsContext | None
) -> tuple[EndpointInfo | None, AwsCallError | None]:
    from plcheck.aws import AwsContext, Scope
    from plcheck.aws.endpoints import describe_endpoint

    assert options.endpoint is not None
    scope = Scope(profile=options.profile, region=options.region)
    own = ctx is None
    context = ctx or AwsContext()
    try:
        return describe_endpoint(context, scope, options.endpoint), None
    except AwsCallError as exc:
        return None, exc
    finally:
        if own:
            context.close()


def register(app: typer.Typer) -> None:
    @app.command("probe")
    def probe(
        hostname: Annotated[
            str, typer.Argument(help="The name clients use, e.g. api.example.com.")
        ],
        port: Annotated[int, typer.Option("--port", metavar="PORT", help="TCP port.")] = 443,
        resolver: Annotated[
            str | None,
            typer.Option(
                "--resolver",
                metavar="IP[:PORT]",
                help="Ask this resolver (IP[:PORT]) instead of the system's.",
                show_default=False,
            ),
        ] = None,
        endpoint: Annotated[
            str | None,
            typer.Option(
                "--endpoint",
                "-e",
                metavar="VPCE_ID",
                help="Interface endpoint (vpce-...): probe its DNS names too and compare every "
                "answer with its network interfaces' IPs.",
                show_default=False,
            ),
        ] = None,
        profile: ProfileOption = None,
        region: RegionOption = None,
        ca_bundle: Annotated[
            Path | None,
            typer.Option(
                "--ca-bundle",
                metavar="FILE",
                help="Verify against the CAs in this PEM file instead of the system trust store.",
                show_default=False,
            ),
        ] = None,
        insecure: Annotated[
            bool,
            typer.Option(
                "--insecure", "-k", help="Report certificate problems as warnings (like curl -k)."
            ),
        ] = False,
        sni: Annotated[
            str | None,
            typer.Option(
                "--sni",
                metavar="NAME",
                help="Server name to send and check certificates against (default: HOSTNAME).",
                show_default=False,
            ),
        ] = None,
        timeout: Annotated[
            float,
            typer.Option(
                "--timeout",
                metavar="SECONDS",
                help="Seconds for each lookup, connect and handshake.",
            ),
        ] = 5.0,
        fmt: FormatOption = Format.TABLE,
        output: OutputOption = None,
        fail_on: FailOnOption = FailOn.FAIL,
    ) -> None:
        """Resolve, connect and handshake with every address of HOSTNAME, from here."""
        options = ProbeOptions(
            hostname=hostname,
            port=port,
            resolver=resolver,
            endpoint=endpoint,
            profile=profile,
            region=region,
            ca_bundle=ca_bundle,
            insecure=insecure,
            sni=sni,
            timeout=timeout,
        )
        probed = gather(options)
        finish("probe", judge(probed), OutputOptions(fmt, output, fail_on), views(probed))
