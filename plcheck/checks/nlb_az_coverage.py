"""nlb-az-coverage: the service is offered in every standard AZ of its region."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from plcheck.facts.network import Subnet
from plcheck.facts.provider import LoadBalancer, ServiceConfig, ServiceFacts
from plcheck.facts.zones import AccountZones, zone_id_order, zone_label
from plcheck.model import CheckSpec, Finding, Status

SPEC = CheckSpec(
    id="nlb-az-coverage",
    title="Load balancers cover every availability zone",
    command="provider",
    also_in=("plan",),
    subject="service",
    needs=("provider.load_balancers", "provider.subnets", "provider.zones"),
    inspects=(
        "The AZ IDs of the subnets of each endpoint service's load balancers, against every "
        "standard availability zone ID of the region."
    ),
    why=(
        "An endpoint service is offered only in the zones its load balancers have subnets in. "
        "A consumer can place an endpoint only in those zones (by AZ ID, and zone names differ "
        "per account), so consumers whose subnets sit in a missing zone cannot attach there."
    ),
    remediation=(
        "Give each load balancer a subnet in every missing zone (`aws elbv2 set-subnets`); "
        "small dedicated PrivateLink subnets (a /28 per zone) are the low-risk way to add zones."
    ),
    docs_url="https://docs.aws.amazon.com/elasticloadbalancing/latest/network/availability-zones.html",
    aws_actions=(
        "ec2:DescribeVpcEndpointServiceConfigurations",
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
    """Pass when every standard AZ ID is offered; warn naming each missing one."""
    names = zones.id_to_name
    offered = offered_zone_ids(load_balancers, subnets, zones)
    region_ids = sorted(names, key=zone_id_order)
    missing = [z for z in region_ids if z not in offered]
    offered_text = ", ".join(
        zone_label(names.get(z, ""), z) for z in sorted(offered, key=zone_id_order)
    )
    details = {
        "offered_zone_ids": sorted(offered, key=zone_id_order),
        "missing_zone_ids": missing,
        "region_zone_ids": region_ids,
        "zone_names": {z: names.get(z, "") for z in region_ids},
        "subnets_by_zone_id": offered,
    }
    if not missing:
        return [
            Finding(
                check=SPEC.id,
                status=Status.PASS,
                resource=service.service_id,
                account=account,
                region=service.region,
                message=f"offered in all {len(region_ids)} zones of {service.region}: "
                f"{offered_text}",
                details=details,
            )
        ]
    missing_text = ", ".join(f"{z} (your {names.get(z, '?')})" for z in missing)
    lb_names = ", ".join(lb.name for lb in load_balancers) or "its load balancer"
    return [
        Finding(
            check=SPEC.id,
            status=Status.WARN,
            resource=service.service_id,
            account=account,
            region=service.region,
            message=(
                f"offered in {len(offered)} of {len(region_ids)} zones "
                f"({offered_text or 'none'}); missing {missing_text}: consumers with subnets "
                "in those zones cannot attach there"
            ),
            remediation=(
                f"Add a subnet in each missing zone to {lb_names} "
                f"(aws elbv2 set-subnets, keeping the existing ones): {missing_text}. "
                "Dedicated small PrivateLink subnets (a /28 per zone) are the low-risk way; "
                "consumers must match zones by AZ ID, not by name."
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
