"""Filters over many values stay within EC2's 200 values a request (plcheck.aws.filters).

The simulated world refuses more, as EC2 does (its ``filter_limit`` correction), so these
runs go through the real clients and the limit as AWS applies it.
"""

from __future__ import annotations

from typing import Any

from plcheck.aws import AwsContext, Scope
from plcheck.aws.consumer import endpoint_services
from plcheck.aws.filters import MAX_FILTER_VALUES, paginate_filtered
from plcheck.aws.network import subnets_in_vpcs
from plcheck.sim import SimulatedWorld
from plcheck.sim.scenarios import AzMismatchScenario

MANY = 2 * MAX_FILTER_VALUES + 50


def test_many_service_names_are_read_in_calls_of_200(
    world: SimulatedWorld, scenario: AzMismatchScenario
) -> None:
    unknown = [f"com.amazonaws.vpce.us-east-1.vpce-svc-{i:017x}" for i in range(MANY)]
    with AwsContext() as ctx:
        scope = Scope(profile=scenario.consumer_profile, region=scenario.region)
        found = endpoint_services(ctx, scope, [*unknown, scenario.service_name])
        sent = [c.action for c in ctx.calls]
    assert list(found) == [scenario.service_name]
    assert sent.count("ec2:DescribeVpcEndpointServices") == 3  # 451 names: 200 + 200 + 51


def test_many_vpcs_and_the_other_filters_values_count_too(
    world: SimulatedWorld, scenario: AzMismatchScenario
) -> None:
    vpcs = [scenario.consumer_vpc_id, *(f"vpc-{i:017x}" for i in range(MANY))]
    with AwsContext() as ctx:
        scope = Scope(profile=scenario.consumer_profile, region=scenario.region)
        subnets = subnets_in_vpcs(ctx, scope, vpcs)
        also = [{"Name": "state", "Values": ["available"] * 100}]
        response: dict[str, Any] = paginate_filtered(
            ctx, scope, "ec2", "describe_subnets", "vpc-id", vpcs, also=also
        )
        calls = [c.action for c in ctx.calls]
    assert {s.vpc_id for s in subnets} == {scenario.consumer_vpc_id}
    assert {s["SubnetId"] for s in response["Subnets"]} == {s.subnet_id for s in subnets}
    # 452 VPCs: 3 calls of 200; with 100 other values, 5 calls of 100.
    assert calls.count("ec2:DescribeSubnets") == 3 + 5


def test_no_values_ask_nothing(world: SimulatedWorld, scenario: AzMismatchScenario) -> None:
    """An empty filter would match every subnet of the account, not none."""
    with AwsContext() as ctx:
        scope = Scope(profile=scenario.consumer_profile, region=scenario.region)
        assert paginate_filtered(ctx, scope, "ec2", "describe_subnets", "vpc-id", []) == {}
        assert ctx.calls == []
