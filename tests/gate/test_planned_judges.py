"""Planned provider resources, security groups and hosted zones, judged on plain data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from plcheck.facts.consumer import HostedZone, ServiceDetail, Vpc
from plcheck.facts.network import SecurityGroup, SgRule, Subnet
from plcheck.facts.outcome import Outcome
from plcheck.facts.zones import AccountZones, Zone
from plcheck.gate.terraform import TerraformPlan, Unknown, parse
from plcheck.model import Finding
from plcheck.runs import planned_groups, planned_network, planned_provider

VPC = "vpc-0123456789abcdef0"
LIVE_SG = "sg-0123456789abcdef0"
ACCOUNT, CONSUMER = "111111111111", "222222222222"
ZONES = AccountZones(
    "provider",
    ACCOUNT,
    "us-east-1",
    (
        Zone("us-east-1a", "use1-az1"),
        Zone("us-east-1b", "use1-az2"),
        Zone("us-east-1c", "use1-az4"),
    ),
)


def change(address: str, after: dict[str, Any], unknown: dict[str, Any] | None = None) -> Any:
    kind, name = address.split(".")[:2]
    return {
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": name.split("[")[0],
        "change": {
            "actions": ["create"],
            "before": None,
            "after": after,
            "after_unknown": {"id": True, "arn": True, **(unknown or {})},
        },
    }


def config(address: str, **refs: str) -> dict[str, Any]:
    kind, name = address.split(".")
    return {
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": name,
        "provider_config_key": "aws",
        "expressions": {
            attribute: {"references": [ref, ref.rsplit(".", 1)[0]]}
            for attribute, ref in refs.items()
        },
    }


def plan_of(changes: list[Any], configs: list[dict[str, Any]]) -> TerraformPlan:
    data = {
        "format_version": "1.2",
        "resource_changes": changes,
        "configuration": {"root_module": {"resources": configs}},
    }
    return parse(data, Path("plan.json"))


def statuses(findings: list[Finding], check: str) -> list[str]:
    return [f.status.value for f in findings if f.check == check]


# -- security groups --------------------------------------------------------------------------


#: How terraform show -json plans a group created without inline blocks: its
#: Optional+Computed ingress/egress are wholly unknown and absent from ``after``.
NO_INLINE = {"ingress": True, "egress": True}


def _endpoint_plan(rule: dict[str, Any], unknown: dict[str, Any] | None = None) -> TerraformPlan:
    endpoint = {
        "service_name": "com.amazonaws.us-east-1.execute-api",  # an AWS service: HTTPS
        "vpc_endpoint_type": "Interface",
        "vpc_id": VPC,
        "subnet_ids": ["subnet-0a"],
        "private_dns_enabled": True,
    }
    return plan_of(
        [
            change("aws_vpc_endpoint.api", endpoint, {"security_group_ids": True}),
            change("aws_security_group.api", {"name": "api", "vpc_id": VPC}, NO_INLINE),
            change(
                "aws_vpc_security_group_ingress_rule.api",
                rule,
                {"security_group_id": True, **(unknown or {})},
            ),
            change(
                "aws_security_group_rule.live",
                {
                    "type": "ingress",
                    "security_group_id": LIVE_SG,
                    "protocol": "tcp",
                    "from_port": 8443,
                    "to_port": 8443,
                    "cidr_blocks": ["10.0.0.0/16"],
                },
            ),
            change(
                "aws_route53_zone.api",
                {"name": "api.example.com", "vpc": [{"vpc_id": VPC, "vpc_region": "us-east-1"}]},
            ),
        ],
        [
            config("aws_security_group.api"),
            config("aws_vpc_endpoint.api", security_group_ids="aws_security_group.api.id"),
            config(
                "aws_vpc_security_group_ingress_rule.api",
                security_group_id="aws_security_group.api.id",
            ),
        ],
    )


HTTPS = {"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "10.0.0.0/16"}


def test_rules_merge_into_planned_and_live_groups() -> None:
    plan = _endpoint_plan(HTTPS)
    live = SecurityGroup(
        LIVE_SG, "live", VPC, (SgRule(LIVE_SG, "tcp", 22, 22, ("10.0.0.0/8",)),), ()
    )
    groups = planned_groups.merged(plan, [live])
    planned = groups.by_key["aws_security_group.api"]
    assert [(r.protocol, r.from_port, r.cidrs) for r in planned.inbound] == [
        ("tcp", 443, ("10.0.0.0/16",))
    ]
    # A rule resource adds to the live group's rules; it does not replace them.
    assert [r.from_port for r in groups.by_key[LIVE_SG].inbound] == [22, 8443]
    assert not groups.unknown


def test_a_rule_known_only_after_apply_is_not_guessed() -> None:
    plan = _endpoint_plan({**HTTPS, "cidr_ipv4": None}, {"cidr_ipv4": True})
    groups = planned_groups.merged(plan)
    assert "cidrs known only after apply" in groups.unknown["aws_security_group.api"]


def _network(plan: TerraformPlan, zones: list[HostedZone] | None = None) -> list[Finding]:
    """The consumer side's findings on plain data: every service with a private DNS name."""
    from plcheck.facts.consumer import VpcDnsAttributes
    from plcheck.runs import planned

    net = planned_network.NetworkFacts(
        vpcs={VPC: Outcome(value=Vpc(VPC, CONSUMER, ("10.0.0.0/16",), "default"))},
        groups=Outcome(value=[]),
        zones={VPC: Outcome(value=zones or [])},
    )
    names = {e.service_name for e in plan.endpoints if isinstance(e.service_name, str)}
    services = {n: ServiceDetail(n, private_dns_name="api.example.com") for n in names}
    live = planned.LiveFacts(
        CONSUMER,
        "us-east-1",
        Outcome(value=ZONES),
        Outcome(value=services),
        subnets={VPC: Outcome(value=[])},
        dns={VPC: Outcome(value=VpcDnsAttributes(VPC, True, True))},
        network=net,
    )
    return list(planned.judge(plan, live))


