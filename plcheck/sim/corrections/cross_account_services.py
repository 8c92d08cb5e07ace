"""Endpoint services are visible across accounts, in the caller's zone names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from unittest import mock

from plcheck.sim.corrections._base import Correction, Patch
from plcheck.sim.corrections._moto import caller_principals, filter_values, paginate
from plcheck.sim.corrections._services import (
    service_configs,
    service_home,
    service_visible_to,
    service_zone_ids,
    supported_regions,
    zone_names_for,
)
from plcheck.sim.corrections._state import SimState


def _service_detail(config: Any, state: SimState, caller: str) -> dict[str, Any]:
    """DescribeVpcEndpointServices' ``ServiceDetail`` of ``config`` as ``caller`` sees it."""
    home = service_home(config)
    owner = str(config.ec2_backend.account_id)
    zone_ids = service_zone_ids(config)
    detail: dict[str, Any] = {
        "ServiceName": config.service_name,
        "ServiceId": config.id,
        "ServiceType": config.service_type,
        "ServiceRegion": home,
        "AvailabilityZoneIds": zone_ids,
        "AvailabilityZones": zone_names_for(state, caller, home, zone_ids),
        "Owner": owner,
        "BaseEndpointDnsNames": [config.endpoint_dns_name],
        "VpcEndpointPolicySupported": True,
        "AcceptanceRequired": bool(config.acceptance_required),
        "ManagesVpcEndpoints": bool(config.manages_vpc_endpoints),
        "SupportedIpAddressTypes": list(config._plcheck_ip_types),
    }
    if config.private_dns_name:
        detail["PrivateDnsName"] = config.private_dns_name
        detail["PrivateDnsNames"] = [{"PrivateDnsName": config.private_dns_name}]
        detail["PrivateDnsNameVerificationState"] = config._plcheck_dns_state
    if caller == owner:
        detail["Tags"] = [{"Key": t["key"], "Value": t["value"]} for t in config.get_tags()]
    return detail


def _aws_service_detail(
    service: Mapping[str, Any], mapping: Mapping[str, str], region: str
) -> dict[str, Any]:
    """An AWS-owned service (moto's defaults), with the caller's zone IDs added."""
    detail = dict(service)
    names = [n for n in detail.get("AvailabilityZones", []) if n in mapping]
    detail["AvailabilityZones"] = sorted(names)
    detail["AvailabilityZoneIds"] = sorted(mapping[n] for n in names)
    detail.setdefault("ServiceRegion", region)
    return detail


def _service_matches(detail: Mapping[str, Any], filters: Sequence[Mapping[str, Any]]) -> bool:
    from moto.ec2.exceptions import InvalidFilter

    for item in filters:
        name, values = str(item["Name"]), filter_values(item)
        tags = {t["Key"]: t["Value"] for t in detail.get("Tags") or []}
        if name == "service-name":
            actual = [detail["ServiceName"]]
        elif name == "service-type":
            actual = [t["ServiceType"] for t in detail["ServiceType"]]
        elif name == "owner":
            actual = [detail.get("Owner", "")]
        elif name == "service-region":
            actual = [detail.get("ServiceRegion", "")]
        elif name == "supported-ip-address-types":
            actual = list(detail.get("SupportedIpAddressTypes", []))
        elif name == "tag-key":
            actual = list(tags)
        elif name.startswith("tag:"):
            key = name[4:]
            actual = [tags[key]] if key in tags else []
        else:
            raise InvalidFilter(name)
        if not set(actual) & set(values):
            return False
    return True


_CUSTOM_SERVICE_PREFIX = "com.amazonaws.vpce."
"""How the name of every service an account creates starts (``com.amazonaws.vpce.REGION.ID``)."""


def _may_list_aws_services(
    service_names: Sequence[str], filters: Sequence[Mapping[str, Any]]
) -> bool:
    """Whether AWS's own services could be in the answer: not when only custom names are asked.

    moto's list of AWS's services is built on first use by importing a dozen of its
    service modules (~1 s of CPU); a request restricted to services that accounts
    created (``ServiceNames`` or the ``service-name`` filter) cannot list one of them.
    """
    restrictions = [list(service_names)] if service_names else []
    restrictions += [filter_values(f) for f in filters if f.get("Name") == "service-name"]
    return not any(
        all(name.startswith(_CUSTOM_SERVICE_PREFIX) for name in names) for names in restrictions
    )


def _patches(state: SimState) -> list[Patch]:
    """Endpoint services are visible across accounts.

    In AWS, DescribeVpcEndpointServices lists, besides AWS's own services, the
    services of any account that allows the caller (``*``, the caller's account
    root, or the caller's ARN), with the zones in the *caller's* zone names plus
    the physical ``AvailabilityZoneIds``, and ``PrivateDnsNameVerificationState``.
    moto lists only the caller's own services, without zone IDs. ``ServiceNames``
    naming a service the caller cannot see fails with ``InvalidServiceName``.
    ``ServiceRegions`` lists services of other regions that support the caller's.
    """
    from moto.ec2.exceptions import InvalidServiceName
    from moto.ec2.responses.vpcs import VPCs

    def describe_vpc_endpoint_services(self: Any) -> Any:
        from moto.core.responses import ActionResult

        service_names = list(self._get_param("ServiceNames", []) or [])
        filters = list(self._get_param("Filters", []) or [])
        max_results = self._get_int_param("MaxResults")
        next_token = self._get_param("NextToken")
        regions = list(self._get_param("ServiceRegions", []) or []) or [self.region]
        caller = self.current_account
        principals = caller_principals(self)

        details: list[dict[str, Any]] = []
        if self.region in regions and _may_list_aws_services(service_names, filters):
            mapping = state.zone_mapping(caller, self.region)
            defaults = self.ec2_backend._collect_default_endpoint_services(caller, self.region)
            details.extend(_aws_service_detail(s, mapping, self.region) for s in defaults)
        for region in regions:
            for config in service_configs(region):
                if not service_visible_to(config, caller, principals):
                    continue
                if region != self.region and self.region not in supported_regions(config):
                    continue
                details.append(_service_detail(config, state, caller))

        known = {d["ServiceName"] for d in details}
        for name in service_names:
            if name not in known:
                raise InvalidServiceName(name)
        selected = sorted(
            (
                d
                for d in details
                if (not service_names or d["ServiceName"] in service_names)
                and _service_matches(d, filters)
            ),
            key=lambda d: str(d["ServiceName"]),
        )
        # AWS lists some names twice (e.g. S3 as Gateway and Interface).
        page, token = paginate(selected, None, max_results, next_token)
        return ActionResult(
            {
                "ServiceNames": [d["ServiceName"] for d in page],
                "ServiceDetails": page,
                "NextToken": token,
            }
        )

    return [
        mock.patch.object(VPCs, "describe_vpc_endpoint_services", describe_vpc_endpoint_services)
    ]


CORRECTION = Correction(
    id="cross-account-services",
    moto="DescribeVpcEndpointServices lists only the caller's own services, without zone IDs",
    aws=(
        "lists every service that allows the caller, in the caller's zone names plus "
        "AvailabilityZoneIds, and other Regions' services with ServiceRegions"
    ),
    docs_url=(
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcEndpointServices.html"
    ),
    patches=_patches,
)
