"""private-dns-conflict: no private hosted zone in the VPC overlaps the service's DNS name."""

from __future__ import annotations

from collections.abc import Sequence

from plcheck.checks._shared import not_visible
from plcheck.facts.consumer import EndpointFacts, HostedZone, ServiceDetail
from plcheck.model import CheckSpec, Finding, Status

SPEC = CheckSpec(
    id="private-dns-conflict",
    title="No private hosted zone conflicts with the private DNS name",
    command="consumer",
    also_in=("plan",),
    subject="endpoint",
    needs=("vpc.services", "vpc.hosted_zones"),
    inspects=(
        "The Route 53 private hosted zones associated with the VPC (ListHostedZonesByVPC), "
        "against the service's private DNS name."
    ),
    why=(
        "A private hosted zone for the same domain, a parent or a child makes AWS refuse "
        "private DNS on the endpoint ('there is already a conflicting DNS domain'), or, "
        "associated later, answers in the endpoint's place."
    ),
    remediation=(
        "Disassociate the zone from the VPC or delete it (aws route53 "
        "disassociate-vpc-from-hosted-zone), or keep private DNS off and point records in the "
        "zone at the endpoint's vpce-… names."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html",
    aws_actions=("route53:ListHostedZonesByVPC", "ec2:DescribeVpcEndpointServices"),
    details={
        "service_name": "the endpoint service",
        "private_dns_name": "its private DNS name",
        "vpc_id": "the consumer VPC",
        "endpoint_managed_zones": "zones the VPC's endpoints manage",
        "hosted_zone_id": "the private zone that conflicts",
        "zone_name": "its name",
        "relation": "how it relates to the name (equals, contains)",
        "owning_account": "the account that owns the zone",
        "owning_service": "the AWS service that owns it, if any",
    },
    severity="high",
)


def _domain(name: str) -> str:
    name = name.lower().rstrip(".")
    return name[2:] if name.startswith("*.") else name


def relation(zone: str, name: str) -> str:
    """How a zone relates to a DNS name: ``equals``, ``contains``, ``is inside`` or ""."""
    zone, name = _domain(zone), _domain(name)
    if zone == name:
        return "equals"
    if name.endswith("." + zone):
        return "contains"
    if zone.endswith("." + name):
        return "is inside"
    return ""


def evaluate(
    resource: str,
    service: ServiceDetail,
    hosted_zones: Sequence[HostedZone],
    *,
    vpc_id: str,
    private_dns_in_use: bool,
    private_dns_planned: bool = True,
    account: str,
    region: str,
) -> list[Finding]:
    """Judge the zones of the VPC against one service's private DNS name.

    ``private_dns_in_use``: an endpoint in the VPC has private DNS on for this
    service, so an AWS-owned zone (``Owner.OwningService``) with exactly the name
    is that endpoint's own zone, not a conflict. ``private_dns_planned`` is False
    for an existing endpoint with private DNS off: a conflict only warns then.
    """
    name = service.private_dns_name
    base = {"service_name": service.service_name, "private_dns_name": name, "vpc_id": vpc_id}
    if not name:
        return [
            Finding(
                check=SPEC.id,
                status=Status.SKIP,
                resource=resource,
                account=account,
                region=region,
                message=f"{service.service_name} has no private DNS name",
                details=base,
            )
        ]
    conflicts = []
    own = []
    for zone in hosted_zones:
        how = relation(zone.name, name)
        if not how:
            continue
        if zone.owning_service and how == "equals" and private_dns_in_use:
            own.append(zone.zone_id)  # the endpoint's own AWS-managed zone
            continue
        conflicts.append((zone, how))
    if not conflicts:
        return [
            Finding(
                check=SPEC.id,
                status=Status.PASS,
                resource=resource,
                account=account,
                region=region,
                message=f"no private hosted zone associated with {vpc_id} overlaps {name}",
                details={**base, "endpoint_managed_zones": own},
            )
        ]
    findings = []
    for zone, how in conflicts:
        owner = (
            f"owned by {zone.owning_service}"
            if zone.owning_service
            else f"account {zone.owning_account}"
            if zone.owning_account
            else "owner unknown"
        )
        if private_dns_planned:
            status = Status.FAIL
            effect = (
                "AWS refuses private DNS on the endpoint while it is associated, or it answers "
                "in the endpoint's place"
            )
        else:
            status = Status.WARN
            effect = "AWS will refuse to enable private DNS on the endpoint while it is associated"
        findings.append(
            Finding(
                check=SPEC.id,
                status=status,
                resource=zone.zone_id,
                account=account,
                region=region,
                message=(
                    f"private hosted zone {zone.zone_id} {zone.name} ({owner}) associated with "
                    f"{vpc_id} {how} {name} of {resource}: {effect}"
                ),
                remediation=(
                    f"Disassociate it (aws route53 disassociate-vpc-from-hosted-zone "
                    f"--hosted-zone-id {zone.zone_id} --vpc VPCRegion={region},VPCId={vpc_id}) "
                    f"or delete it; or keep private DNS off and point {name} in it at the "
                    "endpoint's vpce-… name."
                ),
                details={
                    **base,
                    "hosted_zone_id": zone.zone_id,
                    "zone_name": zone.name,
                    "relation": how,
                    "owning_account": zone.owning_account,
                    "owning_service": zone.owning_service,
                },
            )
        )
    return findings


def judge(facts: EndpointFacts) -> list[Finding]:
    """Private hosted zones of the VPC against the service's private DNS name."""
    service = facts.service
    if service is None:
        return [not_visible(SPEC, facts)]
    target = facts.target
    in_use = any(
        t.endpoint is not None
        and t.endpoint.private_dns_enabled
        and t.service_name == target.service_name
        for t in facts.others
    )
    return evaluate(
        facts.resource,
        service,
        facts.vpc.hosted_zones.get(),
        vpc_id=facts.vpc.request.vpc_id,
        private_dns_in_use=in_use,
        private_dns_planned=target.endpoint is None or target.endpoint.private_dns_enabled,
        account=facts.account,
        region=facts.region,
    )
