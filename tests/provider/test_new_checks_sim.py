"""The new provider checks through the CLI on the simulated world."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plcheck.sim import SimulatedWorld
from plcheck.sim.provider_scenarios import CONSUMER_ACCOUNT, PROVIDER_ACCOUNT, REGION
from tests.provider.conftest import by_check, good_service

Invoke = Callable[..., tuple[int, dict[str, Any]]]
QUIET_DNS = ("--resolver", "127.0.0.1:9", "--dns-timeout", "0.2")


def test_failed_load_balancer_fails_and_too_many_listeners_warn(
    world: SimulatedWorld, provider_json: Invoke
) -> None:
    good = good_service(world)
    elb = world.admin_client(PROVIDER_ACCOUNT, "elbv2", REGION)
    for port in range(2000, 2050):  # 50 more: 51 in all
        elb.create_listener(
            LoadBalancerArn=good.nlb_arn,
            Protocol="TCP",
            Port=port,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": good.target_group_arn}],
        )
    world.set_load_balancer_state(PROVIDER_ACCOUNT, REGION, good.nlb_arn, "failed", "no capacity")
    code, report = provider_json(good.service_id, *QUIET_DNS)
    assert code == 1
    found = by_check(report, "nlb-state")
    # The 50-listener limit rests on one note in the ELB user guide: a warn citing it.
    assert [f["status"] for f in found] == ["fail", "warn"]
    assert "failed to set up" in found[0]["message"]
    assert "51 listeners" in found[1]["message"]
    assert "load-balancer-vpc-endpoints.html" in found[1]["message"]


def test_consumer_region_not_enabled_for_the_provider_fails(
    world: SimulatedWorld, provider_json: Invoke
) -> None:
    good = good_service(world)
    ec2 = world.admin_client(PROVIDER_ACCOUNT, "ec2", REGION)
    ec2.modify_vpc_endpoint_service_configuration(
        ServiceId=good.service_id, AddSupportedRegions=["eu-south-1", "eu-west-1"]
    )
    world.set_region_opt_in(PROVIDER_ACCOUNT, "eu-south-1", "not-opted-in")
    code, report = provider_json(
        good.service_id,
        "--consumer-account",
        CONSUMER_ACCOUNT,
        "--consumer-region",
        "eu-south-1",
        "--consumer-region",
        "eu-west-1",
        *QUIET_DNS,
    )
    assert code == 1
    [finding] = by_check(report, "service-region-opt-in")
    assert finding["status"] == "fail"
    assert "eu-south-1 is not-opted-in" in finding["message"]
    assert finding["details"]["opt_in_status"] == {
        "eu-south-1": "not-opted-in",
        "eu-west-1": "opt-in-not-required",
    }
    assert "vpce:AllowMultiRegion" in finding["remediation"]


def test_targets_without_interfaces_warn(world: SimulatedWorld, provider_json: Invoke) -> None:
    good = good_service(world)
    elb = world.admin_client(PROVIDER_ACCOUNT, "elbv2", REGION)
    # An on-premises address: no interface in the VPC holds it.
    elb.register_targets(
        TargetGroupArn=good.target_group_arn,
        Targets=[{"Id": "10.30.1.99", "Port": 443, "AvailabilityZone": "all"}],
    )
    _, report = provider_json(good.service_id, *QUIET_DNS)
    [finding] = by_check(report, "target-security-groups")
    assert finding["status"] == "warn"
    assert finding["details"]["unknown_targets"] == ["10.30.1.99"]
