"""resolver-rules in ``plcheck plan``: the Resolver rules a planned endpoint's VPC will have.

On plain data (planned rules and associations, live associations as read), then through
the CLI with real boto3 clients against the simulated world.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plcheck.cli import run
from plcheck.errors import AwsCallError, AwsErrorKind
from plcheck.facts.consumer import ResolverRule, ServiceDetail
from plcheck.facts.outcome import Outcome
from plcheck.gate.terraform import TerraformPlan, parse
from plcheck.model import Finding
from plcheck.runs import planned, planned_network, planned_resolver
from plcheck.sim import SimulatedWorld
from plcheck.sim.faults import FaultInjector
from plcheck.sim.scenarios import AzMismatchScenario
from tests.gate.conftest import report
from tests.gate.test_planned_judges import ZONES, config

VPC = "vpc-0123456789abcdef0"
NAME = "api.example.com"
SERVICE = ServiceDetail("com.amazonaws.vpce.us-east-1.vpce-svc-0abc", private_dns_name=NAME)
ENDPOINT = "aws_vpc_endpoint.api"
LIVE_FORWARD = ResolverRule("rslvr-rr-live", NAME, "FORWARD", target_ips=("10.9.0.2:53",))


def change(
    address: str,
    after: dict[str, Any],
    unknown: dict[str, Any] | None = None,
    actions: tuple[str, ...] = ("create",),
) -> Any:
    kind, name = address.split(".")[:2]
    return {
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": name,
        "change": {
            "actions": list(actions),
            "before": None if "create" in actions else {"id": "x"},
            "after": None if actions == ("delete",) else after,
            "after_unknown": {"id": True, "arn": True, **(unknown or {})},
        },
    }


def endpoint(service_name: str = SERVICE.service_name, vpc_id: str | None = VPC) -> Any:
    after = {
        "service_name": service_name,
        "vpc_endpoint_type": "Interface",
        "vpc_id": vpc_id,
        "subnet_ids": [],
        "private_dns_enabled": True,
    }
    return change(ENDPOINT, after, {} if vpc_id else {"vpc_id": True})


def planned_rule(domain: str | None = NAME, rule_type: str = "FORWARD") -> Any:
    after = {"domain_name": domain, "rule_type": rule_type}
    return change("aws_route53_resolver_rule.corp", after, {"domain_name": domain is None})


def association(rule_id: str | None = None, vpc_id: str | None = VPC) -> Any:
    after = {"resolver_rule_id": rule_id, "vpc_id": vpc_id}
    unknown = {"resolver_rule_id": rule_id is None, "vpc_id": vpc_id is None}
    return change("aws_route53_resolver_rule_association.corp", after, unknown)


def plan_of(changes: list[Any], configs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": changes,
        "configuration": {"root_module": {"resources": configs or []}},
    }


RULE_REF = config(
    "aws_route53_resolver_rule_association.corp",
    resolver_rule_id="aws_route53_resolver_rule.corp.id",
)


def judged(
    data: dict[str, Any],
    live: dict[str, tuple[str, ...]] | None = None,
    rules: tuple[ResolverRule, ...] = (),
    error: AwsCallError | None = None,
) -> Finding:
    plan: TerraformPlan = parse(data, Path("plan.json"))
    index: Outcome[Any] = (
        Outcome(error=error)
        if error
        else Outcome(value=(live or {}, {r.rule_id: r for r in rules}))
    )
    live = planned.LiveFacts(
        "222222222222",
        "us-east-1",
        Outcome(value=ZONES),
        Outcome(value={SERVICE.service_name: SERVICE}),
        network=planned_network.NetworkFacts(resolver=planned_resolver.ResolverFacts(index)),
    )
    # The consumer side as the plan judges it: resolver-rules' one finding on the endpoint.
    (found,) = [f for f in planned.judge(plan, live) if f.check == "resolver-rules"]
    return found


# -- on plain data -----------------------------------------------------------------------------


def test_no_rule_passes() -> None:
    found = judged(plan_of([endpoint()]))
    assert found.status.value == "pass"
    assert found.resource == ENDPOINT
    assert found.details["address"] == ENDPOINT
    assert f"no Resolver rule associated with {VPC} covers {NAME}" in found.message


def test_a_planned_system_rule_for_the_name_passes() -> None:
    found = judged(
        plan_of([endpoint(), planned_rule(rule_type="SYSTEM"), association()], [RULE_REF])
    )
    assert found.status.value == "pass"
    assert "SYSTEM rule aws_route53_resolver_rule.corp" in found.message
    assert found.details["rules_from"] == "plan"


def test_a_planned_forward_rule_association_fails_at_the_association() -> None:
    found = judged(plan_of([endpoint(), planned_rule(), association()], [RULE_REF]))
    assert found.status.value == "fail"
    assert found.resource == ENDPOINT
    assert found.details["endpoint"] == ENDPOINT
    # The .tf location is the association's block; the rule and the endpoint are named too.
    assert found.details["address"] == "aws_route53_resolver_rule_association.corp"
    assert found.details["addresses"] == [
        "aws_route53_resolver_rule_association.corp",
        "aws_route53_resolver_rule.corp",
        ENDPOINT,
    ]
    assert found.remediation.startswith("Drop aws_route53_resolver_rule_association.corp")


def test_a_forward_rule_for_a_parent_domain_is_outranked_by_the_endpoints_zone() -> None:
    data = plan_of([endpoint(), planned_rule(domain="example.com"), association()], [RULE_REF])
    found = judged(data)
    assert found.status.value == "pass"
    assert "autodefined rule" in found.message


def test_a_planned_association_of_an_existing_forward_rule_fails() -> None:
    data = plan_of([endpoint(), association(rule_id=LIVE_FORWARD.rule_id)])
    found = judged(data, rules=(LIVE_FORWARD,))
    assert found.status.value == "fail"
    assert LIVE_FORWARD.rule_id in found.message
    assert found.details["address"] == "aws_route53_resolver_rule_association.corp"
    assert found.details["rules_from"] == "plan"


def test_an_unknown_domain_name_is_a_skip_saying_so() -> None:
    found = judged(plan_of([endpoint(), planned_rule(domain=None), association()], [RULE_REF]))
    assert found.status.value == "skip"
    assert found.details["known_after_apply"] is True
    assert "aws_route53_resolver_rule.corp: domain_name is known only after apply" in (
        found.message
    )


def test_an_association_whose_vpc_apply_decides_is_a_skip() -> None:
    data = plan_of([endpoint(), planned_rule(), association(vpc_id=None)], [RULE_REF])
    found = judged(data)
    assert found.status.value == "skip"
    assert "whether aws_route53_resolver_rule_association.corp is for" in found.message


def test_a_live_association_on_an_existing_vpc_fails() -> None:
    found = judged(
        plan_of([endpoint()]), live={VPC: (LIVE_FORWARD.rule_id,)}, rules=(LIVE_FORWARD,)
    )
    assert found.status.value == "fail"
    assert found.details["address"] == ENDPOINT  # nothing in the plan to point at
    assert found.details["rules_from"] == "live"
    assert "disassociate-resolver-rule" in found.remediation


def test_a_plan_deleting_resolver_associations_leaves_a_live_rule_to_apply() -> None:
    gone = change("aws_route53_resolver_rule_association.old", {}, actions=("delete",))
    data = plan_of([endpoint(), gone])
    found = judged(data, live={VPC: (LIVE_FORWARD.rule_id,)}, rules=(LIVE_FORWARD,))
    assert found.status.value == "skip"
    assert "the plan deletes or replaces aws_route53_resolver_rule_association.old" in (
        found.message
    )


def test_associations_to_a_planned_vpc_count_for_its_endpoints() -> None:
    vpcs = [change(f"aws_vpc.{n}", {"cidr_block": f"10.{i}.0.0/16"}) for i, n in enumerate("ab")]
    changes = [*vpcs, endpoint(vpc_id=None), planned_rule(), association(vpc_id=None)]
    in_a = config(ENDPOINT, vpc_id="aws_vpc.a.id")

    def associated_with(vpc: str) -> dict[str, Any]:
        refs = {"references": [f"{vpc}.id", vpc]}
        return {**RULE_REF, "expressions": {**RULE_REF["expressions"], "vpc_id": refs}}

    found = judged(plan_of(changes, [associated_with("aws_vpc.a"), in_a]))
    assert found.status.value == "fail"
    assert "associated with aws_vpc.a" in found.message
    # The same association to the other planned VPC leaves this one alone.
    found = judged(plan_of(changes, [associated_with("aws_vpc.b"), in_a]))
    assert found.status.value == "pass"


def test_access_denied_on_the_resolver_reads_is_the_checks_error() -> None:
    denied = AwsCallError(
        AwsErrorKind.ACCESS_DENIED, "route53resolver:ListResolverRules", "AccessDenied", "no"
    )
    found = judged(plan_of([endpoint()]), error=denied)
    assert found.status.value == "error"
    assert found.details["address"] == ENDPOINT
    assert found.details["action"] == "route53resolver:ListResolverRules"


# -- through the CLI, on the simulated world ---------------------------------------------------


def _forward_rule(world: SimulatedWorld, scenario: AzMismatchScenario) -> str:
    """A live FORWARD rule for the service's private DNS name, not associated with any VPC."""
    resolver = world.admin_client(scenario.consumer_account, "route53resolver", scenario.region)
    outbound = resolver.create_resolver_endpoint(
        CreatorRequestId="plan-outbound",
        Name="to-on-premises",
        SecurityGroupIds=[scenario.consumer_security_group_id],
        Direction="OUTBOUND",
        IpAddresses=[{"SubnetId": s} for s in scenario.supported_consumer_subnet_ids[:2]],
    )["ResolverEndpoint"]
    rule = resolver.create_resolver_rule(
        CreatorRequestId="plan-forward",
        Name="corp-forward",
        RuleType="FORWARD",
        DomainName=scenario.private_dns_name,
        TargetIps=[{"Ip": "10.99.0.53", "Port": 53}],
        ResolverEndpointId=outbound["Id"],
    )["ResolverRule"]
    return str(rule["Id"])


