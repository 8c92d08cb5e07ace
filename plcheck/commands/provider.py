"""``plcheck provider``: preflight an endpoint service from the provider's account.

Gather (AWS, once per run, plus the DNS lookups of the verification records),
judge (the pure checks) and render are kept apart; :func:`run` does the first
two for tests and for the ``check`` gate.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Annotated

import typer

from plcheck.checks import (
    nlb_az_coverage,
    nlb_listeners,
    nlb_security_groups,
    nlb_target_health,
    private_dns_txt_record,
    private_dns_verification,
    service_acceptance,
    service_allowed_principals,
    service_state,
    service_supported_regions,
)
from plcheck.commands.common import (
    ExternalIdOption,
    FailOnOption,
    FormatOption,
    OutputOption,
    OutputOptions,
    ProfileOption,
    RegionOption,
    RoleArnOption,
    error_finding,
    finish,
    validate_id,
)
from plcheck.errors import AwsCallError, AwsErrorKind, UsageError
from plcheck.facts.provider import (
    LoadBalancer,
    ServiceConfig,
    TxtLookup,
    TxtLookups,
)
from plcheck.facts.zones import zone_label
from plcheck.model import CheckSpec, FailOn, Finding, View
from plcheck.probe.dns import Nameserver, parse_nameserver
from plcheck.report import Format
from plcheck.service_names import ENDPOINT_SERVICE_NAME

if TYPE_CHECKING:  # the AWS layer and dnspython are imported only when a command runs
    import dns.resolver

    from plcheck.aws import AwsContext
    from plcheck.aws.provider import ProviderFacts
    from plcheck.commands.demo import DemoStep
    from plcheck.sim.world import SimulatedWorld

#: Every check this command runs, in report order.
CHECKS: tuple[CheckSpec, ...] = (
    service_state.SPEC,
    nlb_az_coverage.SPEC,
    nlb_listeners.SPEC,
    nlb_target_health.SPEC,
    nlb_security_groups.SPEC,
    private_dns_verification.SPEC,
    private_dns_txt_record.SPEC,
    service_acceptance.SPEC,
    service_allowed_principals.SPEC,
    service_supported_regions.SPEC,
)


@dataclass(frozen=True)
class ProviderOptions:
    """What the user asked for, validated by :func:`validate`."""

    service: str | None = None
    """A service ID or service name; None for every service the account owns."""
    profile: str | None = None
    """AWS profile of the provider account."""
    region: str | None = None
    """Region; default the service name's, else the profile's."""
    role_arn: str | None = None
    """Role to assume."""
    external_id: str | None = None
    """External ID for the role."""
    consumer_accounts: tuple[str, ...] = ()
    """Accounts that must be allowed to connect."""
    consumer_regions: tuple[str, ...] = ()
    """Regions consumers connect from."""
    resolver: str | None = None
    """``IP[:PORT]`` of the resolver for the TXT lookups; None for the system's."""
    dns_timeout: float = 5.0
    """Seconds for each TXT lookup."""


@dataclass(frozen=True)
class Target:
    """The validated request."""

    service_id: str | None
    """The one service asked for, or None for all."""
    region: str | None
    """The region to read (flag, or the service name's)."""
    nameserver: Nameserver | None
    """Resolver for the TXT lookups."""


@dataclass
class ProviderRun:
    """Everything one run gathered."""

    facts: ProviderFacts
    """The AWS facts."""
    txt: dict[str, TxtLookups] = field(default_factory=dict)
    """Service ID → its verification record lookups."""
    service_id: str | None = None
    """The service asked for, if one."""


def parse_service(text: str) -> tuple[str, str | None]:
    """``(service ID, region from the name or None)``; UsageError when malformed."""
    text = text.strip()
    match = ENDPOINT_SERVICE_NAME.fullmatch(text)
    if match is not None:
        return validate_id("endpoint service", match.group("id")), match.group("region")
    try:
        return validate_id("endpoint service", text), None
    except UsageError:
        raise UsageError(
            f"malformed endpoint service {text!r}: expected vpce-svc-… or "
            "com.amazonaws.vpce.<region>.vpce-svc-…"
        ) from None


