"""The zone grid on plain data: every verdict a zone can get."""

from __future__ import annotations

from plcheck.facts.zones import AccountZones, Zone
from plcheck.runs.zone_grid import ConsumerZones, ProviderZones, by_zone, zone_grid


def zones(label: str, account: str, names: dict[str, str]) -> AccountZones:
    return AccountZones(
        label, account, "us-east-1", tuple(Zone(n, z) for z, n in sorted(names.items()))
    )


PROVIDER = zones("provider", "111111111111", {"use1-az1": "us-east-1a", "use1-az2": "us-east-1b"})
CONSUMER = zones("consumer", "222222222222", {"use1-az1": "us-east-1b", "use1-az2": "us-east-1a"})


def grid(healthy: dict[str, int], cross_zone: bool | None) -> dict[str, tuple[str, ...]]:
    view = zone_grid(
        [PROVIDER, CONSUMER],
        ProviderZones(
            offered=frozenset({"use1-az1", "use1-az2"}),
            lb_subnets={"use1-az1": ["subnet-a"], "use1-az2": ["subnet-b"]},
            healthy=healthy,
            cross_zone=cross_zone,
        ),
        ConsumerZones(
            subnets={"use1-az1": ["subnet-c"], "use1-az2": ["subnet-d"]},
            endpoint={"use1-az1": ["subnet-c"], "use1-az2": ["subnet-d"]},
        ),
    )
    assert view.columns == (
        "AZ ID",
        "provider (111111111111)",
        "consumer (222222222222)",
        "Load balancer",
        "Healthy targets",
        "Consumer subnets",
        "Endpoint subnets",
        "Zone",
    )
    rows = {r[0]: r for r in view.rows}
    flagged = {view.rows[i][0] for i in view.highlight}
    assert flagged == {z for z, r in rows.items() if r[-1].startswith("✗")}
    return rows


def test_each_account_names_the_zone_its_own_way() -> None:
    rows = grid({"use1-az1": 2, "use1-az2": 1}, cross_zone=False)
    assert rows["use1-az1"][1:3] == ("us-east-1a", "us-east-1b")
    assert {r[-1] for r in rows.values()} == {"ok"}


def test_no_healthy_target_with_cross_zone_off_loses_the_zone() -> None:
    rows = grid({"use1-az1": 2}, cross_zone=False)
    assert rows["use1-az2"][-1] == "✗ no healthy target, cross-zone off: traffic lost"
    assert rows["use1-az2"][4] == "0"


def test_cross_zone_on_serves_the_zone_from_the_others() -> None:
    rows = grid({"use1-az1": 2}, cross_zone=True)
    assert rows["use1-az2"][-1] == "ok (cross-zone serves it from other zones)"


def test_unknown_cross_zone_is_said_not_flagged() -> None:
    rows = grid({"use1-az1": 2}, cross_zone=None)
    assert rows["use1-az2"][-1] == "no healthy target here (cross-zone unknown)"


def test_an_endpoint_zone_without_the_load_balancer_cannot_attach() -> None:
    view = zone_grid(
        [CONSUMER],
        ProviderZones(offered=frozenset({"use1-az1"})),
        ConsumerZones(subnets={}, endpoint=by_zone([("use1-az2", "subnet-d")]), planned=True),
    )
    rows = {r[0]: r for r in view.rows}
    assert view.columns[-2] == "Planned subnets"
    assert rows["use1-az2"][-1] == "✗ no load balancer here: cannot attach"
    assert rows["use1-az1"][-1] == "offered, not used"


def test_by_zone_keeps_each_item_once_in_order() -> None:
    assert by_zone([("z1", "a"), ("z1", "a"), ("z2", "b"), ("z1", "c")]) == {
        "z1": ["a", "c"],
        "z2": ["b"],
    }
