"""Zone grids of a large plan: endpoints placed alike share one grid, and the grids are capped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from plcheck.model import View
from plcheck.runs import planned_grid


@dataclass(frozen=True)
class _Endpoint:
    address: str
    placement: str


def _grids(monkeypatch: pytest.MonkeyPatch, endpoints: list[_Endpoint]) -> list[View]:
    def grid(endpoint: Any, *_: Any) -> View:
        # Stands in for the real grid: the rows depend on the placement alone.
        return View(f"Zones by AZ ID: {endpoint.address}", ("AZ ID",), ((endpoint.placement,),))

    monkeypatch.setattr(planned_grid, "grid", grid)
    return planned_grid.grids(endpoints, None, lambda _: None, None, {})  # type: ignore[arg-type]


def test_endpoints_placed_alike_share_one_grid_that_names_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alike = [_Endpoint(f'module.pl["{i}"].aws_vpc_endpoint.this', "a") for i in range(8)]
    other = _Endpoint("aws_vpc_endpoint.other", "b")
    shared, single = _grids(monkeypatch, [*alike, other])
    assert shared.title == f"Zones by AZ ID: {alike[0].address} and 7 more placed alike"
    assert shared.rows == (("a",),)
    # The note names the first few others and counts the rest.
    assert alike[1].address in shared.note
    assert alike[7].address not in shared.note
    assert shared.note.endswith("and 2 more.")
    assert single.title == "Zones by AZ ID: aws_vpc_endpoint.other"
    assert single.note == ""


def test_distinct_placements_beyond_the_cap_are_counted_not_drawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    many = [_Endpoint(f"aws_vpc_endpoint.e{i}", str(i)) for i in range(planned_grid.MAX_GRIDS + 7)]
    found = _grids(monkeypatch, many)
    assert len(found) == planned_grid.MAX_GRIDS
    assert "7 more placements are not drawn" in found[-1].note
    assert all("not drawn" not in v.note for v in found[:-1])
