"""Gather availability zones and endpoint-service zones for one scope."""

from __future__ import annotations

from plcheck.aws.context import AwsContext, Scope
from plcheck.errors import AwsCallError, AwsErrorKind
from plcheck.facts.zones import AccountZones, ServiceZones, Zone


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


def service_zones(ctx: AwsContext, scope: Scope, service_name: str) -> ServiceZones:
    """Where ``service_name`` is offered as the scope's account sees it (one call)."""
    try:
        response = ctx.call(
            scope, "ec2", "describe_vpc_endpoint_services", ServiceNames=[service_name]
        )
    except AwsCallError as exc:
        if exc.kind is AwsErrorKind.NOT_FOUND:
            return ServiceZones(service_name=service_name, visible=False)
        raise
    details = [
        d for d in response.get("ServiceDetails", []) if d.get("ServiceName") == service_name
    ]
    if not details:
        return ServiceZones(service_name=service_name, visible=False)
    detail = details[0]
    # Zone names are the caller's; map IDs to names with DescribeAvailabilityZones, since
    # AWS does not promise AvailabilityZones and AvailabilityZoneIds share an order.
    return ServiceZones(
        service_name=service_name,
        visible=True,
        zone_ids=frozenset(detail.get("AvailabilityZoneIds", [])),
    )