def test_planned_group_admitting_https_passes() -> None:
    assert statuses(_network(_endpoint_plan(HTTPS)), "endpoint-security-groups") == ["pass"]


def test_planned_group_without_https_fails() -> None:
    found = _network(_endpoint_plan({**HTTPS, "from_port": 80, "to_port": 80}))
    (finding,) = [f for f in found if f.check == "endpoint-security-groups"]
    assert finding.status.value == "fail"
    assert finding.details["groups_from_plan"] == ["aws_security_group.api"]


def test_planned_group_with_unknown_rule_skips() -> None:
    found = _network(_endpoint_plan({**HTTPS, "cidr_ipv4": None}, {"cidr_ipv4": True}))
    assert statuses(found, "endpoint-security-groups") == ["skip"]


def test_planned_private_zone_over_the_service_name_conflicts() -> None:
    found = _network(_endpoint_plan(HTTPS))
    (conflict,) = [f for f in found if f.check == "private-dns-conflict"]
    assert conflict.status.value == "fail"
    assert conflict.resource == "aws_route53_zone.api"


def test_no_overlapping_zone_passes() -> None:
    plan = _endpoint_plan(HTTPS)
    plan = TerraformPlan(
        plan.path,
        plan.format_version,
        plan.terraform_version,
        plan.region,
        tuple(r for r in plan.resources if r.type != "aws_route53_zone"),
    )
    live = [HostedZone("Z1", "other.example.org", CONSUMER)]
    assert statuses(_network(plan, live), "private-dns-conflict") == ["pass"]


# -- the provider side ------------------------------------------------------------------------


def _service_plan(
    *,
    zones: tuple[str, ...] = ("a", "b", "c"),
    listener: bool = True,
    lb_groups: bool = False,
    principal: str = f"arn:aws:iam::{CONSUMER}:root",
    supported: list[str] | None = None,
) -> TerraformPlan:
    changes = [
        change(f'aws_subnet.lb["{z}"]', {"availability_zone": f"us-east-1{z}", "vpc_id": VPC})
        for z in zones
    ]
    changes.append(
        change(
            "aws_lb.nlb",
            {
                "load_balancer_type": "network",
                "internal": True,
                "enforce_security_group_inbound_rules_on_private_link_traffic": "on",
            },
            {"subnets": True, "security_groups": lb_groups},
        )
    )
    if listener:
        changes.append(
            change(
                "aws_lb_listener.tls",
                {"port": 443, "protocol": "TCP", "default_action": []},
                {"load_balancer_arn": True},
            )
        )
    service = {"acceptance_required": True}
    if supported is not None:
        service["supported_regions"] = supported  # type: ignore[assignment]
    changes.append(
        change(
            "aws_vpc_endpoint_service.svc",
            service,
            {"network_load_balancer_arns": True, "supported_regions": supported is None},
        )
    )
    changes.append(
        change(
            "aws_vpc_endpoint_service_allowed_principal.consumer",
            {"principal_arn": principal},
            {"vpc_endpoint_service_id": True},
        )
    )
    configs = [
        config("aws_lb.nlb", subnets="aws_subnet.lb.id"),
        config("aws_lb_listener.tls", load_balancer_arn="aws_lb.nlb.arn"),
        config("aws_vpc_endpoint_service.svc", network_load_balancer_arns="aws_lb.nlb.arn"),
        config(
            "aws_vpc_endpoint_service_allowed_principal.consumer",
            vpc_endpoint_service_id="aws_vpc_endpoint_service.svc.id",
        ),
    ]
    if lb_groups:
        changes.append(change("aws_security_group.nlb", {"name": "nlb", "vpc_id": VPC}, NO_INLINE))
        configs.append(config("aws_security_group.nlb"))
        configs.append(config("aws_lb.nlb", security_groups="aws_security_group.nlb.id"))
        configs = [c for c in configs if c["address"] != "aws_lb.nlb"]
        configs.append(
            {
                **config("aws_lb.nlb", subnets="aws_subnet.lb.id"),
                "expressions": {
                    "subnets": {"references": ["aws_subnet.lb"]},
                    "security_groups": {"references": ["aws_security_group.nlb"]},
                },
            }
        )
    return plan_of(changes, configs)


