"""Gather everything about the provider's endpoint services, once per run.

The calls, in dependency order, each independent group run concurrently:

1. caller identity, DescribeVpcEndpointServiceConfigurations (by ID, or all,
   paginated), DescribeAvailabilityZones;
2. DescribeLoadBalancers for every service's load balancers (20 ARNs a call),
   DescribeVpcEndpointConnections for all services in one call, and
   DescribeVpcEndpointServicePermissions per service (it takes one ID).
   Beside them, per load balancer (each takes one ARN), DescribeListeners and
   DescribeLoadBalancerAttributes: a service names its load balancers' ARNs, so
   neither waits for DescribeLoadBalancers. With a single load balancer, its
   DescribeTargetGroups too (the same one call as by the listeners' groups);
3. DescribeSubnets of the load balancers' VPCs and DescribeSecurityGroups of their
   groups, one call each; beside them, with several load balancers,
   DescribeTargetGroups for the listeners' groups (20 ARNs a call), then per target
   group DescribeTargetHealth and DescribeTargetGroupAttributes;
4. concurrently, DescribeInstances once for instance targets (zones and security
   groups) and DescribeNetworkInterfaces once for IP targets (their security
   groups); then DescribeSecurityGroups once for the targets' groups.

DescribeRegions (the provider's opt-in status of the consumers' Regions) runs in
round 1 when a consumer Region other than the provider's is asked for.

A failed call is kept as the failure of its part; the checks that needed it
report an ``error`` finding and the others carry on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any, TypeVar

from plcheck.aws.consumer import region_opt_in
from plcheck.aws.context import AwsContext, Scope
from plcheck.aws.filters import paginate_filtered
from plcheck.aws.network import security_groups, subnets_in_vpcs
from plcheck.aws.targets import (
    attributes,
    balancer_groups,
    chunks,
    read_targets,
    target_groups,
)
from plcheck.aws.zones import account_zones
from plcheck.facts.network import Subnet
from plcheck.facts.outcome import Outcome, outcome_of
from plcheck.facts.provider import (
    Connection,
    LbZone,
    Listener,
    LoadBalancer,
    Principal,
    ProviderFacts,
    RegionSupport,
    ServiceConfig,
    TxtLookups,
)
from plcheck.facts.zones import AccountZones

T = TypeVar("T")


def gather(
    ctx: AwsContext,
    scope: Scope,
    service_ids: Sequence[str] = (),
    alongside: Callable[[list[ServiceConfig]], Mapping[str, TxtLookups]] | None = None,
    consumer_regions: Sequence[str] = (),
) -> ProviderFacts:
    """Read the provider's services (``service_ids``, or all it owns) and what is behind them.

    ``alongside`` runs with the services found, concurrently with the calls that follow;
    the provider run looks up the DNS verification records there.
    """
    region = ctx.region(scope)
    remote = sorted({r for r in consumer_regions if r and r != region})
    first: list[Callable[[], Any]] = [
        lambda: ctx.account_id(scope),
        lambda: _services(ctx, scope, service_ids),
        lambda: ctx.call(scope, "ec2", "describe_availability_zones"),
        lambda: region_opt_in(ctx, scope, remote),
    ]
    account, services, listed, opt_in = ctx.gather(first)
    account_id = str(account.value or "")
    zones: Outcome[AccountZones] = (
        outcome_of(lambda: account_zones(ctx, scope, account_id))  # served from the call cache
        if listed.error is None
        else Outcome(error=listed.error)
    )
    base = ProviderFacts(
        account=account_id,
        region=region,
        services=Outcome(value=tuple(services.value or ()), error=services.error),
        zones=zones,
        region_opt_in=opt_in,
    )
    found: list[ServiceConfig] = list(services.value or ())
    if not found:
        return base
    ids = [s.service_id for s in found]
    lb_arns = sorted({arn for s in found for arn in s.load_balancer_arns})
    second: list[Callable[[], Any]] = [
        lambda: _balancers_and_behind(ctx, scope, lb_arns),
        lambda: _connections(ctx, scope, ids),
        lambda: alongside(found) if alongside else {},
        *[partial(_permissions, ctx, scope, sid) for sid in ids],
    ]
    behind, connections, txt, *permissions = ctx.gather(second)
    return replace(
        base,
        **behind.get(),
        connections=connections,
        txt=txt.get(),
        permissions=dict(zip(ids, permissions, strict=True)),
    )


# -- services -----------------------------------------------------------------------


def _services(ctx: AwsContext, scope: Scope, service_ids: Sequence[str]) -> list[ServiceConfig]:
    params: dict[str, Any] = {"ServiceIds": sorted(set(service_ids))} if service_ids else {}
    response = ctx.paginate(scope, "ec2", "describe_vpc_endpoint_service_configurations", **params)
    region = ctx.region(scope)
    return [_service(s, region) for s in response.get("ServiceConfigurations", [])]


def _service(s: Mapping[str, Any], region: str) -> ServiceConfig:
    dns = s.get("PrivateDnsNameConfiguration") or {}
    return ServiceConfig(
        service_id=s["ServiceId"],
        service_name=s.get("ServiceName", ""),
        region=region,
        state=s.get("ServiceState", ""),
        acceptance_required=bool(s.get("AcceptanceRequired")),
        load_balancer_arns=(
            *s.get("NetworkLoadBalancerArns", []),
            *s.get("GatewayLoadBalancerArns", []),
        ),
        zone_ids=tuple(s.get("AvailabilityZoneIds", [])),
        private_dns_name=s.get("PrivateDnsName") or "",
        dns_state=dns.get("State", ""),
        dns_txt_name=dns.get("Name", ""),
        dns_txt_value=dns.get("Value", ""),
        supported_regions=tuple(
            RegionSupport(r["Region"], r.get("ServiceState", ""))
            for r in s.get("SupportedRegions", [])
        ),
    )


def _connections(
    ctx: AwsContext, scope: Scope, service_ids: Sequence[str]
) -> tuple[Connection, ...]:
    """Every connection of the services, in one paginated call per 200 services."""
    response = paginate_filtered(
        ctx, scope, "ec2", "describe_vpc_endpoint_connections", "service-id", sorted(service_ids)
    )
    return tuple(
        Connection(
            service_id=c.get("ServiceId", ""),
            endpoint_id=c.get("VpcEndpointId", ""),
            owner=c.get("VpcEndpointOwner", ""),
            state=c.get("VpcEndpointState", ""),
            created=c.get("CreationTimestamp"),
        )
        for c in response.get("VpcEndpointConnections", [])
    )


def _permissions(ctx: AwsContext, scope: Scope, service_id: str) -> tuple[Principal, ...]:
    response = ctx.paginate(
        scope, "ec2", "describe_vpc_endpoint_service_permissions", ServiceId=service_id
    )
    return tuple(
        Principal(p.get("Principal", ""), p.get("PrincipalType", ""))
        for p in response.get("AllowedPrincipals", [])
    )


# -- load balancers -----------------------------------------------------------------


def _load_balancers(ctx: AwsContext, scope: Scope, arns: Sequence[str]) -> dict[str, LoadBalancer]:
    if not arns:
        return {}
    pages = ctx.gather(
        [
            lambda chunk=chunk: ctx.paginate(  # type: ignore[misc]
                scope, "elbv2", "describe_load_balancers", LoadBalancerArns=chunk
            )
            for chunk in chunks(arns)
        ]
    )
    found: dict[str, LoadBalancer] = {}
    for page in pages:
        for lb in page.get().get("LoadBalancers", []):
            found[lb["LoadBalancerArn"]] = LoadBalancer(
                arn=lb["LoadBalancerArn"],
                name=lb.get("LoadBalancerName", ""),
                lb_type=lb.get("Type", ""),
                vpc_id=lb.get("VpcId", ""),
                state=(lb.get("State") or {}).get("Code", ""),
                zones=tuple(
                    LbZone(z.get("ZoneName", ""), z.get("SubnetId", ""))
                    for z in lb.get("AvailabilityZones", [])
                ),
                security_groups=tuple(lb.get("SecurityGroups", [])),
                enforce_sg_on_privatelink=lb.get(
                    "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic", ""
                ),
            )
    return found


def _balancers_and_behind(ctx: AwsContext, scope: Scope, lb_arns: Sequence[str]) -> dict[str, Any]:
    """The balancers with their listeners, attributes and target groups, then the rest.

    Everything asked by load balancer ARN runs in one round, beside DescribeLoadBalancers;
    then their subnets and security groups beside the targets' reads. Returns
    :class:`ProviderFacts` fields; a failure to describe the balancers is kept as theirs
    and nothing behind them is used.
    """
    arns = list(lb_arns)
    n = len(arns)
    by_arn: list[Callable[[], Any]] = [
        lambda: _load_balancers(ctx, scope, arns),
        *[partial(_listeners, ctx, scope, arn) for arn in arns],
        *[partial(_cross_zone_of_lb, ctx, scope, arn) for arn in arns],
    ]
    # One balancer: its target groups in the same round, for the same one call.
    early = n == 1
    if early:
        by_arn.append(partial(balancer_groups, ctx, scope, arns[0]))
    first = ctx.gather(by_arn)
    balancers: Outcome[dict[str, LoadBalancer]] = first[0]
    if balancers.value is None:
        return {"load_balancers": balancers}
    found = list(balancers.value.values())
    # A balancer the services name but DescribeLoadBalancers did not return is gone.
    kept = [i for i, arn in enumerate(arns) if arn in balancers.value]
    listeners = {arns[i]: first[1 + i] for i in kept}
    cross_zone = {arns[i]: first[1 + n + i] for i in kept}
    described = {arns[i]: first[1 + 2 * n + i] for i in kept} if early else None
    every_listener = [item for o in listeners.values() if o.value is not None for item in o.value]
    vpcs = sorted({lb.vpc_id for lb in found if lb.vpc_id})
    group_ids = sorted({g for lb in found for g in lb.security_groups})
    beside: list[Callable[[], Any]] = [
        lambda: _subnets(ctx, scope, vpcs),
        lambda: {g.group_id: g for g in security_groups(ctx, scope, group_ids)},
        lambda: read_targets(ctx, scope, every_listener, described),
    ]
    subnets, groups, reads = ctx.gather(beside)
    return {
        "load_balancers": balancers,
        "listeners": listeners,
        "subnets": subnets,
        "security_groups": groups,
        **target_groups(reads.get(), every_listener, cross_zone, subnets.value or {}),
    }


def _listeners(ctx: AwsContext, scope: Scope, lb_arn: str) -> tuple[Listener, ...]:
    response = ctx.paginate(scope, "elbv2", "describe_listeners", LoadBalancerArn=lb_arn)
    return tuple(
        Listener(
            arn=item["ListenerArn"],
            load_balancer_arn=lb_arn,
            protocol=item.get("Protocol", ""),
            port=int(item.get("Port", 0)),
            target_group_arns=tuple(dict.fromkeys(_forwarded_groups(item))),
        )
        for item in response.get("Listeners", [])
    )


def _forwarded_groups(listener: Mapping[str, Any]) -> Iterable[str]:
    for action in listener.get("DefaultActions", []):
        if action.get("TargetGroupArn"):
            yield action["TargetGroupArn"]
        for group in (action.get("ForwardConfig") or {}).get("TargetGroups", []):
            if group.get("TargetGroupArn"):
                yield group["TargetGroupArn"]


def _cross_zone_of_lb(ctx: AwsContext, scope: Scope, lb_arn: str) -> bool:
    response = ctx.call(scope, "elbv2", "describe_load_balancer_attributes", LoadBalancerArn=lb_arn)
    # NLBs default to off; the attribute is always present in practice.
    return attributes(response).get("load_balancing.cross_zone.enabled", "false") == "true"


def _subnets(ctx: AwsContext, scope: Scope, vpc_ids: Sequence[str]) -> dict[str, Subnet]:
    """Every subnet of the balancers' VPCs in one call: their own and their IP targets'."""
    return {s.subnet_id: s for s in subnets_in_vpcs(ctx, scope, vpc_ids)}


# -- for planned services (plcheck plan) ----------------------------------------------


def balancers_and_behind(ctx: AwsContext, scope: Scope, lb_arns: Sequence[str]) -> dict[str, Any]:
    """Existing load balancers a planned service names, with what is behind them.

    :class:`ProviderFacts` fields, as :func:`gather` reads them for live services.
    """
    return _balancers_and_behind(ctx, scope, lb_arns)


def permissions(ctx: AwsContext, scope: Scope, service_id: str) -> tuple[Principal, ...]:
    """An existing service's allowed principals."""
    return _permissions(ctx, scope, service_id)
