"""Endpoint service configurations as their owner sees them."""

from __future__ import annotations

import secrets
from typing import Any
from unittest import mock

from plcheck.sim.corrections._base import Correction, Patch
from plcheck.sim.corrections._moto import as_bool
from plcheck.sim.corrections._services import (
    reset_dns_verification,
    service_home,
    service_zone_ids,
    supported_regions,
    zone_names_for,
)
from plcheck.sim.corrections._state import SimState


def _patches(state: SimState) -> list[Patch]:
    """Endpoint service configurations as the owner sees them.

    AWS derives a service's zones from its load balancers' subnets at any time
    (moto freezes them at creation, as names only) and returns
    ``AvailabilityZoneIds``; ``AcceptanceRequired`` is a boolean (moto may keep
    the string ``"false"``); ``SupportedRegions`` includes the service's own
    region; ``SupportedIpAddressTypes`` defaults to ``["ipv4"]``;
    ``RemovePrivateDnsName`` removes the name.
    """
    from moto.ec2.models.vpc_service_configuration import (
        VPCServiceConfiguration,
        VPCServiceConfigurationBackend,
    )
    from moto.ec2.responses.vpc_service_configuration import VPCEndpointServiceConfiguration

    orig_init = VPCServiceConfiguration.__init__
    orig_create = VPCEndpointServiceConfiguration.create_vpc_endpoint_service_configuration
    orig_modify = VPCEndpointServiceConfiguration.modify_vpc_endpoint_service_configuration
    orig_backend_modify = VPCServiceConfigurationBackend.modify_vpc_endpoint_service_configuration

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        orig_init(self, *args, **kwargs)
        # AWS service IDs have 17 hex digits (moto: 8).
        region = service_home(self)
        self.id = "vpce-svc-" + secrets.token_hex(9)[:17]
        self.service_name = f"com.amazonaws.vpce.{region}.{self.id}"
        self.endpoint_dns_name = f"{self.id}.{region}.vpce.amazonaws.com"
        self.acceptance_required = as_bool(self.acceptance_required, True)
        self._plcheck_ip_types = ["ipv4"]
        reset_dns_verification(self)

    def availability_zones(self: Any) -> list[str]:
        if "ec2_backend" not in self.__dict__:
            return []  # moto's constructor appends to a list it then drops
        return zone_names_for(
            state, self.ec2_backend.account_id, service_home(self), service_zone_ids(self)
        )

    def ignore_set(self: Any, value: Any) -> None:
        """Moto's constructor assigns the zones; they are derived instead."""

    def region_details(self: Any) -> list[dict[str, str]]:
        return [{"Region": r, "ServiceState": "Available"} for r in supported_regions(self)]

    def create(self: Any) -> Any:
        result: Any = orig_create(self)
        ip_types = self._get_param("SupportedIpAddressTypes", [])
        if ip_types:
            result.result["ServiceConfiguration"]._plcheck_ip_types = list(ip_types)
        return result

    def modify(self: Any) -> Any:
        result = orig_modify(self)
        config = self.ec2_backend.get_vpc_endpoint_service(self._get_param("ServiceId"))
        if as_bool(self._get_param("RemovePrivateDnsName"), False):
            config.private_dns_name = None
        types = [
            t
            for t in config._plcheck_ip_types
            if t not in self._get_param("RemoveSupportedIpAddressTypes", [])
        ]
        types += [t for t in self._get_param("AddSupportedIpAddressTypes", []) if t not in types]
        config._plcheck_ip_types = types
        return result

    def backend_modify(self: Any, service_id: str, *args: Any, **kwargs: Any) -> None:
        config = self.describe_vpc_endpoint_service_configurations([service_id])[0]
        before = config.private_dns_name
        orig_backend_modify(self, service_id, *args, **kwargs)
        if config.private_dns_name and config.private_dns_name != before:
            reset_dns_verification(config)

    return [
        mock.patch.object(VPCServiceConfiguration, "__init__", init),
        mock.patch.object(
            VPCServiceConfiguration,
            "availability_zones",
            property(availability_zones, ignore_set),
            create=True,
        ),
        mock.patch.object(
            VPCServiceConfiguration,
            "availability_zone_ids",
            property(service_zone_ids),
            create=True,
        ),
        mock.patch.object(
            VPCServiceConfiguration,
            "supported_ip_address_types",
            property(lambda self: list(self._plcheck_ip_types)),
            create=True,
        ),
        mock.patch.object(VPCServiceConfiguration, "supported_regions", property(region_details)),
        mock.patch.object(
            VPCEndpointServiceConfiguration, "create_vpc_endpoint_service_configuration", create
        ),
        mock.patch.object(
            VPCEndpointServiceConfiguration, "modify_vpc_endpoint_service_configuration", modify
        ),
        mock.patch.object(
            VPCServiceConfigurationBackend,
            "modify_vpc_endpoint_service_configuration",
            backend_modify,
        ),
    ]


CORRECTION = Correction(
    id="service-configuration",
    moto=(
        "freezes a service's zones at creation as names, keeps AcceptanceRequired as a string "
        "and leaves out AvailabilityZoneIds and the home Region"
    ),
    aws=(
        "derives zones (names and AvailabilityZoneIds) from the load balancers' subnets at any "
        "time, with a boolean AcceptanceRequired and SupportedRegions holding the home Region"
    ),
    docs_url="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ServiceConfiguration.html",
    patches=_patches,
)
