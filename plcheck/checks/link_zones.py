"""link-zones: every zone of the consumer's endpoint has a healthy target, or cross-zone is on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plcheck.checks._link import (
    DETAILS,
    finding,
    load_balancers,
    no_load_balancer,
    not_owned,
    on_port,
)
from plcheck.facts.zones import zone_id_order
from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from plcheck.facts.link import LinkFacts
    from plcheck.facts.provider import LoadBalancer, TargetGroup

SPEC = CheckSpec(
    id="link-zones",
    title="Every zone of the endpoint has a healthy target",
    command="check",
    also_in=("plan",),
    subject="link",
    needs=(
        "provider.services",
        "provider.load_balancers",
        "provider.zones",
        "consumer.subnets",
        "consumer.zones",
        "consumer.targets",
    ),
    inspects=(
        "The AZ IDs of the consumer's endpoint subnets (or planned subnets) against the "
        "healthy targets, per AZ ID, of the target groups behind the listener on the link's "
        "port, where cross-zone load balancing is off for the target group. In `plcheck "
        "plan` (an endpoint to a service of the same plan, often across two accounts): the "
        "AZ IDs of the endpoint's planned subnets, in the consumer account's zone names, "
        "against the AZ IDs of the planned load balancer's subnets, in the provider "
        "account's; target health and cross-zone are known only after apply."
    ),
    why=(
        "An endpoint's network interface in a zone hands its traffic to the load balancer's "
        "node in the same zone (the same AZ ID). With cross-zone load balancing off, that node "
        "sends traffic only to targets in its own zone: without a healthy target there, every "
        "connection through the endpoint's interface in that zone fails while the other zones "
        "work. The provider sees unhealthy zones, the consumer sees its subnets: only the link "
        "shows which consumer zones lose their traffic."
    ),
    remediation=(
        "In the provider account: make a target healthy in that zone, or turn cross-zone load "
        "balancing on for the target group (aws elbv2 modify-target-group-attributes "
        "--target-group-arn … --attributes Key=load_balancing.cross_zone.enabled,Value=true). "
        "In the consumer account: keep the endpoint out of that zone."
    ),
    docs_url="https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-cross-zone.html",
    aws_actions=(
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "ec2:DescribeSubnets",
        "ec2:DescribeAvailabilityZones",
    ),
    details={
        **DETAILS,
        "load_balancer": "the load balancer's name",
        "target_group": "the target group behind the port",
        "target_group_arn": "its ARN",
        "cross_zone": "whether cross-zone load balancing is on",
        "cross_zone_source": "where that setting comes from",
        "zones": "per consumer AZ ID: zone names, subnets, offered, targets, healthy",
        "load_balancer_zone_ids": "the AZ IDs of the load balancers' subnets (a plan)",
    },
    severity="low",
)


def judge(facts: LinkFacts) -> list[Finding]:
    """One finding per target group behind the port: the consumer's zones that lose traffic."""
    if facts.service is None:
        return not_owned(SPEC, facts)
    subnets = {s.subnet_id: s for s in facts.consumer.subnets.get()}
    consumer_zones: dict[str, list[str]] = {}
    for target in facts.targets:
        if target.endpoint is None and not target.chosen:
            continue  # every subnet of the VPC is only a candidate: nothing is planned yet
        for subnet_id in target.subnet_ids:
            subnet = subnets.get(subnet_id)
            if subnet is not None:  # a subnet outside the VPC is endpoint-az-coverage's
                consumer_zones.setdefault(subnet.zone_id, []).append(subnet_id)
    if not consumer_zones:
        return [
            finding(
                SPEC,
                facts,
                Status.SKIP,
                f"{facts.sides}: the consumer has no endpoint and plans no subnets yet "
                "(`subnets` on the [[link.consumer]]), so no zone can be judged",
            )
        ]
    balancers = load_balancers(facts)
    if not balancers:
        return no_load_balancer(SPEC, facts)
    if facts.before_apply:
        return [_planned(facts, balancers, consumer_zones)]
    findings = []
    for lb in balancers:
        groups = _groups(facts, lb)
        if not groups:
            findings.append(
                finding(
                    SPEC,
                    facts,
                    Status.SKIP,
                    f"{facts.sides}: {lb.name} has no listener on port {facts.port} forwarding "
                    "to a target group (see link-port, nlb-target-health)",
                    load_balancer=lb.name,
                )
            )
            continue
        findings += [_judge_group(facts, lb, group, consumer_zones) for group in groups]
    return findings


