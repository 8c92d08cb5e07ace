"""Correction 2: endpoint services across accounts; correction 3: private DNS verification."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from plcheck.sim import SimulatedWorld
from plcheck.sim.scenarios import AzMismatchScenario

from .conftest import ClientFactory


def _detail(ec2, name: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    details = ec2.describe_vpc_endpoint_services(ServiceNames=[name])["ServiceDetails"]
    assert len(details) == 1
    return details[0]  # type: ignore[no-any-return]


def test_consumer_sees_allowed_service_in_its_own_zone_names(
    scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    detail = _detail(client("consumer", "ec2"), scenario.service_name)
    assert detail["Owner"] == scenario.provider_account
    assert detail["ServiceId"] == scenario.service_id
    assert detail["AvailabilityZoneIds"] == ["use1-az1", "use1-az2"]
    # Provider's 1a/1b (az1/az2) are the consumer's 1b/1c.
    assert detail["AvailabilityZones"] == ["us-east-1b", "us-east-1c"]
    assert detail["AcceptanceRequired"] is False
    assert detail["ManagesVpcEndpoints"] is False
    assert detail["PrivateDnsName"] == "api.burrito.example.com"
    assert detail["PrivateDnsNameVerificationState"] == "pendingVerification"
    assert detail["SupportedIpAddressTypes"] == ["ipv4"]
    assert detail["ServiceRegion"] == "us-east-1"
    assert detail["ServiceType"] == [{"ServiceType": "Interface"}]
    assert re.fullmatch(r"vpce-svc-[0-9a-f]{17}", detail["ServiceId"])

    by_filter = client("consumer", "ec2").describe_vpc_endpoint_services(
        Filters=[{"Name": "service-name", "Values": [scenario.service_name]}]
    )["ServiceDetails"]
    assert [d["ServiceId"] for d in by_filter] == [scenario.service_id]


def test_owner_sees_its_zone_names_and_ids(
    scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    ec2 = client("provider", "ec2")
    detail = _detail(ec2, scenario.service_name)
    assert detail["AvailabilityZones"] == ["us-east-1a", "us-east-1b"]
    assert detail["AvailabilityZoneIds"] == ["use1-az1", "use1-az2"]
    config = ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[scenario.service_id])[
        "ServiceConfigurations"
    ][0]
    assert config["AvailabilityZones"] == ["us-east-1a", "us-east-1b"]
    assert config["AvailabilityZoneIds"] == ["use1-az1", "use1-az2"]
    assert config["SupportedRegions"] == [{"Region": "us-east-1", "ServiceState": "Available"}]
    assert config["AcceptanceRequired"] is False


def test_not_allowed_service_is_invisible(
    world: SimulatedWorld, scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    world.add_profile("stranger", "333333333333")
    ec2 = client("stranger", "ec2")
    names = [d["ServiceName"] for d in ec2.describe_vpc_endpoint_services()["ServiceDetails"]]
    assert scenario.service_name not in names
    assert "com.amazonaws.us-east-1.s3" in names  # AWS's own services stay
    with pytest.raises(ClientError) as err:
        ec2.describe_vpc_endpoint_services(ServiceNames=[scenario.service_name])
    assert err.value.response["Error"]["Code"] == "InvalidServiceName"

    # Removing the consumer's permission hides it from the consumer too.
    world.admin_client(scenario.provider_account, "ec2").modify_vpc_endpoint_service_permissions(
        ServiceId=scenario.service_id,
        RemoveAllowedPrincipals=[f"arn:aws:iam::{scenario.consumer_account}:root"],
    )
    with pytest.raises(ClientError) as err:
        client("consumer", "ec2").describe_vpc_endpoint_services(
            ServiceNames=[scenario.service_name]
        )
    assert err.value.response["Error"]["Code"] == "InvalidServiceName"


@pytest.mark.parametrize(
    ("principal", "visible"),
    [
        ("*", True),
        ("arn:aws:iam::333333333333:root", True),
        ("arn:aws:iam::333333333333:role/plcheck-readonly", True),
        ("arn:aws:iam::333333333333:role/someone-else", False),
        ("arn:aws:iam::444444444444:root", False),
    ],
)
def test_principal_semantics(
    world: SimulatedWorld,
    scenario: AzMismatchScenario,
    client: ClientFactory,
    principal: str,
    visible: bool,
) -> None:
    world.add_profile("third", "333333333333")
    world.admin_client(scenario.provider_account, "ec2").modify_vpc_endpoint_service_permissions(
        ServiceId=scenario.service_id, AddAllowedPrincipals=[principal]
    )
    names = [
        d["ServiceName"]
        for d in client("third", "ec2").describe_vpc_endpoint_services()["ServiceDetails"]
    ]
    assert (scenario.service_name in names) is visible


def test_permissions_carry_principal_type(
    scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    ec2 = client("provider", "ec2")
    ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=scenario.service_id, AddAllowedPrincipals=["*"]
    )
    allowed = ec2.describe_vpc_endpoint_service_permissions(ServiceId=scenario.service_id)[
        "AllowedPrincipals"
    ]
    types = {p["Principal"]: p["PrincipalType"] for p in allowed}
    assert types == {"*": "All", "arn:aws:iam::222222222222:root": "Account"}
    assert all(p["ServiceId"] == scenario.service_id for p in allowed)


def test_organization_and_ou_principals_are_organization_units(
    scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    org = "arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5"
    ou = "arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab12-cdefgh34"
    role = "arn:aws:iam::333333333333:role/deployer"
    user = "arn:aws:iam::333333333333:user/alice"
    ec2 = client("provider", "ec2")
    ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=scenario.service_id, AddAllowedPrincipals=[org, ou, role, user]
    )
    allowed = ec2.describe_vpc_endpoint_service_permissions(ServiceId=scenario.service_id)[
        "AllowedPrincipals"
    ]
    types = {p["Principal"]: p["PrincipalType"] for p in allowed}
    # The API has no "Organization" type: OrganizationUnit stands for both.
    assert types[org] == types[ou] == "OrganizationUnit"
    assert types[role] == "Role"
    assert types[user] == "User"


def test_zones_follow_the_load_balancers(
    world: SimulatedWorld, scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    p_ec2 = world.admin_client(scenario.provider_account, "ec2")
    subnet = p_ec2.create_subnet(
        VpcId=scenario.provider_vpc_id, CidrBlock="10.0.3.0/24", AvailabilityZone="us-east-1c"
    )["Subnet"]["SubnetId"]
    nlb = world.admin_client(scenario.provider_account, "elbv2").create_load_balancer(
        Name="second", Subnets=[subnet], Type="network", Scheme="internal"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    p_ec2.modify_vpc_endpoint_service_configuration(
        ServiceId=scenario.service_id, AddNetworkLoadBalancerArns=[nlb]
    )
    detail = _detail(client("consumer", "ec2"), scenario.service_name)
    assert detail["AvailabilityZoneIds"] == ["use1-az1", "use1-az2", "use1-az3"]
    assert detail["AvailabilityZones"] == ["us-east-1b", "us-east-1c", "us-east-1d"]


def test_supported_regions_and_cross_region_listing(
    world: SimulatedWorld, client: ClientFactory
) -> None:
    provider = "111111111111"
    ec2 = world.admin_client(provider, "ec2", "us-west-2")
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.5.1.0/24", AvailabilityZone="us-west-2a")
    nlb = world.admin_client(provider, "elbv2", "us-west-2").create_load_balancer(
        Name="west", Subnets=[subnet["Subnet"]["SubnetId"]], Type="network", Scheme="internal"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    service = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb], AcceptanceRequired=True, SupportedRegions=["us-east-1"]
    )["ServiceConfiguration"]
    ec2.modify_vpc_endpoint_service_configuration(
        ServiceId=service["ServiceId"], AddSupportedRegions=["eu-west-1"]
    )
    ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"], AddAllowedPrincipals=["arn:aws:iam::222222222222:root"]
    )
    config = ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[service["ServiceId"]])[
        "ServiceConfigurations"
    ][0]
    assert [r["Region"] for r in config["SupportedRegions"]] == [
        "us-west-2",
        "us-east-1",
        "eu-west-1",
    ]
    consumer = client("consumer", "ec2", "us-east-1")
    local = [d["ServiceName"] for d in consumer.describe_vpc_endpoint_services()["ServiceDetails"]]
    assert service["ServiceName"] not in local
    remote = consumer.describe_vpc_endpoint_services(ServiceRegions=["us-west-2"])["ServiceDetails"]
    assert [(d["ServiceName"], d["ServiceRegion"]) for d in remote] == [
        (service["ServiceName"], "us-west-2")
    ]


def test_pagination_of_services(scenario: AzMismatchScenario, client: ClientFactory) -> None:
    ec2 = client("consumer", "ec2")
    pages = ec2.get_paginator("describe_vpc_endpoint_services").paginate(
        PaginationConfig={"PageSize": 100}
    )
    names = [d["ServiceName"] for page in pages for d in page["ServiceDetails"]]
    assert len(names) == len(ec2.describe_vpc_endpoint_services()["ServiceDetails"]) > 100
    assert scenario.service_name in names


# ---------------------------------------------------------------- private DNS


def test_private_dns_starts_pending_with_aws_shaped_record(
    world: SimulatedWorld, scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    ec2 = client("provider", "ec2")

    def configuration() -> dict:  # type: ignore[type-arg]
        return ec2.describe_vpc_endpoint_service_configurations(  # type: ignore[no-any-return]
            ServiceIds=[scenario.service_id]
        )["ServiceConfigurations"][0]

    dns = configuration()["PrivateDnsNameConfiguration"]
    assert dns["State"] == "pendingVerification"
    assert dns["Type"] == "TXT"
    assert re.fullmatch(r"_[a-z0-9]{20}", dns["Name"])
    assert re.fullmatch(r"vpce:[a-z0-9]{20}", dns["Value"])
    assert configuration()["PrivateDnsNameConfiguration"] == dns  # stable

    world.set_private_dns_state(
        scenario.provider_account, "us-east-1", scenario.service_id, "verified"
    )
    assert configuration()["PrivateDnsNameConfiguration"] == {**dns, "State": "verified"}
    consumer_view = _detail(client("consumer", "ec2"), scenario.service_name)
    assert consumer_view["PrivateDnsNameVerificationState"] == "verified"
    assert _detail(ec2, scenario.service_name)["PrivateDnsNameVerificationState"] == "verified"

    world.set_private_dns_state(
        scenario.provider_account, "us-east-1", scenario.service_id, "failed"
    )
    assert (
        _detail(client("consumer", "ec2"), scenario.service_name)["PrivateDnsNameVerificationState"]
        == "failed"
    )

    # A new name must be verified again, with a new record.
    ec2.modify_vpc_endpoint_service_configuration(
        ServiceId=scenario.service_id, PrivateDnsName="api2.burrito.example.com"
    )
    again = configuration()["PrivateDnsNameConfiguration"]
    assert again["State"] == "pendingVerification"
    assert again["Name"] != dns["Name"]

    ec2.modify_vpc_endpoint_service_configuration(
        ServiceId=scenario.service_id, RemovePrivateDnsName=True
    )
    removed = _detail(client("consumer", "ec2"), scenario.service_name)
    assert "PrivateDnsName" not in removed
    assert "PrivateDnsNameVerificationState" not in removed


def test_private_dns_knob_validates(world: SimulatedWorld, scenario: AzMismatchScenario) -> None:
    with pytest.raises(ValueError, match="unknown"):
        world.set_private_dns_state(
            scenario.provider_account, "us-east-1", scenario.service_id, "ok"
        )
    with pytest.raises(ValueError, match="no endpoint service"):
        world.set_private_dns_state(
            scenario.consumer_account, "us-east-1", scenario.service_id, "verified"
        )
