"""Regions are enabled per account."""

from __future__ import annotations

from typing import Any
from unittest import mock

from plcheck.sim.corrections._base import Correction, Patch
from plcheck.sim.corrections._moto import filter_values
from plcheck.sim.corrections._state import SimState


def _patches(state: SimState) -> list[Patch]:
    """DescribeRegions answers for the calling account.

    moto lists every Region, opted in or not, with one ``OptInStatus`` for all
    accounts, and ignores ``AllRegions`` and ``Filters``. AWS lists only the
    Regions enabled for the account unless ``AllRegions`` is true, each with
    its ``OptInStatus`` (opt-in-not-required | opted-in | not-opted-in) for that
    account, and filters on ``endpoint``, ``opt-in-status`` and
    ``region-name``. Statuses come from moto's table unless the world's
    ``set_region_opt_in`` knob set one for the account.
    """
    from moto.core.responses import ActionResult
    from moto.ec2.exceptions import InvalidFilter
    from moto.ec2.responses.availability_zones_and_regions import AvailabilityZonesAndRegions

    filter_keys = {
        "endpoint": "Endpoint",
        "opt-in-status": "OptInStatus",
        "region-name": "RegionName",
    }

    def describe_regions(self: Any) -> Any:
        self.error_on_dryrun()
        names = list(self._get_param("RegionNames", []) or [])
        filters = list(self._get_param("Filters", []) or [])
        for item in filters:
            if item["Name"] not in filter_keys:
                raise InvalidFilter(item["Name"])
        all_regions = self._get_bool_param("AllRegions", False)
        account = self.current_account
        regions = []
        for region in self.ec2_backend.describe_regions(names):
            status = state.region_opt_in.get((account, region.name), region.opt_in_status)
            described = {
                "RegionName": region.name,
                "Endpoint": region.endpoint,
                "OptInStatus": status,
            }
            if status == "not-opted-in" and not all_regions and not names:
                continue
            if all(described[filter_keys[f["Name"]]] in filter_values(f) for f in filters):
                regions.append(described)
        return ActionResult({"Regions": regions})

    return [
        mock.patch.object(AvailabilityZonesAndRegions, "describe_regions", describe_regions),
    ]


CORRECTION = Correction(
    id="region-opt-in",
    moto="lists every Region with one OptInStatus for all accounts and ignores AllRegions",
    aws=(
        "lists the Regions enabled for the calling account (all of them with AllRegions), "
        "each with that account's OptInStatus"
    ),
    docs_url="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html",
    patches=_patches,
)
