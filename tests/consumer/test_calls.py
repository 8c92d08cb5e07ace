"""What ``plcheck consumer`` asks AWS: a fixed number of calls, and errors kept to their checks."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from plcheck.aws import AwsContext, Scope
from plcheck.cli import run
from plcheck.errors import AwsCallError, AwsErrorKind
from plcheck.runs.consumer import ConsumerOptions, gather, judge
from plcheck.sim.consumer_scenarios import ConsumerVpc, consumer_vpc, tortilla_service

from .conftest import Story

# The consumer profile assumes a role whose ARN names the account: no GetCallerIdentity.
EXPECTED = {
    "ec2:DescribeVpcs": 1,
    "ec2:DescribeVpcAttribute": 2,
    "ec2:DescribeDhcpOptions": 1,
    "ec2:DescribeAvailabilityZones": 1,
    "ec2:DescribeSubnets": 1,
    "ec2:DescribeVpcEndpoints": 1,
    "ec2:DescribeVpcEndpointServices": 1,
    "ec2:DescribeSecurityGroups": 1,
    "ec2:DescribeNetworkAcls": 1,
    "route53:ListHostedZonesByVPC": 1,
    "route53resolver:ListResolverRuleAssociations": 1,
    "route53resolver:ListResolverRules": 1,
}


@pytest.fixture(scope="module")
def vpcs(story: Story) -> tuple[ConsumerVpc, ConsumerVpc]:
    """A VPC with one endpoint, and one with four endpoints to four services."""
    world, base = story.world, story.base
    one = consumer_vpc(
        world, base, story.consumer.tortilla.service_name, name="one", cidr="10.40.0.0/16"
    )
    many = consumer_vpc(
        world, base, story.consumer.tortilla.service_name, name="many", cidr="10.41.0.0/16"
    )
    ec2 = world.admin_client(base.consumer_account, "ec2", base.region)
    for name in ("queso", "churro", "elote"):
        service = tortilla_service(world, base, name)
        ec2.create_vpc_endpoint(
            VpcEndpointType="Interface",
            VpcId=many.vpc_id,
            ServiceName=service.service_name,
            SubnetIds=list(many.supported_subnet_ids),
            SecurityGroupIds=[many.security_group_id],
            PrivateDnsEnabled=True,
        )
    return one, many


def _calls(vpc_id: str) -> tuple[Counter[str], int]:
    with AwsContext() as ctx:
        facts = gather(ctx, ConsumerOptions(vpc_id=vpc_id, scope=Scope(profile="consumer")))
        endpoints = facts.endpoints.get()
        return Counter(c.action for c in ctx.calls), len(endpoints)


def test_calls_do_not_grow_with_endpoints(vpcs: tuple[ConsumerVpc, ConsumerVpc]) -> None:
    one, many = vpcs
    calls_one, n_one = _calls(one.vpc_id)
    calls_many, n_many = _calls(many.vpc_id)
    assert (n_one, n_many) == (1, 4)
    assert calls_one == calls_many
    assert dict(calls_many) == EXPECTED


def test_all_services_are_judged_from_the_one_call(
    vpcs: tuple[ConsumerVpc, ConsumerVpc],
) -> None:
    _, many = vpcs
    with AwsContext() as ctx:
        facts = gather(ctx, ConsumerOptions(vpc_id=many.vpc_id, scope=Scope(profile="consumer")))
    findings = judge(facts)
    visible = [f for f in findings if f.check == "service-visible"]
    assert len(visible) == 4
    assert {f.status.value for f in visible} == {"pass"}
    assert {f.status.value for f in findings if f.check == "endpoint-private-dns"} == {"pass"}


def _deny(monkeypatch: pytest.MonkeyPatch, *denied: str) -> None:
    original = AwsContext._send

    def send(self: AwsContext, scope: Scope, service: str, operation: str, params: Any, **kw: Any):  # type: ignore[no-untyped-def]
        api = self.client(scope, service).meta.method_to_api_mapping.get(operation, operation)
        action = f"{service}:{api}"
        if action in denied:
            raise AwsCallError(AwsErrorKind.ACCESS_DENIED, action, "AccessDenied", "not allowed")
        return original(self, scope, service, operation, params, **kw)

    monkeypatch.setattr(AwsContext, "_send", send)


def test_access_denied_becomes_errors_of_the_checks_that_needed_it(
    vpcs: tuple[ConsumerVpc, ConsumerVpc],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    one, _ = vpcs
    _deny(monkeypatch, "route53:ListHostedZonesByVPC", "ec2:DescribeNetworkAcls")
    code = run(["consumer", one.vpc_id, "--profile", "consumer", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    by_check = {f["check"]: f for f in report["findings"]}
    for check, action in (
        ("private-dns-conflict", "route53:ListHostedZonesByVPC"),
        ("endpoint-network-acls", "ec2:DescribeNetworkAcls"),
    ):
        assert by_check[check]["status"] == "error"
        assert by_check[check]["details"]["action"] == action
        assert action in by_check[check]["remediation"]
    others = {c: f["status"] for c, f in by_check.items()}
    assert others["endpoint-state"] == "pass"
    assert others["endpoint-security-groups"] == "pass"
    assert others["vpc-dns-attributes"] == "pass"
    assert code == 3  # incomplete, nothing failed


def test_denied_endpoints_error_every_endpoint_check(
    vpcs: tuple[ConsumerVpc, ConsumerVpc],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    one, _ = vpcs
    _deny(monkeypatch, "ec2:DescribeVpcEndpoints")
    code = run(["consumer", one.vpc_id, "--profile", "consumer", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    statuses = {f["check"]: f["status"] for f in report["findings"]}
    assert statuses["vpc-dhcp-resolver"] == "pass"
    assert statuses["vpc-dns-attributes"] == "pass"  # both on: private DNS use does not matter
    for check in (
        "service-visible",
        "endpoint-state",
        "endpoint-az-coverage",
        "endpoint-security-groups",
        "endpoint-network-acls",
        "private-dns-conflict",
    ):
        assert statuses[check] == "error", check
    assert code == 3
