"""An endpoint service as its owner (the provider) sees it, as plain facts.

Gathered by :mod:`plcheck.aws.provider` (and the TXT lookups by
:mod:`plcheck.runs.provider`); judged by the provider checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from plcheck.facts.network import SecurityGroup, Subnet
from plcheck.facts.org import OrgMembership
from plcheck.facts.outcome import Outcome
from plcheck.facts.zones import AccountZones
from plcheck.service_names import verification_domain


@dataclass(frozen=True)
class RegionSupport:
    """One region the service accepts endpoints from (cross-region access)."""

    region: str
    """Region name, e.g. ``eu-west-1``."""
    state: str
    """Its ``ServiceState`` there, e.g. ``Available``."""


@dataclass(frozen=True)
class ServiceConfig:
    """One endpoint service configuration (DescribeVpcEndpointServiceConfigurations)."""

    service_id: str
    """``vpce-svc-…``."""
    service_name: str
    """``com.amazonaws.vpce.<region>.vpce-svc-…``."""
    region: str
    """The region the service lives in."""
    state: str
    """``ServiceState``: Pending, Available, Deleting, Deleted or Failed."""
    acceptance_required: bool
    """Whether the provider must accept each endpoint connection."""
    load_balancer_arns: tuple[str, ...]
    """Network (and gateway) load balancers behind the service."""
    zone_ids: tuple[str, ...] = ()
    """``AvailabilityZoneIds`` as the service reports them."""
    private_dns_name: str = ""
    """The private DNS name, or empty."""
    dns_state: str = ""
    """``PrivateDnsNameConfiguration.State``: pendingVerification, verified or failed."""
    dns_txt_name: str = ""
    """Label of the verification TXT record (``_abc…``), to prefix the domain with."""
    dns_txt_value: str = ""
    """Value the verification TXT record must hold (``vpce:…``)."""
    supported_regions: tuple[RegionSupport, ...] = ()
    """``SupportedRegions``, including the service's own region."""

    @property
    def txt_record_name(self) -> str:
        """The full name of the TXT record AWS asks for, under the private DNS name itself."""
        if not self.private_dns_name or not self.dns_txt_name:
            return ""
        return f"{self.dns_txt_name}.{verification_domain(self.private_dns_name)}"


@dataclass(frozen=True)
class LbZone:
    """One zone a load balancer is enabled in."""

    zone_name: str
    """The provider's zone name."""
    subnet_id: str
    """The load balancer's subnet in that zone."""


@dataclass(frozen=True)
class LoadBalancer:
    """A load balancer behind an endpoint service."""

    arn: str
    """Load balancer ARN."""
    name: str
    """Load balancer name."""
    lb_type: str
    """``network`` or ``gateway``."""
    vpc_id: str
    """Its VPC."""
    state: str
    """``State.Code``: active, provisioning, active_impaired or failed."""
    zones: tuple[LbZone, ...]
    """Zones and subnets it is enabled in."""
    security_groups: tuple[str, ...] = ()
    """Its security groups (NLBs created with security groups)."""
    enforce_sg_on_privatelink: str = ""
    """``EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic``: on, off or empty."""


@dataclass(frozen=True)
class Listener:
    """One listener of a load balancer."""

    arn: str
    """Listener ARN."""
    load_balancer_arn: str
    """Its load balancer."""
    protocol: str
    """TCP, TLS, UDP, TCP_UDP, GENEVE, …"""
    port: int
    """Listener port."""
    target_group_arns: tuple[str, ...] = ()
    """Target groups its default actions forward to."""


@dataclass(frozen=True)
class TargetState:
    """One registered target and its health."""

    target_id: str
    """Instance ID, IP address or ALB ARN."""
    port: int | None
    """Target port."""
    zone_name: str
    """The provider's zone name the target is in; ``all`` (any zone) or empty when unknown."""
    state: str
    """healthy, unhealthy, initial, unused, draining, unavailable, …"""
    reason: str = ""
    """``TargetHealth.Reason``, e.g. ``Target.FailedHealthChecks``."""
    description: str = ""
    """``TargetHealth.Description``."""


@dataclass(frozen=True)
class TargetGroup:
    """A target group a listener forwards to, with its targets' health."""

    arn: str
    """Target group ARN."""
    name: str
    """Target group name."""
    protocol: str
    """Target protocol."""
    port: int | None
    """Target port."""
    target_type: str
    """instance, ip, alb or lambda."""
    cross_zone: bool
    """Whether cross-zone load balancing is on for it (its own attribute, else its LB's)."""
    cross_zone_source: str
    """Where ``cross_zone`` comes from: ``target group`` or ``load balancer``."""
    targets: tuple[TargetState, ...] = ()
    """Registered targets."""
    health_check_port: str = "traffic-port"
    """``HealthCheckPort``: ``traffic-port`` (each target's own port) or a port number."""
    vpc_id: str = ""
    """The target group's VPC."""
    proxy_protocol_v2: bool = False
    """The ``proxy_protocol_v2.enabled`` attribute: targets receive a PROXY v2 header first."""

    def health_port(self, target: TargetState) -> int | None:
        """The port health checks reach ``target`` on (None when unknown)."""
        if self.health_check_port.isdigit():
            return int(self.health_check_port)
        return target.port if target.port is not None else self.port


@dataclass(frozen=True)
class Connection:
    """One endpoint connected to a service (DescribeVpcEndpointConnections)."""

    service_id: str
    """The service."""
    endpoint_id: str
    """The consumer's ``vpce-…``."""
    owner: str
    """The consumer account."""
    state: str
    """pendingAcceptance, available, rejected, expired, failed, …"""
    created: datetime | None = None
    """When the endpoint was created (timezone-aware)."""


