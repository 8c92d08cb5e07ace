"""Gather the availability zones of one scope."""

from __future__ import annotations

from plcheck.aws.context import AwsContext, Scope
from plcheck.facts.zones import AccountZones, Zone


def account_zones(ctx: AwsContext, scope: Scope, account: str) -> AccountZones:
    """The region's zones as the scope's account names them (one call)."""
    response = ctx.call(scope, "ec2", "describe_availability_zones")
    zones = tuple(
        sorted(
            (
                Zone(
                    name=z["ZoneName"],
                    zone_id=z["ZoneId"],
                    zone_type=z.get("ZoneType", "availability-zone"),
                )
                for z in response.get("AvailabilityZones", [])
            ),
            key=lambda z: z.name,
        )
    )
    return AccountZones(label=scope.label, account=account, region=ctx.region(scope), zones=zones)
