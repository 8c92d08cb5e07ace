"""Fixtures for the provider command: the simulated world, scenarios and a loopback DNS server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from plcheck.cli import run
from plcheck.sim import SimulatedWorld
from plcheck.sim.provider_scenarios import (
    CONSUMER_ACCOUNT,
    PROVIDER_ACCOUNT,
    REGION,
    ProviderScenario,
    provider_preflight,
)
from plcheck.sim.scenarios import publish_service
from tests.support.dns_server import DnsServer, dns_server

__all__ = ["dns_server"]


@pytest.fixture
def world() -> Iterator[SimulatedWorld]:
    with SimulatedWorld() as w:
        yield w


@pytest.fixture
def broken(world: SimulatedWorld) -> ProviderScenario:
    """The demo scenario: every provider-side problem at once."""
    return provider_preflight(world)


@dataclass(frozen=True)
class GoodService:
    """A service with nothing wrong: NLB in every zone, healthy, verified, open to the consumer."""

    service_id: str
    service_name: str
    nlb_arn: str
    vpc_id: str
    target_group_arn: str
    targets: tuple[str, ...]
    private_dns_name: str


def good_service(
    world: SimulatedWorld,
    *,
    name: str = "good",
    cidr_prefix: str = "10.30",
    zones: int | None = None,
    listener: bool = True,
    security_groups: bool = False,
) -> GoodService:
    """Build a healthy service through the AWS API (in ``zones`` zones, default all)."""
    ec2 = world.admin_client(PROVIDER_ACCOUNT, "ec2", REGION)
    elb = world.admin_client(PROVIDER_ACCOUNT, "elbv2", REGION)
    names = sorted(world.az_mapping(PROVIDER_ACCOUNT, REGION))[:zones]
    vpc = ec2.create_vpc(CidrBlock=f"{cidr_prefix}.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"{cidr_prefix}.{i}.0/24", AvailabilityZone=z)[
            "Subnet"
        ]["SubnetId"]
        for i, z in enumerate(names, start=1)
    ]
    extra: dict[str, Any] = {}
    if security_groups:
        group = ec2.create_security_group(GroupName=f"{name}-nlb", Description="x", VpcId=vpc)
        ec2.authorize_security_group_ingress(
            GroupId=group["GroupId"],
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
                }
            ],
        )
        extra["SecurityGroups"] = [group["GroupId"]]
    nlb = elb.create_load_balancer(
        Name=f"{name}-nlb", Subnets=subnets, Scheme="internal", Type="network", **extra
    )["LoadBalancers"][0]
    group_arn = elb.create_target_group(
        Name=f"{name}-tg", Protocol="TCP", Port=443, VpcId=vpc, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    targets = tuple(f"{cidr_prefix}.{i}.10" for i in range(1, len(names) + 1))
    # The targets' interfaces, in a group that admits the NLB's subnets on the traffic port.
    app = ec2.create_security_group(GroupName=f"{name}-app", Description="x", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=app,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": f"{cidr_prefix}.0.0/16"}],
            }
        ],
    )
    for subnet, address in zip(subnets, targets, strict=True):
        ec2.create_network_interface(SubnetId=subnet, PrivateIpAddress=address, Groups=[app])
    elb.register_targets(TargetGroupArn=group_arn, Targets=[{"Id": t} for t in targets])
    if listener:
        elb.create_listener(
            LoadBalancerArn=nlb["LoadBalancerArn"],
            Protocol="TCP",
            Port=443,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": group_arn}],
        )
    private_dns_name = f"api.{name}.example.com"
    service = publish_service(ec2, nlb["LoadBalancerArn"], CONSUMER_ACCOUNT, private_dns_name)
    world.set_private_dns_state(PROVIDER_ACCOUNT, REGION, service["ServiceId"], "verified")
    return GoodService(
        service_id=service["ServiceId"],
        service_name=service["ServiceName"],
        nlb_arn=nlb["LoadBalancerArn"],
        vpc_id=vpc,
        target_group_arn=group_arn,
        targets=targets,
        private_dns_name=private_dns_name,
    )


Report = dict[str, Any]


@pytest.fixture
def provider_json(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, Report]]:
    """``provider_json(*args)``: run ``plcheck provider ... --format json``; (exit code, report)."""

    def invoke(*args: str) -> tuple[int, Report]:
        capsys.readouterr()
        code = run(["provider", "--profile", "provider", *args, "--format", "json"])
        out = capsys.readouterr().out
        return code, json.loads(out) if out.strip() else {}

    return invoke


def by_check(report: Report, check: str) -> list[dict[str, Any]]:
    """The findings of one check."""
    return [f for f in report["findings"] if f["check"] == check]


def statuses(report: Report) -> dict[str, list[str]]:
    """Check id → statuses of its findings, in order."""
    out: dict[str, list[str]] = {}
    for finding in report["findings"]:
        out.setdefault(finding["check"], []).append(finding["status"])
    return out


__all__ += ["DnsServer", "by_check", "good_service", "statuses"]
