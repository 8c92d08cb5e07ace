"""The zone grid: one row per AZ ID, each account's name for it, and what each side has there.

People would rather look at zones than read about them. The grid puts the
provider's side (load balancer subnets, healthy targets) beside the consumer's
(its subnets, the endpoint's network interfaces or the planned subnets), zone by
zone, matched by AZ ID, and says in words where an endpoint zone has no load
balancer, or no healthy target while cross-zone load balancing is off. The
consumer, check and plan runs add it to their views, so it is a table for
people, a ``views`` entry in JSON and a Markdown table in the job summary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from plcheck.facts.zones import AccountZones, zone_id_order
from plcheck.model import View

#: The title every zone grid starts with (tests and renderers find grids by it).
TITLE = "Zones by AZ ID"


@dataclass(frozen=True)
class ProviderZones:
    """The provider's side of each zone, as far as it is known."""

    offered: frozenset[str]
    """AZ IDs the service is offered in (its load balancers' zones)."""
    lb_subnets: Mapping[str, Sequence[str]] | None = None
    """AZ ID → the load balancers' subnets there; None when the provider was not read."""
    healthy: Mapping[str, int] | None = None
    """AZ ID → healthy targets serving it; None when target health is unknown."""
    cross_zone: bool | None = None
    """Cross-zone load balancing: True when any target group has it on; None when unknown."""


@dataclass(frozen=True)
class ConsumerZones:
    """The consumer's side of each zone."""

    subnets: Mapping[str, Sequence[str]]
    """AZ ID → the consumer VPC's subnets there."""
    endpoint: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """AZ ID → the endpoint's subnets (its network interfaces), or the planned subnets."""
    planned: bool = False
    """True when ``endpoint`` holds planned subnets rather than an existing endpoint's."""


def zone_grid(
    accounts: Sequence[AccountZones],
    provider: ProviderZones | None,
    consumer: ConsumerZones | None,
    subject: str = "",
) -> View:
    """The grid over every zone any of ``accounts`` has, in AZ ID order."""
    zone_ids = sorted({z for a in accounts for z in a.id_to_name}, key=zone_id_order)
    endpoint_word = "Planned subnets" if consumer and consumer.planned else "Endpoint subnets"
    columns = ["AZ ID", *(f"{a.label} ({a.account})" for a in accounts)]
    if provider is not None:
        columns.append("Load balancer" if provider.lb_subnets is not None else "Service offered")
        if provider.healthy is not None:
            columns.append("Healthy targets")
    if consumer is not None:
        columns += ["Consumer subnets", endpoint_word]
    columns.append("Zone")
    rows: list[tuple[str, ...]] = []
    highlight: set[int] = set()
    for zone_id in zone_ids:
        cells = [zone_id, *(a.id_to_name.get(zone_id, "—") for a in accounts)]
        if provider is not None:
            if provider.lb_subnets is not None:
                cells.append(", ".join(provider.lb_subnets.get(zone_id, ())) or "—")
            else:
                cells.append("✓ offered" if zone_id in provider.offered else "—")
            if provider.healthy is not None:
                cells.append(str(provider.healthy.get(zone_id, 0)))
        if consumer is not None:
            cells.append(", ".join(consumer.subnets.get(zone_id, ())) or "—")
            cells.append(", ".join(consumer.endpoint.get(zone_id, ())) or "—")
        verdict = _verdict(zone_id, provider, consumer)
        if verdict.startswith("✗"):
            highlight.add(len(rows))
        cells.append(verdict)
        rows.append(tuple(cells))
    return View(
        title=f"{TITLE}{f': {subject}' if subject else ''}",
        columns=tuple(columns),
        rows=tuple(rows),
        highlight=frozenset(highlight),
        note=(
            "Zone names differ per account; the AZ ID is the physical zone. "
            "A zone marked ✗ loses the endpoint's traffic there."
        ),
    )


def _verdict(zone_id: str, provider: ProviderZones | None, consumer: ConsumerZones | None) -> str:
    """The zone's state in words: what an endpoint there gets."""
    used = bool(consumer and consumer.endpoint.get(zone_id))
    if provider is None or consumer is None:
        return "offered" if provider is not None and zone_id in provider.offered else ""
    if not used:
        return "offered, not used" if zone_id in provider.offered else ""
    if zone_id not in provider.offered:
        return "✗ no load balancer here: cannot attach"
    if provider.healthy is not None and not provider.healthy.get(zone_id):
        if provider.cross_zone is False:
            return "✗ no healthy target, cross-zone off: traffic lost"
        if provider.cross_zone is None:
            return "no healthy target here (cross-zone unknown)"
        return "ok (cross-zone serves it from other zones)"
    return "ok"


def by_zone(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """``[(zone_id, item), ...]`` → zone ID → its items, each once, in order."""
    out: dict[str, list[str]] = {}
    for zone_id, item in pairs:
        items = out.setdefault(zone_id, [])
        if item not in items:
            items.append(item)
    return out