def _groups(facts: LinkFacts, lb: LoadBalancer) -> list[TargetGroup]:
    arns = dict.fromkeys(a for item in on_port(facts, lb) for a in item.target_group_arns)
    found = [facts.provider.target_groups.get(arn) for arn in arns]
    return [o.get() for o in found if o is not None]


def _judge_group(
    facts: LinkFacts, lb: LoadBalancer, group: TargetGroup, consumer_zones: dict[str, list[str]]
) -> Finding:
    provider_names = facts.provider.zones.get().id_to_name
    provider_ids = facts.provider.zones.get().name_to_id
    consumer_names = facts.consumer.zones.get().id_to_name
    lb_zone_ids = {provider_ids.get(z.zone_name, "") for z in lb.zones}
    where = f"{group.name} on {lb.name}"

    def label(zone_id: str) -> str:
        return (
            f"{zone_id} (provider {facts.provider.account}'s "
            f"{provider_names.get(zone_id, '?')}, consumer {facts.consumer.account}'s "
            f"{consumer_names.get(zone_id, '?')})"
        )

    per_zone: list[dict[str, Any]] = []
    for zone_id in sorted(consumer_zones, key=zone_id_order):
        name = provider_names.get(zone_id, "")
        in_zone = [t for t in group.targets if t.zone_name in (name, "all")]
        per_zone.append(
            {
                "zone_id": zone_id,
                "provider_zone_name": name,
                "consumer_zone_name": consumer_names.get(zone_id, ""),
                "consumer_subnets": consumer_zones[zone_id],
                "offered": zone_id in lb_zone_ids,
                "targets": len(in_zone),
                "healthy": sum(t.state == "healthy" for t in in_zone),
                "initial": sum(t.state == "initial" for t in in_zone),
            }
        )
    details: dict[str, Any] = {
        "load_balancer": lb.name,
        "target_group": group.name,
        "target_group_arn": group.arn,
        "cross_zone": group.cross_zone,
        "cross_zone_source": group.cross_zone_source,
        "zones": per_zone,
    }
    judged = [z for z in per_zone if z["offered"]]  # the others are endpoint-az-coverage's
    counts = ", ".join(f"{z['zone_id']} {z['healthy']}/{z['targets']}" for z in judged)
    if group.cross_zone:
        return finding(
            SPEC,
            facts,
            Status.PASS,
            f"{facts.sides}: cross-zone load balancing is on for {where} (set on the "
            f"{group.cross_zone_source}): every zone of the endpoint reaches every healthy target",
            **details,
        )
    empty = [z for z in judged if z["healthy"] == 0]
    if not empty:
        return finding(
            SPEC,
            facts,
            Status.PASS,
            f"{facts.sides}: every zone of the endpoint has a healthy target in {where} "
            f"(cross-zone off; healthy per zone: {counts or 'no zone offered'})",
            **details,
        )
    anywhere = any(t.state == "healthy" for t in group.targets)
    starting = [z for z in empty if z["initial"]]
    lost = [z for z in empty if not z["initial"] and (anywhere or z["targets"] == 0)]
    turn_on = (
        f"aws elbv2 modify-target-group-attributes --target-group-arn {group.arn} "
        "--attributes Key=load_balancing.cross_zone.enabled,Value=true"
    )
    if lost:
        zones = "; ".join(label(z["zone_id"]) for z in lost)
        subnets = ", ".join(s for z in lost for s in z["consumer_subnets"])
        return finding(
            SPEC,
            facts,
            Status.FAIL,
            f"{facts.sides}: the endpoint's interface in {zones} has no healthy target behind "
            f"{where} with cross-zone load balancing off (set on the {group.cross_zone_source}):"
            f" connections through it fail (consumer subnets {subnets}; healthy per zone: "
            f"{counts})",
            f"In provider account {facts.provider.account}: make a target of {group.name} "
            f"healthy in {', '.join(z['zone_id'] for z in lost)}, or turn cross-zone on: "
            f"{turn_on}. Or, in consumer account {facts.consumer.account}, keep the endpoint "
            "out of those zones.",
            **details,
        )
    if starting:
        zones = "; ".join(label(z["zone_id"]) for z in starting)
        return finding(
            SPEC,
            facts,
            Status.WARN,
            f"{facts.sides}: in {zones} the targets of {where} are still registering "
            "(initial) and cross-zone load balancing is off: connections through the "
            "endpoint's interface there fail until one passes its health checks",
            f"Wait for the targets to pass their health checks, or turn cross-zone on: {turn_on}",
            **details,
        )
    # No healthy target anywhere: the load balancer fails open (nlb-target-health fails it).
    return finding(
        SPEC,
        facts,
        Status.WARN,
        f"{facts.sides}: no target of {where} is healthy in any zone; the load balancer fails "
        "open and sends traffic to unhealthy targets (see nlb-target-health)",
        f"Make the targets of {group.name} pass their health checks.",
        **details,
    )


