"""Reads plcheck relies on, each through its account's profile (item 7 of the brief)."""

from __future__ import annotations

from plcheck.sim import SimulatedWorld
from plcheck.sim.scenarios import AzMismatchScenario

from .conftest import ClientFactory


def test_elbv2_reads(
    world: SimulatedWorld, scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    elb = client("provider", "elbv2")
    lb = elb.describe_load_balancers(LoadBalancerArns=[scenario.nlb_arn])["LoadBalancers"][0]
    assert lb["Type"] == "network"
    assert lb["Scheme"] == "internal"
    assert ":loadbalancer/net/" in lb["LoadBalancerArn"]
    assert "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic" not in lb

    group = world.admin_client(scenario.provider_account, "ec2").create_security_group(
        GroupName="nlb", Description="nlb", VpcId=scenario.provider_vpc_id
    )["GroupId"]
    with_groups = elb.create_load_balancer(
        Name="with-groups",
        Subnets=list(scenario.provider_subnet_ids.values()),
        SecurityGroups=[group],
        Scheme="internal",
        Type="network",
    )["LoadBalancers"][0]["LoadBalancerArn"]
    resp = elb.set_security_groups(
        LoadBalancerArn=with_groups,
        SecurityGroups=[group],
        EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic="off",
    )
    assert resp["SecurityGroupIds"] == [group]
    assert resp["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "off"
    lb = elb.describe_load_balancers(LoadBalancerArns=[with_groups])["LoadBalancers"][0]
    assert lb["SecurityGroups"] == [group]
    assert lb["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "off"

    listeners = elb.describe_listeners(LoadBalancerArn=scenario.nlb_arn)["Listeners"]
    assert [(lst["Protocol"], lst["Port"]) for lst in listeners] == [("TCP", 443)]
    assert listeners[0]["DefaultActions"][0]["TargetGroupArn"] == scenario.target_group_arn
    groups = elb.describe_target_groups(LoadBalancerArn=scenario.nlb_arn)["TargetGroups"]
    assert [g["TargetGroupArn"] for g in groups] == [scenario.target_group_arn]
    assert groups[0]["TargetType"] == "ip"

    elb.modify_load_balancer_attributes(
        LoadBalancerArn=scenario.nlb_arn,
        Attributes=[{"Key": "load_balancing.cross_zone.enabled", "Value": "true"}],
    )
    attrs = elb.describe_load_balancer_attributes(LoadBalancerArn=scenario.nlb_arn)["Attributes"]
    assert {"Key": "load_balancing.cross_zone.enabled", "Value": "true"} in attrs
    tg_attrs = elb.describe_target_group_attributes(TargetGroupArn=scenario.target_group_arn)[
        "Attributes"
    ]
    assert isinstance(tg_attrs, list)


def test_ec2_reads(scenario: AzMismatchScenario, client: ClientFactory) -> None:
    ec2 = client("consumer", "ec2")
    vpc = scenario.consumer_vpc_id
    support = ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsSupport")
    hostnames = ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsHostnames")
    assert support["EnableDnsSupport"]["Value"] is True
    assert hostnames["EnableDnsHostnames"]["Value"] is True
    dhcp_id = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["DhcpOptionsId"]
    assert ec2.describe_dhcp_options(DhcpOptionsIds=[dhcp_id])["DhcpOptions"]
    acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"]
    assert acls
    assert acls[0]["Entries"]
    groups = ec2.describe_security_groups(GroupIds=[scenario.consumer_security_group_id])
    assert groups["SecurityGroups"][0]["IpPermissions"][0]["FromPort"] == 443
    ep = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=vpc,
        ServiceName=scenario.service_name,
        SubnetIds=list(scenario.supported_consumer_subnet_ids),
        PrivateDnsEnabled=False,
    )["VpcEndpoint"]
    found = ec2.describe_vpc_endpoints(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc]},
            {"Name": "service-name", "Values": [scenario.service_name]},
            {"Name": "vpc-endpoint-type", "Values": ["Interface"]},
        ]
    )["VpcEndpoints"]
    assert [e["VpcEndpointId"] for e in found] == [ep["VpcEndpointId"]]
    # The provider does not see the consumer's endpoint as its own.
    assert client("provider", "ec2").describe_vpc_endpoints()["VpcEndpoints"] == []


def test_route53_hosted_zones_by_vpc(scenario: AzMismatchScenario, client: ClientFactory) -> None:
    r53 = client("consumer", "route53")
    r53.create_hosted_zone(
        Name="burrito.example.com",
        CallerReference="x",
        VPC={"VPCRegion": "us-east-1", "VPCId": scenario.consumer_vpc_id},
        HostedZoneConfig={"PrivateZone": True},
    )
    zones = r53.list_hosted_zones_by_vpc(VPCId=scenario.consumer_vpc_id, VPCRegion="us-east-1")
    assert [z["Name"] for z in zones["HostedZoneSummaries"]] == ["burrito.example.com."]
    other = client("provider", "route53").list_hosted_zones_by_vpc(
        VPCId=scenario.consumer_vpc_id, VPCRegion="us-east-1"
    )
    assert other["HostedZoneSummaries"] == []


def test_organizations_list_accounts(world: SimulatedWorld, client: ClientFactory) -> None:
    org = client("provider", "organizations")
    org.create_organization(FeatureSet="ALL")
    org.create_account(AccountName="member", Email="member@example.com")
    accounts = org.list_accounts()["Accounts"]
    assert "111111111111" in [a["Id"] for a in accounts]
    assert len(accounts) == 2


def test_default_dhcp_options(client: ClientFactory) -> None:
    ec2 = client("consumer", "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]
    assert vpc["DhcpOptionsId"].startswith("dopt-")
    options = ec2.describe_dhcp_options(DhcpOptionsIds=[vpc["DhcpOptionsId"]])["DhcpOptions"][0]
    config = {c["Key"]: [v["Value"] for v in c["Values"]] for c in options["DhcpConfigurations"]}
    assert config == {"domain-name": ["ec2.internal"], "domain-name-servers": ["AmazonProvidedDNS"]}