def validate(options: ProviderOptions) -> Target:
    """Check the options (UsageError → exit 2)."""
    service_id, region = parse_service(options.service) if options.service else (None, None)
    if region and options.region and region != options.region:
        raise UsageError(f"service {options.service} is in {region}, not --region {options.region}")
    for account in options.consumer_accounts:
        validate_id("account", account)
    for consumer_region in options.consumer_regions:
        validate_id("region", consumer_region)
    if not options.dns_timeout > 0:
        raise UsageError(f"bad --dns-timeout {options.dns_timeout:g}: must be more than 0")
    nameserver = None
    if options.resolver is not None:
        try:
            nameserver = parse_nameserver(options.resolver)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    return Target(service_id, options.region or region, nameserver)


# -- gather -----------------------------------------------------------------------


def gather(ctx: AwsContext, options: ProviderOptions) -> ProviderRun:
    """The AWS facts, and concurrently with them the TXT lookups of each service."""
    from plcheck.aws import Scope
    from plcheck.aws.provider import gather as gather_facts

    target = validate(options)
    scope = Scope(
        profile=options.profile,
        region=target.region,
        role_arn=options.role_arn,
        external_id=options.external_id,
    )
    txt: dict[str, TxtLookups] = {}
    lock = threading.Lock()

    def lookups(services: list[ServiceConfig]) -> None:
        def one(service: ServiceConfig) -> None:
            names = private_dns_txt_record.lookup_names(service)
            if names:
                found = lookup_txt_records(ctx, names, target.nameserver, options.dns_timeout)
                with lock:
                    txt[service.service_id] = found

        ctx.gather([lambda s=s: one(s) for s in services])  # type: ignore[misc]

    facts = gather_facts(
        ctx, scope, [target.service_id] if target.service_id else (), alongside=lookups
    )
    return ProviderRun(facts=facts, txt=txt, service_id=target.service_id)


def lookup_txt_records(
    ctx: AwsContext, names: Sequence[str], nameserver: Nameserver | None, timeout: float
) -> TxtLookups:
    """TXT records at each name, concurrently, with the system's resolvers or ``nameserver``."""
    import dns.resolver

    from plcheck.probe.dns import describe_system, make_resolver

    try:
        resolver = make_resolver(nameserver, timeout)
    except dns.resolver.NoResolverConfiguration as exc:
        return TxtLookups(
            resolver="system",
            lookups=tuple(TxtLookup(n, error="NO_RESOLVER", detail=str(exc)) for n in names),
        )
    described = str(nameserver) if nameserver else describe_system(resolver)
    outcomes = ctx.gather([lambda n=n: _lookup_txt(resolver, n) for n in names])  # type: ignore[misc]
    return TxtLookups(resolver=described, lookups=tuple(o.get() for o in outcomes))


def _lookup_txt(resolver: dns.resolver.Resolver, name: str) -> TxtLookup:
    from plcheck.probe.dns import query

    answer = query(resolver, name, "TXT")
    if answer.error is not None:
        return TxtLookup(name, error=answer.error.value, detail=answer.detail)
    return TxtLookup(name, values=answer.values)


# -- judge ------------------------------------------------------------------------


def judge(
    run: ProviderRun,
    consumer_accounts: Sequence[str] = (),
    consumer_regions: Sequence[str] = (),
    now: datetime | None = None,
) -> list[Finding]:
    """Every check on every service; an unreadable part becomes its checks' error findings."""
    facts = run.facts
    account, region = facts.account, facts.region
    now = now or datetime.now(timezone.utc)
    if facts.services.error is not None:
        error = facts.services.error
        if error.kind is AwsErrorKind.NOT_FOUND and run.service_id:
            return [service_state.missing(run.service_id, account, region)]
        resource = run.service_id or f"endpoint services in {region}"
        return [error_finding(spec, resource, error, account, region) for spec in CHECKS]
    services = facts.services.value or []
    if not services:
        if run.service_id:
            return [service_state.missing(run.service_id, account, region)]
        return [service_state.none_owned(account, region)]
    findings: list[Finding] = []
    for service in sorted(services, key=lambda s: s.service_id):
        findings.extend(_judge_service(run, service, consumer_accounts, consumer_regions, now))
    return findings