def _provider(plan: TerraformPlan, regions: tuple[str, ...] = ("us-east-1",)) -> list[Finding]:
    live = planned_provider.Live(ACCOUNT, "us-east-1", Outcome(value=ZONES))
    (service,) = plan.services
    built = planned_provider.build(plan, service, live, ((CONSUMER,), regions))
    return planned_provider.judge(built)


def test_a_planned_service_in_every_zone_passes() -> None:
    found = _provider(_service_plan(supported=[]))
    for check in (
        "nlb-az-coverage",
        "nlb-listeners",
        "nlb-security-groups",
        "service-allowed-principals",
        "service-supported-regions",
    ):
        assert statuses(found, check) == ["pass"], check
    assert all(f.details["address"] == "aws_vpc_endpoint_service.svc" for f in found)


def test_planned_load_balancer_missing_a_zone_warns() -> None:
    found = _provider(_service_plan(zones=("a", "b"), supported=[]))
    (coverage,) = [f for f in found if f.check == "nlb-az-coverage"]
    assert coverage.status.value == "warn"
    assert coverage.details["missing_zone_ids"] == ["use1-az4"]


def test_planned_load_balancer_without_listener_fails() -> None:
    assert statuses(_provider(_service_plan(listener=False, supported=[])), "nlb-listeners") == [
        "fail"
    ]


def test_planned_groups_without_a_listener_rule_fail() -> None:
    found = _provider(_service_plan(lb_groups=True, supported=[]))
    assert statuses(found, "nlb-security-groups") == ["fail"]


def test_consumer_account_not_allowed_fails() -> None:
    found = _provider(_service_plan(principal="arn:aws:iam::333333333333:root", supported=[]))
    assert statuses(found, "service-allowed-principals") == ["fail"]


def test_an_endpoint_in_the_services_own_account_is_admitted() -> None:
    from plcheck.checks import service_allowed_principals
    from plcheck.facts.provider import Principal, ServiceConfig

    config = ServiceConfig("vpce-svc-0abc", "svc", "us-east-1", "Available", True, ())
    other = [Principal("arn:aws:iam::333333333333:root")]
    [owner] = service_allowed_principals.evaluate(config, other, [ACCOUNT], ACCOUNT)
    assert owner.status.value == "pass"
    assert f"{ACCOUNT} (the service's owner account)" in owner.message
    [none] = service_allowed_principals.evaluate(config, [], [ACCOUNT], ACCOUNT)
    assert none.status.value == "pass"
    # Another account is still judged against the principals.
    [stranger] = service_allowed_principals.evaluate(config, [], [CONSUMER, ACCOUNT], ACCOUNT)
    assert stranger.status.value == "fail"
    # Planned: an endpoint of the plan in the provider's own account.
    plan = _service_plan(principal="arn:aws:iam::333333333333:root", supported=[])
    live = planned_provider.Live(ACCOUNT, "us-east-1", Outcome(value=ZONES))
    built = planned_provider.build(plan, plan.services[0], live, ((ACCOUNT,), ("us-east-1",)))
    found = planned_provider.judge(built)
    assert statuses(found, "service-allowed-principals") == ["pass"]


