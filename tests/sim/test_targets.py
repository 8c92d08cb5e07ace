"""Correction 6: target health is what the world says, not always healthy."""

from __future__ import annotations

import pytest

from plcheck.sim import SimulatedWorld
from plcheck.sim.scenarios import AzMismatchScenario

from .conftest import ClientFactory


def _health(elb, arn: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    descriptions = elb.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    return {d["Target"]["Id"]: d for d in descriptions}


def test_default_healthy_then_knob(
    world: SimulatedWorld, scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    elb = client("provider", "elbv2")
    before = _health(elb, scenario.target_group_arn)
    assert {i: d["TargetHealth"]["State"] for i, d in before.items()} == dict.fromkeys(
        scenario.target_ips, "healthy"
    )
    world.set_target_health(
        scenario.provider_account,
        "us-east-1",
        scenario.target_group_arn,
        scenario.target_ips[0],
        "unhealthy",
        "Target.Timeout",
        "Request timed out",
    )
    after = _health(elb, scenario.target_group_arn)
    assert after[scenario.target_ips[0]]["TargetHealth"] == {
        "State": "unhealthy",
        "Reason": "Target.Timeout",
        "Description": "Request timed out",
    }
    assert after[scenario.target_ips[1]]["TargetHealth"]["State"] == "healthy"
    assert after[scenario.target_ips[0]]["Target"]["Port"] == 443


def test_availability_zone_is_echoed(
    world: SimulatedWorld, scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    elb = client("provider", "elbv2")
    elb.register_targets(
        TargetGroupArn=scenario.target_group_arn,
        Targets=[{"Id": "192.168.0.10", "Port": 443, "AvailabilityZone": "all"}],
    )
    health = _health(elb, scenario.target_group_arn)
    assert health["192.168.0.10"]["Target"]["AvailabilityZone"] == "all"
    assert "AvailabilityZone" not in health[scenario.target_ips[0]]["Target"]


def test_knob_validates(world: SimulatedWorld, scenario: AzMismatchScenario) -> None:
    with pytest.raises(ValueError, match="not registered"):
        world.set_target_health(
            scenario.provider_account, "us-east-1", scenario.target_group_arn, "10.0.9.9", "healthy"
        )
    with pytest.raises(ValueError, match="unknown target health state"):
        world.set_target_health(
            scenario.provider_account,
            "us-east-1",
            scenario.target_group_arn,
            scenario.target_ips[0],
            "sick",
        )
