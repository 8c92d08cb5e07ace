"""``plcheck plan`` end to end: hand-written plans against the simulated consumer account."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from plcheck.cli import run
from plcheck.sim.scenarios import AzMismatchScenario
from tests.gate.conftest import report

PlanFile = Callable[[str], Path]


def by_check(data: dict[str, object]) -> dict[tuple[str, str], dict[str, object]]:
    findings = data["findings"]
    assert isinstance(findings, list)
    return {(f["check"], f["resource"]): f for f in findings}


def test_known_subnets_are_judged_by_az_id(
    scenario: AzMismatchScenario, plan_file: PlanFile, capsys: pytest.CaptureFixture[str]
) -> None:
    path = plan_file("plan_known.json")
    code = run(["plan", str(path), "--profile", scenario.consumer_profile, "--format", "json"])
    data = report(capsys)
    assert data["command"] == "plan"
    assert code == 1
    found = by_check(data)
    (unsupported,) = scenario.unsupported_consumer_subnet_ids
    coverage = found[("endpoint-az-coverage", unsupported)]
    assert coverage["status"] == "fail"
    assert "CreateVpcEndpoint would fail" in str(coverage["message"])
    assert coverage["details"]["address"] == "aws_vpc_endpoint.burrito"  # type: ignore[index]
    visible = found[("service-visible", scenario.service_name)]
    assert visible["status"] == "pass"
    assert visible["details"]["addresses"] == ["aws_vpc_endpoint.burrito"]  # type: ignore[index]
    dns = found[("vpc-dns-attributes", scenario.consumer_vpc_id)]
    assert dns["status"] == "pass"
    assert dns["details"]["attributes_from"] == "live"  # type: ignore[index]
    # private DNS is asked for, but the provider has not verified the name yet
    assert found[("endpoint-private-dns", "aws_vpc_endpoint.burrito")]["status"] == "fail"
    grid, view, *_ = data["views"]
    assert view["note"] == "Not checked: aws_vpc_endpoint.s3: a Gateway endpoint, not Interface"
    # The planned endpoint's zone grid marks the planned subnet in a zone the NLB lacks.
    assert grid["title"] == "Zones by AZ ID: aws_vpc_endpoint.burrito"
    assert grid["columns"][-2] == "Planned subnets"
    flagged = [grid["rows"][i] for i in grid["highlight"]]
    assert [row[-2] for row in flagged] == [unsupported]
    assert flagged[0][-1] == "✗ no load balancer here: cannot attach"


def test_supported_subnets_pass(
    scenario: AzMismatchScenario, plan_file: PlanFile, capsys: pytest.CaptureFixture[str]
) -> None:
    path = plan_file("plan_known.json")
    text = path.read_text().replace(
        scenario.unsupported_consumer_subnet_ids[0], scenario.supported_consumer_subnet_ids[1]
    )
    path.write_text(text.replace('"private_dns_enabled": true', '"private_dns_enabled": false'))
    code = run(["plan", str(path), "--profile", scenario.consumer_profile, "--format", "json"])
    found = by_check(report(capsys))
    assert code == 0
    assert found[("endpoint-az-coverage", "aws_vpc_endpoint.burrito")]["status"] == "pass"
    assert not any(check == "endpoint-private-dns" for check, _ in found)


def test_unknown_values_are_skipped_or_followed_into_the_plan(
    scenario: AzMismatchScenario, plan_file: PlanFile, capsys: pytest.CaptureFixture[str]
) -> None:
    path = plan_file("plan_unknown.json")
    code = run(["plan", str(path), "--profile", scenario.consumer_profile, "--format", "json"])
    data = report(capsys)
    assert code == 1
    found = by_check(data)
    # A planned subnet by zone NAME lands in the consumer's use1-az4, which the service lacks.
    planned_a = found[("endpoint-az-coverage", 'aws_subnet.private["a"]')]
    assert planned_a["status"] == "fail"
    assert "us-east-1a (use1-az4)" in str(planned_a["message"])
    assert planned_a["details"]["subnets_from"] == "plan"  # type: ignore[index]
    # The planned VPC's DNS hostnames are off, and burrito wants private DNS.
    planned_vpc = found[("vpc-dns-attributes", "aws_vpc.main")]
    assert planned_vpc["status"] == "fail"
    assert planned_vpc["remediation"] == "Set enable_dns_hostnames = true on aws_vpc.main."
    # Unknown until apply: skipped, with the reason.
    spare = found[("endpoint-az-coverage", "aws_vpc_endpoint.spare")]
    assert spare["status"] == "skip"
    assert "aws_subnet.spare, whose zone is known only after apply" in str(spare["message"])
    assert found[("endpoint-private-dns", "aws_vpc_endpoint.spare")]["status"] == "skip"
    tacos = found[("service-visible", "aws_vpc_endpoint.tacos")]
    assert tacos["status"] == "skip"
    assert "module.tacos.aws_vpc_endpoint_service.tacos, created in this plan" in str(
        tacos["message"]
    )
    assert tacos["details"]["known_after_apply"] is True  # type: ignore[index]
    assert found[("endpoint-az-coverage", "aws_vpc_endpoint.tacos")]["status"] == "skip"


def test_plan_sarif_points_at_the_plan(
    scenario: AzMismatchScenario,
    plan_file: PlanFile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import json

    monkeypatch.chdir(tmp_path)  # SARIF paths are relative to the repository (here: the cwd)
    path = plan_file("plan_known.json")
    out = tmp_path / "plan.sarif"
    run(["plan", str(path), "--profile", "consumer", "--format", "sarif", "--output", str(out)])
    results = json.loads(out.read_text())["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {path.relative_to(tmp_path).as_posix()}


def test_a_plan_without_privatelink_says_so_and_warns_under_fail_on_warn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.json"
    bucket = {
        "address": "aws_s3_bucket.logs",
        "mode": "managed",
        "type": "aws_s3_bucket",
        "name": "logs",
        "change": {"actions": ["create"], "after": {}, "after_unknown": {}},
    }
    path.write_text(json.dumps({"format_version": "1.2", "resource_changes": [bucket]}))
    # No AWS call is made: no credentials or network are needed.
    assert run(["plan", str(path), "--region", "us-east-1", "--format", "json"]) == 0
    data = report(capsys)
    (finding,) = data["findings"]
    assert finding["check"] == "plan-nothing-checked"
    # Always a warning (it was a skip unless --fail-on warn); --fail-on decides the exit.
    assert finding["status"] == "warn"
    assert "nothing checked" in finding["message"]
    assert data["views"][-1]["rows"] == [["aws_s3_bucket", "managed", "1"]]
    args = ["plan", str(path), "--region", "us-east-1", "--format", "json", "--fail-on", "warn"]
    assert run(args) == 1
    (finding,) = report(capsys)["findings"]
    assert finding["status"] == "warn"
    # The table says so in one line.
    assert run(["plan", str(path), "--region", "us-east-1"]) == 0
    out = capsys.readouterr().out
    assert "nothing checked: the plan has no PrivateLink resource (1 other resource)" in out


def test_a_plan_with_only_subnets_and_groups_checks_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def create(address: str, after: dict[str, object]) -> dict[str, object]:
        kind, name = address.split(".")
        return {
            "address": address,
            "mode": "managed",
            "type": kind,
            "name": name,
            "change": {"actions": ["create"], "after": after, "after_unknown": {"id": True}},
        }

    path = tmp_path / "network.json"
    changes = [
        create("aws_subnet.a", {"vpc_id": "vpc-1", "availability_zone": "us-east-1a"}),
        create("aws_security_group.api", {"name": "api", "vpc_id": "vpc-1"}),
    ]
    path.write_text(json.dumps({"format_version": "1.2", "resource_changes": changes}))
    assert run(["plan", str(path), "--region", "us-east-1", "--format", "json"]) == 0
    (finding,) = report(capsys)["findings"]
    assert (finding["check"], finding["status"]) == ("plan-nothing-checked", "warn")
    assert "(2 other resources)" in finding["message"]
    assert finding["details"]["read"] == {}
    assert finding["details"]["read_not_judged"] == {"aws_security_group": 1, "aws_subnet": 1}


def test_not_a_plan_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tfplan"
    path.write_bytes(b"PK\x03\x04binary")
    assert run(["plan", str(path)]) == 2
    assert "not JSON" in capsys.readouterr().err