def test_consumer_region_not_supported_fails() -> None:
    found = _provider(_service_plan(supported=["us-east-1"]), regions=("eu-west-1",))
    assert statuses(found, "service-supported-regions") == ["fail"]


def test_supported_regions_known_after_apply_skip() -> None:
    found = _provider(_service_plan(supported=None), regions=("eu-west-1",))
    (skip,) = [f for f in found if f.check == "service-supported-regions"]
    assert skip.status.value == "skip"
    assert "known only after apply" in skip.message


@pytest.mark.parametrize("zones", [("a", "b", "c")])
def test_planned_subnets_zones_come_from_the_account_map(zones: tuple[str, ...]) -> None:
    plan = _service_plan(zones=zones, supported=[])
    live = planned_provider.Live(ACCOUNT, "us-east-1", Outcome(value=ZONES))
    built = planned_provider.build(plan, plan.services[0], live)
    subnets = built.facts.provider.subnets.get()
    assert {s.zone_id for s in subnets.values() if isinstance(s, Subnet)} == {
        "use1-az1",
        "use1-az2",
        "use1-az4",
    }


# -- through the CLI, on the simulated world -------------------------------------------------


def test_both_sides_of_a_plan_through_the_cli(
    scenario: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from plcheck.cli import run
    from plcheck.sim.plans import aliased_module_plan, demo_plan
    from tests.gate.conftest import report

    consumer = tmp_path / "consumer.json"
    consumer.write_text(json.dumps(demo_plan(scenario)), encoding="utf-8")
    run(["plan", str(consumer), "--profile", scenario.consumer_profile, "--format", "json"])
    found = {(f["check"], f["resource"]): f for f in report(capsys)["findings"]}
    # The burrito service's clients use its NLB's listener port, which this plan does not
    # hold: not certain, so a skip (it was judged on 443). The SQS endpoint's is 443.
    assert found[("endpoint-security-groups", "aws_vpc_endpoint.sqs")]["status"] == "fail"
    for address in ("aws_vpc_endpoint.later", "aws_vpc_endpoint.burrito"):
        skipped = found[("endpoint-security-groups", address)]
        assert skipped["status"] == "skip"
        assert "client port unknown" in skipped["message"]
    assert found[("private-dns-conflict", "aws_route53_zone.burrito")]["status"] == "fail"

    both = tmp_path / "both.json"
    both.write_text(json.dumps(aliased_module_plan(scenario)), encoding="utf-8")
    args = ["plan", str(both), "--profile", scenario.provider_profile]
    args += ["--provider-profile", f"consumer={scenario.consumer_profile}"]
    args += ["--provider-profile", f"provider={scenario.provider_profile}", "--format", "json"]
    run(args)
    service = "aws_vpc_endpoint_service.tortilla"
    by_check = {f["check"]: f for f in report(capsys)["findings"] if f["resource"] == service}
    assert by_check["nlb-listeners"]["status"] == "pass"
    assert by_check["service-allowed-principals"]["status"] == "pass"
    assert by_check["nlb-az-coverage"]["status"] == "warn"  # the live NLB lacks zones
    assert by_check["nlb-az-coverage"]["account"] == scenario.provider_account


def test_plan_context_keeps_every_field_of_a_finding() -> None:
    from plcheck.model import Location, Status
    from plcheck.runs import planned

    found = Finding(
        "endpoint-az-coverage",
        Status.WARN,
        "vpce-1",
        "m",
        details={"a": 1},
        location=Location("main.tf", 3),
        suppressed_reason="accepted",
    )
    noted = planned._about(found, "aws_vpc_endpoint.x")
    assert noted.location == Location("main.tf", 3)
    assert noted.suppressed_reason == "accepted"
    assert noted.details == {"a": 1, "address": "aws_vpc_endpoint.x"}


def _foreign_rule_plan(scenario: Any) -> dict[str, Any]:
    """The demo plan, a rule on another account's group, and an endpoint in a missing VPC."""
    from plcheck.sim.plans import demo_plan

    data = demo_plan(scenario)
    foreign = change(
        "aws_security_group_rule.peer",
        {
            "type": "ingress",
            "security_group_id": "sg-0f0f0f0f0f0f0f0f0",  # another account's (another alias)
            "protocol": "tcp",
            "from_port": 443,
            "to_port": 443,
            "cidr_blocks": ["10.9.0.0/16"],
        },
    )
    elsewhere = change(
        "aws_vpc_endpoint.elsewhere",
        {
            "service_name": scenario.service_name,
            "vpc_endpoint_type": "Interface",
            "vpc_id": "vpc-0000000000000dead",
            "subnet_ids": [],
            "security_group_ids": [scenario.consumer_security_group_id],
            "private_dns_enabled": False,
        },
    )
    data["resource_changes"] += [foreign, elsewhere]
    return data


def test_a_rule_on_a_group_of_another_account_does_not_fail_the_groups_read(
    scenario: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from plcheck.cli import run
    from tests.gate.conftest import report

    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_foreign_rule_plan(scenario)), encoding="utf-8")
    run(["plan", str(path), "--profile", scenario.consumer_profile, "--format", "json"])
    found = {(f["check"], f["resource"]): f for f in report(capsys)["findings"]}
    # Before: DescribeSecurityGroups of [the endpoint's group, sg-0f0f…] failed whole, so
    # every endpoint's groups were an error.
    assert found[("endpoint-security-groups", "aws_vpc_endpoint.sqs")]["status"] == "fail"
    assert found[("endpoint-security-groups", "aws_vpc_endpoint.burrito")]["status"] == "skip"


