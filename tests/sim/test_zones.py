"""Correction per-account-zones: zone names map to zone IDs per account, in the oldest Regions."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from plcheck.sim import SimulatedWorld
from plcheck.sim.corrections import (
    INDEPENDENTLY_MAPPED_REGIONS,
    default_zone_mapping,
    uniform_zone_mapping,
)

from .conftest import ClientFactory

US_EAST_1_IDS = {f"use1-az{i}" for i in range(1, 7)}


def _zones(ec2) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        z["ZoneName"]: z["ZoneId"] for z in ec2.describe_availability_zones()["AvailabilityZones"]
    }


def test_default_mapping_is_a_stable_per_account_permutation(
    world: SimulatedWorld, client: ClientFactory
) -> None:
    provider = _zones(client("provider", "ec2"))
    consumer = _zones(client("consumer", "ec2"))
    names = [f"us-east-1{c}" for c in "abcdef"]
    assert sorted(provider) == names == sorted(consumer)
    assert set(provider.values()) == US_EAST_1_IDS == set(consumer.values())
    # Without the correction both accounts see moto's one global table.
    assert provider != consumer
    assert provider == default_zone_mapping("111111111111", "us-east-1")
    assert default_zone_mapping("111111111111", "us-east-1") == default_zone_mapping(
        "111111111111", "us-east-1"
    )


def test_set_az_mapping_drives_describe_and_subnets(
    world: SimulatedWorld, client: ClientFactory
) -> None:
    mapping = {"us-east-1a": "use1-az4", "us-east-1b": "use1-az1"}
    world.set_az_mapping("222222222222", "us-east-1", mapping)
    full = world.az_mapping("222222222222", "us-east-1")
    assert full["us-east-1a"] == "use1-az4"
    assert set(full.values()) == US_EAST_1_IDS

    ec2 = client("consumer", "ec2")
    assert _zones(ec2) == full
    filtered = ec2.describe_availability_zones(ZoneIds=["use1-az4"])["AvailabilityZones"]
    assert [z["ZoneName"] for z in filtered] == ["us-east-1a"]

    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    by_name = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24", AvailabilityZone="us-east-1a")
    assert by_name["Subnet"]["AvailabilityZoneId"] == "use1-az4"
    by_id = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.2.0/24", AvailabilityZoneId="use1-az1")
    assert by_id["Subnet"]["AvailabilityZone"] == "us-east-1b"

    described = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    assert {s["AvailabilityZone"]: s["AvailabilityZoneId"] for s in described} == {
        "us-east-1a": "use1-az4",
        "us-east-1b": "use1-az1",
    }
    by_zone_id = ec2.describe_subnets(
        Filters=[
            {"Name": "availability-zone-id", "Values": ["use1-az4"]},
            {"Name": "vpc-id", "Values": [vpc]},
        ]
    )["Subnets"]
    assert [s["SubnetId"] for s in by_zone_id] == [by_name["Subnet"]["SubnetId"]]

    # The same name is another physical zone in the provider's account.
    world.set_az_mapping("111111111111", "us-east-1", {"us-east-1a": "use1-az1"})
    p_ec2 = client("provider", "ec2")
    p_vpc = p_ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    p_subnet = p_ec2.create_subnet(
        VpcId=p_vpc, CidrBlock="10.8.1.0/24", AvailabilityZone="us-east-1a"
    )
    assert p_subnet["Subnet"]["AvailabilityZoneId"] == "use1-az1"


def test_default_subnets_follow_the_mapping(world: SimulatedWorld, client: ClientFactory) -> None:
    ec2 = client("consumer", "ec2")
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])[
        "Subnets"
    ]
    assert {s["AvailabilityZone"]: s["AvailabilityZoneId"] for s in subnets} == world.az_mapping(
        "222222222222"
    )


def test_unknown_zone_is_rejected(world: SimulatedWorld, client: ClientFactory) -> None:
    ec2 = client("consumer", "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(ClientError) as err:
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24", AvailabilityZoneId="use1-az9")
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ValueError, match="unknown"):
        world.set_az_mapping("222222222222", "us-east-1", {"us-east-1a": "use1-az9"})


def test_load_balancer_zones_use_owner_names(world: SimulatedWorld, client: ClientFactory) -> None:
    world.set_az_mapping(
        "111111111111", "us-east-1", {"us-east-1a": "use1-az5", "us-east-1b": "use1-az6"}
    )
    ec2 = client("provider", "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZoneId="use1-az5")[
        "Subnet"
    ]
    b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZoneId="use1-az6")[
        "Subnet"
    ]
    elb = client("provider", "elbv2")
    lb = elb.create_load_balancer(
        Name="nlb", Subnets=[a["SubnetId"], b["SubnetId"]], Type="network", Scheme="internal"
    )["LoadBalancers"][0]
    described = elb.describe_load_balancers(LoadBalancerArns=[lb["LoadBalancerArn"]])
    zones = described["LoadBalancers"][0]["AvailabilityZones"]
    assert sorted((z["ZoneName"], z["SubnetId"]) for z in zones) == [
        ("us-east-1a", a["SubnetId"]),
        ("us-east-1b", b["SubnetId"]),
    ]
    assert all("ZoneId" not in z for z in zones)  # AWS returns names only here
    assert ":loadbalancer/net/nlb/" in lb["LoadBalancerArn"]


def test_independent_mapping_only_in_regions_launched_by_november_2012() -> None:
    assert {
        "us-east-1",
        "us-west-1",
        "us-west-2",
        "eu-west-1",
        "ap-southeast-1",
        "ap-northeast-1",
        "sa-east-1",
        "ap-southeast-2",
    } == INDEPENDENTLY_MAPPED_REGIONS


@pytest.mark.parametrize("region", ["eu-central-1", "us-east-2", "eu-west-2"])
def test_newer_regions_map_names_uniformly(
    world: SimulatedWorld, client: ClientFactory, region: str
) -> None:
    provider = _zones(client("provider", "ec2", region))
    consumer = _zones(client("consumer", "ec2", region))
    assert provider == consumer == uniform_zone_mapping(region)
    assert provider  # moto knows the Region's zones


def test_older_regions_map_names_per_account(world: SimulatedWorld, client: ClientFactory) -> None:
    provider = _zones(client("provider", "ec2", "ap-southeast-2"))
    consumer = _zones(client("consumer", "ec2", "ap-southeast-2"))
    assert sorted(provider.values()) == sorted(consumer.values())
    assert provider == default_zone_mapping("111111111111", "ap-southeast-2")
    assert consumer == default_zone_mapping("222222222222", "ap-southeast-2")


def test_account_created_since_november_2025_maps_uniformly(
    world: SimulatedWorld, client: ClientFactory
) -> None:
    ec2 = client("consumer", "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24", AvailabilityZone="us-east-1a")
    assert _zones(ec2) != uniform_zone_mapping("us-east-1")

    world.set_uniform_az_mapping("222222222222")
    assert _zones(ec2) == uniform_zone_mapping("us-east-1") == world.az_mapping("222222222222")
    described = ec2.describe_subnets(SubnetIds=[subnet["Subnet"]["SubnetId"]])["Subnets"][0]
    assert described["AvailabilityZone"] == "us-east-1a"
    assert described["AvailabilityZoneId"] == uniform_zone_mapping("us-east-1")["us-east-1a"]
    # The provider, an older account, keeps its own mapping.
    assert _zones(client("provider", "ec2")) == default_zone_mapping("111111111111", "us-east-1")
