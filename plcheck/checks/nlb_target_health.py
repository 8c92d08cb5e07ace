"""nlb-target-health: every zone of the load balancer has a healthy target (or cross-zone is on)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plcheck.facts.zones import zone_label
from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from plcheck.facts.provider import LoadBalancer, ServiceFacts, TargetGroup, TargetState

SPEC = CheckSpec(
    id="nlb-target-health",
    title="Targets are healthy in every zone",
    command="provider",
    subject="service",
    needs=("provider.load_balancers",),
    inspects=(
        "Per load balancer, target group and zone: how many registered targets are healthy, "
        "and whether cross-zone load balancing is on for the target group (its own "
        "load_balancing.cross_zone.enabled, else the load balancer's)."
    ),
    why=(
        "With cross-zone load balancing off, a load balancer node sends traffic only to "
        "targets in its own zone: consumers whose endpoint lands in a zone without a healthy "
        "target see failed connections while other zones work. With no healthy target at "
        "all, nothing works."
    ),
    remediation=(
        "Fix the failing health checks (security groups of the targets must admit the load "
        "balancer's health checks), register healthy targets in every zone, or turn on "
        "cross-zone load balancing for the target group."
    ),
    docs_url="https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html",
    aws_actions=(
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "ec2:DescribeSubnets",
        "ec2:DescribeInstances",
    ),
    details={
        "load_balancer": "the NLB's name",
        "load_balancer_arn": "its ARN",
        "target_group": "the target group's name",
        "target_group_arn": "its ARN",
        "cross_zone": "whether cross-zone load balancing is on",
        "cross_zone_source": "where that setting comes from",
        "zones": "per zone: name, AZ ID, targets, healthy targets",
        "targets": "each target: id, port, zone, state, reason",
    },
)


def _in_zone(target: TargetState, zone_name: str) -> bool:
    return target.zone_name in (zone_name, "all")


def evaluate(
    lb: LoadBalancer,
    groups: Sequence[TargetGroup],
    zone_ids: Mapping[str, str],
    account: str = "",
    region: str = "",
    resource: str = "",
) -> list[Finding]:
    """One finding per target group: fail without healthy targets, warn per empty zone.

    ``resource`` names what findings are filed under (default: the target group ARN).
    """
    if not groups:
        return [
            Finding(
                check=SPEC.id,
                status=Status.FAIL,
                resource=resource or lb.arn,
                account=account,
                region=region,
                message=f"{lb.name}: no listener forwards to a target group",
                remediation=f"Point a listener of {lb.name} at a target group with targets.",
                details={"load_balancer": lb.name, "load_balancer_arn": lb.arn},
            )
        ]
    return [_judge_group(lb, group, zone_ids, account, region, resource) for group in groups]


def _judge_group(
    lb: LoadBalancer,
    group: TargetGroup,
    zone_ids: Mapping[str, str],
    account: str,
    region: str,
    resource: str,
) -> Finding:
    per_zone: list[dict[str, Any]] = []
    for lb_zone in lb.zones:
        in_zone = [t for t in group.targets if _in_zone(t, lb_zone.zone_name)]
        per_zone.append(
            {
                "zone_name": lb_zone.zone_name,
                "zone_id": zone_ids.get(lb_zone.zone_name, ""),
                "targets": len(in_zone),
                "healthy": sum(t.state == "healthy" for t in in_zone),
            }
        )
    healthy = [t for t in group.targets if t.state == "healthy"]
    counts = ", ".join(
        f"{zone_label(z['zone_name'], z['zone_id'])} {z['healthy']}/{z['targets']}"
        for z in per_zone
    )
    cross = "on" if group.cross_zone else "off"
    details: dict[str, Any] = {
        "load_balancer": lb.name,
        "load_balancer_arn": lb.arn,
        "target_group": group.name,
        "target_group_arn": group.arn,
        "cross_zone": group.cross_zone,
        "cross_zone_source": group.cross_zone_source,
        "zones": per_zone,
        "targets": [
            {
                "id": t.target_id,
                "port": t.port,
                "zone_name": t.zone_name,
                "state": t.state,
                "reason": t.reason,
                "description": t.description,
            }
            for t in group.targets
        ],
    }
    where = f"{group.name} on {lb.name}"

    finding = SPEC.on(
        resource or group.arn,
        account=account,
        region=region,
        details=details,
    )

    if not group.targets:
        return finding(
            Status.FAIL,
            f"{where}: no targets registered",
            f"Register targets in {group.name} (aws elbv2 register-targets --target-group-arn "
            f"{group.arn} --targets Id=...), one or more per zone.",
        )
    if not healthy:
        reasons = sorted({t.reason or t.state for t in group.targets})
        return finding(
            Status.FAIL,
            f"{where}: no healthy target ({len(group.targets)} registered: "
            f"{', '.join(reasons)}); healthy per zone: {counts}",
            f"Make the targets of {group.name} pass their health checks: the targets' "
            "security groups must admit the load balancer's health checks on the health "
            "check port, and the service must listen there.",
        )
    empty = [z for z in per_zone if z["healthy"] == 0]
    if empty and not group.cross_zone:
        empty_text = ", ".join(zone_label(z["zone_name"], z["zone_id"]) for z in empty)
        return finding(
            Status.WARN,
            f"{where}: no healthy target in {empty_text} with cross-zone load balancing off "
            f"(set on the {group.cross_zone_source}): connections through that zone fail; "
            f"healthy per zone: {counts}",
            f"Make a target healthy (or register one) in {empty_text}, or turn cross-zone on "
            f"for the target group: aws elbv2 modify-target-group-attributes "
            f"--target-group-arn {group.arn} "
            "--attributes Key=load_balancing.cross_zone.enabled,Value=true",
        )
    return finding(
        Status.PASS,
        f"{where}: {len(healthy)}/{len(group.targets)} targets healthy, cross-zone {cross}; "
        f"healthy per zone: {counts}",
    )


def judge(facts: ServiceFacts) -> list[Finding]:
    """Target health of each of the service's load balancers, zone by zone."""
    findings: list[Finding] = []
    zones = facts.provider.zones.value
    zone_ids = zones.name_to_id if zones else {}
    for lb in facts.load_balancers:
        listeners = facts.provider.listeners.get(lb.arn)
        if listeners is None:
            continue
        if listeners.error is not None:
            findings.append(
                SPEC.error(
                    facts.resource, listeners.error, account=facts.account, region=facts.region
                )
            )
            continue
        groups: list[TargetGroup] = []
        unread = False
        for arn in dict.fromkeys(
            a for item in listeners.value or () for a in item.target_group_arns
        ):
            group = facts.provider.target_groups.get(arn)
            if group is None:
                continue
            if group.error is not None:
                unread = True
                findings.append(
                    SPEC.error(
                        facts.resource, group.error, account=facts.account, region=facts.region
                    )
                )
            elif group.value is not None:
                groups.append(group.value)
        if groups or not unread:
            findings += evaluate(lb, groups, zone_ids, facts.account, facts.region, facts.resource)
    return findings
