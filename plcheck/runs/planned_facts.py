"""A plan's interface endpoints as the consumer's checks take them, built from the plan.

The planned endpoints of one VPC become one :class:`~plcheck.facts.consumer.ConsumerFacts`
(the ``vpc`` subject), whose targets are the endpoints, each a
:class:`~plcheck.facts.consumer.Target` whose ``endpoint`` is None (it does not exist
yet); each endpoint also becomes an :class:`~plcheck.facts.consumer.EndpointFacts` (the
``endpoint`` subject). Their facts come from what the account yielded
(:class:`~plcheck.runs.planned.LiveFacts`) and the plan together: subnets live and
planned (a planned subnet's zone in this account's names), security groups with the
plan's rules merged in, the VPC's CIDRs and DNS attributes (the planned ``aws_vpc``'s, or
live), private hosted zones (live, and the ``aws_route53_zone`` blocks the plan associates),
Resolver rules (live associations and the plan's), the services this account sees.

What apply decides is never invented: it is a :class:`Wait` on the input it concerns,
and every check that reads that input (:data:`INPUTS`) is a ``skip`` saying what it waits
for. The checks themselves run unchanged, through :mod:`plcheck.checks.framework`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from plcheck.errors import AwsCallError, AwsErrorKind
from plcheck.facts.consumer import (
    ConsumerFacts,
    ConsumerRequest,
    EndpointFacts,
    HostedZone,
    ServiceDetail,
    Target,
    Vpc,
    VpcDnsAttributes,
)
from plcheck.facts.network import Subnet
from plcheck.facts.outcome import Outcome
from plcheck.gate.tf_plan import TerraformPlan
from plcheck.gate.tf_resources import PlannedEndpoint, PlannedVpc
from plcheck.gate.tf_values import Planned, Unknown
from plcheck.runs import planned_groups, planned_resolver
from plcheck.runs import planned_subnets as subnets_of
from plcheck.runs.planned_network import client_ports

if TYPE_CHECKING:
    from plcheck.runs.planned import LiveFacts

#: For each consumer check of ``plan``, the planned inputs it judges, in the order it waits
#: for them: an input that apply decides makes the check a skip saying so.
INPUTS: Mapping[str, tuple[str, ...]] = {
    "service-visible": ("service",),
    "vpc-dns-attributes": ("dns",),
    "endpoint-az-coverage": ("service", "subnets"),
    "endpoint-private-dns": ("private_dns", "service"),
    "endpoint-security-groups": ("groups", "ports", "vpc"),
    "endpoint-ip-address-type": ("service", "ip_type", "ipv6"),
    "private-dns-conflict": ("private_dns", "service", "hosted_zones"),
    "resolver-rules": ("private_dns", "service", "resolver"),
}

#: The checks that judge private DNS: nothing to judge on an endpoint that turns it off.
PRIVATE_DNS_CHECKS = frozenset({"endpoint-private-dns", "private-dns-conflict", "resolver-rules"})


@dataclass(frozen=True)
class Wait:
    """An input of a planned resource that is known only after apply."""

    text: str
    """The skip's message after the resource's name."""
    unknown: tuple[str, ...]
    """The attributes apply decides (the skip's ``unknown`` detail)."""
    reason: str = ""
    """The same, short, for a message of its own ("" when ``text`` is short)."""
    resource: str = ""
    """What the skip is about ("": the subject judged)."""


@dataclass
class EndpointSide:
    """One planned endpoint as the ``endpoint`` checks take it, and what apply decides."""

    endpoint: PlannedEndpoint
    target: Target
    vpc: ConsumerFacts
    """Its VPC's facts, shared by the VPC's endpoints (without ``planned``: no ``endpoint``
    check compares the targets)."""
    own: dict[str, Any]
    """The :class:`ConsumerFacts` fields this endpoint has of its own (request, subnets,
    Resolver rules)."""
    waits: dict[str, Wait] = field(default_factory=dict)
    """Input → what apply decides of it (its VPC's waits included)."""
    quiet: frozenset[str] = frozenset()
    """Checks with nothing to judge on this endpoint (no finding)."""
    details: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Check → what the plan adds to its findings' details."""
    rules: planned_resolver.VpcRules = field(default_factory=planned_resolver.VpcRules)
    """The VPC's Resolver rules and where each comes from."""

    @property
    def facts(self) -> EndpointFacts:
        """The endpoint's facts, built each time they are asked for.

        Not kept: a plan may have tens of thousands of endpoints, and each copy of its
        VPC's facts costs memory.
        """
        return EndpointFacts(replace(self.vpc, **self.own), self.target, (self.target,))


@dataclass
class VpcSide:
    """The planned endpoints of one VPC: the ``vpc`` checks' facts, and each endpoint's.

    :meth:`endpoint` builds one endpoint's side when it is judged, so that a plan's tens
    of thousands of endpoints are never all held as facts; :meth:`with_targets` gives the
    ``vpc`` checks every endpoint's target once they were built.
    """

    facts: ConsumerFacts
    """The VPC's facts, without the planned targets."""
    members: Sequence[PlannedEndpoint]
    """The VPC's planned endpoints, in plan order."""
    context: _Context
    """What its endpoints' sides are built from."""
    waits: dict[str, Wait] = field(default_factory=dict)
    """Input → what apply decides of it, for the VPC and so for each of its endpoints."""
    planned_vpc: PlannedVpc | None = None
    """The ``aws_vpc`` the plan creates or changes, when its DNS attributes come from it."""

    def endpoint(self, endpoint: PlannedEndpoint) -> EndpointSide:
        """One member's side (built anew at each call)."""
        side = _endpoint_side(*self.context, self.facts, endpoint)
        side.waits = {**self.waits, **side.waits}
        return side

    def with_targets(self, targets: Sequence[Target]) -> ConsumerFacts:
        """The ``vpc`` checks' facts: the VPC's, with its planned endpoints' targets."""
        return replace(self.facts, planned=tuple(targets))

    @property
    def vpc_waits(self) -> dict[str, Wait]:
        """What apply decides of the inputs the ``vpc`` checks judge."""
        return {k: w for k, w in self.waits.items() if k == "dns"}


class _Context(NamedTuple):
    """What every endpoint of one account's plan is built from."""

    plan: TerraformPlan
    live: LiveFacts
    groups: planned_groups.Groups
    resolved: dict[tuple[object, ...], Outcome[tuple[Subnet, ...]] | Wait]
    """Planned subnets resolved, by what they depend on (endpoints placed alike share them)."""
    alike: dict[tuple[str, ...], tuple[str, ...]]
    """One object for each equal tuple of subnet IDs: the targets kept for the ``vpc``
    checks share them (a module's for_each places thousands alike)."""


def not_read(what: str) -> Outcome[Any]:
    """A consumer fact no ``plan`` check reads: an error if one ever needs it."""
    return Outcome(
        error=AwsCallError(
            AwsErrorKind.OTHER, "plcheck plan", "NotReadForPlan", f"{what}: not read for a plan"
        )
    )


def sides(
    plan: TerraformPlan, live: LiveFacts, endpoints: Sequence[PlannedEndpoint]
) -> list[VpcSide]:
    """The endpoints by VPC, each VPC with its facts (all in one account)."""
    by_vpc: dict[str, list[PlannedEndpoint]] = {}
    for endpoint in endpoints:
        vpc = subnets_of.endpoint_vpc(plan, endpoint)
        # An endpoint whose VPC apply decides is a VPC of its own.
        by_vpc.setdefault(vpc.label if vpc else f"\0{endpoint.address}", []).append(endpoint)
    groups = planned_groups.merged(plan, live.network.groups.value or [])
    context = _Context(plan, live, groups, {}, {})
    return [_vpc_side(context, members) for members in by_vpc.values()]


def _vpc_side(context: _Context, members: Sequence[PlannedEndpoint]) -> VpcSide:
    plan, live, groups = context.plan, context.live, context.groups
    first = members[0]
    found = subnets_of.endpoint_vpc(plan, first)
    label = found.label if found else _vpc_label(first.vpc_id, plan)
    waits: dict[str, Wait] = {}
    vpc = _vpc(plan, live, first)
    if isinstance(vpc, Wait):
        waits["vpc"], vpc = vpc, not_read("the VPC")
    planned_vpc = (plan.vpc_by_id(label) or next(iter(plan.vpc(label)), None)) if found else None
    dns = _dns(live, first, label, planned_vpc, members)
    if isinstance(dns, Wait):
        waits["dns"], dns = dns, not_read("the VPC's DNS attributes")
    zones = _hosted_zones(plan, live, first, found)
    if isinstance(zones, Wait):
        waits["hosted_zones"], zones = zones, not_read("the VPC's private hosted zones")
    live_subnets = live.subnets.get(first.vpc_id) if isinstance(first.vpc_id, str) else None
    subnets: Outcome[tuple[Subnet, ...]] = (
        Outcome(value=())
        if live_subnets is None
        else Outcome(error=live_subnets.error)
        if live_subnets.error
        else Outcome(value=tuple(live_subnets.value or ()))
    )
    in_vpc = tuple(g for g in groups.by_key.values() if g.vpc_id in (label, ""))
    facts = ConsumerFacts(
        request=ConsumerRequest(vpc_id=label, ports=()),
        account=live.account,
        region=live.region,
        vpc=vpc,
        dns=dns,
        dhcp=not_read("the VPC's DHCP options"),
        zones=live.zones,
        subnets=subnets,
        endpoints=Outcome(value=()),  # the planned ones are the targets
        services=_services(live),
        groups=Outcome(error=live.network.groups.error)
        if live.network.groups.error
        else Outcome(value=in_vpc),
        acls=not_read("the VPC's network ACLs"),
        hosted_zones=zones,
        resolver_rules=not_read("the VPC's Resolver rules"),  # each endpoint's, below
    )
    return VpcSide(facts, members, context, waits, planned_vpc)


def _services(live: LiveFacts) -> Outcome[Mapping[str, ServiceDetail]]:
    if live.services.error is not None:
        return Outcome(error=live.services.error)
    return Outcome(value=dict(live.services.value or {}))


def _vpc_label(vpc_id: Planned[str], plan: TerraformPlan) -> str:
    return subnets_of.vpc_label(vpc_id, plan) if isinstance(vpc_id, Unknown) else "the VPC"


def _vpc(plan: TerraformPlan, live: LiveFacts, endpoint: PlannedEndpoint) -> Outcome[Vpc] | Wait:
    """The endpoint's VPC (live, or as planned), or why it is known only after apply."""
    vpc_id = endpoint.vpc_id
    if isinstance(vpc_id, str):
        found = live.network.vpcs.get(vpc_id)
        return found if found is not None else Wait("vpc_id is empty", ("vpc",))
    planned = subnets_of.planned_vpc(plan, vpc_id)
    if planned is None or not isinstance(planned.cidr, str) or not planned.cidr:
        why = f"the VPC's CIDRs: {vpc_id.describe()} is known only after apply"
        return Wait(why, ("vpc",), why)
    return Outcome(value=Vpc(planned.address, "", (planned.cidr,), "default"))


def _dns(
    live: LiveFacts,
    endpoint: PlannedEndpoint,
    label: str,
    planned: PlannedVpc | None,
    members: Sequence[PlannedEndpoint],
) -> Outcome[VpcDnsAttributes] | Wait:
    """The VPC's DNS attributes as they will be: the planned ``aws_vpc``'s, or live."""
    if planned is not None:
        unknown = tuple(
            name
            for name, value in (
                ("enable_dns_support", planned.dns_support),
                ("enable_dns_hostnames", planned.dns_hostnames),
            )
            if isinstance(value, Unknown)
        )
        if unknown:
            text = f"{' and '.join(unknown)} known only after apply"
            return Wait(text, unknown, resource=planned.address)
        attrs = VpcDnsAttributes(label, bool(planned.dns_support), bool(planned.dns_hostnames))
        return Outcome(value=attrs)
    if isinstance(endpoint.vpc_id, Unknown) or not endpoint.vpc_id:
        what = endpoint.vpc_id.describe() if isinstance(endpoint.vpc_id, Unknown) else "vpc_id"
        text = (
            f"the VPC's DNS attributes are not checked before apply: {what} is known only "
            "after apply"
        )
        return Wait(text, ("vpc_id",), resource=members[0].address)
    return live.dns.get(endpoint.vpc_id) or not_read("the VPC's DNS attributes")


def _hosted_zones(
    plan: TerraformPlan,
    live: LiveFacts,
    endpoint: PlannedEndpoint,
    vpc: subnets_of.EndpointVpc | None,
) -> Outcome[tuple[HostedZone, ...]] | Wait:
    """Private hosted zones the VPC will have: live ones, and those the plan associates."""
    zones: list[HostedZone] = []
    if isinstance(endpoint.vpc_id, str):
        read = live.network.zones.get(endpoint.vpc_id)
        if read is not None and read.error is not None:
            return Outcome(error=read.error)
        zones += read.value or [] if read is not None else []
    matches = set(vpc.keys) if vpc else set()
    for zone in plan.hosted_zones:
        if isinstance(zone.vpcs, Unknown):
            continue  # a public zone or one whose VPCs apply decides: not associated here
        if not any(
            (isinstance(v.vpc_id, str) and v.vpc_id in matches)
            or (isinstance(v.vpc_id, Unknown) and matches & set(v.vpc_id.resources))
            for v in zone.vpcs
        ):
            continue
        if isinstance(zone.zone_name, Unknown):
            return Wait(f"{zone.address}: its name is known only after apply", ("name",))
        zones.append(HostedZone(zone.address, zone.zone_name.rstrip(".").lower(), live.account))
    return Outcome(value=tuple(zones))


def _endpoint_side(
    plan: TerraformPlan,
    live: LiveFacts,
    groups: planned_groups.Groups,
    resolved: dict[tuple[object, ...], Outcome[tuple[Subnet, ...]] | Wait],
    alike: dict[tuple[str, ...], tuple[str, ...]],
    vpc: ConsumerFacts,
    endpoint: PlannedEndpoint,
) -> EndpointSide:
    address = endpoint.address
    waits: dict[str, Wait] = {}
    side_details: dict[str, dict[str, Any]] = {}
    name = endpoint.service_name
    if isinstance(name, Unknown):
        waits["service"] = _unknown_service(endpoint, plan)
    private_dns = endpoint.private_dns_enabled
    if isinstance(private_dns, Unknown):
        waits["private_dns"] = Wait(
            "private_dns_enabled is known only after apply", ("private_dns_enabled",)
        )
    known, _ = subnets_of.endpoint_subnets(endpoint)
    subnets = _subnets(plan, live, endpoint, vpc.request.vpc_id, resolved)
    if isinstance(subnets, Wait):
        waits["subnets"], subnets = subnets, Outcome(value=())
    else:
        side_details["endpoint-az-coverage"] = {"subnets_from": _source(endpoint)}
    read = live.subnets.get(endpoint.vpc_id) if isinstance(endpoint.vpc_id, str) else None
    existing = {s.subnet_id for s in read.value or ()} if read is not None else set()
    planned = [s.subnet_id for s in subnets.value or () if s.subnet_id not in existing]
    subnet_ids = tuple(dict.fromkeys([*known, *planned]))
    subnet_ids = alike.setdefault(subnet_ids, subnet_ids)
    keys = _groups(plan, endpoint, groups, waits)
    side_details["endpoint-security-groups"] = {
        "groups_from_plan": [k for k in keys if k in groups.planned]
    }
    ports = client_ports(endpoint, plan)
    if isinstance(ports, str):
        waits["ports"] = Wait(f"client port unknown: {ports}", ("ports",))
        ports = ()
    kinds = _ip_types(plan, endpoint, subnets.value or (), waits)
    target = Target(
        name if isinstance(name, str) else "",
        None,
        subnet_ids,
        tuple(keys),
        chosen=bool(subnet_ids),
        address=address,
        private_dns_enabled=private_dns if isinstance(private_dns, bool) else None,
        ip_address_type=kinds[0],
        dns_record_ip_type=kinds[1],
    )
    service = (live.services.value or {}).get(target.service_name)
    rules = planned_resolver.VpcRules()
    if private_dns is True and service is not None and service.private_dns_name:
        rules = planned_resolver.rules(
            plan, live.network.resolver, endpoint, service.private_dns_name
        )
        if rules.pending:
            vpc_unknown = subnets_of.endpoint_vpc(plan, endpoint) is None
            waits["resolver"] = Wait(
                rules.pending, ("vpc_id" if vpc_unknown else "resolver_rules",)
            )
    request = replace(vpc.request, subnets=subnet_ids, security_groups=tuple(keys), ports=ports)
    own = {"request": request, "subnets": subnets, "resolver_rules": rules.rules}
    return EndpointSide(
        endpoint,
        target,
        vpc,
        own,
        waits,
        PRIVATE_DNS_CHECKS if private_dns is False else frozenset(),
        side_details,
        rules,
    )


def service_from_plan(endpoint: PlannedEndpoint, plan: TerraformPlan) -> str | None:
    """The planned service the endpoint's unknown service name comes from, if any."""
    if not isinstance(endpoint.service_name, Unknown):
        return None
    unknown = endpoint.service_name
    for ref in (*unknown.resources, *unknown.references):
        for service in plan.services:
            # A reference to the resource itself, or to an output of the module holding it.
            if service.address == ref or service.address.startswith((f"{ref}.", f"{ref}[")):
                return service.address
    return None


def _unknown_service(endpoint: PlannedEndpoint, plan: TerraformPlan) -> Wait:
    assert isinstance(endpoint.service_name, Unknown)
    source = service_from_plan(endpoint, plan)
    why = (
        f"its service is {source}, created in this plan (the link checks join the two)"
        if source
        else f"service_name is known only after apply: {endpoint.service_name.describe()}"
    )
    return Wait(f"not checked before apply: {why}", ("service_name",), why)


def _source(endpoint: PlannedEndpoint) -> str:
    known, unknown = subnets_of.endpoint_subnets(endpoint)
    if unknown is None:
        return "live"
    return "plan" if not known else "plan and live"


def _subnets(
    plan: TerraformPlan,
    live: LiveFacts,
    endpoint: PlannedEndpoint,
    vpc_label: str,
    resolved: dict[tuple[object, ...], Outcome[tuple[Subnet, ...]] | Wait],
) -> Outcome[tuple[Subnet, ...]] | Wait:
    """The VPC's live subnets and the endpoint's planned ones (with their zones), or why not.

    Kept in ``resolved`` by what they depend on, for the endpoints placed alike.
    """
    vpc_id = endpoint.vpc_id
    _, unknown = subnets_of.endpoint_subnets(endpoint)
    key = (vpc_id, vpc_label, unknown)
    found_before = resolved.get(key)
    if found_before is None:
        found_before = resolved[key] = _read_subnets(plan, live, endpoint, vpc_label)
    return found_before


def _read_subnets(
    plan: TerraformPlan, live: LiveFacts, endpoint: PlannedEndpoint, vpc_label: str
) -> Outcome[tuple[Subnet, ...]] | Wait:
    found: list[Subnet] = []
    vpc_id = endpoint.vpc_id
    if isinstance(vpc_id, str) and vpc_id:
        read = live.subnets.get(vpc_id)
        if read is not None and read.error is not None:
            return Outcome(error=read.error)
        found += read.value or [] if read is not None else []
    _, unknown = subnets_of.endpoint_subnets(endpoint)
    if unknown is not None:
        if live.zones.error is not None:
            return Outcome(error=live.zones.error)
        resolved = subnets_of.planned_subnets(unknown, plan, live.zones.get(), vpc_label)
        if isinstance(resolved, str):
            return Wait(f"subnets not checked before apply: {resolved}", ("subnet_ids",), resolved)
        found += [s for s in resolved if s not in found]
    return Outcome(value=tuple(found))


def _groups(
    plan: TerraformPlan,
    endpoint: PlannedEndpoint,
    groups: planned_groups.Groups,
    waits: dict[str, Wait],
) -> list[str]:
    """The endpoint's group keys; what apply decides about them goes to ``waits``."""
    keys = planned_groups.group_keys(endpoint.security_group_ids, plan)
    if isinstance(keys, Unknown):
        waits["groups"] = Wait(f"{keys.describe()} is known only after apply", ("groups",))
        return []
    if not keys:
        waits["groups"] = Wait(
            "no security_group_ids: AWS attaches the VPC's default group, which the plan "
            "does not name; its rules are not checked",
            ("security_group_ids",),
        )
    pending = [groups.unknown[k] for k in keys if k in groups.unknown]
    if pending:
        waits["groups"] = Wait("; ".join(pending), ("rules",))
    return keys


def _ip_types(
    plan: TerraformPlan,
    endpoint: PlannedEndpoint,
    subnets: Sequence[Subnet],
    waits: dict[str, Wait],
) -> tuple[str, str]:
    """``ip_address_type`` and ``dns_record_ip_type`` as planned ("" when not set)."""
    options = endpoint.dns_options
    records: Planned[str] = (
        ""
        if options is None
        else (options if isinstance(options, Unknown) else options.dns_record_ip_type)
    )
    found: list[str] = []
    for value in (endpoint.ip_address_type, records):
        # Optional and computed: unknown without references of its own, it is not set.
        if isinstance(value, Unknown) and (value.references or value.sensitive):
            waits.setdefault(
                "ip_type", Wait(f"{value.describe()} is known only after apply", (value.attribute,))
            )
        found.append(value if isinstance(value, str) else "")
    if found[0] in ("dualstack", "ipv6"):  # every subnet needs an IPv6 block
        if "subnets" in waits:
            waits.setdefault("ipv6", waits["subnets"])
        for subnet in subnets:
            for planned in plan.subnet(subnet.subnet_id):
                if isinstance(planned.ipv6_cidr, Unknown):
                    text = f"{planned.address}: ipv6_cidr_block is known only after apply"
                    waits.setdefault("ipv6", Wait(text, ("ipv6_cidr_block",)))
    return found[0], found[1]
