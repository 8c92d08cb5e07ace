"""The targets behind the provider's load balancers: target groups, their health and groups.

Rounds 3 to 6 of :mod:`plcheck.aws.provider`: DescribeTargetGroups per load
balancer, beside its DescribeListeners (:func:`balancer_groups`); per target group
DescribeTargetHealth and DescribeTargetGroupAttributes; then, concurrently,
DescribeInstances once for instance targets (zones and security groups) and
DescribeNetworkInterfaces once for IP targets (their security groups); then
DescribeSecurityGroups once for the targets' groups (:func:`read_targets`). The
reads are joined with the load balancers' subnets in :func:`target_groups`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from plcheck.aws.context import AwsContext, Scope
from plcheck.aws.filters import paginate_filtered
from plcheck.aws.network import security_groups
from plcheck.errors import AwsCallError
from plcheck.facts.network import SecurityGroup, Subnet
from plcheck.facts.outcome import Outcome, outcome_of
from plcheck.facts.provider import (
    Listener,
    TargetGroup,
    TargetState,
)

#: Most ARNs DescribeLoadBalancers / DescribeTargetGroups take in one call.
ARNS_PER_CALL = 20


def chunks(items: Sequence[str], size: int = ARNS_PER_CALL) -> list[list[str]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def attributes(response: Mapping[str, Any]) -> dict[str, str]:
    return {a["Key"]: str(a.get("Value", "")) for a in response.get("Attributes", [])}


def balancer_groups(ctx: AwsContext, scope: Scope, lb_arn: str) -> list[Mapping[str, Any]]:
    """The target groups attached to one load balancer (DescribeTargetGroups by its ARN).

    For a single load balancer this is the same one call as asking for its listeners'
    target groups, but it runs beside DescribeListeners instead of after it: one
    dependent round trip fewer. An NLB has no listener rules, so its attached groups are
    its listeners' groups.
    """
    response = ctx.paginate(scope, "elbv2", "describe_target_groups", LoadBalancerArn=lb_arn)
    return list(response.get("TargetGroups", []))


@dataclass(frozen=True)
class TargetReads:
    """What was read about the target groups, before it is joined with the subnets."""

    groups: list[Mapping[str, Any]]
    """The described groups the listeners forward to."""
    failures: dict[str, AwsCallError]
    """Target group ARN → why it could not be described."""
    health: list[Outcome[dict[str, Any]]]
    attributes: list[Outcome[dict[str, Any]]]
    instances: Outcome[dict[str, tuple[str, tuple[str, ...]]]]
    """Instance target → (zone name, security groups)."""
    interfaces: Outcome[dict[str, tuple[str, ...]]]
    """IP target → the security groups of the interface holding it."""
    rules: Outcome[dict[str, SecurityGroup]]
    """The targets' security groups, described."""


def read_targets(
    ctx: AwsContext,
    scope: Scope,
    listeners: Sequence[Listener],
    described: Mapping[str, Outcome[list[Mapping[str, Any]]]] | None = None,
) -> TargetReads:
    """Health, attributes and security groups of the groups ``listeners`` forward to.

    ``described`` is each load balancer's :func:`balancer_groups`, when read already;
    otherwise DescribeTargetGroups for the listeners' groups, 20 ARNs a call. Per group
    DescribeTargetHealth and DescribeTargetGroupAttributes (each takes one ARN); then,
    concurrently, DescribeInstances for instance targets and DescribeNetworkInterfaces
    for IP targets; then DescribeSecurityGroups once for the targets' groups.
    """
    wanted = sorted({arn for listener in listeners for arn in listener.target_group_arns})
    if described is None:
        by_arn, failures = _described(ctx, scope, wanted)
    else:
        by_arn, failures = {}, {}
        for listener in listeners:
            outcome = described.get(listener.load_balancer_arn)
            if outcome is not None and outcome.error is not None:
                failures.update(dict.fromkeys(listener.target_group_arns, outcome.error))
                continue
            for group in outcome.value or () if outcome is not None else ():
                if group["TargetGroupArn"] in listener.target_group_arns:
                    by_arn[group["TargetGroupArn"]] = group
    groups = [by_arn[arn] for arn in sorted(by_arn)]
    per_group = ctx.gather(
        [
            *[
                lambda g=g: ctx.call(
                    scope, "elbv2", "describe_target_health", TargetGroupArn=g["TargetGroupArn"]
                )
                for g in groups
            ],
            *[
                lambda g=g: ctx.call(
                    scope,
                    "elbv2",
                    "describe_target_group_attributes",
                    TargetGroupArn=g["TargetGroupArn"],
                )
                for g in groups
            ],
        ]
    )
    health, group_attributes = per_group[: len(groups)], per_group[len(groups) :]
    instance_ids = _targets_of(groups, health, "instance")
    ip_targets = _targets_of(groups, health, "ip")
    vpcs = sorted({str(g.get("VpcId")) for g in groups if g.get("VpcId")})
    instances: Outcome[dict[str, tuple[str, tuple[str, ...]]]]
    interfaces: Outcome[dict[str, tuple[str, ...]]]
    instances, interfaces = ctx.gather(  # type: ignore[assignment]
        [
            lambda: _instances(ctx, scope, instance_ids),
            lambda: _ip_target_groups(ctx, scope, ip_targets, vpcs),
        ]
    )
    target_sgs = _target_security_groups(instances, interfaces)
    found_groups = sorted({g for ids in (target_sgs.value or {}).values() for g in ids})
    rules = outcome_of(lambda: {g.group_id: g for g in security_groups(ctx, scope, found_groups)})
    return TargetReads(groups, failures, health, group_attributes, instances, interfaces, rules)


