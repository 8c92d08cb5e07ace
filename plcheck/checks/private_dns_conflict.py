"""private-dns-conflict: no private hosted zone in the VPC conflicts with the private DNS name.

How AWS and Route 53 Resolver treat the zones associated with the VPC:

* a zone with the *same* name as the endpoint's private DNS name (its domain, for a
  wildcard): AWS cannot associate the endpoint's own zone, and refuses private DNS
  (Route 53's ConflictingDomainExists: "The VPC that you specified is already associated
  with another hosted zone that has the same name"). That fails.
* a *parent* zone (``example.com`` for ``api.example.com``) coexists: Resolver answers
  from the most specific zone, the endpoint's own. Only the parent's records at the name
  (or below it) are shadowed: a warning when there are any, a pass saying why otherwise.
* a *child* zone (``x.api.example.com``) takes only its own subtree: that matters only to a
  wildcard name (``*.api.example.com``), whose names below it it shadows.

See "Private hosted zones that have overlapping namespaces":
https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html#hosted-zone-private-considerations-private-overlapping
and ConflictingDomainExists:
https://docs.aws.amazon.com/Route53/latest/APIReference/API_AssociateVPCWithHostedZone.html
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.checks._shared import not_visible
from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from plcheck.facts.consumer import EndpointFacts, HostedZone, ServiceDetail, ZoneRecord
    from plcheck.facts.outcome import Outcome

SPEC = CheckSpec(
    id="private-dns-conflict",
    title="No private hosted zone conflicts with the private DNS name",
    command="consumer",
    also_in=("plan",),
    subject="endpoint",
    needs=("vpc.services", "vpc.hosted_zones"),
    inspects=(
        "The Route 53 private hosted zones associated with the VPC (ListHostedZonesByVPC), "
        "against the service's private DNS name; in a parent zone, its records at the name "
        "(ListResourceRecordSets)."
    ),
    why=(
        "AWS refuses private DNS on the endpoint while a private hosted zone with the same "
        "name is associated with the VPC (ConflictingDomainExists). A parent zone coexists, "
        "but the endpoint's more specific zone shadows the parent's records at the name; a "
        "child zone shadows its subtree of a wildcard name."
    ),
    remediation=(
        "Disassociate the same-named zone from the VPC or delete it (aws route53 "
        "disassociate-vpc-from-hosted-zone), or keep private DNS off and point records in the "
        "zone at the endpoint's vpce-… names. Move records a parent zone holds at the name."
    ),
    docs_url=(
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/"
        "hosted-zone-private-considerations.html#hosted-zone-private-considerations-private-overlapping"
    ),
    aws_actions=(
        "route53:ListHostedZonesByVPC",
        "route53:ListResourceRecordSets",
        "ec2:DescribeVpcEndpointServices",
    ),
    # In a plan the zones are judged by name: their records are not read.
    plan_actions=("route53:ListHostedZonesByVPC", "ec2:DescribeVpcEndpointServices"),
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
        "shadowed_records": "a parent zone's records at the name, shadowed by the endpoint's zone",
    },
    severity="high",
)

#: Records listed by name in a finding, at most.
SHOWN_RECORDS = 5


def domain_of(name: str) -> str:
    """The domain a private DNS name makes a zone for (a wildcard's ``*.`` dropped)."""
    name = name.lower().rstrip(".")
    return name[2:] if name.startswith("*.") else name


def relation(zone: str, name: str) -> str:
    """How a zone relates to a DNS name: ``equals``, ``contains``, ``is inside`` or ""."""
    zone, name = domain_of(zone), domain_of(name)
    if zone == name:
        return "equals"
    if name.endswith("." + zone):
        return "contains"
    if zone.endswith("." + name):
        return "is inside"
    return ""


def parent_zone_reads(
    hosted_zones: Iterable[HostedZone], names: Iterable[str]
) -> list[tuple[str, str]]:
    """(zone ID, domain) pairs whose records this check reads: customer parent zones."""
    pairs = {
        (zone.zone_id, domain_of(name))
        for zone in hosted_zones
        for name in names
        if name and not zone.owning_service and relation(zone.name, name) == "contains"
    }
    return sorted(pairs)


def is_conflicting(zone: HostedZone, name: str, private_dns_in_use: bool) -> bool:
    """Whether ``zone`` has ``name``'s own name and is not the endpoint's own zone."""
    if relation(zone.name, name) != "equals":
        return False
    return not (zone.owning_service and private_dns_in_use)


def private_dns_in_use(facts: EndpointFacts) -> bool:
    """Whether an endpoint of the VPC to the same service has private DNS on."""
    return any(
        t.endpoint is not None
        and t.endpoint.private_dns_enabled
        and t.service_name == facts.target.service_name
        for t in facts.others
    )


def evaluate(
    resource: str,
    service: ServiceDetail,
    hosted_zones: Sequence[HostedZone],
    *,
    vpc_id: str,
    private_dns_in_use: bool,
    private_dns_planned: bool = True,
    zone_records: Mapping[tuple[str, str], Outcome[tuple[ZoneRecord, ...]]] | None = None,
    account: str,
    region: str,
) -> list[Finding]:
    """Judge the zones of the VPC against one service's private DNS name.

    ``private_dns_in_use``: an endpoint in the VPC has private DNS on for this
    service, so an AWS-owned zone (``Owner.OwningService``) with exactly the name
    is that endpoint's own zone, not a conflict. ``private_dns_planned`` is False
    for an existing endpoint with private DNS off: a conflict only warns then.
    ``zone_records``: the records read in parent zones (see :func:`parent_zone_reads`).
    """
    name = service.private_dns_name
    base = {"service_name": service.service_name, "private_dns_name": name, "vpc_id": vpc_id}
    if not name:
        return [
            SPEC.finding(
                Status.SKIP,
                resource,
                f"{service.service_name} has no private DNS name",
                account=account,
                region=region,
                details=base,
            )
        ]
    records = zone_records or {}
    domain = domain_of(name)
    wildcard = name.strip().startswith("*.")
    findings: list[Finding] = []
    why_fine: list[str] = []
    own: list[str] = []

    def about(
        zone: HostedZone, status: Status, message: str, remediation: str, **extra: object
    ) -> None:
        findings.append(
            SPEC.finding(
                status,
                zone.zone_id,
                message,
                account=account,
                region=region,
                remediation=remediation,
                details={
                    **base,
                    "hosted_zone_id": zone.zone_id,
                    "zone_name": zone.name,
                    "relation": relation(zone.name, name),
                    "owning_account": zone.owning_account,
                    "owning_service": zone.owning_service,
                    **extra,
                },
            )
        )

    for zone in hosted_zones:
        how = relation(zone.name, name)
        label = f"private hosted zone {zone.zone_id} {zone.name} ({_owner(zone)})"
        if how == "equals":
            if not is_conflicting(zone, name, private_dns_in_use):
                own.append(zone.zone_id)  # the endpoint's own AWS-managed zone
                continue
            if private_dns_planned:
                status = Status.FAIL
                effect = (
                    "AWS refuses private DNS on the endpoint while it is associated "
                    "(ConflictingDomainExists: the VPC already has a zone of that name)"
                )
            else:
                status = Status.WARN
                effect = (
                    "AWS will refuse to enable private DNS on the endpoint while it is associated"
                )
            about(
                zone,
                status,
                f"{label} associated with {vpc_id} has the same name as {name} of {resource}: "
                f"{effect}",
                f"Disassociate it (aws route53 disassociate-vpc-from-hosted-zone "
                f"--hosted-zone-id {zone.zone_id} --vpc VPCRegion={region},VPCId={vpc_id}) "
                f"or delete it; or keep private DNS off and point {name} in it at the "
                "endpoint's vpce-… name.",
            )
        elif how == "contains":
            if zone.owning_service:  # AWS-managed (another endpoint's): not readable, and
                # the endpoint's zone is the more specific one
                why_fine.append(f"{zone.name} is a parent: the endpoint's own zone answers")
                continue
            read = records.get((zone.zone_id, domain))
            if read is None or read.error is not None:
                cause = read.error.describe() if read and read.error else "not read"
                about(
                    zone,
                    Status.WARN,
                    f"{label} associated with {vpc_id} is a parent of {name}; it coexists with "
                    f"the endpoint's zone, but its records could not be read ({cause}): "
                    f"whether it holds records at {domain} that the endpoint's zone will "
                    "shadow is unknown",
                    f"Allow route53:ListResourceRecordSets on {zone.zone_id}, or check by hand: "
                    f"aws route53 list-resource-record-sets --hosted-zone-id {zone.zone_id} "
                    f"--start-record-name {domain} --max-items {SHOWN_RECORDS}",
                )
                continue
            shadowed = read.value or ()
            if not shadowed:
                why_fine.append(
                    f"parent zone {zone.zone_id} {zone.name} holds no record at {domain}, and "
                    "Route 53 Resolver answers from the most specific zone, the endpoint's"
                )
                continue
            shown = ", ".join(f"{r.name} {r.record_type}" for r in shadowed[:SHOWN_RECORDS])
            about(
                zone,
                Status.WARN,
                f"{label} associated with {vpc_id} is a parent of {name} and holds {shown}: "
                "with private DNS on, Route 53 Resolver answers those names from the "
                "endpoint's more specific zone, so these records stop answering in the VPC",
                f"Expected if they pointed at the service anyway; otherwise rename or move them "
                f"(aws route53 list-resource-record-sets --hosted-zone-id {zone.zone_id} "
                f"--start-record-name {domain}).",
                shadowed_records=[f"{r.name} {r.record_type}" for r in shadowed],
            )
        elif how == "is inside":
            if wildcard:
                about(
                    zone,
                    Status.WARN,
                    f"{label} associated with {vpc_id} is inside the wildcard {name} of "
                    f"{resource}: Route 53 Resolver answers names under {zone.name} from it, "
                    "not from the endpoint",
                    f"Delete or disassociate {zone.zone_id} if names under {zone.name} must "
                    "reach the endpoint, or give those names records in it pointing at the "
                    "endpoint's vpce-… name.",
                )
            else:
                why_fine.append(
                    f"{zone.name} is below {name}: it takes only its own names, not {name}"
                )
    if findings:
        return findings
    if why_fine:
        message = (
            f"no private hosted zone associated with {vpc_id} conflicts with {name}: "
            + "; ".join(why_fine)
        )
    else:
        message = f"no private hosted zone associated with {vpc_id} overlaps {name}"
    return [
        SPEC.finding(
            Status.PASS,
            resource,
            message,
            account=account,
            region=region,
            details={**base, "endpoint_managed_zones": own},
        )
    ]


def _owner(zone: HostedZone) -> str:
    if zone.owning_service:
        return f"owned by {zone.owning_service}"
    return f"account {zone.owning_account}" if zone.owning_account else "owner unknown"


def judge(facts: EndpointFacts) -> list[Finding]:
    """Private hosted zones of the VPC against the service's private DNS name."""
    service = facts.service
    if service is None:
        return [not_visible(SPEC, facts)]
    target = facts.target
    return evaluate(
        facts.resource,
        service,
        facts.vpc.hosted_zones.get(),
        vpc_id=facts.vpc.request.vpc_id,
        private_dns_in_use=private_dns_in_use(facts),
        private_dns_planned=target.endpoint is None or target.endpoint.private_dns_enabled,
        zone_records=facts.vpc.zone_records,
        account=facts.account,
        region=facts.region,
    )
