"""Planned endpoints' security groups and private hosted zones, judged as live ones.

``endpoint-security-groups``: the endpoint's groups as they will be after apply
(live groups with the plan's rules merged in, :mod:`plcheck.runs.planned_groups`)
must admit the client port from the VPC's CIDRs. ``private-dns-conflict``: a private
hosted zone associated with the endpoint's VPC (live, or an ``aws_route53_zone``
the plan creates with a ``vpc`` block) must not overlap the service's private DNS
name when the endpoint turns private DNS on; ``resolver-rules``
(:mod:`plcheck.runs.planned_resolver`): no Resolver rule the VPC will have takes the
name elsewhere. What apply decides is a ``skip``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from plcheck.checks import endpoint_security_groups, private_dns_conflict
from plcheck.facts.consumer import HostedZone, ServiceDetail, Vpc
from plcheck.facts.network import SecurityGroup
from plcheck.facts.outcome import Outcome
from plcheck.gate.tf_plan import TerraformPlan
from plcheck.gate.tf_resources import PlannedEndpoint
from plcheck.gate.tf_values import Unknown
from plcheck.model import CheckSpec, Finding
from plcheck.runs import after_apply, planned_groups, planned_resolver
from plcheck.runs.planned_resolver import ResolverFacts
from plcheck.runs.planned_subnets import endpoint_vpc, planned_vpc

if TYPE_CHECKING:
    from plcheck.aws import AwsContext, Scope

#: The port clients reach an AWS service's endpoint on (``com.amazonaws.<region>.<service>``:
#: its API over HTTPS). Another service's port is its NLB's listener ports.
AWS_SERVICE_PORTS = (443,)


@dataclass
class NetworkFacts:
    """What the account yielded about the endpoints' VPCs, groups and hosted zones."""

    vpcs: dict[str, Outcome[Vpc]] = field(default_factory=dict)
    """Existing VPC ID → the VPC (its CIDRs)."""
    groups: Outcome[list[SecurityGroup]] = field(default_factory=lambda: Outcome(value=[]))
    """The existing security groups the judged endpoints name."""
    zones: dict[str, Outcome[list[HostedZone]]] = field(default_factory=dict)
    """Existing VPC ID → private hosted zones associated with it (private DNS users only)."""
    resolver: ResolverFacts = field(default_factory=ResolverFacts)
    """The Resolver rules of the private DNS users' VPCs, and the rules the plan names."""


def gather(
    ctx: AwsContext, scope: Scope, plan: TerraformPlan, endpoints: Sequence[PlannedEndpoint]
) -> NetworkFacts:
    """Read the VPCs, groups and hosted zones ``endpoints`` are judged against, concurrently."""
    from plcheck.aws import consumer as live
    from plcheck.aws.network import security_groups

    vpcs = sorted({e.vpc_id for e in endpoints if isinstance(e.vpc_id, str) and e.vpc_id})
    dns_vpcs = sorted(
        {
            e.vpc_id
            for e in endpoints
            if isinstance(e.vpc_id, str) and e.vpc_id and e.private_dns_enabled is True
        }
    )
    keys: list[str] = []
    for endpoint in endpoints:
        found = planned_groups.group_keys(endpoint.security_group_ids, plan)
        keys += [] if isinstance(found, Unknown) else found
    # Only the endpoints' own groups: a rule of the plan may name a group of another
    # account or alias, and one unknown ID fails the whole DescribeSecurityGroups.
    ids = planned_groups.live_ids(keys)
    region = ctx.region(scope)
    thunks: list[Callable[[], Any]] = [lambda: security_groups(ctx, scope, ids) if ids else []]
    thunks.append(lambda: live.vpcs(ctx, scope, vpcs))
    thunks.append(lambda: planned_resolver.gather(ctx, scope, plan, endpoints))
    thunks += [partial(live.hosted_zones_for_vpc, ctx, scope, v, region) for v in dns_vpcs]
    groups, read_vpcs, resolver, *zones = ctx.gather(thunks)
    by_id: dict[str, Outcome[Vpc]] = (
        {v: Outcome(error=read_vpcs.error) for v in vpcs}
        if read_vpcs.error is not None
        else dict(read_vpcs.value or {})
    )
    return NetworkFacts(
        vpcs=by_id,
        groups=groups,
        zones=dict(zip(dns_vpcs, zones, strict=True)),
        # planned_resolver.gather keeps its calls' failures in its facts: never an error here.
        resolver=resolver.value or planned_resolver.ResolverFacts(),
    )