def _described(
    ctx: AwsContext, scope: Scope, arns: Sequence[str]
) -> tuple[dict[str, Mapping[str, Any]], dict[str, AwsCallError]]:
    """Target group ARN → its description, or why its call failed; 20 ARNs a call."""
    pages = ctx.gather(
        [
            lambda chunk=chunk: ctx.paginate(  # type: ignore[misc]
                scope, "elbv2", "describe_target_groups", TargetGroupArns=chunk
            )
            for chunk in chunks(arns)
        ]
    )
    described: dict[str, Mapping[str, Any]] = {}
    failures: dict[str, AwsCallError] = {}
    for chunk, page in zip(chunks(arns), pages, strict=True):
        if page.error is not None:
            failures.update(dict.fromkeys(chunk, page.error))
            continue
        for group in (page.value or {}).get("TargetGroups", []):
            described[group["TargetGroupArn"]] = group
    return described, failures


def _targets_of(
    groups: Sequence[Mapping[str, Any]], health: Sequence[Outcome[dict[str, Any]]], kind: str
) -> list[str]:
    return sorted(
        {
            d["Target"]["Id"]
            for g, h in zip(groups, health, strict=True)
            if g.get("TargetType") == kind and h.value is not None
            for d in h.value.get("TargetHealthDescriptions", [])
        }
    )


def target_groups(
    reads: TargetReads,
    listeners: Sequence[Listener],
    lb_cross_zone: Mapping[str, Outcome[bool]],
    subnets: Mapping[str, Subnet],
) -> dict[str, Any]:
    """:class:`ProviderFacts` fields: the target groups, and their targets' security groups."""
    instances = reads.instances
    instance_zones: Outcome[dict[str, str]] = (
        Outcome(value={i: zone for i, (zone, _) in instances.value.items()})
        if instances.value is not None
        else Outcome(error=instances.error)
    )
    target_sgs = _target_security_groups(instances, reads.interfaces)
    rules = reads.rules
    failures, groups = reads.failures, reads.groups
    health, group_attributes = reads.health, reads.attributes
    result: dict[str, Outcome[TargetGroup]] = {
        arn: Outcome(error=error) for arn, error in failures.items()
    }
    owners = {
        arn: listener.load_balancer_arn
        for listener in listeners
        for arn in listener.target_group_arns
    }
    for group, health_out, attrs_out in zip(groups, health, group_attributes, strict=True):
        arn = group["TargetGroupArn"]
        lb_cross = lb_cross_zone.get(owners.get(arn, ""), Outcome(value=False))
        error = health_out.error or attrs_out.error or lb_cross.error
        if error is None and group.get("TargetType") == "instance":
            error = instance_zones.error
        if error is not None:
            result[arn] = Outcome(error=error)
            continue
        attrs = attributes(attrs_out.value or {})
        setting = attrs.get("load_balancing.cross_zone.enabled", "use_load_balancer_configuration")
        if setting in ("true", "false"):
            cross_zone, source = setting == "true", "target group"
        else:
            cross_zone, source = bool(lb_cross.value), "load balancer"
        result[arn] = Outcome(
            value=TargetGroup(
                arn=arn,
                name=group.get("TargetGroupName", ""),
                protocol=group.get("Protocol", ""),
                port=group.get("Port"),
                target_type=group.get("TargetType", ""),
                cross_zone=cross_zone,
                cross_zone_source=source,
                targets=tuple(
                    _target_state(d, group, subnets, instance_zones.value or {})
                    for d in (health_out.value or {}).get("TargetHealthDescriptions", [])
                ),
                health_check_port=str(group.get("HealthCheckPort") or "traffic-port"),
                vpc_id=str(group.get("VpcId", "")),
                proxy_protocol_v2=attrs.get("proxy_protocol_v2.enabled", "false") == "true",
            )
        )
    return {
        "target_groups": result,
        "target_security_groups": target_sgs,
        "target_group_rules": rules,
    }


