"""``plcheck plan`` with aliased providers: each endpoint judged in its own account.

The simulated world's consumer account holds the subnets; ``--profile`` reaches the
provider account, whose zone map is another one. The plan's endpoint is under
``provider = aws.consumer`` in a ``module.pl["burrito"]`` (for_each) instance.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plcheck.cli import run
from plcheck.sim.scenarios import AzMismatchScenario
from tests.gate.conftest import report

PlanFile = Callable[[str], Path]

ADDRESS = 'module.pl["burrito"].aws_vpc_endpoint.this'


def aliased(path: Path) -> Path:
    """plan_known.json with its endpoint in a for_each module under aws.consumer."""
    data: dict[str, Any] = json.loads(path.read_text())
    endpoint = data["resource_changes"][0]
    endpoint.update(address=ADDRESS, module_address='module.pl["burrito"]', name="this", index=None)
    configured = data["configuration"]["root_module"]["resources"].pop(0)
    configured.update(
        address="aws_vpc_endpoint.this", name="this", provider_config_key="aws.consumer"
    )
    data["configuration"]["provider_config"]["aws.consumer"] = {
        "name": "aws",
        "alias": "consumer",
        "expressions": {"region": {"constant_value": "us-east-1"}},
    }
    data["configuration"]["root_module"]["module_calls"] = {
        "pl": {"source": "./modules/pl", "module": {"resources": [configured]}}
    }
    out = path.with_name("aliased.json")
    out.write_text(json.dumps(data))
    return out


def findings(capsys: pytest.CaptureFixture[str]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f["check"], f["resource"]): f for f in report(capsys)["findings"]}


def test_an_unmapped_alias_is_skipped_not_judged_with_the_wrong_map(
    scenario: AzMismatchScenario, plan_file: PlanFile, capsys: pytest.CaptureFixture[str]
) -> None:
    path = aliased(plan_file("plan_known.json"))
    code = run(["plan", str(path), "--profile", scenario.provider_profile, "--format", "json"])
    assert code == 0
    found = findings(capsys)
    for check in ("endpoint-az-coverage", "endpoint-private-dns", "service-visible"):
        skipped = found[(check, ADDRESS)]
        assert skipped["status"] == "skip"
        assert "aws.consumer has no profile" in skipped["message"]
        assert "--provider-profile consumer=PROFILE" in skipped["remediation"]


def test_a_mapped_alias_is_judged_in_its_own_account(
    scenario: AzMismatchScenario, plan_file: PlanFile, capsys: pytest.CaptureFixture[str]
) -> None:
    path = aliased(plan_file("plan_known.json"))
    args = ["plan", str(path), "--profile", scenario.provider_profile, "--format", "json"]
    code = run([*args, "--provider-profile", f"consumer={scenario.consumer_profile}"])
    assert code == 1
    found = findings(capsys)
    (unsupported,) = scenario.unsupported_consumer_subnet_ids
    coverage = found[("endpoint-az-coverage", unsupported)]
    assert coverage["status"] == "fail"
    assert coverage["account"] == scenario.consumer_account
    assert coverage["details"]["address"] == ADDRESS


def test_the_config_maps_aliases_and_ignores_findings(
    scenario: AzMismatchScenario,
    plan_file: PlanFile,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = aliased(plan_file("plan_known.json"))
    config = tmp_path / "plcheck.toml"
    config.write_text(
        "[plan.providers]\n"
        f'consumer = "{scenario.consumer_profile}"\n'
        "\n"
        "[[ignore]]\n"
        'check = "endpoint-private-dns"\n'
        'reason = "the provider verifies the name this week"\n'
    )
    args = ["plan", str(path), "--profile", scenario.provider_profile, "--format", "json"]
    assert run([*args, "--config", str(config)]) == 1
    found = findings(capsys)
    (unsupported,) = scenario.unsupported_consumer_subnet_ids
    assert found[("endpoint-az-coverage", unsupported)]["status"] == "fail"
    ignored = found[("endpoint-private-dns", ADDRESS)]
    assert ignored["status"] == "skip"
    assert ignored["details"]["ignored"]["reason"] == "the provider verifies the name this week"


def test_a_bad_plan_provider_mapping_names_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "plcheck.toml"
    config.write_text('[plan.providers.consumer]\nprofile = "a"\nprofle = "b"\n')
    plan = tmp_path / "plan.json"
    plan.write_text('{"format_version": "1.2", "resource_changes": []}')
    assert run(["plan", str(plan), "--config", str(config)]) == 2
    assert f"{config}:3: plan provider 'consumer': unknown key 'profle'" in capsys.readouterr().err


def test_a_malformed_provider_profile_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"format_version": "1.2", "resource_changes": []}')
    assert run(["plan", str(plan), "--provider-profile", "consumer"]) == 2
    assert "write ALIAS=PROFILE" in capsys.readouterr().err


def test_stdin_and_tf_locations_in_table_and_sarif(
    scenario: AzMismatchScenario,
    plan_file: PlanFile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = aliased(plan_file("plan_known.json"))
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    module = repo / "infra" / "modules" / "pl"
    module.mkdir(parents=True)
    (repo / "infra" / "main.tf").write_text('module "pl" {\n  source = "./modules/pl"\n}\n')
    (module / "main.tf").write_text(
        '# resource "aws_vpc_endpoint" "this" {  (a comment)\n'
        "\n"
        'resource "aws_vpc_endpoint" "this" {\n'
        '  vpc_endpoint_type = "Interface"\n'
        "}\n"
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(path.read_text()))
    args = ["plan", "-", "--tf-dir", str(repo / "infra"), "--profile", scenario.consumer_profile]
    args += ["--provider-profile", f"consumer={scenario.consumer_profile}"]
    sarif = tmp_path / "out.sarif"
    assert run([*args, "--report", f"sarif={sarif}"]) == 1
    assert "at infra/modules/pl/main.tf:3" in capsys.readouterr().out
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    located = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        + f":{r['locations'][0]['physicalLocation']['region']['startLine']}"
        for r in results
        if r["ruleId"] == "endpoint-az-coverage"
    }
    assert located == {"infra/modules/pl/main.tf:3"}
