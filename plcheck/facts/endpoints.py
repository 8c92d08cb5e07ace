"""Interface VPC endpoints as facts: what DescribeVpcEndpoints and their ENIs say."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    """An interface VPC endpoint (DescribeVpcEndpoints)."""

    endpoint_id: str
    """``vpce-…``."""
    vpc_id: str
    """The VPC it is in."""
    service_name: str
    """The endpoint service it connects to."""
    state: str
    """As AWS spells it: ``available``, ``pendingAcceptance``, ``failed``, …."""
    subnet_ids: tuple[str, ...]
    """One subnet per zone the endpoint has a network interface in."""
    group_ids: tuple[str, ...]
    """Security groups of its network interfaces."""
    private_dns_enabled: bool
    """Whether the service's private DNS name resolves to this endpoint in the VPC."""
    service_region: str = ""
    """Region of the service (differs from the VPC's for cross-region endpoints)."""
    last_error: str = ""
    """``LastError`` as ``Code: Message``, when AWS reports one."""
    failure_reason: str = ""
    """``FailureReason``, when AWS reports one."""
    dns_names: tuple[str, ...] = ()
    """Names in ``DnsEntries``: the regional and zonal ``vpce-…`` names (and private DNS)."""
    ip_address_type: str = "ipv4"
    """``IpAddressType``: ipv4, dualstack or ipv6."""
    dns_record_ip_type: str = "ipv4"
    """``DnsOptions.DnsRecordIpType``: ipv4, dualstack, ipv6 or service-defined."""


@dataclass(frozen=True)
class EndpointInterface:
    """One network interface of an interface endpoint."""

    interface_id: str
    """ENI ID (``eni-...``)."""
    availability_zone: str
    """Zone name the interface lives in, as the endpoint's account names it."""
    subnet_id: str
    """Subnet of the interface."""
    private_ips: tuple[str, ...]
    """Its private IPv4 addresses, then its IPv6 addresses."""


@dataclass(frozen=True)
class EndpointInfo:
    """What plcheck needs to know about an interface endpoint to judge DNS answers."""

    endpoint_id: str
    """``vpce-...``."""
    account: str
    """Owner account of the endpoint."""
    region: str
    """Region of the endpoint."""
    service_name: str
    """The endpoint service it connects to."""
    dns_names: tuple[str, ...]
    """Its DNS names: regional, zonal, and the private DNS name when enabled."""
    interfaces: tuple[EndpointInterface, ...]
    """Its network interfaces."""
    dns_record_ip_type: str = "ipv4"
    """Which address families its DNS records carry: ipv4, dualstack, ipv6 or service-defined."""

    def zone_of(self, name: str) -> str | None:
        """The zone of a zonal DNS name (``vpce-...-us-east-1a.vpce-svc-...``), else None."""
        first = name.rstrip(".").lower().split(".", 1)[0]
        zones = {i.availability_zone for i in self.interfaces}
        return next((z for z in sorted(zones) if first.endswith(f"-{z}")), None)

    def expected_interfaces(self, name: str) -> tuple[EndpointInterface, ...]:
        """Interfaces ``name`` should resolve to: one zone's for zonal names, else all."""
        zone = self.zone_of(name)
        if zone is None:
            return self.interfaces
        return tuple(i for i in self.interfaces if i.availability_zone == zone)

    def expected_addresses(self, name: str) -> tuple[str, ...]:
        """Addresses ``name`` should resolve to, in the families its DNS records carry."""
        families = {"ipv4": {4}, "ipv6": {6}}.get(self.dns_record_ip_type, {4, 6})
        return tuple(
            ip
            for i in self.expected_interfaces(name)
            for ip in i.private_ips
            if ipaddress.ip_address(ip).version in families
        )
