"""The consumer side of PrivateLink, as plain facts: a VPC, its endpoints and their services."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from plcheck.facts.endpoints import Endpoint
from plcheck.facts.network import NetworkAcl, SecurityGroup, Subnet
from plcheck.facts.outcome import Outcome
from plcheck.facts.zones import AccountZones

#: The name server value that means "the VPC's own resolver" in DHCP options.
AMAZON_PROVIDED_DNS = "AmazonProvidedDNS"


@dataclass(frozen=True)
class Vpc:
    """A VPC as DescribeVpcs shows it."""

    vpc_id: str
    """``vpc-…``."""
    owner: str
    """Account that owns the VPC."""
    cidr_blocks: tuple[str, ...]
    """Associated IPv4 and IPv6 CIDR blocks (primary first)."""
    dhcp_options_id: str
    """``dopt-…``, or ``default`` when no DHCP options set is associated."""


@dataclass(frozen=True)
class VpcDnsAttributes:
    """The two DNS attributes of a VPC (DescribeVpcAttribute, one call each)."""

    vpc_id: str
    """The VPC."""
    dns_support: bool
    """``enableDnsSupport``: the VPC resolver answers at all."""
    dns_hostnames: bool
    """``enableDnsHostnames``: needed for private DNS of interface endpoints."""


@dataclass(frozen=True)
class DhcpOptions:
    """The DHCP options set of a VPC."""

    options_id: str
    """``dopt-…``, or ``default`` (no set associated: the VPC resolver is used)."""
    name_servers: tuple[str, ...] = (AMAZON_PROVIDED_DNS,)
    """``domain-name-servers`` values; ``AmazonProvidedDNS`` is the VPC resolver."""
    domain_name: str = ""
    """``domain-name``, when set."""


@dataclass(frozen=True)
class ServiceDetail:
    """An endpoint service as the consumer's account sees it (DescribeVpcEndpointServices)."""

    service_name: str
    """``com.amazonaws.vpce.<region>.vpce-svc-…`` or an AWS service name."""
    service_id: str = ""
    """``vpce-svc-…``."""
    owner: str = ""
    """Account that owns the service (``amazon`` for AWS services)."""
    region: str = ""
    """``ServiceRegion``: where the service runs."""
    zone_ids: frozenset[str] = frozenset()
    """AZ IDs the service is offered in (in ``region``)."""
    private_dns_name: str = ""
    """The private DNS name the provider set, if any."""
    private_dns_verification: str = ""
    """``verified``, ``pendingVerification`` or ``failed`` (empty without a name)."""
    acceptance_required: bool = False
    """Whether the provider must accept each endpoint connection."""
    service_types: tuple[str, ...] = ()
    """``Interface``, ``Gateway``, ``GatewayLoadBalancer``."""
    supported_ip_address_types: tuple[str, ...] = ()
    """``SupportedIpAddressTypes``: ipv4 and/or ipv6 (empty when not reported)."""


@dataclass(frozen=True)
class HostedZone:
    """A private hosted zone associated with a VPC (ListHostedZonesByVPC)."""

    zone_id: str
    """Route 53 hosted zone ID (``Z…``)."""
    name: str
    """Domain, lower case, without the trailing dot."""
    owning_account: str = ""
    """Account that owns the zone (customer zones)."""
    owning_service: str = ""
    """Service that owns the zone (AWS-managed zones, e.g. an endpoint's private DNS)."""


@dataclass(frozen=True)
class ResolverRule:
    """A Route 53 Resolver rule associated with the VPC (ListResolverRules)."""

    rule_id: str
    """``rslvr-rr-…``."""
    domain: str
    """``DomainName``, lower case, without the trailing dot."""
    rule_type: str
    """FORWARD, SYSTEM, RECURSIVE or DELEGATE."""
    name: str = ""
    """The rule's name."""
    target_ips: tuple[str, ...] = ()
    """``TargetIps`` as ``ip:port``, where FORWARD rules send the queries."""
    owner: str = ""
    """Account that owns the rule (shared rules belong to another account)."""


@dataclass(frozen=True)
class ConsumerRequest:
    """What a consumer run was asked to check (the plain part of its options)."""

    vpc_id: str
    """The consumer VPC."""
    services: tuple[str, ...] = ()
    """Service names to check (empty: the services of the VPC's interface endpoints)."""
    subnets: tuple[str, ...] = ()
    """Planned subnets for services with no endpoint yet (empty: every subnet of the VPC)."""
    security_groups: tuple[str, ...] = ()
    """Planned security groups (empty: the VPC's default group, as AWS would use)."""
    ports: tuple[int, ...] = (443,)
    """TCP ports clients use."""


