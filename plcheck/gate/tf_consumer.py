"""The consumer side of a plan: endpoints, subnets, VPCs, security groups, DNS.

One frozen dataclass per type, with exactly the attributes the checks judge, as
planned values (known, or :class:`~plcheck.gate.tf_values.Unknown`). Attribute
names and defaults follow the AWS provider's documentation
(https://registry.terraform.io/providers/hashicorp/aws/latest/docs), e.g.
``aws_vpc.enable_dns_support`` defaults to true, ``enable_dns_hostnames`` to false.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from plcheck.gate.tf_common import PlannedResource, Reader, one
from plcheck.gate.tf_values import Attrs, Planned, Unknown


@dataclass(frozen=True, slots=True)
class SubnetConfiguration:
    """One ``subnet_configuration`` block of an endpoint."""

    subnet_id: Planned[str]
    ipv4: Planned[str]
    ipv6: Planned[str]


@dataclass(frozen=True, slots=True)
class DnsOptions:
    """An endpoint's ``dns_options`` block."""

    dns_record_ip_type: Planned[str]
    private_dns_only_for_inbound_resolver_endpoint: Planned[bool]


@dataclass(frozen=True, kw_only=True, slots=True)
class PlannedSubnetAssociation(PlannedResource):
    """``aws_vpc_endpoint_subnet_association``: one more subnet for an endpoint."""

    vpc_endpoint_id: Planned[str]
    subnet_id: Planned[str]
    endpoint_address: str | None = None
    """The planned endpoint it joins, when ``vpc_endpoint_id`` refers to one planned endpoint."""


@dataclass(frozen=True, kw_only=True, slots=True)
class PlannedEndpoint(PlannedResource):
    """An ``aws_vpc_endpoint`` of type Interface that the plan creates or updates."""

    service_name: Planned[str]
    vpc_id: Planned[str]
    subnet_ids: Planned[tuple[str, ...]]
    """Its subnets (empty when the configuration sets none)."""
    private_dns_enabled: Planned[bool]
    security_group_ids: Planned[tuple[str, ...]] = ()
    service_region: Planned[str] = ""
    """``service_region`` for cross-Region endpoints ("" when not set)."""
    vpc_endpoint_type: str = "Interface"
    subnet_configuration: Planned[tuple[SubnetConfiguration, ...]] = ()
    ip_address_type: Planned[str] = ""
    dns_options: Planned[DnsOptions | None] = None
    associations: tuple[PlannedSubnetAssociation, ...] = ()
    """Planned ``aws_vpc_endpoint_subnet_association`` resources that join this endpoint."""

    @property
    def endpoint_id(self) -> str | None:
        """The existing endpoint's ID for updates (compatibility name)."""
        return self.existing_id


@dataclass(frozen=True, kw_only=True, slots=True)
class PlannedSubnet(PlannedResource):
    """An ``aws_subnet`` in the plan."""

    vpc_id: Planned[str]
    zone_name: Planned[str]
    """``availability_zone``: a zone NAME, which differs between accounts."""
    zone_id: Planned[str]
    """``availability_zone_id``: the physical zone."""
    cidr: Planned[str] = ""
    ipv6_cidr: Planned[str] = ""

    @property
    def subnet_id(self) -> str | None:
        """Its ID when it exists already (compatibility name)."""
        return self.existing_id


@dataclass(frozen=True, kw_only=True, slots=True)
class PlannedVpc(PlannedResource):
    """An ``aws_vpc`` in the plan."""

    dns_support: Planned[bool]
    """``enable_dns_support`` (default true)."""
    dns_hostnames: Planned[bool]
    """``enable_dns_hostnames`` (default false)."""
    cidr: Planned[str] = ""

    @property
    def vpc_id(self) -> str | None:
        """Its ID when it exists already (compatibility name)."""
        return self.existing_id


@dataclass(frozen=True, slots=True)
class PlannedSgRule:
    """One security group rule, whichever resource or block declares it.

    Fields as :class:`plcheck.facts.network.SgRule`, so planned rules are judged as live ones.
    """

    source: str
    """Address of the resource that declares it (the group for inline blocks)."""
    group_id: Planned[str]
    """The group it belongs to (an Unknown resolving to the planned group when created)."""
    egress: bool
    protocol: Planned[str]
    """``tcp``, ``udp``, ``icmp`` or ``-1`` (all)."""
    from_port: Planned[int | None]
    to_port: Planned[int | None]
    cidrs: Planned[tuple[str, ...]] = ()
    """IPv4 and IPv6 CIDRs."""
    prefix_lists: Planned[tuple[str, ...]] = ()
    groups: Planned[tuple[str, ...]] = ()
    """Referenced security groups."""
    self_ref: bool = False
    """``self = true``: the group itself."""