@dataclass(frozen=True)
class Where:
    """The account and Region findings are filed under."""

    account: str
    region: str

    def skip(self, spec: CheckSpec, address: str, message: str, unknown: str) -> Finding:
        return after_apply.skip(
            spec,
            address,
            f"{address}: {message}",
            account=self.account,
            region=self.region,
            address=address,
            unknown=[unknown],
        )


def judge(
    plan: TerraformPlan,
    net: NetworkFacts,
    services: Callable[[PlannedEndpoint], ServiceDetail | None],
    endpoints: Sequence[PlannedEndpoint],
    where: Where,
) -> list[Finding]:
    """``endpoint-security-groups`` and ``private-dns-conflict`` of each planned endpoint."""
    findings: list[Finding] = []
    groups: planned_groups.Groups | None = None
    if net.groups.error is None:
        groups = planned_groups.merged(plan, net.groups.value or [])
    for endpoint in endpoints:
        findings += _security_groups(plan, net, groups, endpoint, where)
        if endpoint.private_dns_enabled is True:
            service = services(endpoint)
            if service is not None:
                findings += _conflicts(plan, net, service, endpoint, where)
                findings += planned_resolver.judge(plan, net.resolver, service, endpoint, where)
    return findings


def _vpc(plan: TerraformPlan, net: NetworkFacts, endpoint: PlannedEndpoint) -> Outcome[Vpc] | str:
    """The endpoint's VPC (live, or as planned), or why it is known only after apply."""
    if isinstance(endpoint.vpc_id, str):
        return net.vpcs.get(endpoint.vpc_id) or "vpc_id is empty"
    planned = planned_vpc(plan, endpoint.vpc_id)
    if planned is None or not isinstance(planned.cidr, str) or not planned.cidr:
        return f"the VPC's CIDRs: {endpoint.vpc_id.describe()} is known only after apply"
    return Outcome(value=Vpc(planned.address, "", (planned.cidr,), "default"))


def _security_groups(
    plan: TerraformPlan,
    net: NetworkFacts,
    groups: planned_groups.Groups | None,
    endpoint: PlannedEndpoint,
    where: Where,
) -> list[Finding]:
    spec = endpoint_security_groups.SPEC
    address = endpoint.address
    if net.groups.error is not None:
        return [spec.error(address, net.groups.error, account=where.account, region=where.region)]
    assert groups is not None  # merged whenever the live groups could be read
    keys = planned_groups.group_keys(endpoint.security_group_ids, plan)
    if isinstance(keys, Unknown):
        return [where.skip(spec, address, f"{keys.describe()} is known only after apply", "groups")]
    if not keys:
        return [
            where.skip(
                spec,
                address,
                "no security_group_ids: AWS attaches the VPC's default group, which the plan "
                "does not name; its rules are not checked",
                "security_group_ids",
            )
        ]
    pending = [groups.unknown[k] for k in keys if k in groups.unknown]
    if pending:
        return [where.skip(spec, address, "; ".join(pending), "rules")]
    ports = client_ports(endpoint, plan)
    if isinstance(ports, str):
        return [where.skip(spec, address, f"client port unknown: {ports}", "ports")]
    vpc = _vpc(plan, net, endpoint)
    if isinstance(vpc, str):
        return [where.skip(spec, address, vpc, "vpc")]
    if vpc.error is not None:
        return [spec.error(address, vpc.error, account=where.account, region=where.region)]
    found = vpc.get()
    in_vpc = [
        g
        for k, g in groups.by_key.items()
        if g.vpc_id in (found.vpc_id, "") or (k in groups.planned and not g.vpc_id)
    ]
    return [
        _noted(f, address, keys, groups)
        for f in endpoint_security_groups.evaluate(
            address, keys, in_vpc, found, ports, account=where.account, region=where.region
        )
    ]


