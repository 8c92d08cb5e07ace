"""Load balancers: security groups after creation, state, target group attributes, targets."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from plcheck.sim import SimulatedWorld
from plcheck.sim.scenarios import AzMismatchScenario

from .conftest import ClientFactory


def _group(world: SimulatedWorld, scenario: AzMismatchScenario, name: str) -> str:
    return str(
        world.admin_client(scenario.provider_account, "ec2").create_security_group(
            GroupName=name, Description=name, VpcId=scenario.provider_vpc_id
        )["GroupId"]
    )


def test_nlb_created_without_security_groups_cannot_get_them(
    world: SimulatedWorld, scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    elb = client("provider", "elbv2")
    group = _group(world, scenario, "late")
    with pytest.raises(ClientError) as err:
        elb.set_security_groups(LoadBalancerArn=scenario.nlb_arn, SecurityGroups=[group])
    assert err.value.response["Error"]["Code"] == "InvalidConfigurationRequest"
    assert "without security groups" in err.value.response["Error"]["Message"]
    lb = elb.describe_load_balancers(LoadBalancerArns=[scenario.nlb_arn])["LoadBalancers"][0]
    assert lb.get("SecurityGroups", []) == []

    # Created with one, it can take others.
    first, second = group, _group(world, scenario, "second")
    arn = elb.create_load_balancer(
        Name="grouped",
        Subnets=list(scenario.provider_subnet_ids.values()),
        SecurityGroups=[first],
        Scheme="internal",
        Type="network",
    )["LoadBalancers"][0]["LoadBalancerArn"]
    resp = elb.set_security_groups(LoadBalancerArn=arn, SecurityGroups=[second])
    assert resp["SecurityGroupIds"] == [second]
    assert resp["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "on"


def test_load_balancer_state_knob(
    world: SimulatedWorld, scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    elb = client("provider", "elbv2")

    def state() -> dict[str, str]:
        lbs = elb.describe_load_balancers(LoadBalancerArns=[scenario.nlb_arn])["LoadBalancers"]
        return dict(lbs[0]["State"])

    assert state() == {"Code": "active"}
    for code, reason in (
        ("provisioning", None),
        ("active_impaired", "one zone's nodes are impaired"),
        ("failed", "Insufficient capacity"),
    ):
        world.set_load_balancer_state(
            scenario.provider_account, "us-east-1", scenario.nlb_arn, code, reason
        )
        expected = {"Code": code, **({"Reason": reason} if reason else {})}
        assert state() == expected
        assert state() == expected  # moto's provisioning -> active step stays off
    with pytest.raises(ValueError, match="unknown load balancer state"):
        world.set_load_balancer_state(
            scenario.provider_account, "us-east-1", scenario.nlb_arn, "broken"
        )
    with pytest.raises(ValueError, match="no load balancer"):
        world.set_load_balancer_state(scenario.provider_account, "us-east-1", "arn:x", "failed")


def test_proxy_protocol_v2_attribute(scenario: AzMismatchScenario, client: ClientFactory) -> None:
    elb = client("provider", "elbv2")
    elb.modify_target_group_attributes(
        TargetGroupArn=scenario.target_group_arn,
        Attributes=[{"Key": "proxy_protocol_v2.enabled", "Value": "true"}],
    )
    attrs = elb.describe_target_group_attributes(TargetGroupArn=scenario.target_group_arn)
    assert {"Key": "proxy_protocol_v2.enabled", "Value": "true"} in attrs["Attributes"]


def test_targets_security_groups_are_readable(
    world: SimulatedWorld, scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    group = _group(world, scenario, "targets")
    subnet = scenario.provider_subnet_ids["us-east-1b"]
    admin = world.admin_client(scenario.provider_account, "ec2")
    instance = admin.run_instances(
        ImageId="ami-12345678", MinCount=1, MaxCount=1, SubnetId=subnet, SecurityGroupIds=[group]
    )["Instances"][0]["InstanceId"]
    eni = admin.create_network_interface(SubnetId=subnet, Groups=[group])["NetworkInterface"]

    ec2 = client("provider", "ec2")
    [described] = ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"]
    assert [g["GroupId"] for g in described["SecurityGroups"]] == [group]
    by_address = ec2.describe_network_interfaces(
        Filters=[{"Name": "addresses.private-ip-address", "Values": [eni["PrivateIpAddress"]]}]
    )["NetworkInterfaces"]
    assert [(n["NetworkInterfaceId"], [g["GroupId"] for g in n["Groups"]]) for n in by_address] == [
        (eni["NetworkInterfaceId"], [group])
    ]
