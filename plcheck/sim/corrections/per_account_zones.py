"""Zone names map to zone IDs per account, in the Regions where AWS does so."""

from __future__ import annotations

from typing import Any
from unittest import mock

from plcheck.sim.corrections._base import Correction, Patch
from plcheck.sim.corrections._state import SimState


def _patches(state: SimState) -> list[Patch]:
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


CORRECTION = Correction(
    id="per-account-zones",
    moto="one global table maps every account's zone names to the same zone IDs",
    aws=(
        "each account created before November 2025 has its own mapping in the Regions launched "
        "up to November 2012; other accounts and Regions map names uniformly"
    ),
    docs_url="https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html",
    patches=_patches,
)
