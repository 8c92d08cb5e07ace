"""Correction 4: interface endpoints; correction 5: DescribeVpcEndpointConnections."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from plcheck.sim import SimulatedWorld
from plcheck.sim.scenarios import AzMismatchScenario

from .conftest import ClientFactory


def _create(ec2: Any, scenario: AzMismatchScenario, subnets: list[str], **kwargs: Any) -> Any:
    return ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=scenario.consumer_vpc_id,
        ServiceName=scenario.service_name,
        SubnetIds=subnets,
        **kwargs,
    )["VpcEndpoint"]


def test_subnet_outside_service_zones_is_rejected(
    scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    ec2 = client("consumer", "ec2")
    bad = scenario.consumer_subnet_ids["us-east-1a"]  # use1-az4: not served
    assert scenario.unsupported_consumer_subnet_ids == (bad,)
    with pytest.raises(ClientError) as err:
        _create(ec2, scenario, [scenario.consumer_subnet_ids["us-east-1b"], bad])
    assert err.value.response["Error"]["Code"] == "InvalidParameter"
    assert err.value.response["Error"]["Message"] == (
        f"The Vpc Endpoint Service '{scenario.service_name}' does not support the "
        f"availability zone of the subnet: '{bad}'."
    )


def test_invisible_service_is_rejected(
    world: SimulatedWorld, scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    world.admin_client(scenario.provider_account, "ec2").modify_vpc_endpoint_service_permissions(
        ServiceId=scenario.service_id,
        RemoveAllowedPrincipals=[f"arn:aws:iam::{scenario.consumer_account}:root"],
    )
    with pytest.raises(ClientError) as err:
        _create(client("consumer", "ec2"), scenario, list(scenario.supported_consumer_subnet_ids))
    assert err.value.response["Error"]["Code"] == "InvalidServiceName"


def test_endpoint_enis_and_dns(scenario: AzMismatchScenario, client: ClientFactory) -> None:
    ec2 = client("consumer", "ec2")
    subnets = list(scenario.supported_consumer_subnet_ids)
    endpoint = _create(
        ec2,
        scenario,
        subnets,
        SecurityGroupIds=[scenario.consumer_security_group_id],
        PrivateDnsEnabled=False,
    )
    assert endpoint["State"] == "available"  # AcceptanceRequired is false
    assert endpoint["VpcEndpointType"] == "Interface"
    assert endpoint["PrivateDnsEnabled"] is False
    assert re.fullmatch(r"vpce-[0-9a-f]{17}", endpoint["VpcEndpointId"])
    assert [g["GroupId"] for g in endpoint["Groups"]] == [scenario.consumer_security_group_id]

    enis = ec2.describe_network_interfaces(NetworkInterfaceIds=endpoint["NetworkInterfaceIds"])[
        "NetworkInterfaces"
    ]
    cidrs = {
        s["SubnetId"]: ipaddress.ip_network(s["CidrBlock"])
        for s in ec2.describe_subnets(SubnetIds=subnets)["Subnets"]
    }
    assert sorted(e["SubnetId"] for e in enis) == sorted(subnets)
    for eni in enis:
        assert ipaddress.ip_address(eni["PrivateIpAddress"]) in cidrs[eni["SubnetId"]]
        assert eni["InterfaceType"] == "vpc_endpoint"
        assert eni["VpcId"] == scenario.consumer_vpc_id
        assert [g["GroupId"] for g in eni["Groups"]] == [scenario.consumer_security_group_id]
        assert endpoint["VpcEndpointId"] in eni["Description"]
    by_type = ec2.describe_network_interfaces(
        Filters=[{"Name": "vpc-id", "Values": [scenario.consumer_vpc_id]}]
    )["NetworkInterfaces"]
    assert len(by_type) == 2

    names = [e["DnsName"] for e in endpoint["DnsEntries"]]
    suffix = f".{scenario.service_id}.us-east-1.vpce.amazonaws.com"
    regional = names[0]
    assert re.fullmatch(
        re.escape(endpoint["VpcEndpointId"]) + r"-[a-z0-9]{8}" + re.escape(suffix), regional
    )
    base = regional[: -len(suffix)]
    # Zonal names use the consumer's zone names.
    assert sorted(names[1:]) == [f"{base}-us-east-1b{suffix}", f"{base}-us-east-1c{suffix}"]
    assert all(e["HostedZoneId"] for e in endpoint["DnsEntries"])

    described = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])[
        "VpcEndpoints"
    ][0]
    assert described["DnsEntries"] == endpoint["DnsEntries"]
    assert described["OwnerId"] == scenario.consumer_account


def test_private_dns(
    world: SimulatedWorld, scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    ec2 = client("consumer", "ec2")
    subnets = list(scenario.supported_consumer_subnet_ids)
    endpoint = _create(ec2, scenario, subnets)  # defaults to on: the service has a name
    assert endpoint["PrivateDnsEnabled"] is True
    assert scenario.private_dns_name not in [e["DnsName"] for e in endpoint["DnsEntries"]]
    world.set_private_dns_state(
        scenario.provider_account, "us-east-1", scenario.service_id, "verified"
    )
    described = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])[
        "VpcEndpoints"
    ][0]
    assert scenario.private_dns_name in [e["DnsName"] for e in described["DnsEntries"]]

    # Private DNS needs both VPC DNS attributes.
    ec2.modify_vpc_attribute(VpcId=scenario.consumer_vpc_id, EnableDnsHostnames={"Value": False})
    with pytest.raises(ClientError) as err:
        _create(ec2, scenario, subnets, PrivateDnsEnabled=True)
    assert err.value.response["Error"]["Code"] == "InvalidParameter"
    assert "enableDnsHostnames" in err.value.response["Error"]["Message"]
    assert _create(ec2, scenario, subnets, PrivateDnsEnabled=False)["State"] == "available"


def test_acceptance_flow(
    world: SimulatedWorld, scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    provider = client("provider", "ec2")
    provider.modify_vpc_endpoint_service_configuration(
        ServiceId=scenario.service_id, AcceptanceRequired=True
    )
    consumer = client("consumer", "ec2")
    subnets = [scenario.consumer_subnet_ids["us-east-1b"]]
    first = _create(consumer, scenario, subnets, PrivateDnsEnabled=False)["VpcEndpointId"]
    second = _create(consumer, scenario, subnets, PrivateDnsEnabled=False)["VpcEndpointId"]

    def state(endpoint_id: str) -> str:
        return consumer.describe_vpc_endpoints(  # type: ignore[no-any-return]
            VpcEndpointIds=[endpoint_id]
        )["VpcEndpoints"][0]["State"]

    assert state(first) == state(second) == "pendingAcceptance"
    accepted = provider.accept_vpc_endpoint_connections(
        ServiceId=scenario.service_id, VpcEndpointIds=[first, "vpce-0123456789abcdef0"]
    )
    assert [u["ResourceId"] for u in accepted["Unsuccessful"]] == ["vpce-0123456789abcdef0"]
    # Accepted: pending for the one read that reports it, then available.
    assert state(first) == "pending"
    assert state(first) == "available"
    again = provider.accept_vpc_endpoint_connections(
        ServiceId=scenario.service_id, VpcEndpointIds=[first]
    )
    assert [u["Error"]["Code"] for u in again["Unsuccessful"]] == ["InvalidState"]
    assert (
        provider.reject_vpc_endpoint_connections(
            ServiceId=scenario.service_id, VpcEndpointIds=[second]
        )["Unsuccessful"]
        == []
    )
    assert state(second) == "rejected"
    pending = consumer.describe_vpc_endpoints(
        Filters=[{"Name": "vpc-endpoint-state", "Values": ["rejected"]}]
    )["VpcEndpoints"]
    assert [e["VpcEndpointId"] for e in pending] == [second]

    world.set_endpoint_state(
        scenario.consumer_account,
        "us-east-1",
        first,
        "failed",
        {"Code": "InsufficientCapacity", "Message": "no capacity"},
    )
    failed = consumer.describe_vpc_endpoints(VpcEndpointIds=[first])["VpcEndpoints"][0]
    assert failed["State"] == "failed"
    assert failed["LastError"] == {"Code": "InsufficientCapacity", "Message": "no capacity"}


def test_endpoint_connections(
    world: SimulatedWorld, scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    consumer = client("consumer", "ec2")
    subnets = list(scenario.supported_consumer_subnet_ids)
    created = [_create(consumer, scenario, subnets, PrivateDnsEnabled=False) for _ in range(7)]
    # A third account's endpoint to the same service.
    world.add_profile("third", "333333333333")
    client("provider", "ec2").modify_vpc_endpoint_service_permissions(
        ServiceId=scenario.service_id, AddAllowedPrincipals=["*"]
    )
    third = client("third", "ec2")
    vpc = third.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    zone = world.az_mapping("333333333333")
    name = next(n for n, i in zone.items() if i == "use1-az1")
    subnet = third.create_subnet(VpcId=vpc, CidrBlock="10.3.1.0/24", AvailabilityZone=name)
    other = third.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=vpc,
        ServiceName=scenario.service_name,
        SubnetIds=[subnet["Subnet"]["SubnetId"]],
        PrivateDnsEnabled=False,
    )["VpcEndpoint"]

    provider = client("provider", "ec2")
    pages = list(
        provider.get_paginator("describe_vpc_endpoint_connections").paginate(
            PaginationConfig={"PageSize": 5}
        )
    )
    assert len(pages) == 2
    connections = [c for page in pages for c in page["VpcEndpointConnections"]]
    assert sorted(c["VpcEndpointId"] for c in connections) == sorted(
        [e["VpcEndpointId"] for e in created] + [other["VpcEndpointId"]]
    )
    first = next(c for c in connections if c["VpcEndpointId"] == created[0]["VpcEndpointId"])
    assert first["ServiceId"] == scenario.service_id
    assert first["VpcEndpointOwner"] == scenario.consumer_account
    assert first["VpcEndpointState"] == "available"
    assert first["NetworkLoadBalancerArns"] == [scenario.nlb_arn]
    assert first["IpAddressType"] == "ipv4"
    assert first["DnsEntries"] == created[0]["DnsEntries"]
    assert first["VpcEndpointConnectionId"].startswith("vpce-con-")
    assert "CreationTimestamp" in first

    owners = provider.describe_vpc_endpoint_connections(
        Filters=[{"Name": "vpc-endpoint-owner", "Values": ["333333333333"]}]
    )["VpcEndpointConnections"]
    assert [c["VpcEndpointId"] for c in owners] == [other["VpcEndpointId"]]
    by_id = provider.describe_vpc_endpoint_connections(
        Filters=[
            {"Name": "service-id", "Values": [scenario.service_id]},
            {"Name": "vpc-endpoint-id", "Values": [created[1]["VpcEndpointId"]]},
        ]
    )["VpcEndpointConnections"]
    assert len(by_id) == 1
    assert (
        provider.describe_vpc_endpoint_connections(
            Filters=[{"Name": "vpc-endpoint-state", "Values": ["pendingAcceptance"]}]
        )["VpcEndpointConnections"]
        == []
    )
    # Only the service owner sees connections.
    assert consumer.describe_vpc_endpoint_connections()["VpcEndpointConnections"] == []


def _west_service(world: SimulatedWorld, supported: list[str]) -> Any:
    """A provider service in us-west-2 (zone usw2-az*), allowing the consumer account."""
    provider = "111111111111"
    ec2 = world.admin_client(provider, "ec2", "us-west-2")
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.5.1.0/24", AvailabilityZone="us-west-2a")
    nlb = world.admin_client(provider, "elbv2", "us-west-2").create_load_balancer(
        Name="west", Subnets=[subnet["Subnet"]["SubnetId"]], Type="network", Scheme="internal"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    service = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb], AcceptanceRequired=False, SupportedRegions=supported
    )["ServiceConfiguration"]
    ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"], AddAllowedPrincipals=["arn:aws:iam::222222222222:root"]
    )
    return service


def test_cross_region_endpoint_uses_any_zone_of_the_consumer_region(
    world: SimulatedWorld, scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    service = _west_service(world, ["us-east-1"])
    ec2 = client("consumer", "ec2")
    # us-east-1a is use1-az4 for the consumer, where the in-Region service is refused;
    # the us-west-2 service has no us-east-1 zone at all.
    subnets = [
        scenario.consumer_subnet_ids["us-east-1a"],
        scenario.consumer_subnet_ids["us-east-1b"],
    ]
    endpoint = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=scenario.consumer_vpc_id,
        ServiceName=service["ServiceName"],
        ServiceRegion="us-west-2",
        SubnetIds=subnets,
        PrivateDnsEnabled=False,
    )["VpcEndpoint"]
    assert endpoint["State"] == "available"
    assert endpoint["ServiceRegion"] == "us-west-2"
    assert sorted(endpoint["SubnetIds"]) == sorted(subnets)

    with pytest.raises(ClientError) as err:  # still one subnet per zone
        ec2.create_vpc_endpoint(
            VpcEndpointType="Interface",
            VpcId=scenario.consumer_vpc_id,
            ServiceName=service["ServiceName"],
            ServiceRegion="us-west-2",
            SubnetIds=[subnets[0], subnets[0]],
            PrivateDnsEnabled=False,
        )
    assert err.value.response["Error"]["Code"] == "DuplicateSubnetsInSameZone"


def test_cross_region_endpoint_needs_the_consumer_region_supported(
    world: SimulatedWorld, scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    service = _west_service(world, [])
    with pytest.raises(ClientError) as err:
        client("consumer", "ec2").create_vpc_endpoint(
            VpcEndpointType="Interface",
            VpcId=scenario.consumer_vpc_id,
            ServiceName=service["ServiceName"],
            ServiceRegion="us-west-2",
            SubnetIds=[scenario.consumer_subnet_ids["us-east-1b"]],
            PrivateDnsEnabled=False,
        )
    assert err.value.response["Error"]["Code"] == "InvalidServiceName"


def test_accepted_connection_is_pending_for_one_read_of_the_provider(
    scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    provider = client("provider", "ec2")
    provider.modify_vpc_endpoint_service_configuration(
        ServiceId=scenario.service_id, AcceptanceRequired=True
    )
    consumer = client("consumer", "ec2")
    endpoint = _create(
        consumer, scenario, [scenario.consumer_subnet_ids["us-east-1b"]], PrivateDnsEnabled=False
    )["VpcEndpointId"]
    provider.accept_vpc_endpoint_connections(
        ServiceId=scenario.service_id, VpcEndpointIds=[endpoint]
    )

    def connection_state() -> str:
        [connection] = provider.describe_vpc_endpoint_connections()["VpcEndpointConnections"]
        return str(connection["VpcEndpointState"])

    assert connection_state() == "pending"
    assert connection_state() == "available"
    state = consumer.describe_vpc_endpoints(VpcEndpointIds=[endpoint])["VpcEndpoints"][0]
    assert state["State"] == "available"
