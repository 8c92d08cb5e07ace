"""Corrections to moto where it differs from AWS for PrivateLink.

Each ``correct_*`` function returns the patches for one difference; its
docstring says what AWS does and what moto does instead. The patches replace
attributes of moto's backend, model and response classes, so they apply both
in-process (``mock_aws``) and to a ``ThreadedMotoServer`` in this process.
:func:`apply_corrections` starts them all and stops them on exit, leaving moto
clean.

State that only AWS decides (zone mappings, target health, private DNS
verification, ...) lives in a :class:`SimState`, set through the world's knobs.
moto is untyped: ``Any`` stays inside this module.
"""

from __future__ import annotations

import random
import re
import secrets
import string
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock

Patch = Any  # unittest.mock._patch, which typeshed does not export

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
_ALNUM = string.ascii_lowercase + string.digits
_MAX_RESULTS = 1000


def _random_lower_alnum(length: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


def _as_bool(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() == "true"


# ---------------------------------------------------------------------------- zones


def region_zones(region: str) -> tuple[list[str], list[str]]:
    """The zone names and zone IDs of ``region`` (from moto's table), each sorted."""
    from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend

    zones = RegionsAndZonesBackend.zones.get(region, [])
    names = sorted(z.name for z in zones)
    ids = sorted((z.zone_id for z in zones), key=lambda i: (len(i), i))
    return names, ids


def default_zone_mapping(account_id: str, region: str) -> dict[str, str]:
    """Zone name -> zone ID for an account: a permutation seeded by the account id.

    AWS assigns each account its own random mapping; the same account always
    gets the same one.
    """
    names, ids = region_zones(region)
    shuffled = list(ids)
    random.Random(f"{account_id}/{region}").shuffle(shuffled)
    return dict(zip(names, shuffled, strict=True))


class SimState:
    """What only AWS decides, set through the world's knobs and read by the patches."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._az_overrides: dict[tuple[str, str], dict[str, str]] = {}
        self._zones: dict[tuple[str, str], list[Any]] = {}
        self.target_health: dict[tuple[str, str], tuple[str, str | None, str | None]] = {}

    # zones -------------------------------------------------------------------

    def zone_mapping(self, account_id: str, region: str) -> dict[str, str]:
        """Zone name -> zone ID of ``account_id`` in ``region``."""
        with self._lock:
            override = self._az_overrides.get((account_id, region))
        return dict(override) if override else default_zone_mapping(account_id, region)

    def zones(self, account_id: str, region: str) -> list[Any]:
        """Moto ``Zone`` objects of ``account_id`` in ``region``, in name order."""
        from moto.ec2.models.availability_zones_and_regions import Zone

        key = (account_id, region)
        with self._lock:
            zones = self._zones.get(key)
            if zones is None:
                mapping = self.zone_mapping(account_id, region)
                zones = [
                    Zone(name=name, region_name=region, zone_id=zone_id)
                    for name, zone_id in sorted(mapping.items())
                ]
                self._zones[key] = zones
            return zones

    def set_az_mapping(self, account_id: str, region: str, mapping: Mapping[str, str]) -> None:
        names, ids = region_zones(region)
        if not names:
            raise ValueError(f"unknown region {region!r}")
        unknown_names = set(mapping) - set(names)
        unknown_ids = set(mapping.values()) - set(ids)
        if unknown_names or unknown_ids:
            raise ValueError(
                f"{region} has zones {names} and zone IDs {ids}; "
                f"unknown: {sorted(unknown_names | unknown_ids)}"
            )
        if len(set(mapping.values())) != len(mapping):
            raise ValueError("a zone ID can only be mapped to one zone name")
        full = dict(mapping)
        spare_ids = [i for i in ids if i not in full.values()]
        for name in names:
            if name not in full:
                full[name] = spare_ids.pop(0)
        with self._lock:
            self._az_overrides[(account_id, region)] = full
            self._zones.pop((account_id, region), None)
        zones = {z.name: z for z in self.zones(account_id, region)}
        backend = _existing_backend("ec2", account_id, region)
        if backend is not None:
            for subnet in backend.describe_subnets():
                zone = zones.get(subnet.availability_zone)
                if zone is not None:
                    subnet._availability_zone = zone

    # knobs on moto objects ---------------------------------------------------

    def set_target_health(
        self,
        account_id: str,
        region: str,
        target_group_arn: str,
        target_id: str,
        state: str,
        reason: str | None,
        description: str | None,
    ) -> None:
        backend = _existing_backend("elbv2", account_id, region)
        group = backend.target_groups.get(target_group_arn) if backend is not None else None
        if group is None:
            raise ValueError(f"no target group {target_group_arn} in {account_id}/{region}")
        if target_id not in group.targets:
            raise ValueError(f"target {target_id} is not registered in {target_group_arn}")
        with self._lock:
            self.target_health[(target_group_arn, target_id)] = (state, reason, description)

    def set_private_dns_state(
        self, account_id: str, region: str, service_id: str, state: str
    ) -> None:
        backend = _existing_backend("ec2", account_id, region)
        config = backend.configurations.get(service_id) if backend is not None else None
        if config is None:
            raise ValueError(f"no endpoint service {service_id} in {account_id}/{region}")
        if not config.private_dns_name:
            raise ValueError(f"endpoint service {service_id} has no private DNS name")
        config._plcheck_dns_state = state

    def set_service_state(self, account_id: str, region: str, service_id: str, state: str) -> None:
        backend = _existing_backend("ec2", account_id, region)
        config = backend.configurations.get(service_id) if backend is not None else None
        if config is None:
            raise ValueError(f"no endpoint service {service_id} in {account_id}/{region}")
        config.service_state = state

    def set_endpoint_state(
        self,
        account_id: str,
        region: str,
        endpoint_id: str,
        state: str,
        last_error: Mapping[str, str] | None,
    ) -> None:
        backend = _existing_backend("ec2", account_id, region)
        endpoint = backend.vpc_end_points.get(endpoint_id) if backend is not None else None
        if endpoint is None:
            raise ValueError(f"no VPC endpoint {endpoint_id} in {account_id}/{region}")
        endpoint.state = state
        endpoint.last_error = dict(last_error) if last_error else None


# ---------------------------------------------------------------------------- moto access


def _backend_dict(service: str) -> Any:
    if service == "ec2":
        from moto.ec2.models import ec2_backends

        return ec2_backends
    from moto.elbv2.models import elbv2_backends

    return elbv2_backends


def _existing_backend(service: str, account_id: str, region: str) -> Any:
    """The backend of an account and region, without creating it."""
    per_account = dict.get(_backend_dict(service), account_id)
    return None if per_account is None else dict.get(per_account, region)


def _existing_backends(service: str) -> Iterator[Any]:
    """Every backend of ``service`` that exists, in all accounts and regions."""
    for per_account in list(dict.values(_backend_dict(service))):
        yield from list(dict.values(per_account))


def _service_configs(region: str | None = None) -> Iterator[Any]:
    """Every VPC endpoint service configuration, in any account (and ``region``)."""
    for backend in _existing_backends("ec2"):
        if region is None or backend.region_name == region:
            yield from list(backend.configurations.values())


def _caller_principals(response: Any) -> set[str]:
    """IAM principal ARNs that stand for the caller of a moto request."""
    from moto.sts.models import sts_backends

    account = response.current_account
    principals = {f"arn:aws:iam::{account}:root"}
    per_account = dict.get(sts_backends, account)
    if per_account is not None:
        for backend in list(dict.values(per_account)):
            role = backend.get_assumed_role_from_access_key(response.get_access_key())
            if role is not None:
                principals.add(role.role_arn)
    return principals


def _service_visible_to(config: Any, account_id: str, principals: set[str]) -> bool:
    """AWS: the owner, ``*``, the account's root ARN, or the caller's own ARN."""
    if config.ec2_backend.account_id == account_id:
        return True
    allowed = set(config.principals)
    return "*" in allowed or bool(allowed & principals)


def _service_home(config: Any) -> str:
    return str(config.ec2_backend.region_name)


def _service_load_balancers(config: Any) -> list[Any]:
    backend = _existing_backend("elbv2", config.ec2_backend.account_id, _service_home(config))
    if backend is None:
        return []
    arns = [*config.network_load_balancer_arns, *config.gateway_load_balancer_arns]
    return [lb for arn in arns if (lb := backend.load_balancers.get(arn)) is not None]


def _service_zone_ids(config: Any) -> list[str]:
    """Physical zones of a service: those of its load balancers' subnets."""
    if "ec2_backend" not in config.__dict__:
        return []
    ids = {
        subnet.availability_zone_id
        for lb in _service_load_balancers(config)
        for subnet in lb.subnets
    }
    return sorted(ids, key=lambda i: (len(i), i))


def _zone_names_for(
    state: SimState, account_id: str, region: str, zone_ids: Sequence[str]
) -> list[str]:
    """Names ``account_id`` sees for ``zone_ids``."""
    by_id = {zone_id: name for name, zone_id in state.zone_mapping(account_id, region).items()}
    return sorted(by_id[i] for i in zone_ids if i in by_id)


def _supported_regions(config: Any) -> list[str]:
    regions = [_service_home(config)]
    regions.extend(r for r in config._supported_region_names if r not in regions)
    return regions


def _filter_values(item: Mapping[str, Any]) -> list[str]:
    values = item.get("Values", item.get("Value", []))
    return [str(v) for v in values] if isinstance(values, list) else [str(values)]


def _paginate(
    items: list[dict[str, Any]], key: str | None, max_results: int | None, next_token: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """AWS-style pagination over a stably sorted list.

    The token is the ``key`` of the first item of the next page, or its index
    when ``key`` is None (for lists whose keys repeat).
    """
    from moto.ec2.exceptions import InvalidNextToken

    keys = [str(item[key]) if key else str(i) for i, item in enumerate(items)]
    start = 0
    if next_token:
        if next_token not in keys:
            raise InvalidNextToken(next_token)
        start = keys.index(next_token)
    size = max_results if max_results and 0 < max_results <= _MAX_RESULTS else _MAX_RESULTS
    page = items[start : start + size]
    token = keys[start + size] if len(items) > start + size else None
    return page, token


@contextmanager
def apply_corrections(state: SimState) -> Iterator[SimState]:
    """Apply every correction for the duration of the ``with`` block."""
    patches: list[Patch] = []
    for correction in CORRECTIONS:
        patches.extend(correction(state))
    with ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        yield state


# ---------------------------------------------------------------------------- 1. zones


def correct_per_account_zones(state: SimState) -> list[Patch]:
    """Zone names are per account.

    AWS maps the zone names (us-east-1a, ...) of each account to physical zone
    IDs (use1-az1, ...) independently; moto uses one global table. Here
    DescribeAvailabilityZones, CreateSubnet (AvailabilityZone or
    AvailabilityZoneId), DescribeSubnets (and its ``availability-zone-id``
    filter), and everything built on subnets (ELBv2 AvailabilityZones, endpoint
    services, endpoints) use the calling account's mapping.
    """
    from moto.ec2.exceptions import InvalidAvailabilityZoneError
    from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend
    from moto.ec2.models.subnets import Subnet, SubnetBackend
    from moto.utilities.utils import filter_resources

    orig_create_subnet = SubnetBackend.create_subnet
    orig_subnet_filter = Subnet.get_filter_value

    def describe_availability_zones(
        self: Any,
        filters: Any = None,
        zone_names: list[str] | None = None,
        zone_ids: list[str] | None = None,
    ) -> list[Any]:
        zones = state.zones(self.account_id, self.region_name)
        attr_pairs = (
            ("zone-id", "zone_id"),
            ("zone-type", "zone_type"),
            ("zone-name", "name"),
            ("region-name", "region_name"),
            ("state", "state"),
        )
        result = filter_resources(zones, filters, attr_pairs) if filters else list(zones)
        result = [z for z in result if not zone_ids or z.zone_id in zone_ids]
        return [z for z in result if not zone_names or z.name in zone_names]

    def create_subnet(
        self: Any,
        vpc_id: str,
        cidr_block: str,
        ipv6_cidr_block: str | None = None,
        availability_zone: str | None = None,
        availability_zone_id: str | None = None,
        ipv6_native: bool = False,
        tags: Any = None,
    ) -> Any:
        zones = state.zones(self.account_id, self.region_name)
        if availability_zone:
            zone = next((z for z in zones if z.name == availability_zone), None)
        elif availability_zone_id:
            zone = next((z for z in zones if z.zone_id == availability_zone_id), None)
        else:
            zone = zones[0] if zones else None
        if zone is None:
            raise InvalidAvailabilityZoneError(
                availability_zone or availability_zone_id, ", ".join(z.name for z in zones)
            )
        subnet = orig_create_subnet(
            self, vpc_id, cidr_block, ipv6_cidr_block, zone.name, None, ipv6_native, tags
        )
        subnet._availability_zone = zone
        return subnet

    def subnet_filter_value(self: Any, filter_name: str, method_name: str | None = None) -> Any:
        if filter_name in ("availability-zone-id", "availabilityZoneId"):
            return self.availability_zone_id
        return orig_subnet_filter(self, filter_name, method_name)

    return [
        mock.patch.object(
            RegionsAndZonesBackend, "describe_availability_zones", describe_availability_zones
        ),
        mock.patch.object(SubnetBackend, "create_subnet", create_subnet),
        mock.patch.object(Subnet, "get_filter_value", subnet_filter_value),
    ]


# ---------------------------------------------------------------------------- 2. services


def _reset_dns_verification(config: Any) -> None:
    """A new private DNS name starts unverified, with a fresh TXT record to publish."""
    config._plcheck_dns_state = "pendingVerification"
    config._plcheck_dns_txt_name = "_" + _random_lower_alnum(20)
    config._plcheck_dns_txt_value = "vpce:" + _random_lower_alnum(20)


def correct_service_configuration(state: SimState) -> list[Patch]:
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
        region = _service_home(self)
        self.id = "vpce-svc-" + secrets.token_hex(9)[:17]
        self.service_name = f"com.amazonaws.vpce.{region}.{self.id}"
        self.endpoint_dns_name = f"{self.id}.{region}.vpce.amazonaws.com"
        self.acceptance_required = _as_bool(self.acceptance_required, True)
        self._plcheck_ip_types = ["ipv4"]
        _reset_dns_verification(self)

    def availability_zones(self: Any) -> list[str]:
        if "ec2_backend" not in self.__dict__:
            return []  # moto's constructor appends to a list it then drops
        return _zone_names_for(
            state, self.ec2_backend.account_id, _service_home(self), _service_zone_ids(self)
        )

    def ignore_set(self: Any, value: Any) -> None:
        """Moto's constructor assigns the zones; they are derived instead."""

    def supported_regions(self: Any) -> list[dict[str, str]]:
        return [{"Region": r, "ServiceState": "Available"} for r in _supported_regions(self)]

    def create(self: Any) -> Any:
        result: Any = orig_create(self)
        ip_types = self._get_param("SupportedIpAddressTypes", [])
        if ip_types:
            result.result["ServiceConfiguration"]._plcheck_ip_types = list(ip_types)
        return result

    def modify(self: Any) -> Any:
        result = orig_modify(self)
        config = self.ec2_backend.get_vpc_endpoint_service(self._get_param("ServiceId"))
        if _as_bool(self._get_param("RemovePrivateDnsName"), False):
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
            _reset_dns_verification(config)

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
            property(_service_zone_ids),
            create=True,
        ),
        mock.patch.object(
            VPCServiceConfiguration,
            "supported_ip_address_types",
            property(lambda self: list(self._plcheck_ip_types)),
            create=True,
        ),
        mock.patch.object(
            VPCServiceConfiguration, "supported_regions", property(supported_regions)
        ),
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


def correct_private_dns_verification(state: SimState) -> list[Patch]:
    """Private DNS names must be verified.

    AWS starts a service's private DNS name in ``pendingVerification`` and asks
    for a TXT record ``_<20 chars>`` = ``vpce:<20 chars>``, stable per name;
    moto reports ``verified`` with a dummy record. The state moves with the
    world's ``set_private_dns_state`` knob.
    """
    from moto.ec2.models.vpc_service_configuration import VPCServiceConfiguration

    def private_dns_name_configuration(self: Any) -> dict[str, str]:
        if not self.private_dns_name:
            return {}
        return {
            "State": self._plcheck_dns_state,
            "Type": "TXT",
            "Value": self._plcheck_dns_txt_value,
            "Name": self._plcheck_dns_txt_name,
        }

    return [
        mock.patch.object(
            VPCServiceConfiguration,
            "private_dns_name_configuration",
            property(private_dns_name_configuration),
        )
    ]


def _service_detail(config: Any, state: SimState, caller: str) -> dict[str, Any]:
    """DescribeVpcEndpointServices' ``ServiceDetail`` of ``config`` as ``caller`` sees it."""
    home = _service_home(config)
    owner = str(config.ec2_backend.account_id)
    zone_ids = _service_zone_ids(config)
    detail: dict[str, Any] = {
        "ServiceName": config.service_name,
        "ServiceId": config.id,
        "ServiceType": config.service_type,
        "ServiceRegion": home,
        "AvailabilityZoneIds": zone_ids,
        "AvailabilityZones": _zone_names_for(state, caller, home, zone_ids),
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
        name, values = str(item["Name"]), _filter_values(item)
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


def correct_cross_account_services(state: SimState) -> list[Patch]:
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
        principals = _caller_principals(self)

        details: list[dict[str, Any]] = []
        if self.region in regions:
            mapping = state.zone_mapping(caller, self.region)
            defaults = self.ec2_backend._collect_default_endpoint_services(caller, self.region)
            details.extend(_aws_service_detail(s, mapping, self.region) for s in defaults)
        for region in regions:
            for config in _service_configs(region):
                if not _service_visible_to(config, caller, principals):
                    continue
                if region != self.region and self.region not in _supported_regions(config):
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
        page, token = _paginate(selected, None, max_results, next_token)
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


def correct_service_permissions(state: SimState) -> list[Patch]:
    """Allowed principals carry their type.

    AWS's DescribeVpcEndpointServicePermissions returns ``PrincipalType``
    (All / Account / Role / User ...), ``ServiceId`` and
    ``ServicePermissionId`` with each principal; moto only the ARN. AWS also
    accepts a principal only once.
    """
    from moto.ec2.responses.vpc_service_configuration import VPCEndpointServiceConfiguration

    def principal_type(principal: str) -> str:
        if principal == "*":
            return "All"
        if principal.endswith(":root"):
            return "Account"
        if ":organization/" in principal:
            return "OrganizationUnit"
        if ":role/" in principal:
            return "Role"
        if ":user/" in principal:
            return "User"
        return "Service"

    def describe(self: Any) -> Any:
        from moto.core.responses import ActionResult

        service_id = self._get_param("ServiceId")
        config = self.ec2_backend.describe_vpc_endpoint_service_configurations([service_id])[0]
        ids = config.__dict__.setdefault("_plcheck_permission_ids", {})
        allowed = []
        for principal in sorted(config.principals):
            perm_id = ids.setdefault(principal, "vpce-svc-perm-" + secrets.token_hex(9)[:17])
            allowed.append(
                {
                    "PrincipalType": principal_type(principal),
                    "Principal": principal,
                    "ServicePermissionId": perm_id,
                    "ServiceId": service_id,
                }
            )
        return ActionResult({"AllowedPrincipals": allowed})

    return [
        mock.patch.object(
            VPCEndpointServiceConfiguration, "describe_vpc_endpoint_service_permissions", describe
        )
    ]


# ---------------------------------------------------------------------------- 4. endpoints


def _endpoint_service(endpoint: Any) -> Any:
    return endpoint.__dict__.get("_plcheck_service")


def _endpoint_dns_entries(self: Any) -> list[dict[str, str]]:
    entries = list(self.__dict__.get("_plcheck_dns_entries") or [])
    config = _endpoint_service(self)
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


def _check_endpoint_subnets(config: Any, vpc_id: str, subnets: Sequence[Any]) -> None:
    """AWS: subnets in the VPC, each in one of the service's zone IDs, one per zone."""
    from moto.ec2.exceptions import EC2ClientError, InvalidParameter

    service_zone_ids = set(_service_zone_ids(config))
    seen_zones: dict[str, str] = {}
    for subnet in subnets:
        if subnet.vpc_id != vpc_id:
            raise InvalidParameter(
                f"The subnet ID '{subnet.id}' does not belong to the VPC '{vpc_id}'."
            )
        if subnet.availability_zone_id not in service_zone_ids:
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
    base = f"{endpoint_id}-{_random_lower_alnum(8)}"
    suffix = f"{config.id}.{_service_home(config)}.vpce.amazonaws.com"
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
    _check_endpoint_subnets(config, vpc.id, subnets)
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
    endpoint.service_region = _service_home(config)
    endpoint.last_error = None
    endpoint._plcheck_service = config
    endpoint._plcheck_connection_id = "vpce-con-" + secrets.token_hex(9)[:17]
    endpoint._plcheck_private_zone_id = "Z" + secrets.token_hex(10).upper()[:20]
    backend.vpc_end_points[endpoint_id] = endpoint
    return endpoint


def _find_visible_service(response: Any, service_name: str, region: str) -> Any:
    caller = response.current_account
    principals = _caller_principals(response)
    for config in _service_configs(region):
        if config.service_name == service_name and _service_visible_to(config, caller, principals):
            if region != response.region and response.region not in _supported_regions(config):
                return None
            return config
    return None


def correct_interface_endpoints(state: SimState) -> list[Patch]:
    """Interface endpoints to customer services behave as in AWS.

    moto creates any endpoint to any name, ``available`` at once, with ENIs at
    random addresses outside their subnets and one made-up DNS entry. AWS:
    the service must be visible to the caller (else ``InvalidServiceName``);
    each subnet's zone ID must be one of the service's (else
    ``InvalidParameter`` "... does not support the availability zone of the
    subnet"); private DNS needs the VPC's DNS attributes; the endpoint is
    ``pendingAcceptance`` when the service requires acceptance; its ENIs
    (``InterfaceType`` ``vpc_endpoint``) take addresses inside their subnets and
    carry the endpoint's security groups; ``DnsEntries`` hold a regional and one
    zonal name per subnet (plus the private DNS name once verified and
    available). The provider's Accept/RejectVpcEndpointConnections (missing in
    moto) move it to ``available`` / ``rejected``.
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

    def _connection_action(self: Any, accept: bool) -> Any:
        from moto.core.responses import ActionResult
        from moto.ec2.exceptions import UnknownVpcEndpointService

        service_id = self._get_param("ServiceId")
        config = self.ec2_backend.get_vpc_endpoint_service(service_id)
        if config is None:
            raise UnknownVpcEndpointService(service_id)
        endpoints = {ep.id: ep for ep in _service_endpoints(config)}
        allowed_from = ("pendingAcceptance",) if accept else ("pendingAcceptance", "available")
        unsuccessful = []
        for endpoint_id in self._get_param("VpcEndpointIds", []) or []:
            endpoint = endpoints.get(endpoint_id)
            if endpoint is None:
                error = {
                    "Code": "InvalidVpcEndpointId.NotFound",
                    "Message": f"The Vpc Endpoint Id '{endpoint_id}' does not exist",
                }
            elif endpoint.state not in allowed_from:
                error = {
                    "Code": "InvalidState",
                    "Message": f"Endpoint {endpoint_id} is in state {endpoint.state}",
                }
            else:
                endpoint.state = "available" if accept else "rejected"
                continue
            unsuccessful.append({"Error": error, "ResourceId": endpoint_id})
        return ActionResult({"Unsuccessful": unsuccessful})

    def accept(self: Any) -> Any:
        return _connection_action(self, accept=True)

    def reject(self: Any) -> Any:
        return _connection_action(self, accept=False)

    return [
        mock.patch.object(VPCs, "create_vpc_endpoint", create_vpc_endpoint),
        mock.patch.object(
            VPCEndPoint,
            "dns_entries",
            property(_endpoint_dns_entries, _set_endpoint_dns_entries),
            create=True,
        ),
        mock.patch.object(VPCEndPoint, "get_filter_value", endpoint_filter_value),
        mock.patch.object(VPCs, "accept_vpc_endpoint_connections", accept, create=True),
        mock.patch.object(VPCs, "reject_vpc_endpoint_connections", reject, create=True),
    ]


# ---------------------------------------------------------------------------- 5. connections


def _service_endpoints(config: Any) -> list[Any]:
    """Endpoints, in any account and region, connected to ``config``."""
    return [
        endpoint
        for backend in _existing_backends("ec2")
        for endpoint in list(backend.vpc_end_points.values())
        if _endpoint_service(endpoint) is config
    ]


def _connection(endpoint: Any) -> dict[str, Any]:
    config = _endpoint_service(endpoint)
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


def correct_endpoint_connections(state: SimState) -> list[Patch]:
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
        connections = [
            _connection(endpoint)
            for config in list(self.ec2_backend.configurations.values())
            for endpoint in _service_endpoints(config)
        ]
        selected = sorted(
            (
                c
                for c in connections
                if all(str(c[filter_keys[f["Name"]]]) in _filter_values(f) for f in filters)
            ),
            key=lambda c: str(c["VpcEndpointId"]),
        )
        page, token = _paginate(
            selected,
            "VpcEndpointId",
            self._get_int_param("MaxResults"),
            self._get_param("NextToken"),
        )
        return ActionResult({"VpcEndpointConnections": page, "NextToken": token})

    return [
        mock.patch.object(
            VPCs,
            "describe_vpc_endpoint_connections",
            describe_vpc_endpoint_connections,
            create=True,
        )
    ]


# ---------------------------------------------------------------------------- 6. targets


def correct_target_health(state: SimState) -> list[Patch]:
    """Targets are not always healthy.

    moto reports every registered target ``healthy``. AWS reports what its
    health checks find; here DescribeTargetHealth reports what the world's
    ``set_target_health`` knob set (default still ``healthy``), and echoes
    ``Target.AvailabilityZone`` when the target was registered with one.
    """
    from moto.elbv2.models import FakeHealthStatus, FakeTargetGroup

    orig_register = FakeTargetGroup.register
    orig_health_for = FakeTargetGroup.health_for

    def register(self: Any, targets: list[dict[str, Any]]) -> None:
        orig_register(self, targets)
        for target in targets:
            if target.get("AvailabilityZone"):
                self.targets[target["Id"]]["AvailabilityZone"] = target["AvailabilityZone"]

    def health_for(self: Any, target: dict[str, Any], ec2_backend: Any) -> Any:
        health: Any = orig_health_for(self, target, ec2_backend)
        registered = self.targets.get(target["Id"])
        if registered is None:
            return health
        health.availability_zone = registered.get("AvailabilityZone")
        override = state.target_health.get((self.arn, target["Id"]))
        if override is not None:
            health.status, health.reason, health.description = override
        return health

    def target(self: Any) -> dict[str, Any]:
        described: dict[str, Any] = {"Id": self.instance_id, "Port": self.port}
        zone = self.__dict__.get("availability_zone")
        if zone:
            described["AvailabilityZone"] = zone
        return described

    return [
        mock.patch.object(FakeTargetGroup, "register", register),
        mock.patch.object(FakeTargetGroup, "health_for", health_for),
        mock.patch.object(FakeHealthStatus, "target", property(target)),
    ]


# ---------------------------------------------------------------------------- 7. NLB SGs


def correct_nlb_security_groups(state: SimState) -> list[Patch]:
    """NLB security groups and PrivateLink enforcement.

    AWS's SetSecurityGroups takes and returns
    ``EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic`` (``on`` by default
    for an NLB with security groups) and returns ``SecurityGroupIds``;
    DescribeLoadBalancers shows the setting. moto ignores it.
    """
    from moto.elbv2.models import FakeLoadBalancer
    from moto.elbv2.responses import ELBV2Response

    orig_set = ELBV2Response.set_security_groups

    def enforce(self: Any) -> str | None:
        if self.type != "network" or not self.security_groups:
            return None
        return str(self.__dict__.get("_plcheck_enforce_sg", "on"))

    def set_security_groups(self: Any) -> Any:
        from moto.core.responses import ActionResult

        orig_set(self)
        balancer = self.elbv2_backend.load_balancers.get(self._get_param("LoadBalancerArn"))
        setting = self._get_param("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic")
        if setting:
            balancer._plcheck_enforce_sg = setting
        result: dict[str, Any] = {"SecurityGroupIds": list(balancer.security_groups)}
        value = enforce(balancer)
        if value is not None:
            result["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] = value
        return ActionResult(result)

    return [
        mock.patch.object(
            FakeLoadBalancer,
            "enforce_security_group_inbound_rules_on_private_link_traffic",
            property(enforce),
            create=True,
        ),
        mock.patch.object(ELBV2Response, "set_security_groups", set_security_groups),
    ]


def correct_load_balancer_arns(state: SimState) -> list[Patch]:
    """Load balancer ARNs carry their type.

    AWS names an NLB ``...:loadbalancer/net/<name>/<id>`` and a GWLB
    ``.../gwy/...`` (and their listeners likewise); moto uses ``app`` for all.
    """
    from moto.elbv2.models import ELBv2Backend

    orig_create = ELBv2Backend.create_load_balancer
    kinds = {"network": "net", "gateway": "gwy"}

    def create_load_balancer(self: Any, *args: Any, **kwargs: Any) -> Any:
        balancer = orig_create(self, *args, **kwargs)
        kind = kinds.get(balancer.type)
        if kind is not None and ":loadbalancer/app/" in balancer.arn:
            old_arn = balancer.arn
            tags = self.tagging_service.list_tags_for_resource(old_arn)["Tags"]
            self.tagging_service.delete_all_tags_for_resource(old_arn)
            del self.load_balancers[old_arn]
            balancer.arn = old_arn.replace(":loadbalancer/app/", f":loadbalancer/{kind}/")
            self.load_balancers[balancer.arn] = balancer
            self.tagging_service.tag_resource(balancer.arn, tags)
        return balancer

    return [mock.patch.object(ELBv2Backend, "create_load_balancer", create_load_balancer)]


def correct_default_dhcp_options(state: SimState) -> list[Patch]:
    """VPCs get the account's default DHCP options set.

    AWS associates new VPCs with the region's default ``dopt-...`` set
    (``domain-name`` ``ec2.internal`` in us-east-1, else
    ``<region>.compute.internal``; ``domain-name-servers`` ``AmazonProvidedDNS``),
    which DescribeDhcpOptions returns. moto reports ``DhcpOptionsId``
    ``default``, which DescribeDhcpOptions does not know.
    """
    from moto.ec2.models.vpcs import VPCBackend

    orig_create_vpc = VPCBackend.create_vpc

    def create_vpc(self: Any, *args: Any, **kwargs: Any) -> Any:
        vpc = orig_create_vpc(self, *args, **kwargs)
        if vpc.dhcp_options is None:
            default = self.__dict__.get("_plcheck_default_dhcp")
            if default is None:
                region = self.region_name
                domain = "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"
                default = self.create_dhcp_options(
                    domain_name_servers=["AmazonProvidedDNS"], domain_name=[domain]
                )
                self._plcheck_default_dhcp = default
            self.associate_dhcp_options(default, vpc)
        return vpc

    return [mock.patch.object(VPCBackend, "create_vpc", create_vpc)]


CORRECTIONS: tuple[Callable[[SimState], list[Patch]], ...] = (
    correct_per_account_zones,
    correct_load_balancer_arns,
    correct_default_dhcp_options,
    correct_service_configuration,
    correct_private_dns_verification,
    correct_cross_account_services,
    correct_service_permissions,
    correct_interface_endpoints,
    correct_endpoint_connections,
    correct_target_health,
    correct_nlb_security_groups,
)
"""Every correction, in the order they are applied."""
