"""Fixtures shared by every test: the simulated AWS world and its first scenario."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from plcheck.sim import SimulatedWorld
from plcheck.sim.scenarios import AzMismatchScenario, az_mismatch


@pytest.fixture
def world() -> Iterator[SimulatedWorld]:
    """A fresh simulated AWS world (in-process moto with plcheck's corrections)."""
    with SimulatedWorld() as w:
        yield w


@pytest.fixture
def scenario(world: SimulatedWorld) -> AzMismatchScenario:
    """Provider and consumer accounts whose zone names land on different AZ IDs."""
    return az_mismatch(world)