@dataclass(frozen=True, kw_only=True, slots=True)
class PlannedSecurityGroup(PlannedResource):
    """An ``aws_security_group``, with its inline ``ingress``/``egress`` blocks."""

    group_name: Planned[str]
    vpc_id: Planned[str]
    ingress: Planned[tuple[PlannedSgRule, ...]]
    egress: Planned[tuple[PlannedSgRule, ...]]


@dataclass(frozen=True, kw_only=True, slots=True)
class PlannedRuleResource(PlannedResource):
    """An ``aws_vpc_security_group_{ingress,egress}_rule`` or ``aws_security_group_rule``."""

    rule: PlannedSgRule


@dataclass(frozen=True, slots=True)
class ZoneVpc:
    """A ``vpc`` block of a private hosted zone."""

    vpc_id: Planned[str]
    vpc_region: Planned[str]


@dataclass(frozen=True, kw_only=True, slots=True)
class PlannedHostedZone(PlannedResource):
    """An ``aws_route53_zone``; private when it has ``vpc`` blocks."""

    zone_name: Planned[str]
    vpcs: Planned[tuple[ZoneVpc, ...]]


@dataclass(frozen=True, kw_only=True, slots=True)
class PlannedResolverRule(PlannedResource):
    """An ``aws_route53_resolver_rule``."""

    domain_name: Planned[str]
    rule_type: Planned[str]
    """``FORWARD``, ``SYSTEM`` or ``RECURSIVE``."""


@dataclass(frozen=True, kw_only=True, slots=True)
class PlannedResolverRuleAssociation(PlannedResource):
    """An ``aws_route53_resolver_rule_association``."""

    resolver_rule_id: Planned[str]
    vpc_id: Planned[str]


# -- readers ----------------------------------------------------------------------------------


def _subnet_configuration(a: Attrs) -> SubnetConfiguration:
    return SubnetConfiguration(a.text("subnet_id"), a.text("ipv4"), a.text("ipv6"))


def _dns_options(a: Attrs) -> DnsOptions:
    return DnsOptions(
        a.text("dns_record_ip_type"),
        a.flag("private_dns_only_for_inbound_resolver_endpoint", default=False),
    )


def read_endpoint(a: Attrs, common: Mapping[str, Any]) -> PlannedEndpoint:
    return PlannedEndpoint(
        **common,
        service_name=a.text("service_name"),
        vpc_id=a.text("vpc_id"),
        subnet_ids=a.strings("subnet_ids"),
        private_dns_enabled=a.flag("private_dns_enabled", default=False),
        security_group_ids=a.strings("security_group_ids"),
        service_region=a.text("service_region"),
        vpc_endpoint_type=str(a.raw("vpc_endpoint_type", "Gateway")),
        subnet_configuration=a.blocks("subnet_configuration", _subnet_configuration),
        ip_address_type=a.text("ip_address_type"),
        dns_options=one(a.blocks("dns_options", _dns_options)),
    )


def read_association(a: Attrs, common: Mapping[str, Any]) -> PlannedSubnetAssociation:
    return PlannedSubnetAssociation(
        **common, vpc_endpoint_id=a.text("vpc_endpoint_id"), subnet_id=a.text("subnet_id")
    )


def read_subnet(a: Attrs, common: Mapping[str, Any]) -> PlannedSubnet:
    return PlannedSubnet(
        **common,
        vpc_id=a.text("vpc_id"),
        zone_name=a.text("availability_zone"),
        zone_id=a.text("availability_zone_id"),
        cidr=a.text("cidr_block"),
        ipv6_cidr=a.text("ipv6_cidr_block"),
    )


def read_vpc(a: Attrs, common: Mapping[str, Any]) -> PlannedVpc:
    return PlannedVpc(
        **common,
        dns_support=a.flag("enable_dns_support", default=True),
        dns_hostnames=a.flag("enable_dns_hostnames", default=False),
        cidr=a.text("cidr_block"),
    )


def _cidrs(a: Attrs, v4: str, v6: str) -> Planned[tuple[str, ...]]:
    four, six = a.strings(v4), a.strings(v6)
    if isinstance(four, Unknown):
        return four
    if isinstance(six, Unknown):
        return six
    return four + six


def _inline_rule(
    source: str, group: Planned[str], *, egress: bool
) -> Callable[[Attrs], PlannedSgRule]:
    def read(a: Attrs) -> PlannedSgRule:
        return PlannedSgRule(
            source=source,
            group_id=group,
            egress=egress,
            protocol=a.text("protocol"),
            from_port=a.number("from_port"),
            to_port=a.number("to_port"),
            cidrs=_cidrs(a, "cidr_blocks", "ipv6_cidr_blocks"),
            prefix_lists=a.strings("prefix_list_ids"),
            groups=a.strings("security_groups"),
            self_ref=bool(a.raw("self", False)),
        )

    return read


