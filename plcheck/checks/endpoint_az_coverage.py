"""endpoint-az-coverage: every endpoint subnet is in a zone the service is offered in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from plcheck.checks._shared import not_visible
from plcheck.facts.zones import AccountZones, zone_id_order
from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from plcheck.facts.consumer import EndpointFacts, ServiceDetail
    from plcheck.facts.network import Subnet

SPEC = CheckSpec(
    id="endpoint-az-coverage",
    title="Endpoint subnets are in zones the service is offered in",
    command="consumer",
    subject="endpoint",
    needs=("vpc.services", "vpc.subnets", "vpc.zones"),
    also_in=("plan",),
    inspects=(
        "The AZ IDs of the endpoint's subnets (or of the planned subnets) against the AZ IDs "
        "the endpoint service is offered in, as the consumer account sees them."
    ),
    why=(
        "An endpoint can only have a network interface in a zone where the provider's load "
        "balancer is; otherwise CreateVpcEndpoint fails with 'The VPC endpoint service … does "
        "not support the availability zone of the subnet'. Zone names differ between accounts, "
        "so only AZ IDs can be compared."
    ),
    remediation=(
        "Use one subnet per zone the service is offered in, chosen by AZ ID "
        "(Terraform: select subnets by availability_zone_id), or ask the provider to add "
        "their load balancer to the missing zones."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
    aws_actions=(
        "ec2:DescribeVpcEndpointServices",
        "ec2:DescribeSubnets",
        "ec2:DescribeAvailabilityZones",
    ),
    details={
        "service_name": "the endpoint service",
        "service_zone_ids": "AZ IDs the service is offered in",
        "service_zones": "those AZ IDs → the consumer's AZ names",
        "subnet_id": "a subnet in a zone the service is not offered in",
        "zone_name": "its AZ name",
        "zone_id": "its AZ ID",
        "unsupported_subnets": "every such subnet",
        "recommended_subnets": "subnets in offered zones to use instead",
    },
)


@dataclass(frozen=True)
class ZoneChoice:
    """A zone the service is offered in, with the VPC subnet to use there."""

    zone_id: str
    """The AZ ID."""
    zone_name: str
    """This account's name for it ("" when the account has no such zone)."""
    subnet: Subnet | None
    """The subnet to use; None when the VPC has no subnet in the zone."""


def zone_label(zone_id: str, zones: AccountZones) -> str:
    """``us-east-1b (use1-az1)`` in this account's names."""
    name = zones.id_to_name.get(zone_id)
    return f"{name} ({zone_id})" if name else f"{zone_id} (no such zone in {zones.account})"


def subnets_to_use(
    service: ServiceDetail,
    vpc_subnets: Sequence[Subnet],
    zones: AccountZones,
    preferred: Sequence[str] = (),
) -> list[ZoneChoice]:
    """One subnet per served zone: a preferred one if any, else the one with most free IPs."""
    choices = []
    for zone_id in sorted(service.zone_ids, key=zone_id_order):
        here = [s for s in vpc_subnets if s.zone_id == zone_id]
        best = min(
            here,
            key=lambda s: (s.subnet_id not in preferred, -s.available_ips, s.subnet_id),
            default=None,
        )
        choices.append(ZoneChoice(zone_id, zones.id_to_name.get(zone_id, ""), best))
    return choices


@dataclass(frozen=True)
class _Findings:
    """Builds this check's findings for one account and region."""

    account: str
    region: str
    base: Mapping[str, object]

    def __call__(
        self, status: Status, resource: str, message: str, remediation: str = "", **extra: object
    ) -> Finding:
        return Finding(
            check=SPEC.id,
            status=status,
            resource=resource,
            account=self.account,
            region=self.region,
            message=message,
            remediation=remediation,
            details={**self.base, **extra},
        )


def _subnet_label(subnet: Subnet) -> str:
    return f"{subnet.subnet_id} ({subnet.zone_name}, {subnet.zone_id})"


def _suggestion(choices: Sequence[ZoneChoice], vpc_id: str) -> str:
    parts = [
        _subnet_label(c.subnet)
        if c.subnet
        else f"none in {c.zone_name or '?'} ({c.zone_id}): create one with "
        f"aws ec2 create-subnet --vpc-id {vpc_id} --availability-zone-id {c.zone_id} "
        "--cidr-block …"
        for c in choices
    ]
    return "; ".join(parts)


