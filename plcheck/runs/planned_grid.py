"""The zone grid of a planned endpoint: where the plan puts it, zone by zone, before apply."""

from __future__ import annotations

from collections.abc import Mapping

from plcheck.facts.consumer import ServiceDetail
from plcheck.facts.network import Subnet
from plcheck.facts.outcome import Outcome
from plcheck.facts.zones import AccountZones
from plcheck.gate.terraform import TerraformPlan
from plcheck.gate.tf_resources import PlannedEndpoint
from plcheck.model import View
from plcheck.runs import planned_subnets as subnets_of
from plcheck.runs.zone_grid import ConsumerZones, ProviderZones, by_zone, zone_grid


def grid(
    endpoint: PlannedEndpoint,
    plan: TerraformPlan,
    service: ServiceDetail | None,
    zones: AccountZones | None,
    subnets: Mapping[str, Outcome[list[Subnet]]],
) -> View | None:
    """The account's names, the service's zones and the planned subnets; None when unknown.

    A service in another Region has zones of its own Region, and subnets whose zones are
    known only after apply cannot be placed: neither gets a grid.
    """
    if service is None or zones is None or service.region not in ("", zones.region):
        return None
    vpc_id = endpoint.vpc_id
    live = subnets.get(vpc_id) if isinstance(vpc_id, str) and vpc_id else None
    vpc_subnets = list(live.value or []) if live is not None else []
    known_ids, unknown = subnets_of.endpoint_subnets(endpoint)
    planned = [s for s in vpc_subnets if s.subnet_id in known_ids]
    if unknown is not None:
        label = vpc_id if isinstance(vpc_id, str) else subnets_of.vpc_label(vpc_id, plan)
        resolved = subnets_of.planned_subnets(unknown, plan, zones, label)
        if isinstance(resolved, str):
            return None
        planned += resolved
        vpc_subnets += [s for s in resolved if s not in vpc_subnets]
    return zone_grid(
        [zones],
        ProviderZones(offered=frozenset(service.zone_ids)),
        ConsumerZones(
            subnets=by_zone([(s.zone_id, s.subnet_id) for s in vpc_subnets]),
            endpoint=by_zone([(s.zone_id, s.subnet_id) for s in planned]),
            planned=True,
        ),
        subject=endpoint.address,
    )