def _own_group(address: str, existing: str | None) -> Planned[str]:
    """The group's own ID: known for updates, else Unknown pointing at the group itself."""
    return existing or Unknown("id", resources=(address,))


def read_security_group(a: Attrs, common: Mapping[str, Any]) -> PlannedSecurityGroup:
    group = _own_group(str(common["address"]), common.get("existing_id"))
    address = str(common["address"])
    creating = "create" in common["actions"]

    def inline(name: str, *, egress: bool) -> Planned[tuple[PlannedSgRule, ...]]:
        # ingress/egress are Optional+Computed: a group created without them plans them as
        # wholly unknown (after_unknown true). When its configuration sets neither, the
        # group gets no inline rules (AWS adds only its default egress rule, which
        # Terraform removes), so read none rather than "known after apply".
        if creating and a.configured and name not in a.exprs and a.unknown.get(name) is True:
            return ()
        return a.blocks(name, _inline_rule(address, group, egress=egress))

    return PlannedSecurityGroup(
        **common,
        group_name=a.text("name"),
        vpc_id=a.text("vpc_id"),
        ingress=inline("ingress", egress=False),
        egress=inline("egress", egress=True),
    )


def read_vpc_sg_rule(a: Attrs, common: Mapping[str, Any]) -> PlannedRuleResource:
    """``aws_vpc_security_group_{ingress,egress}_rule`` (one CIDR or source per rule)."""
    one = [a.text(n) for n in ("cidr_ipv4", "cidr_ipv6")]
    cidrs: Planned[tuple[str, ...]] = next(
        (v for v in one if isinstance(v, Unknown)),
        tuple(v for v in one if isinstance(v, str) and v),
    )
    prefix = a.text("prefix_list_id")
    group = a.text("referenced_security_group_id")
    rule = PlannedSgRule(
        source=str(common["address"]),
        group_id=a.text("security_group_id"),
        egress=str(common["type"]).endswith("_egress_rule"),
        protocol=a.text("ip_protocol"),
        from_port=a.number("from_port"),
        to_port=a.number("to_port"),
        cidrs=cidrs,
        prefix_lists=prefix if isinstance(prefix, Unknown) else tuple(p for p in (prefix,) if p),
        groups=group if isinstance(group, Unknown) else tuple(g for g in (group,) if g),
    )
    return PlannedRuleResource(**common, rule=rule)


def read_sg_rule(a: Attrs, common: Mapping[str, Any]) -> PlannedRuleResource:
    """``aws_security_group_rule`` (``type`` is ingress or egress)."""
    source = a.text("source_security_group_id")
    rule = PlannedSgRule(
        source=str(common["address"]),
        group_id=a.text("security_group_id"),
        egress=a.raw("type") == "egress",
        protocol=a.text("protocol"),
        from_port=a.number("from_port"),
        to_port=a.number("to_port"),
        cidrs=_cidrs(a, "cidr_blocks", "ipv6_cidr_blocks"),
        prefix_lists=a.strings("prefix_list_ids"),
        groups=source if isinstance(source, Unknown) else tuple(g for g in (source,) if g),
        self_ref=bool(a.raw("self", False)),
    )
    return PlannedRuleResource(**common, rule=rule)


def read_hosted_zone(a: Attrs, common: Mapping[str, Any]) -> PlannedHostedZone:
    return PlannedHostedZone(
        **common,
        zone_name=a.text("name"),
        vpcs=a.blocks("vpc", lambda v: ZoneVpc(v.text("vpc_id"), v.text("vpc_region"))),
    )


def read_resolver_rule(a: Attrs, common: Mapping[str, Any]) -> PlannedResolverRule:
    return PlannedResolverRule(
        **common, domain_name=a.text("domain_name"), rule_type=a.text("rule_type")
    )


def read_resolver_association(
    a: Attrs, common: Mapping[str, Any]
) -> PlannedResolverRuleAssociation:
    return PlannedResolverRuleAssociation(
        **common, resolver_rule_id=a.text("resolver_rule_id"), vpc_id=a.text("vpc_id")
    )


#: The managed resource types read here, and how.
CONSUMER_READERS: dict[str, Reader] = {
    "aws_vpc_endpoint": read_endpoint,
    "aws_vpc_endpoint_subnet_association": read_association,
    "aws_subnet": read_subnet,
    "aws_vpc": read_vpc,
    "aws_security_group": read_security_group,
    "aws_vpc_security_group_ingress_rule": read_vpc_sg_rule,
    "aws_vpc_security_group_egress_rule": read_vpc_sg_rule,
    "aws_security_group_rule": read_sg_rule,
    "aws_route53_zone": read_hosted_zone,
    "aws_route53_resolver_rule": read_resolver_rule,
    "aws_route53_resolver_rule_association": read_resolver_association,
}
