"""The provider run: endpoint services from their owner's account.

The AWS facts are read once per run (:mod:`plcheck.aws.provider`), and
concurrently with them the DNS lookups of each service's verification record;
then every provider check judges each service.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from plcheck.checks import (
    framework,
    nlb_az_coverage,
    private_dns_txt_record,
    service_allowed_principals,
    service_state,
)
from plcheck.errors import AwsErrorKind, UsageError
from plcheck.facts.outcome import Outcome
from plcheck.facts.provider import (
    ProviderFacts,
    ServiceConfig,
    ServiceFacts,
    TxtLookup,
    TxtLookups,
)
from plcheck.facts.zones import zone_label
from plcheck.model import Finding, Report, View
from plcheck.probe.dns import Nameserver, parse_nameserver
from plcheck.service_names import ENDPOINT_SERVICE_NAME
from plcheck.validate import validate_id

if TYPE_CHECKING:  # the AWS layer and dnspython are imported only when a run needs them
    import dns.resolver

    from plcheck.aws import AwsContext, Scope


def _default_scope() -> Scope:
    from plcheck.aws import Scope

    return Scope()


@dataclass(frozen=True)
class ProviderOptions:
    """What a provider run is asked to check, and with which credentials."""

    service: str | None = None
    """A service ID or service name; None for every service the account owns."""
    scope: Scope = field(default_factory=_default_scope)
    """The provider account; its region defaults to the service name's."""
    consumer_accounts: tuple[str, ...] = ()
    """Accounts that must be allowed to connect."""
    consumer_regions: tuple[str, ...] = ()
    """Regions consumers connect from."""
    resolver: str | None = None
    """``IP[:PORT]`` of the resolver for the TXT lookups; None for the system's."""
    dns_timeout: float = 5.0
    """Seconds for each TXT lookup."""
    consumer_principals: tuple[str, ...] = ()
    """IAM role or user ARNs that will create the endpoints (judged exactly)."""
    client_cidrs: tuple[str, ...] = ()
    """CIDRs clients connect from: the sources the NLB's security groups see when they
    enforce inbound rules on PrivateLink traffic (``plcheck check`` passes none: link-sources
    judges each consumer VPC's CIDRs and client_cidrs)."""


@dataclass(frozen=True)
class Target:
    """The validated request."""

    service_id: str | None
    """The one service asked for, or None for all."""
    scope: Scope
    """The provider account, in the region to read (flag, or the service name's)."""
    nameserver: Nameserver | None
    """Resolver for the TXT lookups."""


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
    from dataclasses import replace

    service_id, region = parse_service(options.service) if options.service else (None, None)
    asked = options.scope.region
    if region and asked and region != asked:
        raise UsageError(f"service {options.service} is in {region}, not --region {asked}")
    for account in options.consumer_accounts:
        validate_id("account", account)
    from plcheck.aws.regions import validate_region

    for consumer_region in options.consumer_regions:
        validate_region(consumer_region)  # a region botocore knows, as --region is
    for principal in options.consumer_principals:
        if not service_allowed_principals.CONSUMER_PRINCIPAL.fullmatch(principal):
            raise UsageError(
                f"bad --consumer-principal {principal!r}: expected an IAM role or user ARN "
                "(arn:aws:iam::ACCOUNT:role/NAME)"
            )
    for cidr in options.client_cidrs:
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            raise UsageError(f"bad --client-cidr {cidr!r}: expected a CIDR (10.0.0.0/16)") from None
    if not options.dns_timeout > 0:
        raise UsageError(f"bad --dns-timeout {options.dns_timeout:g}: must be more than 0")
    nameserver = None
    if options.resolver is not None:
        try:
            nameserver = parse_nameserver(options.resolver)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    return Target(service_id, replace(options.scope, region=asked or region), nameserver)