def test_the_endpoints_vpcs_are_read_in_one_call(scenario: Any) -> None:
    from plcheck.aws import AwsContext, Scope
    from plcheck.errors import AwsErrorKind

    plan = parse(_foreign_rule_plan(scenario), Path("plan.json"))
    with AwsContext() as ctx:
        net = planned_network.gather(
            ctx, Scope(profile=scenario.consumer_profile), plan, plan.endpoints
        )
        actions = [c.action for c in ctx.calls]
    assert actions.count("ec2:DescribeVpcs") == 1
    assert net.groups.error is None
    assert [g.group_id for g in net.groups.get()] == [scenario.consumer_security_group_id]
    assert net.vpcs[scenario.consumer_vpc_id].get().cidr_blocks
    missing = net.vpcs["vpc-0000000000000dead"].error
    assert missing is not None
    assert missing.kind is AwsErrorKind.NOT_FOUND


def test_a_foreign_rule_does_not_fail_the_provider_sides_groups(scenario: Any) -> None:
    from plcheck.aws import AwsContext, Scope
    from plcheck.sim.plans import aliased_module_plan

    data = aliased_module_plan(scenario)
    data["resource_changes"].append(_foreign_rule_plan(scenario)["resource_changes"][-2])
    plan = parse(data, Path("both.json"))
    with AwsContext() as ctx:
        live = planned_provider.gather(
            ctx, Scope(profile=scenario.provider_profile), plan, plan.services
        )
        actions = [c.action for c in ctx.calls]
    # The service's load balancer names no group, so none is read: before, the rule's
    # sg-0f0f… was asked for and failed the read of every group.
    assert live.groups.error is None
    assert "ec2:DescribeSecurityGroups" not in actions


LIVE_NLB = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/live/0123"


def _listener_on(arn: str, port: int = 443) -> Any:
    return change(
        "aws_lb_listener.added",
        {"load_balancer_arn": arn, "port": port, "protocol": "TCP", "default_action": []},
    )


def test_a_listener_planned_for_an_existing_load_balancer_counts() -> None:
    from plcheck.facts.provider import LbZone, LoadBalancer

    service = change(
        "aws_vpc_endpoint_service.svc",
        {
            "acceptance_required": True,
            "network_load_balancer_arns": [LIVE_NLB],
            "supported_regions": [],
        },
    )
    balancer = LoadBalancer(
        LIVE_NLB, "live", "network", VPC, "active", (LbZone("us-east-1a", "subnet-0a"),)
    )

    def listeners(plan: TerraformPlan) -> list[str]:
        live = planned_provider.Live(ACCOUNT, "us-east-1", Outcome(value=ZONES))
        live.behind = {
            "load_balancers": Outcome(value={LIVE_NLB: balancer}),
            "listeners": {LIVE_NLB: Outcome(value=())},  # no listener yet
        }
        built = planned_provider.build(plan, plan.services[0], live)
        return statuses(planned_provider.judge(built), "nlb-listeners")

    assert listeners(plan_of([service], [])) == ["fail"]  # "no listeners"
    # Before, the plan's listener on the existing ARN was ignored and this failed too.
    assert listeners(plan_of([service, _listener_on(LIVE_NLB)], [])) == ["pass"]


