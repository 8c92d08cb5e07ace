"""Interface endpoints to customer endpoint services, created as AWS creates them."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from typing import Any
from unittest import mock

from plcheck.sim.corrections._base import Correction, Patch
from plcheck.sim.corrections._endpoints import endpoint_service
from plcheck.sim.corrections._moto import caller_principals, random_lower_alnum
from plcheck.sim.corrections._services import (
    service_configs,
    service_home,
    service_visible_to,
    service_zone_ids,
    supported_regions,
)
from plcheck.sim.corrections._state import SimState

AWS_VPCE_HOSTED_ZONE_IDS: Mapping[str, str] = {
    "us-east-1": "Z7HUB22UULQXV",
    "us-east-2": "ZC8PG0KIFKBRI",
    "us-west-1": "Z12I86A8N7VCZO",
    "us-west-2": "Z1YSA3EXCYUU9Z",
    "eu-west-1": "Z38GZ743OKFT7T",
    "eu-central-1": "Z273ZU8SZ5RJPC",
}
"""Hosted zone of ``*.vpce.amazonaws.com`` names per region (as AWS returns in DnsEntries)."""

_CUSTOM_SERVICE_RE = re.compile(r"^com\.amazonaws\.vpce\.([a-z0-9-]+)\.(vpce-svc-[0-9a-f]+)$")


def _endpoint_dns_entries(self: Any) -> list[dict[str, str]]:
    entries = list(self.__dict__.get("_plcheck_dns_entries") or [])
    config = endpoint_service(self)
    if (
        config is not None
        and self.private_dns_enabled
        and config.private_dns_name
        and config._plcheck_dns_state == "verified"
        and self.state == "available"
    ):
        entries.append(
            {"DnsName": config.private_dns_name, "HostedZoneId": self._plcheck_private_zone_id}
        )
    return entries


def _set_endpoint_dns_entries(self: Any, value: Any) -> None:
    self.__dict__["_plcheck_dns_entries"] = value


def _check_endpoint_subnets(config: Any, vpc_id: str, region: str, subnets: Sequence[Any]) -> None:
    """AWS: subnets in the VPC, one per zone, each in one of the service's zone IDs.

    The zone IDs are compared only for a service in the consumer's Region. A
    service in another Region (cross-Region PrivateLink, ``ServiceRegion``) has
    its zones there, which never share an AZ ID with the consumer's Region, and
    the endpoint may use any zone of the consumer's Region; AWS carries the
    traffic between the Regions
    (https://aws.amazon.com/blogs/networking-and-content-delivery/introducing-cross-region-connectivity-for-aws-privatelink/).
    """
    from moto.ec2.exceptions import EC2ClientError, InvalidParameter

    zone_ids = set(service_zone_ids(config)) if service_home(config) == region else None
    seen_zones: dict[str, str] = {}
    for subnet in subnets:
        if subnet.vpc_id != vpc_id:
            raise InvalidParameter(
                f"The subnet ID '{subnet.id}' does not belong to the VPC '{vpc_id}'."
            )
        if zone_ids is not None and subnet.availability_zone_id not in zone_ids:
            raise InvalidParameter(
                f"The Vpc Endpoint Service '{config.service_name}' does not support the "
                f"availability zone of the subnet: '{subnet.id}'."
            )
        if subnet.availability_zone_id in seen_zones:
            raise EC2ClientError(
                "DuplicateSubnetsInSameZone",
                f"Found another VPC endpoint subnet in the availability zone of "
                f"'{seen_zones[subnet.availability_zone_id]}'. VPC endpoint subnets should be "
                "in different availability zones supported by the VPC endpoint service.",
            )
        seen_zones[subnet.availability_zone_id] = subnet.id


def _check_private_dns(config: Any, vpc: Any, requested: bool | None) -> bool:
    """Whether private DNS is on: by default iff the service has a name; needs VPC DNS."""
    from moto.ec2.exceptions import InvalidParameter

    enabled = bool(config.private_dns_name) if requested is None else requested
    if enabled and not config.private_dns_name:
        raise InvalidParameter(
            f"Private DNS can't be enabled because the service '{config.service_name}' does "
            "not provide a private DNS name."
        )
    if enabled and not (vpc.enable_dns_support and vpc.enable_dns_hostnames):
        raise InvalidParameter(
            "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames "
            f"VPC attributes set to true for {vpc.id}"
        )
    return enabled


def _create_endpoint_enis(
    backend: Any, endpoint_id: str, subnets: Sequence[Any], group_ids: list[str]
) -> list[str]:
    """One requester-managed ENI per subnet, at the subnet's next free address."""
    eni_ids = []
    for subnet in subnets:
        address = subnet.get_available_subnet_ip(endpoint_id)
        eni = backend.create_network_interface(
            subnet,
            address,
            group_ids=group_ids,
            description=f"VPC Endpoint Interface {endpoint_id}",
        )
        subnet._subnet_ips[address] = eni
        eni.interface_type = "vpc_endpoint"
        eni.requester_managed = True
        eni.status = "in-use"
        eni_ids.append(eni.id)
    return eni_ids


def _endpoint_dns_names(
    config: Any, endpoint_id: str, region: str, subnets: Sequence[Any]
) -> list[dict[str, str]]:
    """The regional name, then one zonal name per subnet (in the consumer's zone names)."""
    hosted_zone = AWS_VPCE_HOSTED_ZONE_IDS.get(region, AWS_VPCE_HOSTED_ZONE_IDS["us-east-1"])
    base = f"{endpoint_id}-{random_lower_alnum(8)}"
    suffix = f"{config.id}.{service_home(config)}.vpce.amazonaws.com"
    entries = [{"DnsName": f"{base}.{suffix}", "HostedZoneId": hosted_zone}]
    entries.extend(
        {"DnsName": f"{base}-{subnet.availability_zone}.{suffix}", "HostedZoneId": hosted_zone}
        for subnet in subnets
    )
    return entries


def _create_interface_endpoint(response: Any, config: Any) -> Any:
    """CreateVpcEndpoint (Interface) to a customer endpoint service, as AWS does it."""
    from moto.ec2.models.vpcs import VPCEndPoint
    from moto.ec2.utils import add_tag_specification, random_vpc_ep_id

    backend = response.ec2_backend
    vpc = backend.get_vpc(response._get_param("VpcId"))
    subnet_ids = list(response._get_param("SubnetIds", []) or [])
    subnets = [backend.get_subnet(subnet_id) for subnet_id in subnet_ids]
    _check_endpoint_subnets(config, vpc.id, backend.region_name, subnets)
    private_dns = _check_private_dns(config, vpc, response._get_bool_param("PrivateDnsEnabled"))
    group_ids = list(response._get_param("SecurityGroupIds", []) or [])
    if not group_ids:
        default_group = backend.get_default_security_group(vpc.id)
        group_ids = [default_group.id] if default_group is not None else []

    endpoint_id = random_vpc_ep_id()
    endpoint_class: Any = VPCEndPoint
    endpoint = endpoint_class(
        backend,
        endpoint_id,
        vpc.id,
        config.service_name,
        "Interface",
        response._get_param("PolicyDocument"),
        [],
        subnet_ids,
        _create_endpoint_enis(backend, endpoint_id, subnets, group_ids),
        dns_entries=_endpoint_dns_names(config, endpoint_id, backend.region_name, subnets),
        client_token=response._get_param("ClientToken"),
        security_group_ids=group_ids,
        tags=add_tag_specification(response._get_param("TagSpecifications", [])),
        private_dns_enabled=private_dns,
    )
    endpoint.state = "pendingAcceptance" if config.acceptance_required else "available"
    endpoint.ip_address_type = "ipv4"
    endpoint.dns_options = {"DnsRecordIpType": "ipv4"}
    endpoint.requester_managed = False
    endpoint.service_region = service_home(config)
    endpoint.last_error = None
    endpoint._plcheck_service = config
    endpoint._plcheck_connection_id = "vpce-con-" + secrets.token_hex(9)[:17]
    endpoint._plcheck_private_zone_id = "Z" + secrets.token_hex(10).upper()[:20]
    backend.vpc_end_points[endpoint_id] = endpoint
    return endpoint


def _find_visible_service(response: Any, service_name: str, region: str) -> Any:
    caller = response.current_account
    principals = caller_principals(response)
    for config in service_configs(region):
        if config.service_name == service_name and service_visible_to(config, caller, principals):
            if region != response.region and response.region not in supported_regions(config):
                return None
            return config
    return None


def _patches(state: SimState) -> list[Patch]:
    """Interface endpoints to customer services behave as in AWS.

    moto creates any endpoint to any name, ``available`` at once, with ENIs at
    random addresses outside their subnets and one made-up DNS entry. AWS:
    the service must be visible to the caller (else ``InvalidServiceName``);
    each subnet's zone ID must be one of the service's when the service is in
    the same Region (else ``InvalidParameter`` "... does not support the
    availability zone of the subnet"); private DNS needs the VPC's DNS attributes; the endpoint is
    ``pendingAcceptance`` when the service requires acceptance; its ENIs
    (``InterfaceType`` ``vpc_endpoint``) take addresses inside their subnets and
    carry the endpoint's security groups; ``DnsEntries`` hold a regional and one
    zonal name per subnet (plus the private DNS name once verified and
    available).
    """
    from moto.ec2.exceptions import InvalidServiceName
    from moto.ec2.models.vpcs import VPCEndPoint
    from moto.ec2.responses.vpcs import VPCs

    orig_create = VPCs.create_vpc_endpoint
    orig_filter = VPCEndPoint.get_filter_value

    def create_vpc_endpoint(self: Any) -> Any:
        from moto.core.responses import ActionResult

        service_name = str(self._get_param("ServiceName") or "")
        endpoint_type = str(self._get_param("VpcEndpointType") or "Gateway")
        match = _CUSTOM_SERVICE_RE.match(service_name)
        if match is None or endpoint_type.lower() != "interface":
            return orig_create(self)
        region = str(self._get_param("ServiceRegion") or match.group(1))
        config = _find_visible_service(self, service_name, region)
        if config is None:
            raise InvalidServiceName(service_name)
        endpoint = _create_interface_endpoint(self, config)
        result: dict[str, Any] = {"VpcEndpoint": endpoint}
        if endpoint.client_token:
            result["ClientToken"] = endpoint.client_token
        return ActionResult(result)

    def endpoint_filter_value(self: Any, filter_name: str, method_name: str | None = None) -> Any:
        if filter_name == "vpc-endpoint-id":
            return self.id
        if filter_name == "ip-address-type":
            return self.__dict__.get("ip_address_type", "ipv4")
        return orig_filter(self, filter_name, method_name)

    return [
        mock.patch.object(VPCs, "create_vpc_endpoint", create_vpc_endpoint),
        mock.patch.object(
            VPCEndPoint,
            "dns_entries",
            property(_endpoint_dns_entries, _set_endpoint_dns_entries),
            create=True,
        ),
        mock.patch.object(VPCEndPoint, "get_filter_value", endpoint_filter_value),
    ]


CORRECTION = Correction(
    id="interface-endpoints",
    moto=(
        "creates any endpoint to any name, available at once, with ENIs outside their subnets "
        "and one made-up DNS entry"
    ),
    aws=(
        "checks visibility, zones and VPC DNS, starts pendingAcceptance when acceptance is "
        "required, and puts ENIs and regional and zonal DNS names in the chosen subnets"
    ),
    docs_url="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html",
    patches=_patches,
)
