"""DescribeVpcEndpointConnections: the provider's view of the endpoints to its services."""

from __future__ import annotations

from typing import Any
from unittest import mock

from plcheck.sim.corrections._base import Correction, Patch
from plcheck.sim.corrections._endpoints import (
    endpoint_service,
    service_endpoints,
    settle,
    settling,
)
from plcheck.sim.corrections._moto import filter_values, paginate
from plcheck.sim.corrections._state import SimState


def _connection(endpoint: Any) -> dict[str, Any]:
    config = endpoint_service(endpoint)
    return {
        "ServiceId": config.id,
        "VpcEndpointId": endpoint.id,
        "VpcEndpointOwner": endpoint.ec2_backend.account_id,
        "VpcEndpointState": endpoint.state,
        "CreationTimestamp": endpoint.creation_timestamp,
        "DnsEntries": list(endpoint.__dict__.get("_plcheck_dns_entries") or []),
        "NetworkLoadBalancerArns": list(config.network_load_balancer_arns),
        "GatewayLoadBalancerArns": list(config.gateway_load_balancer_arns),
        "IpAddressType": endpoint.__dict__.get("ip_address_type", "ipv4"),
        "VpcEndpointConnectionId": endpoint._plcheck_connection_id,
        "VpcEndpointRegion": endpoint.ec2_backend.region_name,
        "Tags": [],
    }


def _patches(state: SimState) -> list[Patch]:
    """DescribeVpcEndpointConnections exists.

    moto does not implement it (its server answers 500). AWS lists, for the
    calling provider, every endpoint in any account connected to a service it
    owns, with filters ``service-id``, ``vpc-endpoint-owner``,
    ``vpc-endpoint-state``, ``vpc-endpoint-id`` and ``vpc-endpoint-region``,
    paginated with MaxResults/NextToken.
    """
    from moto.ec2.exceptions import InvalidFilter
    from moto.ec2.responses.vpcs import VPCs

    filter_keys = {
        "service-id": "ServiceId",
        "vpc-endpoint-owner": "VpcEndpointOwner",
        "vpc-endpoint-state": "VpcEndpointState",
        "vpc-endpoint-id": "VpcEndpointId",
        "vpc-endpoint-region": "VpcEndpointRegion",
        "ip-address-type": "IpAddressType",
    }

    def describe_vpc_endpoint_connections(self: Any) -> Any:
        from moto.core.responses import ActionResult

        filters = list(self._get_param("Filters", []) or [])
        for item in filters:
            if item["Name"] not in filter_keys:
                raise InvalidFilter(item["Name"])
        endpoints = [
            endpoint
            for config in list(self.ec2_backend.configurations.values())
            for endpoint in service_endpoints(config)
        ]
        connections = [_connection(endpoint) for endpoint in endpoints]
        selected = sorted(
            (
                c
                for c in connections
                if all(str(c[filter_keys[f["Name"]]]) in filter_values(f) for f in filters)
            ),
            key=lambda c: str(c["VpcEndpointId"]),
        )
        page, token = paginate(
            selected,
            "VpcEndpointId",
            self._get_int_param("MaxResults"),
            self._get_param("NextToken"),
        )
        reported = {c["VpcEndpointId"] for c in page}
        settle(e for e in settling(endpoints) if e.id in reported)
        return ActionResult({"VpcEndpointConnections": page, "NextToken": token})

    return [
        mock.patch.object(
            VPCs,
            "describe_vpc_endpoint_connections",
            describe_vpc_endpoint_connections,
            create=True,
        )
    ]


CORRECTION = Correction(
    id="endpoint-connections",
    moto="does not implement DescribeVpcEndpointConnections (its server answers 500)",
    aws=(
        "lists every endpoint, in any account, connected to the caller's services, with filters"
        " and pagination"
    ),
    docs_url=(
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcEndpointConnections.html"
    ),
    patches=_patches,
)