def _instances(
    ctx: AwsContext, scope: Scope, instance_ids: Sequence[str]
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Instance ID → (zone name, security groups): one call per 200 IDs, concurrently.

    A filter, not InstanceIds, so a gone ID is no error. An instance's groups are those
    of its primary network interface (what ``SecurityGroups`` lists; NLB traffic reaches it).
    The first failed call is the read's failure.
    """
    if not instance_ids:
        return {}
    response = paginate_filtered(
        ctx, scope, "ec2", "describe_instances", "instance-id", instance_ids
    )
    return {
        i["InstanceId"]: (
            (i.get("Placement") or {}).get("AvailabilityZone", ""),
            tuple(g["GroupId"] for g in i.get("SecurityGroups", []) if g.get("GroupId")),
        )
        for r in response.get("Reservations", [])
        for i in r.get("Instances", [])
    }


def _ip_target_groups(
    ctx: AwsContext, scope: Scope, addresses: Sequence[str], vpc_ids: Sequence[str]
) -> dict[str, tuple[str, ...]]:
    """IP address → security groups of the interface holding it in the target groups' VPCs.

    One call per 200 IP targets, concurrently. An address no interface holds (a peered
    VPC, on premises) is absent: its groups are unknown. The first failed call is the
    read's failure.
    """
    if not addresses:
        return {}
    response = paginate_filtered(
        ctx,
        scope,
        "ec2",
        "describe_network_interfaces",
        "addresses.private-ip-address",
        addresses,
        also=[{"Name": "vpc-id", "Values": list(vpc_ids)}],
    )
    wanted = set(addresses)
    found: dict[str, tuple[str, ...]] = {}
    for eni in response.get("NetworkInterfaces", []):
        groups = tuple(g["GroupId"] for g in eni.get("Groups", []) if g.get("GroupId"))
        held = [p.get("PrivateIpAddress") for p in eni.get("PrivateIpAddresses", [])]
        for address in [eni.get("PrivateIpAddress"), *held]:
            if address in wanted:
                found[str(address)] = groups
    return found


def _target_security_groups(
    instances: Outcome[dict[str, tuple[str, tuple[str, ...]]]],
    interfaces: Outcome[dict[str, tuple[str, ...]]],
) -> Outcome[Mapping[str, tuple[str, ...]]]:
    """Target ID → its groups, from both calls; the first failure when either failed."""
    error = instances.error or interfaces.error
    if error is not None:
        return Outcome(error=error)
    found: dict[str, tuple[str, ...]] = dict(interfaces.value or {})
    found.update({i: groups for i, (_, groups) in (instances.value or {}).items()})
    return Outcome(value=found)


def _target_state(
    description: Mapping[str, Any],
    group: Mapping[str, Any],
    subnets: Mapping[str, Subnet],
    instance_zones: Mapping[str, str],
) -> TargetState:
    target = description.get("Target") or {}
    health = description.get("TargetHealth") or {}
    target_id = str(target.get("Id", ""))
    return TargetState(
        target_id=target_id,
        port=target.get("Port"),
        zone_name=_target_zone(target, group, subnets, instance_zones),
        state=health.get("State", ""),
        reason=health.get("Reason", ""),
        description=health.get("Description", ""),
    )


def _target_zone(
    target: Mapping[str, Any],
    group: Mapping[str, Any],
    subnets: Mapping[str, Subnet],
    instance_zones: Mapping[str, str],
) -> str:
    """The zone a target serves: registered zone, instance placement, or its IP's subnet."""
    if target.get("AvailabilityZone"):
        return str(target["AvailabilityZone"])
    target_type = group.get("TargetType")
    target_id = str(target.get("Id", ""))
    if target_type == "instance":
        return instance_zones.get(target_id, "")
    if target_type == "alb":
        return "all"  # an ALB target spans its own zones
    if target_type == "ip":
        try:
            address = ipaddress.ip_address(target_id)
        except ValueError:
            return ""
        for subnet in subnets.values():
            in_vpc = subnet.vpc_id == group.get("VpcId") and subnet.cidr
            if in_vpc and address in ipaddress.ip_network(subnet.cidr, strict=False):
                return subnet.zone_name
    return ""