def _judge_service(
    run: ProviderRun,
    service: ServiceConfig,
    consumer_accounts: Sequence[str],
    consumer_regions: Sequence[str],
    now: datetime,
) -> list[Finding]:
    facts = run.facts
    account, region = facts.account, facts.region
    sid = service.service_id
    out: list[Finding] = []

    def failed(spec: CheckSpec, error: AwsCallError) -> None:
        out.append(error_finding(spec, sid, error, account, region))

    out.extend(service_state.judge(service, account))

    balancers = facts.load_balancers.value
    if balancers is None:
        assert facts.load_balancers.error is not None
        for spec in (
            nlb_az_coverage.SPEC,
            nlb_listeners.SPEC,
            nlb_target_health.SPEC,
            nlb_security_groups.SPEC,
        ):
            failed(spec, facts.load_balancers.error)
        lbs = []
    else:
        lbs = [balancers[a] for a in service.load_balancer_arns if a in balancers]

    if balancers is not None:
        coverage_error = facts.subnets.error or facts.zones.error
        if coverage_error is not None:
            failed(nlb_az_coverage.SPEC, coverage_error)
        elif facts.zones.value is not None:
            out.extend(
                nlb_az_coverage.judge(
                    service, lbs, facts.subnets.value or {}, facts.zones.value, account
                )
            )
    out.extend(_judge_balancers(facts, sid, lbs))

    out.extend(private_dns_verification.judge(service, account))
    out.extend(private_dns_txt_record.judge(service, run.txt.get(sid), account))

    if facts.connections.error is not None:
        failed(service_acceptance.SPEC, facts.connections.error)
    else:
        out.extend(service_acceptance.judge(service, facts.connections.value or [], now, account))

    principals = facts.permissions.get(sid)
    if principals is not None and principals.error is not None:
        failed(service_allowed_principals.SPEC, principals.error)
    else:
        allowed = principals.value if principals and principals.value else ()
        out.extend(service_allowed_principals.judge(service, allowed, consumer_accounts, account))

    out.extend(service_supported_regions.judge(service, consumer_regions, account))
    return out


def _judge_balancers(
    facts: ProviderFacts, service_id: str, lbs: Sequence[LoadBalancer]
) -> list[Finding]:
    """Listeners, target health and security groups of a service's load balancers."""
    account, region = facts.account, facts.region
    out: list[Finding] = []
    zone_ids = facts.zones.value.name_to_id if facts.zones.value else {}
    for lb in lbs:
        listed = facts.listeners.get(lb.arn)
        if listed is None or listed.error is not None:
            if listed is not None and listed.error is not None:
                for spec in (nlb_listeners.SPEC, nlb_target_health.SPEC, nlb_security_groups.SPEC):
                    out.append(error_finding(spec, service_id, listed.error, account, region))
            continue
        listeners = listed.value or ()
        out.extend(nlb_listeners.judge(lb, listeners, account, region, service_id))
        groups, unread = [], False
        for arn in dict.fromkeys(a for item in listeners for a in item.target_group_arns):
            group = facts.target_groups.get(arn)
            if group is None:
                continue
            if group.error is not None:
                unread = True
                out.append(
                    error_finding(nlb_target_health.SPEC, service_id, group.error, account, region)
                )
            elif group.value is not None:
                groups.append(group.value)
        if groups or not unread:
            out.extend(nlb_target_health.judge(lb, groups, zone_ids, account, region, service_id))
        if lb.security_groups and facts.security_groups.error is not None:
            out.append(
                error_finding(
                    nlb_security_groups.SPEC,
                    service_id,
                    facts.security_groups.error,
                    account,
                    region,
                )
            )
        else:
            out.extend(
                nlb_security_groups.judge(
                    lb, listeners, facts.security_groups.value or {}, account, region, service_id
                )
            )

    return out


# -- views ------------------------------------------------------------------------


def views(run: ProviderRun) -> list[View]:
    """Per service: its zones by AZ ID, the provider's name and the load balancer subnets."""
    facts = run.facts
    zones, balancers = facts.zones.value, facts.load_balancers.value
    if zones is None or balancers is None or not facts.services.value:
        return []
    out = []
    for service in sorted(facts.services.value, key=lambda s: s.service_id):
        lbs = [balancers[a] for a in service.load_balancer_arns if a in balancers]
        offered = nlb_az_coverage.offered_zone_ids(lbs, facts.subnets.value or {}, zones)
        names = zones.id_to_name
        ids = sorted(names, key=lambda z: (len(z), z))
        rows = tuple(
            (zone_id, names[zone_id], ", ".join(offered.get(zone_id, [])) or "—",
             "yes" if zone_id in offered else "NO")
            for zone_id in ids
        )  # fmt: skip
        out.append(
            View(
                title=f"Zones of {service.service_id} ({service.region})",
                columns=("AZ ID", "Provider zone name", "Load balancer subnets", "Offered"),
                rows=rows,
                highlight=frozenset(i for i, row in enumerate(rows) if row[3] == "NO"),
                note="Consumers match zones by AZ ID: their zone names differ. "
                + ", ".join(zone_label(names[z], z) for z in ids if z not in offered)
                + (" not offered." if len(offered) < len(ids) else "All zones offered."),
            )
        )
    return out