def test_a_planned_listener_on_the_live_nlb_through_the_cli(
    scenario: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from plcheck.cli import run
    from plcheck.sim.plans import aliased_module_plan
    from tests.gate.conftest import report

    data = aliased_module_plan(scenario)
    data["resource_changes"].append(_listener_on(scenario.nlb_arn, 8443))
    path = tmp_path / "both.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    args = ["plan", str(path), "--profile", scenario.provider_profile]
    args += ["--provider-profile", f"consumer={scenario.consumer_profile}"]
    args += ["--provider-profile", f"provider={scenario.provider_profile}", "--format", "json"]
    run(args)
    service = "aws_vpc_endpoint_service.tortilla"
    by_check = {f["check"]: f for f in report(capsys)["findings"] if f["resource"] == service}
    assert by_check["nlb-listeners"]["status"] == "pass"
    assert "8443" in by_check["nlb-listeners"]["message"]


@pytest.mark.parametrize(
    ("expressions", "actions", "configured", "unknown"),
    [
        ({"name": {"constant_value": "api"}}, ["create"], True, False),  # no inline blocks
        ({"ingress": {"references": ["var.rules"]}}, ["create"], True, True),  # ingress = var
        ({}, ["update"], True, True),  # an existing group: its rules stay as they are
        ({}, ["create"], False, True),  # its configuration not found: not certain
    ],
)
def test_a_new_groups_unknown_inline_blocks_are_none_only_when_unconfigured(
    expressions: dict[str, Any], actions: list[str], configured: bool, unknown: bool
) -> None:
    group = change("aws_security_group.api", {"name": "api", "vpc_id": VPC}, NO_INLINE)
    group["change"]["actions"] = actions
    if actions == ["update"]:
        group["change"]["before"] = {"id": LIVE_SG}
    configs = [{**config("aws_security_group.api"), "expressions": expressions}]
    plan = plan_of([group], configs if configured else [])
    (planned,) = plan.security_groups
    assert isinstance(planned.ingress, Unknown) is unknown
    assert isinstance(planned.egress, Unknown) is (unknown and "ingress" not in expressions)


def _port_plan(*, listener: int | None, service_in_plan: bool = True) -> TerraformPlan:
    """An endpoint to a service the plan creates, on a planned NLB with one listener."""
    endpoint = {
        "vpc_endpoint_type": "Interface",
        "vpc_id": VPC,
        "subnet_ids": ["subnet-0a"],
        "private_dns_enabled": False,
    }
    changes = [
        change(
            "aws_vpc_endpoint.api", endpoint, {"security_group_ids": True, "service_name": True}
        ),
        change("aws_security_group.api", {"name": "api", "vpc_id": VPC}, NO_INLINE),
        change(
            "aws_vpc_security_group_ingress_rule.api",
            {**HTTPS, "from_port": 8443, "to_port": 8443},
            {"security_group_id": True},
        ),
        change("aws_lb.nlb", {"load_balancer_type": "network"}, {"subnets": True}),
    ]
    if service_in_plan:
        changes.append(
            change(
                "aws_vpc_endpoint_service.svc",
                {"acceptance_required": False},
                {"network_load_balancer_arns": True},
            )
        )
    if listener is not None:
        changes.append(
            change(
                "aws_lb_listener.tls",
                {"port": listener, "protocol": "TCP", "default_action": []},
                {"load_balancer_arn": True},
            )
        )
    configs = [
        config("aws_security_group.api"),
        {
            **config("aws_vpc_endpoint.api", security_group_ids="aws_security_group.api.id"),
            "expressions": {
                "security_group_ids": {"references": ["aws_security_group.api.id"]},
                "service_name": {"references": ["aws_vpc_endpoint_service.svc.service_name"]},
            },
        },
        config(
            "aws_vpc_security_group_ingress_rule.api",
            security_group_id="aws_security_group.api.id",
        ),
        config("aws_vpc_endpoint_service.svc", network_load_balancer_arns="aws_lb.nlb.arn"),
        config("aws_lb_listener.tls", load_balancer_arn="aws_lb.nlb.arn"),
    ]
    return plan_of(changes, configs)


@pytest.mark.parametrize(
    ("listener", "in_plan", "status"),
    [(8443, True, "pass"), (443, True, "fail"), (None, True, "skip"), (8443, False, "skip")],
)
def test_a_services_client_port_is_its_planned_listener(
    listener: int | None, in_plan: bool, status: str
) -> None:
    plan = _port_plan(listener=listener, service_in_plan=in_plan)
    (finding,) = [f for f in _network(plan) if f.check == "endpoint-security-groups"]
    assert finding.status.value == status
    if status == "skip":
        assert "client port unknown" in finding.message
    else:
        assert finding.details["ports"] == [listener]
