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


def west_service(story: Story, cidr: str, name: str) -> tuple[Any, dict[str, Any]]:
    """A service of the story's provider in us-west-2, open to its consumer account.

    Returns the provider's us-west-2 EC2 client and the service's configuration.
    """
    base, world = story.base, story.world
    west = "us-west-2"
    ec2 = world.admin_client(base.provider_account, "ec2", west)
    elb = world.admin_client(base.provider_account, "elbv2", west)
    vpc = ec2.create_vpc(CidrBlock=f"{cidr}.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"{cidr}.{i}.0/24", AvailabilityZone=f"{west}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in enumerate("ab", start=1)
    ]
    nlb = elb.create_load_balancer(Name=name, Subnets=subnets, Scheme="internal", Type="network")
    service: dict[str, Any] = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb["LoadBalancers"][0]["LoadBalancerArn"]],
        AcceptanceRequired=False,
    )["ServiceConfiguration"]
    ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"],
        AddAllowedPrincipals=[f"arn:aws:iam::{base.consumer_account}:root"],
    )
    return ec2, service