def _new_subnet(choice: ZoneChoice, vpc_id: str) -> str:
    return (
        f"a new subnet in {choice.zone_name or '?'} ({choice.zone_id}) (aws ec2 create-subnet "
        f"--vpc-id {vpc_id} --availability-zone-id {choice.zone_id} --cidr-block …)"
    )


def _replace(bad: str, swap: ZoneChoice | None, kept: Sequence[str], vpc_id: str) -> str:
    """The plan's fix for one subnet in a zone the service lacks: drop it, or replace it."""
    keep = f"; keep {', '.join(kept)}" if kept else ""
    if swap is None:
        return f"Drop {bad} from the plan: the other planned subnets cover every served zone{keep}."
    if swap.subnet is None:
        return f"Replace {bad} with {_new_subnet(swap, vpc_id)}{keep}."
    plan = " ".join(f"--subnet {s}" for s in [*kept, swap.subnet.subnet_id])
    return f"Replace {bad} with {_subnet_label(swap.subnet)}{keep} ({plan})."


def _move(
    endpoint: str, bad: str, swap: ZoneChoice | None, kept: Sequence[str], vpc_id: str
) -> str:
    """An existing endpoint's fix: remove the subnet, adding a served zone's in its place."""
    remove = f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {endpoint} --remove-subnet-ids {bad}"
    if swap is None:
        return f"Remove it (the endpoint's other subnets cover every served zone): {remove}."
    if swap.subnet is None:
        return f"Remove it ({remove}) and add {_new_subnet(swap, vpc_id)} with --add-subnet-ids."
    return (
        f"Replace it with {_subnet_label(swap.subnet)}: {remove} "
        f"--add-subnet-ids {swap.subnet.subnet_id}."
    )


def evaluate(
    resource: str,
    service: ServiceDetail,
    subnet_ids: Sequence[str],
    vpc_subnets: Sequence[Subnet],
    zones: AccountZones,
    *,
    vpc_id: str,
    chosen: bool = True,
    existing: bool = True,
) -> list[Finding]:
    """Judge the subnets of an endpoint (``existing``) or of a plan.

    ``chosen`` is False when the user named no subnets: every subnet of the VPC is
    a candidate, and the finding says which ones to use.
    """
    account, region = zones.account, zones.region
    zone_ids = sorted(service.zone_ids, key=zone_id_order)  # a set: the same order every run
    served = ", ".join(zone_label(z, zones) for z in zone_ids)
    base = {
        "service_name": service.service_name,
        "service_zone_ids": zone_ids,
        "service_zones": {z: zones.id_to_name.get(z, "") for z in zone_ids},
    }

    finding = _Findings(account, region, base)

    if service.region and service.region != region:
        return [
            finding(
                Status.SKIP,
                resource,
                f"{service.service_name} runs in {service.region}: its zones are not zones of "
                f"{region}, so subnets are not compared",
            )
        ]
    by_id = {s.subnet_id: s for s in vpc_subnets}
    choices = subnets_to_use(service, vpc_subnets, zones, preferred=subnet_ids)
    use = _suggestion(choices, vpc_id)
    recommended = [c.subnet.subnet_id for c in choices if c.subnet]
    if not chosen:
        return [_candidates(resource, service, vpc_subnets, zones, choices, served, finding)]

    findings = []
    seen_zone: dict[str, str] = {}
    # Served zones no good planned subnet covers yet: each bad subnet's replacement, in turn.
    good_zones = {
        by_id[s].zone_id for s in subnet_ids if s in by_id and by_id[s].zone_id in service.zone_ids
    }
    spare = [c for c in choices if c.zone_id not in good_zones]
    kept = [s for s in subnet_ids if s in by_id and by_id[s].zone_id in service.zone_ids]
    for subnet_id in subnet_ids:
        subnet = by_id.get(subnet_id)
        if subnet is None:
            findings.append(
                finding(
                    Status.FAIL,
                    subnet_id,
                    f"{subnet_id} is not a subnet of {vpc_id}",
                    f"Use subnets of {vpc_id}: {use}.",
                    subnet_id=subnet_id,
                    recommended_subnets=recommended,
                )
            )
            continue
        if subnet.zone_id not in service.zone_ids:
            where = f"{subnet.zone_name} ({subnet.zone_id})"
            swap = spare.pop(0) if spare else None
            if existing:
                message = (
                    f"{subnet_id} of {resource} is in {where}, where {service.service_name} is "
                    f"no longer offered; it is offered in {served}"
                )
                remediation = _move(resource, subnet_id, swap, kept, vpc_id)
            else:
                message = (
                    f"{subnet_id} is in {where}, where {service.service_name} is not offered: "
                    f"CreateVpcEndpoint would fail; it is offered in {served}"
                )
                remediation = _replace(subnet_id, swap, kept, vpc_id)
            findings.append(
                finding(
                    Status.FAIL,
                    subnet_id,
                    message,
                    remediation,
                    subnet_id=subnet_id,
                    zone_name=subnet.zone_name,
                    zone_id=subnet.zone_id,
                    recommended_subnets=recommended,
                )
            )
            continue
        if subnet.zone_id in seen_zone and not existing:
            findings.append(
                finding(
                    Status.FAIL,
                    subnet_id,
                    f"{subnet_id} and {seen_zone[subnet.zone_id]} are both in "
                    f"{subnet.zone_name} ({subnet.zone_id}): an endpoint takes one subnet per zone",
                    f"Keep one of them; use {use}.",
                    subnet_id=subnet_id,
                    recommended_subnets=recommended,
                )
            )
        seen_zone.setdefault(subnet.zone_id, subnet_id)
    if findings:
        return findings
    covered = sorted(seen_zone, key=zone_id_order)
    zone_list = ", ".join(zone_label(z, zones) for z in covered)
    if len(covered) == 1 and len(service.zone_ids) > 1:
        return [
            finding(
                Status.WARN,
                resource,
                f"{resource} would sit in one zone only, {zone_list}; {service.service_name} "
                f"is offered in {served}",
                f"Add a subnet in another served zone for availability: {use}.",
                recommended_subnets=recommended,
            )
        ]
    return [
        finding(
            Status.PASS,
            resource,
            f"{resource}: subnets in {zone_list}, all offered by {service.service_name}",
            recommended_subnets=recommended,
        )
    ]


