"""``--endpoint`` gathering against the simulated AWS world (moto behind real boto3).

The endpoint's interfaces have VPC addresses that are not on loopback, so this
checks only what the AWS layer reads; DNS/TCP/TLS against an endpoint are covered
with recorded answers in test_probe_command.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("moto")

from plcheck.aws import AwsContext, Scope
from plcheck.aws.endpoints import describe_endpoint
from plcheck.sim import SimulatedWorld
from plcheck.sim.scenarios import AzMismatchScenario, az_mismatch


@pytest.fixture
def scenario() -> Iterator[AzMismatchScenario]:
    with SimulatedWorld() as world:
        yield az_mismatch(world)


def test_describe_endpoint_reads_names_and_interfaces(scenario: AzMismatchScenario) -> None:
    import boto3

    ec2: Any = boto3.Session(profile_name=scenario.consumer_profile).client(
        "ec2", region_name=scenario.region
    )
    created = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=scenario.consumer_vpc_id,
        ServiceName=scenario.service_name,
        SubnetIds=list(scenario.supported_consumer_subnet_ids),
        PrivateDnsEnabled=False,
    )["VpcEndpoint"]
    endpoint_id = created["VpcEndpointId"]
    with AwsContext() as ctx:
        scope = Scope(profile=scenario.consumer_profile, region=scenario.region)
        info = describe_endpoint(ctx, scope, endpoint_id)
        actions = [c.action for c in ctx.calls]
    assert actions == ["ec2:DescribeVpcEndpoints", "ec2:DescribeNetworkInterfaces"]
    assert info.endpoint_id == endpoint_id
    assert info.account == scenario.consumer_account
    assert info.region == scenario.region
    assert len(info.interfaces) == len(scenario.supported_consumer_subnet_ids)
    assert all(len(i.private_ips) == 1 for i in info.interfaces)
    regional, *zonal = info.dns_names
    assert info.zone_of(regional) is None
    assert info.expected_addresses(regional) == tuple(
        ip for i in info.interfaces for ip in i.private_ips
    )
    for name in zonal:
        zone = info.zone_of(name)
        assert zone in {i.availability_zone for i in info.interfaces}
        (interface,) = info.expected_interfaces(name)
        assert interface.availability_zone == zone
