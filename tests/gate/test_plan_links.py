"""``plcheck plan`` with both sides of a link in one plan: the link checks join them.

The plans (:func:`plcheck.sim.plans.linked_plan`) create an NLB and its endpoint service
through ``aws.provider`` and an endpoint to that service through ``aws.consumer``; the
profiles reach the simulated world's two accounts with role_arn, whose zone names map
to different AZ IDs (the consumer's us-east-1a is use1-az4, the provider's use1-az1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plcheck.cli import run
from plcheck.sim.plans import linked_plan
from plcheck.sim.scenarios import AzMismatchScenario
from tests.gate.conftest import report

ENDPOINT, SERVICE = "aws_vpc_endpoint.salsa", "aws_vpc_endpoint_service.salsa"
LINK_CHECKS = ("link-port", "link-principal", "link-private-dns", "link-sources", "link-zones")


def plan(
    scenario: AzMismatchScenario,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    data: dict[str, Any],
    *,
    aliases: tuple[str, ...] = ("consumer", "provider"),
) -> tuple[int, dict[str, dict[str, Any]]]:
    """Run ``plcheck plan`` on ``data`` with ``aliases`` mapped; the link findings by check."""
    path = tmp_path / "linked.json"
    path.write_text(json.dumps(data))
    profiles = {"consumer": scenario.consumer_profile, "provider": scenario.provider_profile}
    args = ["plan", str(path), "--profile", scenario.provider_profile, "--format", "json"]
    for alias in aliases:
        args += ["--provider-profile", f"{alias}={profiles[alias]}"]
    code = run(args)
    found = report(capsys)["findings"]
    links = {f["check"]: f for f in found if f["check"].startswith("link-")}
    assert sorted(links) == sorted(LINK_CHECKS)
    return code, {**links, **{f["check"]: f for f in found if not f["check"].startswith("link-")}}


def test_a_link_in_one_plan_passes_across_two_accounts(
    scenario: AzMismatchScenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The consumer's us-east-1b is use1-az1, a zone of the planned NLB.
    code, found = plan(scenario, tmp_path, capsys, linked_plan(scenario, consumer_zone="b"))
    assert code == 0
    for check in LINK_CHECKS:
        finding = found[check]
        assert finding["status"] == "pass", (check, finding["message"])
        assert finding["resource"] == ENDPOINT
        assert finding["account"] == scenario.consumer_account
        assert finding["details"]["address"] == ENDPOINT
        assert finding["details"]["addresses"] == [ENDPOINT, SERVICE]
        assert finding["details"]["provider_account"] == scenario.provider_account
        assert finding["details"]["consumer_account"] == scenario.consumer_account
    zones = found["link-zones"]
    assert zones["details"]["load_balancer_zone_ids"] == ["use1-az1", "use1-az2"]
    (zone,) = zones["details"]["zones"]
    assert zone["zone_id"] == "use1-az1"
    assert (zone["consumer_zone_name"], zone["provider_zone_name"]) == ("us-east-1b", "us-east-1a")
    # The port is evidence from the endpoint's group (TCP 443), said so in the message.
    assert "ports the endpoint's planned security groups admit" in found["link-port"]["message"]
    # The provider's side no longer judges the linked consumer's admission: the link does.
    assert found["service-allowed-principals"]["status"] == "pass"


def test_link_zones_fails_when_the_same_zone_name_is_another_az_id(
    scenario: AzMismatchScenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The consumer's us-east-1a is use1-az4; the NLB is in the provider's us-east-1a and 1b
    # (use1-az1, use1-az2). By name the zones match; by AZ ID they do not.
    code, found = plan(scenario, tmp_path, capsys, linked_plan(scenario, consumer_zone="a"))
    assert code == 1
    zones = found["link-zones"]
    assert zones["status"] == "fail"
    message = zones["message"]
    assert f"use1-az4 (consumer {scenario.consumer_account}'s us-east-1a" in message
    assert f"use1-az1 (provider {scenario.provider_account}'s us-east-1a)" in message
    assert "CreateVpcEndpoint fails" in message
    assert f"consumer account {scenario.consumer_account}" in zones["remediation"]
    assert zones["details"]["address"] == ENDPOINT
    assert [z["offered"] for z in zones["details"]["zones"]] == [False]
    # Nothing else about the link fails.
    assert {found[c]["status"] for c in LINK_CHECKS if c != "link-zones"} == {"pass"}


def test_link_principal_fails_when_the_consumer_account_is_not_allowed(
    scenario: AzMismatchScenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = linked_plan(scenario, principal="arn:aws:iam::333333333333:root")
    code, found = plan(scenario, tmp_path, capsys, data)
    assert code == 1
    principal = found["link-principal"]
    assert principal["status"] == "fail"
    assert (
        f"account {scenario.consumer_account} is not an allowed principal" in (principal["message"])
    )
    assert f"provider {scenario.provider_account}" in principal["message"]
    assert f"arn:aws:iam::{scenario.consumer_account}:root" in principal["remediation"]
    assert principal["details"]["address"] == ENDPOINT
    # One failure for one problem: the provider's side does not fail it again.
    assert found["service-allowed-principals"]["status"] == "pass"


def test_values_known_only_after_apply_are_skipped(
    scenario: AzMismatchScenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = linked_plan(scenario, private_dns=None)
    # The consumer subnet's zone is left to apply.
    (subnet,) = [c for c in data["resource_changes"] if c["address"] == "aws_subnet.salsa"]
    del subnet["change"]["after"]["availability_zone"]
    subnet["change"]["after_unknown"]["availability_zone"] = True
    code, found = plan(scenario, tmp_path, capsys, data)
    assert code == 0
    for check, waits_for in (
        ("link-zones", "aws_subnet.salsa, whose zone is known only after apply"),
        ("link-private-dns", "private_dns_enabled is known only after apply"),
    ):
        skipped = found[check]
        assert skipped["status"] == "skip", check
        assert waits_for in skipped["message"]
        assert skipped["details"]["known_after_apply"] is True
        assert skipped["details"]["address"] == ENDPOINT
    assert found["link-port"]["status"] == "pass"


def test_an_unmapped_alias_is_a_skip_naming_it(
    scenario: AzMismatchScenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for mapped, missing in (("provider", "consumer"), ("consumer", "provider")):
        code, found = plan(
            scenario, tmp_path, capsys, linked_plan(scenario, consumer_zone="a"), aliases=(mapped,)
        )
        assert code == 0, missing  # the failing zone join is not judged with a wrong map
        for check in LINK_CHECKS:
            skipped = found[check]
            assert skipped["status"] == "skip"
            assert f"aws.{missing} has no profile" in skipped["message"]
            assert f"--provider-profile {missing}=PROFILE" in skipped["remediation"]
            assert skipped["details"]["address"] == ENDPOINT


def _group_admitting(data: dict[str, Any], rule: dict[str, Any]) -> dict[str, Any]:
    """``data`` with the endpoint in a planned group whose one inbound rule is ``rule``."""
    data["resource_changes"].append(
        {
            "address": "aws_security_group.salsa",
            "mode": "managed",
            "type": "aws_security_group",
            "name": "salsa",
            "change": {
                "actions": ["create"],
                "before": None,
                "after": {"name": "salsa", "ingress": [rule], "egress": []},
                "after_unknown": {"id": True, "vpc_id": True},
            },
        }
    )
    (endpoint,) = [c for c in data["resource_changes"] if c["address"] == ENDPOINT]
    del endpoint["change"]["after"]["security_group_ids"]
    endpoint["change"]["after_unknown"]["security_group_ids"] = True
    resources = data["configuration"]["root_module"]["resources"]
    resources.append(
        {
            "address": "aws_security_group.salsa",
            "mode": "managed",
            "type": "aws_security_group",
            "name": "salsa",
            "provider_config_key": "aws.consumer",
            "expressions": {},
        }
    )
    (configured,) = [r for r in resources if r["address"] == ENDPOINT]
    configured["expressions"]["security_group_ids"] = {
        "references": ["aws_security_group.salsa.id", "aws_security_group.salsa"]
    }
    return data


def _rule(protocol: str, low: int, high: int) -> dict[str, Any]:
    return {
        "protocol": protocol,
        "from_port": low,
        "to_port": high,
        "cidr_blocks": ["10.1.0.0/16"],
        "ipv6_cidr_blocks": [],
        "prefix_list_ids": [],
        "security_groups": [],
        "self": False,
        "description": "",
    }


def test_link_port_warns_on_evidence_and_skips_without_it(
    scenario: AzMismatchScenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The endpoint's planned group admits 8443 only; the NLB listens on 443: evidence only.
    data = _group_admitting(linked_plan(scenario), _rule("tcp", 8443, 8443))
    _, found = plan(scenario, tmp_path, capsys, data)
    port = found["link-port"]
    assert port["status"] == "warn"
    assert port["details"]["unserved"] == [8443]
    assert "a plan does not say which port clients use" in port["message"]
    # A group that admits every port says nothing about the port: skip, never the default 443.
    data = _group_admitting(linked_plan(scenario), _rule("-1", 0, 0))
    _, found = plan(scenario, tmp_path, capsys, data)
    port = found["link-port"]
    assert port["status"] == "skip"
    assert "client port unknown: aws_security_group.salsa admits every port" in port["message"]


def test_private_dns_on_for_a_service_created_in_the_plan_warns(
    scenario: AzMismatchScenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = linked_plan(scenario, private_dns=True)
    (service,) = [c for c in data["resource_changes"] if c["address"] == SERVICE]
    service["change"]["after"]["private_dns_name"] = "api.salsa.example.com"
    _, found = plan(scenario, tmp_path, capsys, data)
    dns = found["link-private-dns"]
    assert dns["status"] == "warn"
    assert "can verify only after apply" in dns["message"]
    assert dns["details"]["private_dns_name"] == "api.salsa.example.com"


# -- the plan branches of the link checks, on plain data (test_joins' facts) --------------


def test_the_service_owner_account_is_admitted_without_a_principal() -> None:
    from dataclasses import replace

    from tests.gate.test_joins import PROVIDER, consumer, link, one, provider

    own = replace(consumer(), account=PROVIDER)
    found = one("link-principal", link(provider(principals=()), own))
    assert found.status.value == "pass"
    assert f"account {PROVIDER} owns the service" in found.message
    # Another account with no principal allowed still fails.
    assert one("link-principal", link(provider(principals=()))).status.value == "fail"


def test_a_plans_port_evidence_never_fails() -> None:
    from tests.gate.test_joins import link, one

    live = one("link-port", link(port=8443))
    assert live.status.value == "fail"  # a declared port: certain
    planned = one("link-port", link(port=8443, before_apply=True))
    assert planned.status.value == "warn"
    assert "a plan does not say which port clients use" in planned.message


@pytest.mark.parametrize(
    ("subnets", "status"), [(("subnet-b",), "pass"), (("subnet-a", "subnet-b"), "fail")]
)
def test_link_zones_before_apply_compares_az_ids_only(
    subnets: tuple[str, ...], status: str
) -> None:
    from tests.gate.test_joins import consumer, link, one

    # subnet-a is in the consumer's use1-az4, which the NLB lacks; target health is not read.
    found = one("link-zones", link(consumer_facts=consumer(subnets=subnets), before_apply=True))
    assert found.status.value == status
    if status == "fail":
        assert "use1-az4 (consumer 222222222222's us-east-1a: subnet-a)" in found.message
    else:
        assert "target health and cross-zone are known only after apply" in found.message


def test_link_private_dns_before_apply_judges_the_planned_setting() -> None:
    from dataclasses import replace

    from tests.gate.test_joins import SERVICE, link, one

    named = replace(SERVICE, private_dns_name="api.example.com", dns_state="")
    off = one("link-private-dns", link(service=named, before_apply=True, private_dns_planned=False))
    assert off.status.value == "pass"
    on = one("link-private-dns", link(service=named, before_apply=True, private_dns_planned=True))
    assert on.status.value == "warn"


def test_a_service_in_a_module_links_through_its_output(
    scenario: AzMismatchScenario,
    plan_file: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # aws_vpc_endpoint.tacos's service_name is module.tacos's output of its service.
    path = plan_file("plan_unknown.json")
    run(["plan", str(path), "--profile", scenario.consumer_profile, "--format", "json"])
    found = {
        f["check"]: f
        for f in report(capsys)["findings"]
        if f["resource"] == "aws_vpc_endpoint.tacos"
    }
    principal = found["link-principal"]
    assert principal["details"]["addresses"] == [
        "aws_vpc_endpoint.tacos",
        "module.tacos.aws_vpc_endpoint_service.tacos",
    ]
    # Both in the consumer's account: the service's own account needs no allowed principal.
    assert principal["status"] == "pass"
    assert f"account {scenario.consumer_account} owns the service" in principal["message"]
    # No security group named: the clients' port is unknown, not the default 443.
    assert found["link-port"]["status"] == "skip"
    assert "client port unknown" in found["link-port"]["message"]


def test_the_planned_endpoints_view_names_a_linked_endpoints_planned_service(
    scenario: AzMismatchScenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "linked.json"
    path.write_text(json.dumps(linked_plan(scenario)))
    args = ["plan", str(path), "--profile", scenario.provider_profile, "--format", "json"]
    args += ["--provider-profile", f"consumer={scenario.consumer_profile}"]
    args += ["--provider-profile", f"provider={scenario.provider_profile}"]
    run(args)
    (view,) = [v for v in report(capsys)["views"] if v["title"].startswith("Planned interface")]
    (row,) = [r for r in view["rows"] if r[0] == ENDPOINT]
    assert row[view["columns"].index("Service")] == f"{SERVICE} (in this plan)"