def _planned(
    facts: LinkFacts, balancers: list[LoadBalancer], consumer_zones: dict[str, list[str]]
) -> Finding:
    """A plan's join: each zone of the planned endpoint among the load balancers' AZ IDs.

    An endpoint service is offered in its load balancers' zones only; CreateVpcEndpoint
    refuses a subnet in another zone (endpoint-az-coverage's docs). Both sides are in the
    plan, so the zone names are each account's own: compared by AZ ID, never by name.
    """
    provider_zones, consumer_names = facts.provider.zones.get(), facts.consumer.zones.get()
    lb_ids = {provider_zones.name_to_id.get(z.zone_name, "") for lb in balancers for z in lb.zones}
    lb_ids.discard("")
    names = ", ".join(lb.name for lb in balancers)
    per_zone: list[dict[str, Any]] = [
        {
            "zone_id": zone_id,
            "provider_zone_name": provider_zones.id_to_name.get(zone_id, ""),
            "consumer_zone_name": consumer_names.id_to_name.get(zone_id, ""),
            "consumer_subnets": consumer_zones[zone_id],
            "offered": zone_id in lb_ids,
        }
        for zone_id in sorted(consumer_zones, key=zone_id_order)
    ]
    offered = ", ".join(
        f"{z} (provider {facts.provider.account}'s {provider_zones.id_to_name.get(z, '?')})"
        for z in sorted(lb_ids, key=zone_id_order)
    )
    details: dict[str, Any] = {
        "load_balancer": names,
        "zones": per_zone,
        "load_balancer_zone_ids": sorted(lb_ids, key=zone_id_order),
    }
    missing = [z for z in per_zone if not z["offered"]]
    if not missing:
        return finding(
            SPEC,
            facts,
            Status.PASS,
            f"{facts.sides}: every zone of the planned endpoint has a node of {names} "
            f"({offered or 'none'}); target health and cross-zone are known only after apply",
            **details,
        )
    lost = "; ".join(
        f"{z['zone_id']} (consumer {facts.consumer.account}'s "
        f"{z['consumer_zone_name'] or '?'}: {', '.join(z['consumer_subnets'])})"
        for z in missing
    )
    wanted = ", ".join(
        f"{z} (consumer's {consumer_names.id_to_name.get(z, '?')})"
        for z in sorted(lb_ids, key=zone_id_order)
    )
    return finding(
        SPEC,
        facts,
        Status.FAIL,
        f"{facts.sides}: the planned endpoint's subnets in {lost} are in no zone of {names}, "
        f"which is in {offered or 'no zone'}: the service is offered only in its load "
        "balancers' zones, so CreateVpcEndpoint fails for those subnets (zone names differ "
        "between the accounts: compared by AZ ID)",
        f"In consumer account {facts.consumer.account}: put the endpoint's subnets in "
        f"{wanted or 'a zone of the load balancer'}; or, in provider account "
        f"{facts.provider.account}, give {names} a subnet in "
        f"{', '.join(z['zone_id'] for z in missing)}.",
        **details,
    )