def _run(
    scenario: AzMismatchScenario, data: dict[str, Any], tmp_path: Path, capsys: Any
) -> dict[str, Any]:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code = run(["plan", str(path), "--profile", scenario.consumer_profile, "--format", "json"])
    assert code in (0, 1)
    (found,) = [f for f in report(capsys)["findings"] if f["check"] == "resolver-rules"]
    assert found["resource"] == ENDPOINT
    return dict(found)


def _sim_plan(scenario: AzMismatchScenario, *extra: Any) -> dict[str, Any]:
    planned = endpoint(scenario.service_name, scenario.consumer_vpc_id)
    planned["change"]["after"]["subnet_ids"] = [scenario.supported_consumer_subnet_ids[0]]
    return plan_of([planned, *extra])


def test_cli_a_plan_without_rules_passes(
    scenario: AzMismatchScenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = _run(scenario, _sim_plan(scenario), tmp_path, capsys)
    assert found["status"] == "pass"
    assert found["details"]["rules_from"] == "none"


def test_cli_the_demo_plans_forward_rule_fails(
    scenario: AzMismatchScenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from plcheck.sim.plans import demo_plan

    path = tmp_path / "plan.json"
    path.write_text(json.dumps(demo_plan(scenario)), encoding="utf-8")
    run(["plan", str(path), "--profile", scenario.consumer_profile, "--format", "json"])
    findings = report(capsys)["findings"]
    (found,) = [f for f in findings if f["check"] == "resolver-rules"]
    assert found["status"] == "fail"
    assert found["resource"] == "aws_vpc_endpoint.later"
    assert found["details"]["address"] == "aws_route53_resolver_rule_association.corp"


@pytest.mark.parametrize("planned", [False, True], ids=["live association", "planned one"])
def test_cli_a_live_forward_rule_fails_associated_live_or_in_the_plan(
    world: SimulatedWorld,
    scenario: AzMismatchScenario,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    planned: bool,
) -> None:
    rule_id = _forward_rule(world, scenario)
    if planned:
        data = _sim_plan(scenario, association(rule_id, scenario.consumer_vpc_id))
    else:
        resolver = world.admin_client(scenario.consumer_account, "route53resolver", scenario.region)
        resolver.associate_resolver_rule(
            ResolverRuleId=rule_id, VPCId=scenario.consumer_vpc_id, Name="corp-forward"
        )
        data = _sim_plan(scenario)
    found = _run(scenario, data, tmp_path, capsys)
    assert found["status"] == "fail"
    assert rule_id in found["message"]
    assert found["details"]["rules_from"] == ("plan" if planned else "live")
    association_address = "aws_route53_resolver_rule_association.corp"
    assert found["details"]["address"] == (association_address if planned else ENDPOINT)


def test_cli_access_denied_on_list_resolver_rules_is_an_error_finding(
    scenario: AzMismatchScenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FaultInjector() as faults:
        faults.deny("route53resolver:ListResolverRules", account=scenario.consumer_account)
        found = _run(scenario, _sim_plan(scenario), tmp_path, capsys)
    assert found["status"] == "error"
    assert found["details"]["error_kind"] == "access-denied"
    assert "route53resolver:ListResolverRules" in found["remediation"]


def test_the_rules_of_several_vpcs_are_read_in_one_pair_of_calls(
    scenario: AzMismatchScenario,
) -> None:
    from plcheck.aws import AwsContext, Scope

    first = endpoint(scenario.service_name, scenario.consumer_vpc_id)
    second = endpoint(scenario.service_name, "vpc-0000000000000beef")
    second["address"] = "aws_vpc_endpoint.other"
    plan = parse(plan_of([first, second]), Path("plan.json"))
    with AwsContext() as ctx:
        facts = planned_resolver.gather(
            ctx, Scope(profile=scenario.consumer_profile), plan, plan.endpoints
        )
        actions = [c.action for c in ctx.calls]
    assert actions.count("route53resolver:ListResolverRuleAssociations") == 1
    assert actions.count("route53resolver:ListResolverRules") == 1
    associated, _ = facts.index.get()
    assert set(associated) == {scenario.consumer_vpc_id, "vpc-0000000000000beef"}
