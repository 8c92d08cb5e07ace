"""Reads plcheck relies on, each through its account's profile (item 7 of the brief)."""

from __future__ import annotations

import pytest

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


def test_describe_regions_per_account_opt_in(world: SimulatedWorld, client: ClientFactory) -> None:
    world.set_region_opt_in("222222222222", "af-south-1", "not-opted-in")
    world.set_region_opt_in("111111111111", "af-south-1", "opted-in")
    consumer = client("consumer", "ec2")

    def statuses(ec2, **kwargs) -> dict[str, str]:  # type: ignore[no-untyped-def]
        regions = ec2.describe_regions(**kwargs)["Regions"]
        return {r["RegionName"]: r["OptInStatus"] for r in regions}

    everything = statuses(consumer, AllRegions=True)
    assert everything["af-south-1"] == "not-opted-in"
    assert everything["us-east-1"] == "opt-in-not-required"
    enabled = statuses(consumer)
    assert "af-south-1" not in enabled
    assert "not-opted-in" not in enabled.values()
    assert statuses(client("provider", "ec2"))["af-south-1"] == "opted-in"
    assert statuses(
        consumer, AllRegions=True, Filters=[{"Name": "opt-in-status", "Values": ["not-opted-in"]}]
    ) == {name: s for name, s in everything.items() if s == "not-opted-in"}
    with pytest.raises(ValueError, match="unknown region opt-in status"):
        world.set_region_opt_in("222222222222", "af-south-1", "maybe")


def test_resolver_rules_and_associations(
    scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    ec2 = client("consumer", "ec2")
    vpc = scenario.consumer_vpc_id
    group = ec2.create_security_group(GroupName="resolver", Description="r", VpcId=vpc)["GroupId"]
    resolver = client("consumer", "route53resolver")
    outbound = resolver.create_resolver_endpoint(
        CreatorRequestId="out",
        Direction="OUTBOUND",
        SecurityGroupIds=[group],
        IpAddresses=[{"SubnetId": s} for s in scenario.consumer_subnet_ids.values()][:2],
    )["ResolverEndpoint"]["Id"]
    rule = resolver.create_resolver_rule(
        CreatorRequestId="fwd",
        RuleType="FORWARD",
        DomainName="example.com",
        TargetIps=[{"Ip": "10.99.0.2", "Port": 53}],
        ResolverEndpointId=outbound,
    )["ResolverRule"]
    resolver.associate_resolver_rule(ResolverRuleId=rule["Id"], VPCId=vpc)

    associations = resolver.list_resolver_rule_associations(
        Filters=[{"Name": "VPCId", "Values": [vpc]}]
    )["ResolverRuleAssociations"]
    assert [(a["ResolverRuleId"], a["VPCId"]) for a in associations] == [(rule["Id"], vpc)]
    rules = {r["Id"]: r for r in resolver.list_resolver_rules()["ResolverRules"]}
    assert rules[rule["Id"]]["RuleType"] == "FORWARD"
    assert rules[rule["Id"]]["DomainName"] == "example.com."
    assert rules[rule["Id"]]["TargetIps"] == [{"Ip": "10.99.0.2", "Port": 53}]
    # Another account sees neither (rules are shared only through AWS RAM).
    other = client("provider", "route53resolver")
    assert rule["Id"] not in [r["Id"] for r in other.list_resolver_rules()["ResolverRules"]]


def test_parent_zone_record_for_an_exact_name(
    scenario: AzMismatchScenario, client: ClientFactory
) -> None:
    r53 = client("consumer", "route53")
    zone = r53.create_hosted_zone(
        Name="example.com",
        CallerReference="parent",
        VPC={"VPCRegion": "us-east-1", "VPCId": scenario.consumer_vpc_id},
        HostedZoneConfig={"PrivateZone": True},
    )["HostedZone"]["Id"]
    r53.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={
            "Changes": [
                {
                    "Action": "CREATE",
                    "ResourceRecordSet": {
                        "Name": name,
                        "Type": "A",
                        "TTL": 60,
                        "ResourceRecords": [{"Value": "10.0.0.9"}],
                    },
                }
                for name in ("api.example.com", "www.example.com")
            ]
        },
    )
    records = r53.list_resource_record_sets(
        HostedZoneId=zone, StartRecordName="api.example.com", StartRecordType="A", MaxItems="1"
    )["ResourceRecordSets"]
    assert [(r["Name"], r["Type"]) for r in records] == [("api.example.com.", "A")]


def test_more_than_200_filter_values_are_refused(client: ClientFactory) -> None:
    import botocore.exceptions

    ec2 = client("consumer", "ec2")
    names = [f"com.amazonaws.vpce.us-east-1.vpce-svc-{i:017x}" for i in range(201)]
    with pytest.raises(botocore.exceptions.ClientError) as refused:
        ec2.describe_vpc_endpoint_services(Filters=[{"Name": "service-name", "Values": names}])
    assert refused.value.response["Error"]["Code"] == "FilterLimitExceeded"
    # Counted over every filter of the request; 200 in all is taken.
    with pytest.raises(botocore.exceptions.ClientError):
        ec2.describe_subnets(
            Filters=[
                {"Name": "vpc-id", "Values": ["vpc-1"] * 150},
                {"Name": "subnet-id", "Values": ["subnet-1"] * 51},
            ]
        )
    ec2.describe_vpc_endpoint_services(Filters=[{"Name": "service-name", "Values": names[:200]}])
