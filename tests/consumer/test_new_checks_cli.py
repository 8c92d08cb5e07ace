"""The new consumer checks through the CLI on the simulated world."""

from __future__ import annotations

from typing import Any

from plcheck.sim.consumer_scenarios import FORWARD_TARGETS
from tests.consumer.conftest import Story, west_service


def test_forward_rule_fails_until_a_system_rule_overrides_it(story: Story, consumer: Any) -> None:
    guac = story.consumer.broken
    name = story.consumer.tortilla.private_dns_name
    result = consumer(guac.vpc_id)
    found = result.one("resolver-rules")
    assert found["status"] == "fail"
    assert guac.resolver_rule_id in found["message"]
    assert "FORWARD rule" in found["message"]
    assert f"for {name}" in found["message"]
    for ip in FORWARD_TARGETS:
        assert f"{ip}:53" in found["message"]
    assert f"--domain-name {name}" in found["remediation"]

    # Resolver's autodefined rule for the endpoint's private zone outranks a parent's rule.
    resolver = story.world.admin_client(
        story.base.consumer_account, "route53resolver", story.base.region
    )
    forward = resolver.get_resolver_rule(ResolverRuleId=guac.resolver_rule_id)["ResolverRule"]
    parent = resolver.create_resolver_rule(
        CreatorRequestId="guac-parent",
        Name="parent",
        RuleType="FORWARD",
        DomainName="example.com",
        TargetIps=forward["TargetIps"],
        ResolverEndpointId=forward["ResolverEndpointId"],
    )["ResolverRule"]
    resolver.disassociate_resolver_rule(ResolverRuleId=guac.resolver_rule_id, VPCId=guac.vpc_id)
    resolver.associate_resolver_rule(ResolverRuleId=parent["Id"], VPCId=guac.vpc_id, Name="p")
    overridden = consumer(guac.vpc_id).one("resolver-rules")
    assert overridden["status"] == "pass"
    assert "autodefined rule for the endpoint's private hosted zone" in overridden["message"]
    assert f"overriding FORWARD rule {parent['Id']} for example.com" in overridden["message"]


def test_ipv6_only_service_warns_a_plan_and_fails_an_ipv4_endpoint(
    story: Story, consumer: Any
) -> None:
    base, world = story.base, story.world
    ec2 = world.admin_client(base.provider_account, "ec2", base.region)
    elb = world.admin_client(base.provider_account, "elbv2", base.region)
    nlb = elb.create_load_balancer(
        Name="v6-nlb",
        Subnets=list(base.provider_subnet_ids.values()),
        Scheme="internal",
        Type="network",
    )["LoadBalancers"][0]
    service = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb["LoadBalancerArn"]],
        AcceptanceRequired=False,
        SupportedIpAddressTypes=["ipv6"],
    )["ServiceConfiguration"]
    ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"],
        AddAllowedPrincipals=[f"arn:aws:iam::{base.consumer_account}:root"],
    )
    planned = consumer(base.consumer_vpc_id, "--service", service["ServiceName"])
    found = planned.one("endpoint-ip-address-type")
    assert found["status"] == "warn"
    assert "supports only ipv6" in found["message"]
    assert found["details"]["supported_ip_address_types"] == ["ipv6"]


def test_cross_region_endpoint_needs_the_region_enabled(story: Story, consumer: Any) -> None:
    base, world = story.base, story.world
    west = "us-west-2"
    ec2, service = west_service(story, "10.60", "west2-nlb")
    ec2.modify_vpc_endpoint_service_configuration(
        ServiceId=service["ServiceId"], AddSupportedRegions=[base.region]
    )
    name = service["ServiceName"]
    enabled = consumer(base.consumer_vpc_id, "--service", name).one("endpoint-region-opt-in")
    assert enabled["status"] == "pass"
    assert "vpce:AllowMultiRegion" in enabled["message"]

    # The service's Region (us-west-2), not the VPC's own, must be enabled for the consumer.
    world.set_region_opt_in(base.consumer_account, west, "not-opted-in")
    try:
        refused = consumer(base.consumer_vpc_id, "--service", name).one("endpoint-region-opt-in")
    finally:
        world.set_region_opt_in(base.consumer_account, west, "opt-in-not-required")
    assert refused["status"] == "fail"
    assert f"Region {west} is not-opted-in" in refused["message"]
    assert f"--region-name {west}" in refused["remediation"]
    assert "vpce:AllowMultiRegion" in refused["remediation"]
