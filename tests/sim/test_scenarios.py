"""Scenarios are built through the API and look right through the profiles."""

from __future__ import annotations

import dataclasses
import time

import pytest

from plcheck.sim import SimulatedWorld
from plcheck.sim.scenarios import AzMismatchScenario, az_mismatch

from .conftest import ClientFactory


def test_az_mismatch_shape(scenario: AzMismatchScenario, client: ClientFactory) -> None:
    assert scenario.provider_profile == "provider"
    assert scenario.consumer_profile == "consumer"
    assert set(scenario.consumer_subnet_ids) == {"us-east-1a", "us-east-1b", "us-east-1c"}
    assert set(scenario.provider_subnet_ids) == {"us-east-1a", "us-east-1b"}
    # Names collide on different physical zones.
    assert scenario.provider_az_mapping["us-east-1a"] != scenario.consumer_az_mapping["us-east-1a"]
    assert scenario.service_zone_ids == ("use1-az1", "use1-az2")
    assert len(scenario.supported_consumer_subnet_ids) == 2
    assert scenario.unsupported_consumer_subnet_ids == (scenario.consumer_subnet_ids["us-east-1a"],)
    with pytest.raises(dataclasses.FrozenInstanceError):
        scenario.service_id = "x"  # type: ignore[misc]

    subnets = client("consumer", "ec2").describe_subnets(
        SubnetIds=list(scenario.consumer_subnet_ids.values())
    )["Subnets"]
    assert {s["AvailabilityZone"]: s["AvailabilityZoneId"] for s in subnets} == {
        "us-east-1a": "use1-az4",
        "us-east-1b": "use1-az1",
        "us-east-1c": "use1-az2",
    }
    config = client("provider", "ec2").describe_vpc_endpoint_service_configurations()[
        "ServiceConfigurations"
    ]
    assert [c["ServiceId"] for c in config] == [scenario.service_id]
    assert config[0]["PrivateDnsNameConfiguration"]["State"] == "pendingVerification"
    assert config[0]["NetworkLoadBalancerArns"] == [scenario.nlb_arn]


def test_az_mismatch_is_fast_when_warm() -> None:
    with SimulatedWorld() as world:
        az_mismatch(world)  # warm up model loading
    with SimulatedWorld() as world:
        start = time.perf_counter()
        az_mismatch(world)
        # Only a guard against a pathological regression (~1 s quiet, 6 s seen under
        # load); the speed itself is measured in `make bench`.
        assert time.perf_counter() - start < 20.0
