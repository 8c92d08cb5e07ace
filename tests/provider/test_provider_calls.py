"""How ``plcheck provider`` talks to AWS: calls per run, and failed calls."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from plcheck.aws import AwsContext, Scope
from plcheck.aws.context import IAM_PREFIX
from plcheck.aws.targets import ARNS_PER_CALL, chunks
from plcheck.checks import checks_for
from plcheck.errors import AwsCallError, AwsErrorKind
from plcheck.model import Finding, Status
from plcheck.runs.provider import ProviderOptions
from plcheck.runs.provider import run as provider_run
from plcheck.sim import SimulatedWorld
from plcheck.sim.provider_scenarios import ProviderScenario
from tests.provider.conftest import good_service


def run(options: ProviderOptions, ctx: AwsContext | None = None) -> list[Finding]:
    return list(provider_run(options, ctx).findings)


#: Calls that take a list (or a filter with many values): one per run, however many resources.
ONCE = (
    "ec2:DescribeVpcEndpointServiceConfigurations",
    "ec2:DescribeAvailabilityZones",
    "ec2:DescribeVpcEndpointConnections",
    "ec2:DescribeSubnets",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTargetGroups",
)


def _count_calls(world: SimulatedWorld, services: int) -> Counter[str]:
    for i in range(services):
        good_service(world, name=f"svc{i}", cidr_prefix=f"10.{40 + i}", security_groups=True)
    with AwsContext() as ctx:
        findings = run(
            ProviderOptions(
                scope=Scope(profile="provider"), resolver="127.0.0.1:9", dns_timeout=0.2
            ),
            ctx,
        )
        assert {f.resource for f in findings if f.check == "service-state"}.__len__() == services
        return Counter(c.action for c in ctx.calls)


def test_list_calls_do_not_grow_with_the_number_of_resources() -> None:
    with SimulatedWorld() as world:
        one = _count_calls(world, 1)
    with SimulatedWorld() as world:
        three = _count_calls(world, 3)
    for action in ONCE:
        assert one[action] == 1, (action, one)
        assert three[action] == 1, (action, three)
    # A role profile's ARN names its account: at most one GetCallerIdentity, never more.
    assert one["sts:GetCallerIdentity"] == three["sts:GetCallerIdentity"] <= 1
    # The targets' interfaces in one call; security groups twice: the load balancers' (round
    # 3), then the targets' (found only in round 5).
    assert (one["ec2:DescribeNetworkInterfaces"], three["ec2:DescribeNetworkInterfaces"]) == (1, 1)
    assert (one["ec2:DescribeSecurityGroups"], three["ec2:DescribeSecurityGroups"]) == (2, 2)
    # APIs that take one resource: one call per load balancer / target group / service.
    for action in (
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "ec2:DescribeVpcEndpointServicePermissions",
    ):
        assert (one[action], three[action]) == (1, 3), action
    assert sum(three.values()) - sum(one.values()) == 2 * 5


def test_arns_are_chunked_to_what_one_call_takes() -> None:
    arns = [f"arn:{i}" for i in range(45)]
    split = chunks(arns)
    assert [len(c) for c in split] == [ARNS_PER_CALL, ARNS_PER_CALL, 5]
    assert [a for c in split for a in c] == arns


def _deny(monkeypatch: pytest.MonkeyPatch, *actions: str) -> None:
    """Make the given IAM actions fail with AccessDenied, as a too narrow policy would."""
    original: Callable[..., Any] = AwsContext._send

    def send(
        self: AwsContext, scope: Any, service: str, operation: str, params: Any, *, paginate: bool
    ) -> Any:
        api = self.client(scope, service).meta.method_to_api_mapping.get(operation, operation)
        action = f"{IAM_PREFIX.get(service, service)}:{api}"
        if action in actions:
            raise AwsCallError(AwsErrorKind.ACCESS_DENIED, action, "AccessDenied", "denied")
        return original(self, scope, service, operation, params, paginate=paginate)

    monkeypatch.setattr(AwsContext, "_send", send)


def test_a_denied_call_errors_only_the_checks_that_needed_it(
    broken: ProviderScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deny(
        monkeypatch,
        "elasticloadbalancing:DescribeTargetHealth",
        "ec2:DescribeVpcEndpointServicePermissions",
    )
    findings = run(
        ProviderOptions(
            service=broken.service_id,
            scope=Scope(profile="provider"),
            resolver="127.0.0.1:9",
            dns_timeout=0.2,
        )
    )
    by_check = {f.check: f for f in findings}
    assert len(by_check) == len(checks_for("provider"))
    for check, action in (
        ("nlb-target-health", "elasticloadbalancing:DescribeTargetHealth"),
        ("service-allowed-principals", "ec2:DescribeVpcEndpointServicePermissions"),
    ):
        assert by_check[check].status is Status.ERROR
        assert action in by_check[check].message
        assert action in by_check[check].remediation
    assert by_check["nlb-security-groups"].status is Status.FAIL
    assert by_check["service-acceptance"].status is Status.WARN


def test_denied_service_listing_errors_every_check(
    broken: ProviderScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deny(monkeypatch, "ec2:DescribeVpcEndpointServiceConfigurations")
    findings = run(ProviderOptions(service=broken.service_id, scope=Scope(profile="provider")))
    assert len(findings) == len(checks_for("provider"))
    assert {f.status for f in findings} == {Status.ERROR}
    assert {f.resource for f in findings} == {broken.service_id}


def test_denied_load_balancers_still_report_the_service_checks(
    broken: ProviderScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deny(monkeypatch, "elasticloadbalancing:DescribeLoadBalancers")
    findings = run(
        ProviderOptions(
            service=broken.service_id,
            scope=Scope(profile="provider"),
            resolver="127.0.0.1:9",
            dns_timeout=0.2,
        )
    )
    statuses = {f.check: f.status for f in findings}
    for check in ("nlb-az-coverage", "nlb-listeners", "nlb-target-health", "nlb-security-groups"):
        assert statuses[check] is Status.ERROR
    assert statuses["service-state"] is Status.PASS
    assert statuses["private-dns-verification"] is Status.FAIL
