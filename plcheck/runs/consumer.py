"""The consumer run: a consumer VPC and its interface endpoints, before and after they exist.

Without services asked for, every interface endpoint of the VPC is checked
against its service. With services, the VPC's endpoints to them are checked, and
where there is none yet (pre-deploy) the planned subnets and security groups are
checked instead, and the report says which subnets to use.

Everything is read in two rounds of concurrent calls whose number does not grow
with the number of endpoints: the VPC, its attributes, subnets, zones,
endpoints, security groups, network ACLs, hosted zones and Resolver rules first;
then the services of all endpoints in one call, the DHCP options, and (for services
in another Region) the account's opt-in status of the Regions involved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from plcheck.checks import framework
from plcheck.checks.endpoint_az_coverage import subnets_to_use
from plcheck.checks.private_dns_conflict import parent_zone_reads
from plcheck.errors import AwsErrorKind, UsageError
from plcheck.facts.consumer import (
    ConsumerFacts,
    ConsumerRequest,
    EndpointFacts,
    Vpc,
)
from plcheck.facts.network import Subnet
from plcheck.facts.outcome import Outcome, outcome_of
from plcheck.facts.zones import AccountZones
from plcheck.model import Finding, Report, View
from plcheck.runs.zone_grid import ConsumerZones, ProviderZones, by_zone, zone_grid
from plcheck.service_names import SERVICE_ID, is_service_name, region_in_service_name
from plcheck.validate import validate_id

if TYPE_CHECKING:  # the AWS layer is imported only when a run reaches AWS
    from plcheck.aws import AwsContext, Scope

DEFAULT_PORT = 443


def _default_scope() -> Scope:
    from plcheck.aws import Scope

    return Scope()


@dataclass(frozen=True)
class ConsumerOptions:
    """What a consumer run is asked to check, and with which credentials."""

    vpc_id: str
    """The consumer VPC."""
    services: tuple[str, ...] = ()
    """Service names to check (empty: the services of the VPC's interface endpoints)."""
    subnets: tuple[str, ...] = ()
    """Planned subnets for services with no endpoint yet (empty: every subnet of the VPC)."""
    security_groups: tuple[str, ...] = ()
    """Planned security groups (empty: the VPC's default group, as AWS would use)."""
    ports: tuple[int, ...] = (DEFAULT_PORT,)
    """TCP ports clients use."""
    scope: Scope = field(default_factory=_default_scope)
    """The consumer account and region."""

    @property
    def request(self) -> ConsumerRequest:
        """The plain request the facts carry."""
        return ConsumerRequest(
            self.vpc_id, self.services, self.subnets, self.security_groups, self.ports
        )


def validate(options: ConsumerOptions) -> None:
    """Malformed IDs, names and ports are usage errors (exit 2)."""
    validate_id("vpc", options.vpc_id)
    for subnet in options.subnets:
        validate_id("subnet", subnet)
    for group in options.security_groups:
        validate_id("security group", group)
    for name in options.services:
        if SERVICE_ID.fullmatch(name):
            raise UsageError(
                f"--service takes a service name (com.amazonaws.vpce.REGION.{name}), "
                f"not the service ID {name!r}"
            )
        if not is_service_name(name):
            raise UsageError(f"malformed endpoint service name {name!r}")
    for port in options.ports:
        if not 0 < port < 65536:
            raise UsageError(f"bad --port {port}: must be 1-65535")
    if (options.subnets or options.security_groups) and not options.services:
        raise UsageError("--subnet and --security-group plan an endpoint: pass --service too")


def gather(ctx: AwsContext, options: ConsumerOptions) -> ConsumerFacts:
    """Read everything the consumer checks need, concurrently.

    A read that needs another's answer follows it at once (the DHCP options their VPC,
    the services the VPC's endpoints) rather than waiting for the whole first round.
    """
    from plcheck.aws import consumer as aws
    from plcheck.aws.endpoints import interface_endpoints
    from plcheck.aws.network import (
        network_acls_for_vpcs,
        security_groups_in_vpcs,
        subnets_in_vpcs,
    )
    from plcheck.aws.zones import account_zones

    validate(options)
    scope, vpc_id = options.scope, options.vpc_id
    region = ctx.region(scope)

    def vpc_then_dhcp() -> tuple[Outcome[Vpc], Outcome[Any]]:
        # The DHCP options follow the VPC at once, not after the whole first round.
        vpc: Outcome[Vpc] = outcome_of(lambda: aws.vpc(ctx, scope, vpc_id))
        dhcp = outcome_of(lambda: aws.dhcp_options(ctx, scope, vpc.get().dhcp_options_id))
        return vpc, dhcp

    def endpoints_then_services() -> tuple[Outcome[Any], Outcome[Any], Outcome[Any]]:
        # The services of the asked names and of the VPC's endpoints, and the Regions'
        # opt-in status, as soon as the endpoints are known.
        endpoints = outcome_of(lambda: tuple(interface_endpoints(ctx, scope, vpc_id)))
        names = list(options.services)
        regions = [region_in_service_name(n) for n in names]
        for endpoint in endpoints.value or ():
            names.append(endpoint.service_name)
            regions.append(endpoint.service_region or region_in_service_name(endpoint.service_name))
        # The opt-in status matters only across Regions: read it only then.
        remote = sorted({r for r in regions if r and r != region})
        services, opt_in = ctx.gather(
            [
                lambda: aws.endpoint_services(ctx, scope, names, regions),
                lambda: aws.region_opt_in(ctx, scope, [region, *remote] if remote else []),
            ]
        )
        return endpoints, services, opt_in

    first = _settle(
        ctx,
        {
            # The two chains first: the run waits for their second calls.
            "endpoints": endpoints_then_services,
            "vpc": vpc_then_dhcp,
            "account": lambda: ctx.account_id(scope),
            "dns": lambda: aws.vpc_dns_attributes(ctx, scope, vpc_id),
            "zones": lambda: ctx.call(scope, "ec2", "describe_availability_zones"),
            "subnets": lambda: tuple(subnets_in_vpcs(ctx, scope, [vpc_id])),
            "groups": lambda: tuple(security_groups_in_vpcs(ctx, scope, [vpc_id])),
            "acls": lambda: tuple(network_acls_for_vpcs(ctx, scope, [vpc_id])),
            "hosted_zones": lambda: tuple(aws.hosted_zones_for_vpc(ctx, scope, vpc_id, region)),
            "resolver_rules": lambda: tuple(aws.resolver_rules_for_vpc(ctx, scope, vpc_id)),
        },
    )
    vpc, dhcp = first["vpc"].get()
    endpoints, services, region_opt_in = first["endpoints"].get()
    for error in (vpc.error, first["dns"].error):
        if error is not None and error.kind is AwsErrorKind.NOT_FOUND:
            raise UsageError(
                f"VPC {vpc_id} does not exist in {scope.label} ({region}); "
                "check the VPC ID, --profile and --region"
            )
    account = first["account"].value or (vpc.value.owner if vpc.value else "")
    # Served from the call cache: the zones were read in the first round.
    zones = (
        outcome_of(lambda: account_zones(ctx, scope, str(account)))
        if first["zones"].error is None
        else first["zones"]
    )
    # Third round, only with a customer zone above a private DNS name: its records there.
    dns_names = [d.private_dns_name for d in (services.value or {}).values()]
    pairs = parent_zone_reads(first["hosted_zones"].value or (), dns_names)
    zone_records = aws.records_under(ctx, scope, pairs) if pairs else {}
    return ConsumerFacts(
        request=options.request,
        account=str(account),
        region=region,
        vpc=vpc,
        dns=first["dns"],
        dhcp=dhcp,
        zones=zones,
        subnets=first["subnets"],
        endpoints=endpoints,
        services=services,
        groups=first["groups"],
        acls=first["acls"],
        hosted_zones=first["hosted_zones"],
        resolver_rules=first["resolver_rules"],
        region_opt_in=region_opt_in,
        zone_records=zone_records,
    )


def _settle(ctx: AwsContext, thunks: dict[str, Callable[[], Any]]) -> dict[str, Outcome[Any]]:
    """Run independent gatherers concurrently; each result is an outcome."""
    return dict(zip(thunks, ctx.gather(list(thunks.values())), strict=True))


def judge(facts: ConsumerFacts) -> list[Finding]:
    """Every consumer check: the VPC's, then each endpoint's (or planned endpoint's)."""
    findings = framework.judge("consumer", "vpc", facts)
    targets = facts.targets
    if targets.error is not None:
        return findings + framework.unreadable(
            "consumer", "endpoint", facts.resource, targets.error, facts.account, facts.region
        )
    every = targets.value or ()
    for target in every:
        findings += framework.judge("consumer", "endpoint", EndpointFacts(facts, target, every))
    return findings


def views(facts: ConsumerFacts) -> list[View]:
    """Per service: its zones in this account's names, and the subnet to use in each."""
    planned, services = facts.targets.value, facts.services.value
    subnets, zones = facts.subnets.value, facts.zones.value
    if planned is None or services is None or subnets is None or zones is None:
        return []
    out = []
    for name in dict.fromkeys(t.service_name for t in planned):
        service = services.get(name)
        if service is None or (service.region and service.region != facts.region):
            continue
        mine = [t for t in planned if t.service_name == name]
        current = {s for t in mine if t.endpoint for s in t.subnet_ids}
        chosen = {s for t in mine if not t.endpoint and t.chosen for s in t.subnet_ids}
        out.append(_grid(name, service.zone_ids, subnets, zones, current or chosen, not current))
        choices = subnets_to_use(service, subnets, zones, preferred=sorted(current | chosen))
        rows: list[tuple[str, ...]] = []
        highlight = set()
        for choice in choices:
            subnet = choice.subnet
            if subnet is None:
                note = "no subnet here: create one"
            elif subnet.subnet_id in current:
                note = "✓ endpoint subnet"
            elif subnet.subnet_id in chosen:
                note = "✓ planned"
            else:
                note = "✓ use this"
            rows.append(
                (
                    choice.zone_id,
                    choice.zone_name or "—",
                    subnet.subnet_id if subnet else "—",
                    subnet.name if subnet and subnet.name else "",
                    note,
                )
            )
        for subnet in subnets:
            if subnet.zone_id in service.zone_ids:
                continue
            highlight.add(len(rows))
            planned_here = subnet.subnet_id in chosen or subnet.subnet_id in current
            rows.append(
                (
                    subnet.zone_id,
                    subnet.zone_name,
                    subnet.subnet_id,
                    subnet.name,
                    "✗ not offered" + (" (planned!)" if planned_here else ""),
                )
            )
        out.append(
            View(
                title=f"Subnets for {name}",
                columns=("AZ ID", "Zone name", "Subnet", "Name", "Use"),
                rows=tuple(rows),
                highlight=frozenset(highlight),
                note=(
                    f"Zone names are account {facts.account}'s. One subnet per zone the "
                    "service is offered in; zones compared by AZ ID."
                ),
            )
        )
    return out


def _grid(
    name: str,
    offered: frozenset[str],
    subnets: Sequence[Subnet],
    zones: AccountZones,
    used: set[str],
    planned: bool,
) -> View:
    """The zone grid of one service from the consumer's side."""
    zone_of = {s.subnet_id: s.zone_id for s in subnets}
    return zone_grid(
        [zones],
        ProviderZones(offered=offered),
        ConsumerZones(
            subnets=by_zone([(s.zone_id, s.subnet_id) for s in subnets]),
            endpoint=by_zone([(zone_of.get(s, "?"), s) for s in sorted(used)]),
            planned=planned,
        ),
        subject=name,
    )


def run(options: ConsumerOptions, ctx: AwsContext | None = None) -> Report:
    """Gather, judge and lay out one consumer VPC (in ``ctx``, or a context of its own)."""
    from plcheck.aws import AwsContext

    validate(options)
    if ctx is None:
        with AwsContext() as own:
            facts = gather(own, options)
    else:
        facts = gather(ctx, options)
    return Report("consumer", tuple(judge(facts)), views=tuple(views(facts)))
