"""An interface endpoint's DNS names and network interfaces, read through the AWS layer.

``plcheck probe --endpoint`` compares what names resolve to with the private
IPs of the endpoint's network interfaces. Two calls: DescribeVpcEndpoints for
the endpoint, DescribeNetworkInterfaces for all its interfaces at once.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from plcheck.errors import AwsCallError, AwsErrorKind

if TYPE_CHECKING:
    from plcheck.aws import AwsContext, Scope

#: IAM actions the endpoint lookup needs.
AWS_ACTIONS = ("ec2:DescribeVpcEndpoints", "ec2:DescribeNetworkInterfaces")


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


def describe_endpoint(ctx: AwsContext, scope: Scope, endpoint_id: str) -> EndpointInfo:
    """Read the endpoint and all its network interfaces (two calls)."""
    response = ctx.call(scope, "ec2", "describe_vpc_endpoints", VpcEndpointIds=[endpoint_id])
    endpoints = response.get("VpcEndpoints", [])
    if not endpoints:
        raise AwsCallError(
            AwsErrorKind.NOT_FOUND,
            "ec2:DescribeVpcEndpoints",
            "InvalidVpcEndpointId.NotFound",
            f"no endpoint {endpoint_id}",
        )
    endpoint: dict[str, Any] = endpoints[0]
    eni_ids = list(endpoint.get("NetworkInterfaceIds", []))
    enis: list[dict[str, Any]] = []
    if eni_ids:
        found = ctx.call(scope, "ec2", "describe_network_interfaces", NetworkInterfaceIds=eni_ids)
        enis = found.get("NetworkInterfaces", [])
    by_id = {e["NetworkInterfaceId"]: e for e in enis}
    interfaces = tuple(_interface(by_id[eni_id]) for eni_id in eni_ids if eni_id in by_id)
    dns_names = tuple(
        dict.fromkeys(
            str(entry["DnsName"]).rstrip(".").lower()
            for entry in endpoint.get("DnsEntries", [])
            if entry.get("DnsName") and not str(entry["DnsName"]).startswith("*.")
        )
    )
    return EndpointInfo(
        endpoint_id=endpoint_id,
        account=str(endpoint.get("OwnerId", "")),
        region=ctx.region(scope),
        service_name=str(endpoint.get("ServiceName", "")),
        dns_names=dns_names,
        interfaces=tuple(sorted(interfaces, key=lambda i: (i.availability_zone, i.interface_id))),
        dns_record_ip_type=str(endpoint.get("DnsOptions", {}).get("DnsRecordIpType", "ipv4")),
    )


def _interface(eni: dict[str, Any]) -> EndpointInterface:
    v4 = [
        p["PrivateIpAddress"]
        for p in eni.get("PrivateIpAddresses", [])
        if p.get("PrivateIpAddress")
    ]
    if not v4 and eni.get("PrivateIpAddress"):
        v4 = [eni["PrivateIpAddress"]]
    v6 = [a["Ipv6Address"] for a in eni.get("Ipv6Addresses", []) if a.get("Ipv6Address")]
    return EndpointInterface(
        interface_id=str(eni["NetworkInterfaceId"]),
        availability_zone=str(eni.get("AvailabilityZone", "")),
        subnet_id=str(eni.get("SubnetId", "")),
        private_ips=tuple(dict.fromkeys([*v4, *v6])),
    )
