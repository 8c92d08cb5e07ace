"""What only AWS decides, held for the open world: zone mappings, health, states, opt-ins.

The world's knobs write here; the corrections read it.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from typing import Any

from plcheck.sim.corrections._moto import existing_backend

INDEPENDENTLY_MAPPED_REGIONS: frozenset[str] = frozenset(
    {
        "us-east-1",  # 2006
        "eu-west-1",  # December 2008
        "us-west-1",  # December 2009
        "ap-southeast-1",  # April 2010
        "ap-northeast-1",  # March 2011
        "us-west-2",  # November 2011
        "sa-east-1",  # December 2011
        "ap-southeast-2",  # 12 November 2012: not "after November 2012"
    }
)
"""Regions where AWS maps zone names to zone IDs independently per account.

AWS: "All Regions introduced after November 2012 use a uniform mapping of
Availability Zones to codes", and "For accounts created before November 2025,
in our oldest Regions, we independently map Availability Zones to codes for
each AWS account. ... Accounts created starting November 2025, get the same
Availability Zones mapped to codes."
(https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html,
https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html).
The Regions are those launched up to November 2012, by their launch dates.
"""

LOAD_BALANCER_STATES = ("active", "provisioning", "active_impaired", "failed")
"""ELBv2 ``LoadBalancerState.Code`` values."""

REGION_OPT_IN_STATUSES = ("opt-in-not-required", "opted-in", "not-opted-in")
"""EC2 ``Region.OptInStatus`` values."""


def region_zones(region: str) -> tuple[list[str], list[str]]:
    """The zone names and zone IDs of ``region`` (from moto's table), each sorted."""
    from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend

    zones = RegionsAndZonesBackend.zones.get(region, [])
    names = sorted(z.name for z in zones)
    ids = sorted((z.zone_id for z in zones), key=lambda i: (len(i), i))
    return names, ids


def uniform_zone_mapping(region: str) -> dict[str, str]:
    """Zone name -> zone ID as every account sees it in a uniformly mapped Region.

    moto's table is AWS's published one (e.g. eu-central-1a is euc1-az2).
    """
    from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend

    return {z.name: z.zone_id for z in RegionsAndZonesBackend.zones.get(region, [])}


def default_zone_mapping(account_id: str, region: str) -> dict[str, str]:
    """Zone name -> zone ID for an account created before November 2025.

    In the Regions of :data:`INDEPENDENTLY_MAPPED_REGIONS`, a permutation
    seeded by the account id (AWS assigns each such account its own mapping;
    the same account always gets the same one); elsewhere the uniform mapping.
    """
    if region not in INDEPENDENTLY_MAPPED_REGIONS:
        return uniform_zone_mapping(region)
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
        self._new_accounts: set[str] = set()
        self.target_health: dict[tuple[str, str], tuple[str, str | None, str | None]] = {}
        self.region_opt_in: dict[tuple[str, str], str] = {}

    # zones -------------------------------------------------------------------

    def zone_mapping(self, account_id: str, region: str) -> dict[str, str]:
        """Zone name -> zone ID of ``account_id`` in ``region``."""
        with self._lock:
            override = self._az_overrides.get((account_id, region))
            new_account = account_id in self._new_accounts
        if override:
            return dict(override)
        if new_account:
            return uniform_zone_mapping(region)
        return default_zone_mapping(account_id, region)

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
        self._rebind_subnets(account_id, region)

    def set_account_created_after_november_2025(self, account_id: str) -> None:
        """The account sees the uniform mapping in every Region (unless a mapping was set)."""
        with self._lock:
            self._new_accounts.add(account_id)
            regions = {region for account, region in self._zones if account == account_id}
        for region in regions:
            self._rebind_subnets(account_id, region)

    def _rebind_subnets(self, account_id: str, region: str) -> None:
        """Drop cached zones; existing subnets keep their name and take its new zone ID."""
        with self._lock:
            self._zones.pop((account_id, region), None)
        zones = {z.name: z for z in self.zones(account_id, region)}
        backend = existing_backend("ec2", account_id, region)
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
        backend = existing_backend("elbv2", account_id, region)
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
        config = self._service(account_id, region, service_id)
        if not config.private_dns_name:
            raise ValueError(f"endpoint service {service_id} has no private DNS name")
        config._plcheck_dns_state = state

    def set_service_state(self, account_id: str, region: str, service_id: str, state: str) -> None:
        self._service(account_id, region, service_id).service_state = state

    def _service(self, account_id: str, region: str, service_id: str) -> Any:
        backend = existing_backend("ec2", account_id, region)
        config = backend.configurations.get(service_id) if backend is not None else None
        if config is None:
            raise ValueError(f"no endpoint service {service_id} in {account_id}/{region}")
        return config

    def set_endpoint_state(
        self,
        account_id: str,
        region: str,
        endpoint_id: str,
        state: str,
        last_error: Mapping[str, str] | None,
    ) -> None:
        backend = existing_backend("ec2", account_id, region)
        endpoint = backend.vpc_end_points.get(endpoint_id) if backend is not None else None
        if endpoint is None:
            raise ValueError(f"no VPC endpoint {endpoint_id} in {account_id}/{region}")
        endpoint.state = state
        endpoint.last_error = dict(last_error) if last_error else None

    def set_load_balancer_state(
        self, account_id: str, region: str, arn: str, code: str, reason: str | None
    ) -> None:
        backend = existing_backend("elbv2", account_id, region)
        balancer = backend.load_balancers.get(arn) if backend is not None else None
        if balancer is None:
            raise ValueError(f"no load balancer {arn} in {account_id}/{region}")
        balancer.state = code
        balancer._plcheck_state_reason = reason
        balancer._plcheck_state_pinned = True

    def set_region_opt_in(self, account_id: str, region: str, status: str) -> None:
        with self._lock:
            self.region_opt_in[(account_id, region)] = status
