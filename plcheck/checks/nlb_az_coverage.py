"""nlb-az-coverage: the service is offered in every standard AZ of its region."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.facts.zones import AccountZones, zone_id_order, zone_label
from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from plcheck.facts.network import Subnet
    from plcheck.facts.provider import LoadBalancer, ServiceConfig, ServiceFacts

SPEC = CheckSpec(
    id="nlb-az-coverage",
    title="Load balancers cover every availability zone",
    command="provider",
    also_in=("plan",),
    subject="service",
    needs=("provider.load_balancers", "provider.subnets", "provider.zones"),
    inspects=(
        "The AZ IDs the endpoint service reports (AvailabilityZoneIds) and those of its load "
        "balancers' subnets, against every standard availability zone ID of the region; for a "
        "missing zone, whether the load balancer's VPC has a subnet there to add."
    ),
    why=(
        "An endpoint service is offered only in the zones its load balancers have subnets in. "
        "A consumer can place an endpoint only in those zones (by AZ ID, and zone names differ "
        "per account), so consumers whose subnets sit in a missing zone cannot attach there."
    ),
    remediation=(
        "Give each load balancer a subnet in every missing zone (`aws elbv2 set-subnets`); "
        "small dedicated PrivateLink subnets (a /28 per zone) are the low-risk way to add zones. "
        "A zone where the VPC has no subnet needs one created first. Subnets cannot be removed "
        "while the load balancer has active endpoint associations."
    ),
    docs_url="https://docs.aws.amazon.com/elasticloadbalancing/latest/network/availability-zones.html",
    aws_actions=(
        "ec2:DescribeVpcEndpointServiceConfigurations",
        "elasticloadbalancing:DescribeLoadBalancers",
        "ec2:DescribeSubnets",
        "ec2:DescribeAvailabilityZones",
    ),
    # The planned service names its load balancers.
    plan_actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "ec2:DescribeSubnets",
        "ec2:DescribeAvailabilityZones",
    ),
    details={
        "offered_zone_ids": "AZ IDs the service is offered in",
        "missing_zone_ids": "AZ IDs of the region it is not offered in",
        "region_zone_ids": "every AZ ID of the region",
        "zone_names": "AZ ID → the provider's AZ name",
        "subnets_by_zone_id": "AZ ID → the load balancers' subnets there",
        "service_zone_ids": "AZ IDs the service offers (AvailabilityZoneIds)",
        "candidate_subnets": "per missing zone ID, subnets of the load balancer's VPC there",
    },
    severity="low",
    can_fail=False,
)


def offered_zone_ids(
    load_balancers: Sequence[LoadBalancer], subnets: Mapping[str, Subnet], zones: AccountZones
) -> dict[str, list[str]]:
    """AZ ID → the load balancers' subnets in it."""
    offered: dict[str, list[str]] = {}
    for lb in load_balancers:
        for lb_zone in lb.zones:
            subnet = subnets.get(lb_zone.subnet_id)
            zone_id = subnet.zone_id if subnet else zones.name_to_id.get(lb_zone.zone_name, "")
            if zone_id:
                offered.setdefault(zone_id, []).append(lb_zone.subnet_id)
    return offered


