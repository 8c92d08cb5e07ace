"""The zone grid of a planned endpoint: where the plan puts it, zone by zone, before apply."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from plcheck.facts.consumer import ServiceDetail
from plcheck.facts.network import Subnet
from plcheck.facts.outcome import Outcome
from plcheck.facts.zones import AccountZones
from plcheck.gate.terraform import TerraformPlan
from plcheck.gate.tf_resources import PlannedEndpoint
from plcheck.model import View
from plcheck.runs import planned_subnets as subnets_of
from plcheck.runs.zone_grid import TITLE, ConsumerZones, ProviderZones, by_zone, zone_grid

#: Distinct zone grids a report carries; endpoints placed alike share one grid.
MAX_GRIDS = 50
#: Addresses named in the note of a grid that endpoints share.
NAMED = 5


def grids(
    endpoints: Sequence[PlannedEndpoint],
    plan: TerraformPlan,
    service_of: Callable[[PlannedEndpoint], ServiceDetail | None],
    zones: AccountZones | None,
    subnets: Mapping[str, Outcome[list[Subnet]]],
) -> list[View]:
    """One grid per distinct placement of ``endpoints`` (one account), at most MAX_GRIDS.

    A plan's endpoints are often placed alike (a module's ``for_each`` over the same
    subnets): they share one grid, which names them, so a large plan does not carry, or
    draw, thousands of identical tables. Every endpoint is still judged by
    endpoint-az-coverage.
    """
    shared: dict[tuple[object, ...], tuple[View, list[str]]] = {}
    for endpoint in endpoints:
        view = grid(endpoint, plan, service_of(endpoint), zones, subnets)
        if view is None:
            continue
        key = (view.columns, view.rows, view.highlight, view.note)
        shared.setdefault(key, (view, []))[1].append(endpoint.address)
    found = [_shared(view, addresses) for view, addresses in shared.values()]
    if len(found) > MAX_GRIDS:
        last = found[MAX_GRIDS - 1]
        more = (
            f"{len(found) - MAX_GRIDS} more placements are not drawn; endpoint-az-coverage "
            "judges every endpoint."
        )
        found = [*found[: MAX_GRIDS - 1], replace(last, note=_joined(last.note, more))]
    return found


def _shared(view: View, addresses: list[str]) -> View:
    if len(addresses) == 1:
        return view
    others = len(addresses) - 1
    named = ", ".join(addresses[1 : NAMED + 1])
    rest = f" and {others - NAMED} more" if others > NAMED else ""
    return replace(
        view,
        title=f"{TITLE}: {addresses[0]} and {others} more placed alike",
        note=_joined(view.note, f"Placed alike: {named}{rest}."),
    )


def _joined(note: str, more: str) -> str:
    return f"{note} {more}" if note else more


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