@dataclass(frozen=True)
class ConsumerFacts:
    """Everything read for one consumer VPC; each AWS fact an outcome (value or failure).

    The VPC-level checks (``subject="vpc"``) judge this object itself.
    """

    request: ConsumerRequest
    """What was asked."""
    account: str
    """The consumer account ("" when it could not be read)."""
    region: str
    """The VPC's region."""
    vpc: Outcome[Vpc]
    """DescribeVpcs."""
    dns: Outcome[VpcDnsAttributes]
    """DescribeVpcAttribute, twice (one attribute per call)."""
    dhcp: Outcome[DhcpOptions]
    """DescribeDhcpOptions (the VPC's failure when the VPC could not be read)."""
    zones: Outcome[AccountZones]
    """DescribeAvailabilityZones."""
    subnets: Outcome[tuple[Subnet, ...]]
    """DescribeSubnets of the VPC."""
    endpoints: Outcome[tuple[Endpoint, ...]]
    """DescribeVpcEndpoints of the VPC (interface endpoints only)."""
    services: Outcome[Mapping[str, ServiceDetail]]
    """DescribeVpcEndpointServices: the services this account can see, by name."""
    groups: Outcome[tuple[SecurityGroup, ...]]
    """DescribeSecurityGroups of the VPC."""
    acls: Outcome[tuple[NetworkAcl, ...]]
    """DescribeNetworkAcls of the VPC."""
    hosted_zones: Outcome[tuple[HostedZone, ...]]
    """ListHostedZonesByVPC."""
    resolver_rules: Outcome[tuple[ResolverRule, ...]] = field(
        default_factory=lambda: Outcome(value=())
    )
    """Resolver rules associated with the VPC (ListResolverRuleAssociations, ListResolverRules)."""
    region_opt_in: Outcome[Mapping[str, str]] = field(default_factory=lambda: Outcome(value={}))
    """Region → this account's ``OptInStatus`` (DescribeRegions), read when a service is in
    another Region: the consumer's Region and the services' Regions."""
    zone_records: Mapping[tuple[str, str], Outcome[tuple[ZoneRecord, ...]]] = field(
        default_factory=dict
    )
    """(zone ID, domain) → the zone's records at the domain and below it, for each customer
    zone that is a parent of a service's private DNS name (ListResourceRecordSets from the
    domain on). A pair not read is absent: whether the zone holds such records is unknown."""
    planned: tuple[Target, ...] | None = None
    """The targets a run gives instead of those of the request: a Terraform plan's endpoints
    in this VPC (None: the endpoints read and the request's services, see :func:`targets`)."""

    @property
    def resource(self) -> str:
        """The VPC, which the VPC-level checks report on."""
        return self.request.vpc_id

    @cached_property
    def targets(self) -> Outcome[tuple[Target, ...]]:
        """The endpoints to check and the planned ones (see :func:`targets`)."""
        return targets(self)

    @property
    def service_names(self) -> tuple[str, ...]:
        """Every service asked for or connected to, once each, asked-for first."""
        found = self.targets.value or ()
        # A planned target whose service is known only after apply ("") names none.
        names = [*self.request.services, *(t.service_name for t in found if t.service_name)]
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class Target:
    """One endpoint to check, or one planned endpoint (pre-deploy)."""

    service_name: str
    """The service it connects to."""
    endpoint: Endpoint | None
    """The endpoint; None when planned."""
    subnet_ids: tuple[str, ...]
    """Its subnets, or the planned ones."""
    group_ids: tuple[str, ...]
    """Its security groups, or the planned ones."""
    chosen: bool = True
    """False for a plan without --subnet: every subnet of the VPC is a candidate."""
    notes: tuple[str, ...] = ()
    """Why the plan looks as it does."""
    address: str = ""
    """A Terraform plan's endpoint: its resource address, which findings name."""
    private_dns_enabled: bool | None = None
    """A Terraform plan's endpoint: private DNS as planned (None: as the service offers it)."""
    ip_address_type: str = ""
    """A Terraform plan's endpoint: ``ip_address_type`` ("": not set, AWS's default)."""
    dns_record_ip_type: str = ""
    """A Terraform plan's endpoint: ``dns_options.dns_record_ip_type`` ("": not set)."""

    @property
    def resource(self) -> str:
        """The endpoint ID, or for a plan its address (else the service name)."""
        if self.endpoint:
            return self.endpoint.endpoint_id
        return self.address or self.service_name


def targets(facts: ConsumerFacts) -> Outcome[tuple[Target, ...]]:
    """The endpoints to check, and the planned endpoints for services without one."""
    if facts.planned is not None:
        return Outcome(value=facts.planned)
    if facts.endpoints.error is not None:
        return Outcome(error=facts.endpoints.error)
    request = facts.request
    found = [
        Target(e.service_name, e, e.subnet_ids, e.group_ids)
        for e in facts.endpoints.value or ()
        if not request.services or e.service_name in request.services
    ]
    for name in request.services:
        if any(t.service_name == name for t in found):
            continue
        notes = []
        subnets = request.subnets
        if not subnets and facts.subnets.value is not None:
            subnets = tuple(s.subnet_id for s in facts.subnets.value)
            notes.append("every subnet of the VPC is a candidate (no --subnet)")
        groups = request.security_groups
        if not groups and facts.groups.value is not None:
            groups = tuple(
                g.group_id
                for g in facts.groups.value
                if g.name == "default" and g.vpc_id in ("", request.vpc_id)
            )
            notes.append("the VPC's default security group, as AWS uses it (no --security-group)")
        found.append(
            Target(name, None, subnets, groups, chosen=bool(request.subnets), notes=tuple(notes))
        )
    return Outcome(value=tuple(found))


@dataclass(frozen=True)
class EndpointFacts:
    """One endpoint (or planned endpoint) with its VPC's facts: the ``endpoint`` subject."""

    vpc: ConsumerFacts
    """The VPC's facts."""
    target: Target
    """The endpoint or the plan."""
    others: tuple[Target, ...]
    """Every target of the run (this one included), for checks that compare them."""

    @property
    def resource(self) -> str:
        """The endpoint ID, or the service name for a plan."""
        return self.target.resource

    @property
    def account(self) -> str:
        """The consumer account."""
        return self.vpc.account

    @property
    def region(self) -> str:
        """The VPC's region."""
        return self.vpc.region

    @property
    def service(self) -> ServiceDetail | None:
        """The target's service as this account sees it; None when it cannot see it.

        Raises the services' failure when they could not be read.
        """
        return self.vpc.services.get().get(self.target.service_name)


@dataclass(frozen=True)
class ZoneRecord:
    """One record set of a private hosted zone (ListResourceRecordSets)."""

    name: str
    """Record name, lower case, without the trailing dot (``\\052`` read back as ``*``)."""
    record_type: str
    """A, AAAA, CNAME, TXT, …"""