def client_ports(endpoint: PlannedEndpoint, plan: TerraformPlan) -> tuple[int, ...] | str:
    """The ports clients use through ``endpoint``, or why they are not known before apply.

    443 for an AWS service; for an endpoint service, the listener ports the plan gives the
    service's load balancers (a service the plan creates or changes, and listeners the plan
    creates on its NLBs). Listeners of a live NLB in another account are not read here.
    """
    name = endpoint.service_name
    if isinstance(name, str) and name.startswith("com.amazonaws.") and ".vpce." not in name:
        return AWS_SERVICE_PORTS
    if isinstance(name, Unknown):
        services = [s for s in plan.services if s.address in name.resources]
    else:
        services = [s for s in plan.services if s.existing_id and name.endswith(s.existing_id)]
    if len(services) != 1:
        return f"{_label(name)} is not an AWS service and its load balancer is not in the plan"
    arns = services[0].load_balancer_arns
    balancers = set(arns.resources) if isinstance(arns, Unknown) else set(arns)
    ports: list[int] = []
    for listener in plan.listeners:
        target = listener.load_balancer_arn
        if isinstance(target, Unknown):
            if not balancers & set(target.resources):
                continue
        elif target not in balancers:
            continue
        if not isinstance(listener.port, int):
            return f"{listener.address}: its port is known only after apply"
        ports.append(listener.port)
    if not ports:
        return (
            f"{services[0].address}: the plan adds no listener to its load balancers "
            "(listeners of existing ones are not read for the consumer side)"
        )
    return tuple(sorted(set(ports)))


def _label(name: str | Unknown) -> str:
    return name.describe() if isinstance(name, Unknown) else name


def _noted(
    finding: Finding, address: str, keys: Sequence[str], groups: planned_groups.Groups
) -> Finding:
    planned = [k for k in keys if k in groups.planned]
    details = {**finding.details, "address": address, "groups_from_plan": planned}
    return replace(finding, details=details)


def _conflicts(
    plan: TerraformPlan,
    net: NetworkFacts,
    service: ServiceDetail,
    endpoint: PlannedEndpoint,
    where: Where,
) -> list[Finding]:
    spec = private_dns_conflict.SPEC
    address = endpoint.address
    zones: list[HostedZone] = []
    if isinstance(endpoint.vpc_id, str):
        live = net.zones.get(endpoint.vpc_id)
        if live is not None and live.error is not None:
            return [spec.error(address, live.error, account=where.account, region=where.region)]
        zones += live.value or [] if live is not None else []
    vpc = endpoint_vpc(plan, endpoint)
    vpc_label = vpc.label if vpc else _label(endpoint.vpc_id)
    matches = set(vpc.keys) if vpc else set()
    for zone in plan.hosted_zones:
        if isinstance(zone.vpcs, Unknown):
            continue  # a public zone or one whose VPCs apply decides: not associated here
        associated = any(
            (isinstance(v.vpc_id, str) and v.vpc_id in matches)
            or (isinstance(v.vpc_id, Unknown) and matches & set(v.vpc_id.resources))
            for v in zone.vpcs
        )
        if not associated:
            continue
        if isinstance(zone.zone_name, Unknown):
            return [
                where.skip(
                    spec, address, f"{zone.address}: its name is known only after apply", "name"
                )
            ]
        zones.append(HostedZone(zone.address, zone.zone_name.rstrip(".").lower(), where.account))
    found = private_dns_conflict.evaluate(
        address,
        service,
        zones,
        vpc_id=vpc_label,
        private_dns_in_use=False,
        private_dns_planned=True,
        account=where.account,
        region=where.region,
    )
    return [replace(f, details={**f.details, "address": address}) for f in found]