def gather(
    ctx: AwsContext, options: ProviderOptions, siblings: Sequence[str] = ()
) -> ProviderFacts:
    """The AWS facts, and concurrently with them the TXT lookups of each service.

    ``siblings`` are other service IDs of the same account and Region that the run reads
    too (``plcheck check``: the services of other links to this provider). They are read in
    the same calls, which the run's call cache then shares, and left out of the facts
    returned: those are this service's only.
    """
    from plcheck.aws.provider import gather as gather_facts

    target = validate(options)

    def lookups(services: list[ServiceConfig]) -> Mapping[str, TxtLookups]:
        # Only the asked service's names: each sibling's own run looks up its records.
        mine = [s for s in services if not ids or s.service_id in ids]
        asked = [(s, private_dns_txt_record.lookup_names(s)) for s in mine]
        asked = [(s, names) for s, names in asked if names]
        found = ctx.gather(
            [
                lambda names=names: lookup_txt_records(  # type: ignore[misc]
                    ctx, names, target.nameserver, options.dns_timeout
                )
                for _, names in asked
            ]
        )
        return {s.service_id: o.get() for (s, _), o in zip(asked, found, strict=True)}

    ids = [target.service_id] if target.service_id else []
    batch = sorted({*ids, *siblings}) if ids else []

    def read(service_ids: list[str]) -> ProviderFacts:
        return gather_facts(
            ctx,
            target.scope,
            service_ids,
            alongside=lookups,
            consumer_regions=options.consumer_regions,
        )

    facts = read(batch)
    error = facts.services.error
    if batch != ids and error is not None and error.kind is AwsErrorKind.NOT_FOUND:
        # One missing service fails DescribeVpcEndpointServiceConfigurations for all of them.
        facts = read(ids)
    return _with_memberships(ctx, target.scope, _only(facts, ids), options)


def _only(facts: ProviderFacts, service_ids: Sequence[str]) -> ProviderFacts:
    """``facts`` about ``service_ids`` alone (all of them when none is named)."""
    from dataclasses import replace

    if not service_ids or facts.services.error is not None:
        return facts
    kept = tuple(s for s in facts.services.value or () if s.service_id in service_ids)
    return replace(
        facts,
        services=Outcome(value=kept),
        permissions={k: v for k, v in facts.permissions.items() if k in service_ids},
    )


def _with_memberships(
    ctx: AwsContext, scope: Scope, facts: ProviderFacts, options: ProviderOptions
) -> ProviderFacts:
    """Where the consumer accounts sit in the organization, when a principal is an org or OU."""
    from dataclasses import replace

    from plcheck.aws.org import memberships

    consumers = {
        *options.consumer_accounts,
        *(service_allowed_principals.account_of(p) for p in options.consumer_principals),
    }
    by_org = any(
        service_allowed_principals.organization_principals(o.value or ())
        for o in facts.permissions.values()
    )
    if not consumers or not by_org:
        return facts
    return replace(facts, memberships=memberships(ctx, scope, sorted(consumers)))


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


def judge(
    facts: ProviderFacts,
    service_id: str | None = None,
    consumer_accounts: Sequence[str] = (),
    consumer_regions: Sequence[str] = (),
    now: datetime | None = None,
    consumer_principals: Sequence[str] = (),
    client_cidrs: Sequence[str] = (),
    sources_by_link: bool = False,
) -> list[Finding]:
    """Every provider check on every service; an unreadable part becomes its checks' errors.

    ``sources_by_link``: the consumers' addresses are judged by link-sources (check run).
    """
    account, region = facts.account, facts.region
    now = now or datetime.now(timezone.utc)
    if facts.services.error is not None:
        error = facts.services.error
        if error.kind is AwsErrorKind.NOT_FOUND and service_id:
            return [service_state.missing(service_id, account, region)]
        resource = service_id or f"endpoint services in {region}"
        return framework.unreadable("provider", "service", resource, error, account, region)
    services = facts.services.value or ()
    if not services:
        if service_id:
            return [service_state.missing(service_id, account, region)]
        return [service_state.none_owned(account, region)]
    findings: list[Finding] = []
    for service in sorted(services, key=lambda s: s.service_id):
        subject = ServiceFacts(
            facts,
            service,
            tuple(consumer_accounts),
            tuple(consumer_regions),
            now,
            tuple(consumer_principals),
            tuple(client_cidrs),
            sources_by_link,
        )
        findings += framework.judge("provider", "service", subject)
    return findings


def views(facts: ProviderFacts) -> list[View]:
    """Per service: its zones by AZ ID, the provider's name and the load balancer subnets."""
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


def run(options: ProviderOptions, ctx: AwsContext | None = None) -> Report:
    """Gather, judge and lay out (in ``ctx``, or a context of its own)."""
    from plcheck.aws import AwsContext

    target = validate(options)
    if ctx is None:
        with AwsContext() as own:
            facts = gather(own, options)
    else:
        facts = gather(ctx, options)
    findings = judge(
        facts,
        target.service_id,
        options.consumer_accounts,
        options.consumer_regions,
        consumer_principals=options.consumer_principals,
        client_cidrs=options.client_cidrs,
    )
    return Report("provider", tuple(findings), views=tuple(views(facts)))