def _candidates(
    resource: str,
    service: ServiceDetail,
    vpc_subnets: Sequence[Subnet],
    zones: AccountZones,
    choices: Sequence[ZoneChoice],
    served: str,
    make: _Findings,
) -> Finding:
    """Pre-deploy without --subnet: which of the VPC's subnets to use, and which not."""
    usable = [c for c in choices if c.subnet]
    avoid = [s for s in vpc_subnets if s.zone_id not in service.zone_ids]
    recommended = [c.subnet.subnet_id for c in usable if c.subnet]
    vpc_id = vpc_subnets[0].vpc_id if vpc_subnets else ""
    use = _suggestion(choices, vpc_id)
    not_use = ", ".join(_subnet_label(s) for s in avoid)
    tail = f"; not {not_use}, where the service is not offered" if avoid else ""
    extra: dict[str, object] = {
        "recommended_subnets": recommended,
        "unsupported_subnets": [s.subnet_id for s in avoid],
    }
    if not usable:
        return make(
            Status.FAIL,
            resource,
            f"no subnet of {vpc_id or 'the VPC'} is in a zone {service.service_name} is offered "
            f"in ({served}){tail}",
            f"Create a subnet in a served zone: {use}.",
            **extra,
        )
    if len(usable) == 1 and len(service.zone_ids) > 1:
        return make(
            Status.WARN,
            resource,
            f"only one zone can be used: {', '.join(recommended)}{tail}; "
            f"{service.service_name} is offered in {served}",
            f"For availability, add subnets in the other served zones: {use}.",
            **extra,
        )
    return make(
        Status.PASS,
        resource,
        f"use {', '.join(_subnet_label(c.subnet) for c in usable if c.subnet)} "
        f"(one per served zone){tail}",
        "",
        **extra,
    )


def judge(facts: EndpointFacts) -> list[Finding]:
    """The endpoint's (or plan's) subnets against the zones its service is offered in."""
    service = facts.service
    if service is None:
        return [not_visible(SPEC, facts)]
    target = facts.target
    return evaluate(
        facts.resource,
        service,
        target.subnet_ids,
        facts.vpc.subnets.get(),
        facts.vpc.zones.get(),
        vpc_id=facts.vpc.request.vpc_id,
        chosen=target.chosen,
        existing=target.endpoint is not None,
    )


def recommended(facts: EndpointFacts) -> tuple[str, ...]:
    """The subnets a plan without ``--subnet`` should use; () when that cannot be told."""
    vpc = facts.vpc
    services, subnets, zones = vpc.services.value, vpc.subnets.value, vpc.zones.value
    if services is None or subnets is None or zones is None:
        return ()
    service = services.get(facts.target.service_name)
    if service is None:
        return ()
    return tuple(c.subnet.subnet_id for c in subnets_to_use(service, subnets, zones) if c.subnet)
