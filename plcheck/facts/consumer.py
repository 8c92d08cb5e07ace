"""The consumer side of PrivateLink, as plain facts: a VPC, its endpoints and their services."""

from __future__ import annotations

from dataclasses import dataclass

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
