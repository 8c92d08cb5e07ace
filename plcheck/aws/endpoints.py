"""Gather interface VPC endpoints: of a VPC (consumer), or one with its ENIs (probe)."""

from __future__ import annotations

from typing import Any

from plcheck.aws.context import AwsContext, Scope
from plcheck.errors import AwsCallError, AwsErrorKind
from plcheck.facts.endpoints import Endpoint, EndpointInfo, EndpointInterface


def interface_endpoints(ctx: AwsContext, scope: Scope, vpc_id: str) -> list[Endpoint]:
    """The VPC's interface endpoints (one paginated call; other types are left out)."""
    response = ctx.paginate(
        scope, "ec2", "describe_vpc_endpoints", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]
    )
    return sorted(
        (
            endpoint_fact(e)
            for e in response.get("VpcEndpoints", [])
            if e.get("VpcEndpointType") == "Interface"
        ),
        key=lambda e: e.endpoint_id,
    )


def endpoint_fact(e: dict[str, Any]) -> Endpoint:
    """An Endpoint from one DescribeVpcEndpoints item."""
    error = e.get("LastError") or {}
    return Endpoint(
        endpoint_id=e["VpcEndpointId"],
        vpc_id=e.get("VpcId", ""),
        service_name=e.get("ServiceName", ""),
        state=str(e.get("State", "")),
        subnet_ids=tuple(e.get("SubnetIds", [])),
        group_ids=tuple(g["GroupId"] for g in e.get("Groups", [])),
        private_dns_enabled=bool(e.get("PrivateDnsEnabled")),
        service_region=str(e.get("ServiceRegion", "")),
        last_error=": ".join(x for x in (error.get("Code"), error.get("Message")) if x),
        failure_reason=str(e.get("FailureReason", "")),
        dns_names=tuple(
            dict.fromkeys(
                str(d["DnsName"]).rstrip(".").lower()
                for d in e.get("DnsEntries", [])
                if d.get("DnsName") and not str(d["DnsName"]).startswith("*.")
            )
        ),
        ip_address_type=str(e.get("IpAddressType") or "ipv4"),
        dns_record_ip_type=str((e.get("DnsOptions") or {}).get("DnsRecordIpType") or "ipv4"),
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
    fact = endpoint_fact(endpoint)
    return EndpointInfo(
        endpoint_id=endpoint_id,
        account=str(endpoint.get("OwnerId", "")),
        region=ctx.region(scope),
        service_name=fact.service_name,
        dns_names=fact.dns_names,
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