def run(
    options: ProviderOptions, ctx: AwsContext | None = None
) -> tuple[list[Finding], ProviderRun]:
    """Gather and judge (for tests and the ``check`` gate); raises UsageError on bad input."""
    from plcheck.aws import AwsContext

    validate(options)
    if ctx is None:
        with AwsContext() as own:
            gathered = gather(own, options)
    else:
        gathered = gather(ctx, options)
    return judge(gathered, options.consumer_accounts, options.consumer_regions), gathered


def register(app: typer.Typer) -> None:
    @app.command("provider")
    def provider(
        service: Annotated[
            str | None,
            typer.Argument(
                help="Endpoint service ID (vpce-svc-…) or name; default: every service "
                "the account owns in the region.",
                show_default=False,
            ),
        ] = None,
        profile: ProfileOption = None,
        region: RegionOption = None,
        consumer_account: Annotated[
            list[str] | None,
            typer.Option(
                "--consumer-account",
                metavar="ACCOUNT_ID",
                help="A consumer account that must be allowed (repeatable).",
                show_default=False,
            ),
        ] = None,
        consumer_region: Annotated[
            list[str] | None,
            typer.Option(
                "--consumer-region",
                metavar="REGION",
                help="A region consumers connect from (repeatable).",
                show_default=False,
            ),
        ] = None,
        resolver: Annotated[
            str | None,
            typer.Option(
                "--resolver",
                metavar="IP[:PORT]",
                help="Look up the verification TXT record with this resolver (IP[:PORT]) "
                "instead of the system's.",
                show_default=False,
            ),
        ] = None,
        dns_timeout: Annotated[
            float,
            typer.Option("--dns-timeout", metavar="SECONDS", help="Seconds for each TXT lookup."),
        ] = 5.0,
        role_arn: RoleArnOption = None,
        external_id: ExternalIdOption = None,
        fmt: FormatOption = Format.TABLE,
        output: OutputOption = None,
        fail_on: FailOnOption = FailOn.FAIL,
    ) -> None:
        """Preflight endpoint services from the provider's account: zones, NLBs, DNS, access."""
        options = ProviderOptions(
            service=service,
            profile=profile,
            region=region,
            role_arn=role_arn,
            external_id=external_id,
            consumer_accounts=tuple(consumer_account or ()),
            consumer_regions=tuple(consumer_region or ()),
            resolver=resolver,
            dns_timeout=dns_timeout,
        )
        findings, gathered = run(options)
        finish("provider", findings, OutputOptions(fmt, output, fail_on), views(gathered))


def demo_steps(world: SimulatedWorld) -> Iterator[DemoStep]:
    """The ``plcheck demo`` step: the provider scenario, with its TXT record misplaced."""
    from plcheck.commands.demo import DemoStep
    from plcheck.sim.dns_server import DnsServer
    from plcheck.sim.provider_scenarios import provider_preflight

    built = provider_preflight(world)
    # The verification value published at the private DNS name itself, not under the
    # _label AWS asked for: the mistake behind most stuck verifications.
    records = {built.private_dns_name: {"TXT": [built.txt_value]}}
    with DnsServer(records) as dns:
        yield DemoStep(
            command="provider",
            title="Preflight an endpoint service from the provider's account",
            story=(
                f"{built.service_id} ({built.nlb_name}): NLB in 2 of 6 zones, target "
                f"{built.unhealthy_target} unhealthy with cross-zone off, NLB security group "
                f"admitting 443 only from a security group, private DNS "
                f"{built.private_dns_name} pending verification with its TXT record at the "
                f"wrong name (DNS on {dns.resolver}), and an endpoint of "
                f"{built.consumer_account} waiting for acceptance."
            ),
            args=(
                "provider",
                built.service_id,
                "--profile",
                "provider",
                "--consumer-account",
                built.consumer_account,
                "--resolver",
                dns.resolver,
            ),
        )
