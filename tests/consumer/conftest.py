"""Fixtures for ``plcheck consumer``: one simulated world per test module, read through profiles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from plcheck.cli import run
from plcheck.sim import SimulatedWorld
from plcheck.sim.consumer_scenarios import ConsumerStory, consumer_story
from plcheck.sim.scenarios import AzMismatchScenario, az_mismatch


@dataclass(frozen=True)
class Story:
    world: SimulatedWorld
    base: AzMismatchScenario
    consumer: ConsumerStory


@pytest.fixture(scope="module")
def story() -> Iterator[Story]:
    with SimulatedWorld() as world:
        base = az_mismatch(world)
        yield Story(world, base, consumer_story(world, base))


@dataclass(frozen=True)
class Result:
    code: int
    report: dict[str, Any]

    def of(self, check: str) -> list[dict[str, Any]]:
        return [f for f in self.report["findings"] if f["check"] == check]

    def one(self, check: str) -> dict[str, Any]:
        found = self.of(check)
        assert len(found) == 1, found
        return found[0]

    def statuses(self, check: str) -> list[str]:
        return [f["status"] for f in self.of(check)]


@pytest.fixture
def consumer(capsys: pytest.CaptureFixture[str]) -> Any:
    """``consumer(VPC, *args)``: run ``plcheck consumer`` as the consumer profile, JSON out."""

    def call(*args: str) -> Result:
        code = run(["consumer", *args, "--profile", "consumer", "--format", "json"])
        out = capsys.readouterr().out
        return Result(code, json.loads(out))

    return call