def evaluate(
    service: ServiceConfig,
    load_balancers: Sequence[LoadBalancer],
    subnets: Mapping[str, Subnet],
    zones: AccountZones,
    account: str = "",
) -> list[Finding]:
    """Pass when every standard AZ ID is offered; warn naming each missing one and its fix.

    The zones offered are the service's own ``AvailabilityZoneIds`` when it reports them,
    else those of the load balancers' subnets; a disagreement between the two is named.
    For each missing zone the advice depends on what the load balancer can take: a subnet
    of its VPC in that zone (add it), or none yet (create one there first).
    """
    names = zones.id_to_name
    by_subnets = offered_zone_ids(load_balancers, subnets, zones)
    reported = set(service.zone_ids)
    offered_ids = reported or set(by_subnets)
    region_ids = sorted(names, key=zone_id_order)
    missing = [z for z in region_ids if z not in offered_ids]
    offered_text = ", ".join(
        zone_label(names.get(z, ""), z) for z in sorted(offered_ids, key=zone_id_order)
    )
    # Zones the load balancers have a subnet in that the service does not report, or back.
    not_reported = sorted(set(by_subnets) - reported, key=zone_id_order) if reported else []
    no_subnet = sorted(reported - set(by_subnets), key=zone_id_order)
    details: dict[str, object] = {
        "offered_zone_ids": sorted(offered_ids, key=zone_id_order),
        "missing_zone_ids": missing,
        "region_zone_ids": region_ids,
        "zone_names": {z: names.get(z, "") for z in region_ids},
        "subnets_by_zone_id": by_subnets,
        "service_zone_ids": sorted(reported, key=zone_id_order),
    }
    disagreement = ""
    if not_reported:
        disagreement += (
            f"; the load balancers have subnets in {', '.join(not_reported)}, which the "
            "service does not report offering"
        )
    if no_subnet:
        disagreement += (
            f"; the service reports {', '.join(no_subnet)}, where no load balancer subnet was read"
        )
    keep = (
        " Subnets cannot be removed from a load balancer while it has active endpoint "
        "associations: add zones, do not swap subnets."
    )
    if not missing:
        return [
            SPEC.finding(
                Status.PASS,
                service.service_id,
                f"offered in all {len(region_ids)} zones of {service.region}: "
                f"{offered_text}{disagreement}",
                account=account,
                region=service.region,
                details=details,
            )
        ]
    # One set-subnets per load balancer with every zone added at once: each call replaces
    # the load balancer's subnet list, so one call per zone would undo the previous one.
    steps = []
    per_zone: dict[str, list[str]] = {}
    for lb in load_balancers or ():
        added: list[str] = []
        lacking: list[str] = []
        for zone_id in missing:
            candidates = sorted(
                s.subnet_id
                for s in subnets.values()
                if s.vpc_id == lb.vpc_id and s.zone_id == zone_id
            )
            per_zone.setdefault(zone_id, []).extend(candidates)
            if candidates:
                added.append(candidates[0])
            else:
                lacking.append(zone_id)
        current = [z.subnet_id for z in lb.zones]
        if added:
            steps.append(
                f"{lb.name}: aws elbv2 set-subnets --load-balancer-arn {lb.arn} --subnets "
                f"{' '.join([*current, *added])}"
            )
        if lacking:
            labels = ", ".join(zone_label(names.get(z, ""), z) for z in lacking)
            creates = "; ".join(
                f"aws ec2 create-subnet --vpc-id {lb.vpc_id} --availability-zone-id {z} "
                "--cidr-block <a free /28>"
                for z in lacking
            )
            steps.append(
                f"{labels}: {lb.vpc_id} of {lb.name} has no subnet there; create one first "
                f"({creates}), then add it with aws elbv2 set-subnets, keeping the existing "
                "subnets"
            )
    details["candidate_subnets"] = per_zone
    missing_text = ", ".join(f"{z} (your {names.get(z, '?')})" for z in missing)
    return [
        SPEC.finding(
            Status.WARN,
            service.service_id,
            f"offered in {len(offered_ids)} of {len(region_ids)} zones "
            f"({offered_text or 'none'}); missing {missing_text}: consumers with subnets "
            f"in those zones cannot attach there{disagreement}",
            account=account,
            region=service.region,
            remediation=(
                "Add a subnet in each missing zone to the load balancer (keeping the existing "
                "ones; a subnet in a constrained zone or a Local Zone cannot be added): "
                + "; ".join(steps)
                + "."
                + keep
                + " Consumers must match zones by AZ ID, not by name."
            ),
            details=details,
        )
    ]


def judge(facts: ServiceFacts) -> list[Finding]:
    """The zones of the service's load balancers."""
    provider = facts.provider
    return evaluate(
        facts.service,
        facts.load_balancers,
        provider.subnets.get(),
        provider.zones.get(),
        facts.account,
    )
