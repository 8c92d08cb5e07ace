"""A planned endpoint's subnets and VPC: where they come from, and the zones of planned subnets.

Subnets come from ``subnet_ids``, ``subnet_configuration`` blocks and
``aws_vpc_endpoint_subnet_association`` resources together. A subnet created in
the same plan is judged by its planned zone: ``availability_zone_id``, or
``availability_zone`` translated through the endpoint's own account's zone names.
An unknown ``vpc_id`` that refers to one planned ``aws_vpc`` is that VPC.
"""

from __future__ import annotations

from dataclasses import dataclass

from plcheck.facts.network import Subnet
from plcheck.facts.zones import AccountZones
from plcheck.gate.terraform import TerraformPlan, Unknown
from plcheck.gate.tf_resources import PlannedEndpoint, PlannedSubnet, PlannedVpc


def endpoint_subnets(endpoint: PlannedEndpoint) -> tuple[tuple[str, ...], Unknown | None]:
    """The endpoint's subnets from ``subnet_ids``, ``subnet_configuration`` and associations.

    Known subnet IDs, each once, and one :class:`Unknown` gathering the references of
    those known only after apply (None when every one is known).
    """
    known: dict[str, None] = {}
    unknown: list[Unknown] = []

    def add(value: object) -> None:
        if isinstance(value, Unknown):
            unknown.append(value)
        elif isinstance(value, str) and value:
            known[value] = None

    if isinstance(endpoint.subnet_ids, Unknown):
        add(endpoint.subnet_ids)
    else:
        for subnet_id in endpoint.subnet_ids:
            add(subnet_id)
    configuration = endpoint.subnet_configuration
    if isinstance(configuration, Unknown):
        # Optional and computed: without references of its own it mirrors subnet_ids.
        if configuration.references or configuration.sensitive:
            add(configuration)
    else:
        for block in configuration:
            add(block.subnet_id)
    for association in endpoint.associations:
        add(association.subnet_id)
    if not unknown:
        return tuple(known), None
    return tuple(known), Unknown(
        unknown[0].attribute,
        references=tuple(dict.fromkeys(r for u in unknown for r in u.references)),
        resources=tuple(dict.fromkeys(r for u in unknown for r in u.resources)),
        sensitive=any(u.sensitive for u in unknown) and not any(u.resources for u in unknown),
    )


def planned_vpc(plan: TerraformPlan, vpc_id: Unknown) -> PlannedVpc | None:
    """The one planned ``aws_vpc`` an unknown ``vpc_id`` refers to; None when not exactly one.

    A reference to several (a conditional, a ``for_each`` VPC without an index) leaves
    the VPC to apply.
    """
    found = [v for r in vpc_id.resources for v in plan.vpc(r)]
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class EndpointVpc:
    """The VPC a planned endpoint will be in, and how other planned resources may name it."""

    label: str
    """Its ID, or the planned ``aws_vpc``'s address."""
    keys: frozenset[str]
    """What another resource's ``vpc_id`` may be for this VPC: its ID and planned address."""
    live_id: str | None
    """The ID of the existing VPC (its live associations apply), None for a new VPC."""


def endpoint_vpc(plan: TerraformPlan, endpoint: PlannedEndpoint) -> EndpointVpc | None:
    """The endpoint's VPC; None when apply decides which VPC it is."""
    vpc_id = endpoint.vpc_id
    if isinstance(vpc_id, str):
        if not vpc_id:
            return None
        changed = plan.vpc_by_id(vpc_id)
        keys = {vpc_id, changed.address} if changed else {vpc_id}
        return EndpointVpc(vpc_id, frozenset(keys), vpc_id)
    planned = planned_vpc(plan, vpc_id)
    if planned is None:
        return None
    keys = {planned.address, planned.existing_id} if planned.existing_id else {planned.address}
    return EndpointVpc(planned.address, frozenset(keys), planned.existing_id)


def vpc_label(vpc: Unknown, plan: TerraformPlan) -> str:
    """The planned VPC's address, or a phrase for a VPC known only after apply."""
    found = planned_vpc(plan, vpc)
    return found.address if found else "the planned VPC"


def planned_subnets(
    subnet_ids: Unknown, plan: TerraformPlan, zones: AccountZones, vpc: str
) -> list[Subnet] | str:
    """The planned subnets the endpoint will use, with their zones; or why they are unknown."""
    refs = subnet_ids.resources
    if not refs:
        return f"{subnet_ids.describe()} is known only after apply"
    subnets: list[Subnet] = []
    pending = []
    for ref in refs:
        planned = plan.subnet(ref)
        if not planned:
            pending.append(ref)
            continue
        for p in planned:
            subnet = subnet_fact(p, zones, vpc)
            if subnet is None:
                pending.append(p.address)
            else:
                subnets.append(subnet)
    if pending:
        return (
            f"{subnet_ids.attribute} comes from {', '.join(pending)}, whose zone is known only "
            "after apply (set availability_zone_id to have it checked before)"
        )
    return subnets


def subnet_fact(planned: PlannedSubnet, zones: AccountZones | None, vpc: str) -> Subnet | None:
    """A planned subnet as a live one, when the plan sets its zone; None when apply decides.

    A zone NAME is in this account's names: it is translated with this account's map.
    """
    zone_id = planned.zone_id if isinstance(planned.zone_id, str) else ""
    zone_name = planned.zone_name if isinstance(planned.zone_name, str) else ""
    if zones is not None:
        zone_id = zone_id or zones.name_to_id.get(zone_name, "")
        zone_name = zone_name or zones.id_to_name.get(zone_id, "")
    if not zone_id:
        return None
    cidr = planned.cidr if isinstance(planned.cidr, str) else ""
    ipv6 = planned.ipv6_cidr if isinstance(planned.ipv6_cidr, str) and planned.ipv6_cidr else ""
    return Subnet(
        subnet_id=planned.address,
        vpc_id=vpc,
        zone_name=zone_name,
        zone_id=zone_id,
        cidr=cidr,
        ipv6_cidrs=(ipv6,) if ipv6 else (),
    )
