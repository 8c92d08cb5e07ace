"""What a plan's endpoints need read about their VPCs: CIDRs, security groups, hosted zones.

The existing VPCs (their CIDRs), the existing security groups the endpoints name (the
plan's rules are merged into them, :mod:`plcheck.runs.planned_groups`), the private
hosted zones of the VPCs whose endpoints turn private DNS on, and their Resolver rules
(:mod:`plcheck.runs.planned_resolver`); and the ports clients use through an endpoint.
:mod:`plcheck.runs.planned_facts` builds the consumer checks' facts from them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from plcheck.facts.consumer import HostedZone, Vpc
from plcheck.facts.network import SecurityGroup
from plcheck.facts.outcome import Outcome
from plcheck.gate.tf_plan import TerraformPlan
from plcheck.gate.tf_resources import PlannedEndpoint
from plcheck.gate.tf_values import Unknown
from plcheck.runs import planned_groups, planned_resolver
from plcheck.runs.planned_resolver import ResolverFacts

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