@dataclass(frozen=True)
class Principal:
    """One allowed principal of a service."""

    principal: str
    """``*`` or an ARN (account root, role, user, organization, …)."""
    principal_type: str = ""
    """All, Account, Role, User, OrganizationUnit or Service."""


@dataclass(frozen=True)
class TxtLookup:
    """The TXT records found (or not) at one name."""

    name: str
    """The name asked for, without the trailing dot."""
    values: tuple[str, ...] = ()
    """TXT values, each one record's strings joined, unquoted."""
    error: str = ""
    """Empty on an answer, else why not: NXDOMAIN, NO_ANSWER, TIMEOUT, NO_RESOLVER, SERVFAIL, …"""
    detail: str = ""
    """Resolver message for an error."""

    @property
    def unreachable(self) -> bool:
        """DNS itself failed here: the name's records are unknown, not absent."""
        return self.error not in ("", "NXDOMAIN", "NO_ANSWER")


@dataclass(frozen=True)
class TxtLookups:
    """TXT lookups for one service's verification record."""

    resolver: str
    """Who was asked: ``system (…)`` or the ``--resolver``."""
    lookups: tuple[TxtLookup, ...]
    """One per candidate name, the private DNS name's own first."""


@dataclass(frozen=True)
class ProviderFacts:
    """What one provider account and region yielded; each AWS part a value or its failure."""

    account: str
    """The provider account ID (empty when STS could not tell)."""
    region: str
    """The region read."""
    services: Outcome[tuple[ServiceConfig, ...]]
    """The endpoint services asked for (or all the account owns)."""
    zones: Outcome[AccountZones] = field(default_factory=Outcome)
    """The region's zones as the provider names them."""
    load_balancers: Outcome[Mapping[str, LoadBalancer]] = field(default_factory=Outcome)
    """ARN → load balancer, for every service's load balancers."""
    listeners: Mapping[str, Outcome[tuple[Listener, ...]]] = field(default_factory=dict)
    """Load balancer ARN → its listeners."""
    target_groups: Mapping[str, Outcome[TargetGroup]] = field(default_factory=dict)
    """Target group ARN → the group with its targets' health and cross-zone setting."""
    subnets: Outcome[Mapping[str, Subnet]] = field(default_factory=Outcome)
    """Subnet ID → subnet, for the load balancers' VPCs."""
    security_groups: Outcome[Mapping[str, SecurityGroup]] = field(default_factory=Outcome)
    """Group ID → group, for the load balancers' security groups."""
    connections: Outcome[tuple[Connection, ...]] = field(default_factory=Outcome)
    """Endpoint connections of every service."""
    permissions: Mapping[str, Outcome[tuple[Principal, ...]]] = field(default_factory=dict)
    """Service ID → its allowed principals."""
    txt: Mapping[str, TxtLookups] = field(default_factory=dict)
    """Service ID → the DNS lookups of its verification record (not AWS: DNS)."""
    target_security_groups: Outcome[Mapping[str, tuple[str, ...]]] = field(
        default_factory=lambda: Outcome(value={})
    )
    """Instance ID or IP address of each instance and IP target found → its security groups
    (DescribeInstances, DescribeNetworkInterfaces); a target absent here was not found."""
    target_group_rules: Outcome[Mapping[str, SecurityGroup]] = field(
        default_factory=lambda: Outcome(value={})
    )
    """Group ID → group, for the targets' security groups."""
    region_opt_in: Outcome[Mapping[str, str]] = field(default_factory=lambda: Outcome(value={}))
    """Consumer Region → the provider account's ``OptInStatus`` there (DescribeRegions);
    only Regions other than the provider's are read."""
    memberships: Mapping[str, Outcome[OrgMembership]] = field(default_factory=dict)
    """Consumer account → where it sits in the provider's organization; read only when an
    allowed principal is an organization or OU. An account not read is absent."""


@dataclass(frozen=True)
class ServiceFacts:
    """One endpoint service with its account's facts: the ``service`` subject."""

    provider: ProviderFacts
    """Everything read in the provider's account."""
    service: ServiceConfig
    """The service judged."""
    consumer_accounts: tuple[str, ...] = ()
    """Accounts that must be allowed to connect."""
    consumer_regions: tuple[str, ...] = ()
    """Regions consumers connect from."""
    now: datetime | None = None
    """The time connections' ages are measured at."""
    consumer_principals: tuple[str, ...] = ()
    """IAM role or user ARNs that will create the endpoints (``--consumer-principal``)."""
    client_cidrs: tuple[str, ...] = ()
    """CIDRs the consumers' clients connect from (``--client-cidr``): the sources the NLB's
    security groups see. ``plcheck check`` passes none: link-sources judges each consumer
    VPC's CIDRs and declared client_cidrs against the rules instead."""
    sources_by_link: bool = False
    """``plcheck check``: link-sources judges the consumers' addresses against the load
    balancers' inbound rules, so nlb-security-groups leaves them to it."""

    @property
    def resource(self) -> str:
        """The service ID."""
        return self.service.service_id

    @property
    def account(self) -> str:
        """The provider account."""
        return self.provider.account

    @property
    def region(self) -> str:
        """The provider's region."""
        return self.provider.region

    @property
    def permissions(self) -> Outcome[tuple[Principal, ...]]:
        """The service's allowed principals."""
        return self.provider.permissions.get(self.resource, Outcome(value=()))

    @property
    def load_balancers(self) -> list[LoadBalancer]:
        """The service's load balancers that could be described (raises when none could)."""
        found = self.provider.load_balancers.get()
        return [found[arn] for arn in self.service.load_balancer_arns if arn in found]

    @property
    def txt(self) -> TxtLookups | None:
        """The lookups of the service's verification record, when it has one."""
        return self.provider.txt.get(self.resource)
