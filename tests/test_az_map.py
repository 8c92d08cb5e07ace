"""``plcheck az-map`` end to end: real boto3 clients, profiles with role_arn, simulated AWS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from plcheck.cli import run
from plcheck.sim import SimulatedWorld
from plcheck.sim.scenarios import AzMismatchScenario, az_mismatch
from tests.support import offline


def az_map(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = run(["az-map", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_names_that_differ_across_accounts_warn_with_both_ids(
    scenario: AzMismatchScenario, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = az_map(capsys, "--profile", "provider", "--profile", "consumer")
    assert code == 0
    assert report["command"] == "az-map"
    warns = {f["resource"]: f for f in report["findings"] if f["status"] == "warn"}
    # The scenario maps every provider name to another consumer zone.
    assert set(warns) == set(scenario.provider_az_mapping)
    first = warns["us-east-1a"]
    assert first["check"] == "az-id-mapping"
    assert first["region"] == "us-east-1"
    provider_id = scenario.provider_az_mapping["us-east-1a"]
    consumer_id = scenario.consumer_az_mapping["us-east-1a"]
    assert provider_id in first["message"]
    assert consumer_id in first["message"]
    assert first["details"]["zone_ids"] == {
        scenario.provider_account: provider_id,
        scenario.consumer_account: consumer_id,
    }
    assert report["summary"]["warn"] == len(warns)


def test_fail_on_warn_turns_the_mismatch_into_exit_1(
    scenario: AzMismatchScenario, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = az_map(
        capsys, "--profile", "provider", "--profile", "consumer", "--fail-on", "warn"
    )
    assert code == 1
    assert report["exit_code"] == 1


def test_views_show_names_side_by_side_and_the_inverse(
    scenario: AzMismatchScenario, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = az_map(
        capsys,
        "--profile",
        "provider",
        "--profile",
        "consumer",
        "--service",
        scenario.service_name,
    )
    by_name, by_id = report["views"]
    assert by_name["columns"][0] == "Zone name"
    row_a = next(r for r in by_name["rows"] if r[0] == "us-east-1a")
    assert row_a[1:] == [
        scenario.provider_az_mapping["us-east-1a"],
        scenario.consumer_az_mapping["us-east-1a"],
        "DIFFERENT",
    ]
    # The inverse view marks the service's zones as each account sees them.
    served = {r[0]: r for r in by_id["rows"] if "✓ service" in r[1]}
    assert set(served) == set(scenario.service_zone_ids)
    for zone_id, row in served.items():
        consumer_name = {v: k for k, v in scenario.consumer_az_mapping.items()}[zone_id]
        assert row[2] == f"{consumer_name} ✓ service"
    # Both accounts see the service: az-map-service-visible passes, naming its zones.
    [visible] = [f for f in report["findings"] if f["check"] == "az-map-service-visible"]
    assert visible["status"] == "pass"
    assert "visible to every account read (2)" in visible["message"]
    for zone_id in scenario.service_zone_ids:
        assert zone_id in visible["message"]
    assert visible["details"]["not_visible_to"] == []
    assert len(visible["details"]["visible_to"]) == 2


def test_a_failed_service_lookup_is_the_service_checks_error_not_the_accounts(
    scenario: AzMismatchScenario, capsys: pytest.CaptureFixture[str]
) -> None:
    from plcheck.sim.faults import FaultInjector

    with FaultInjector() as faults:
        faults.deny("ec2:DescribeVpcEndpointServices", account=scenario.consumer_account)
        code, report = az_map(
            capsys,
            "--profile",
            "provider",
            "--profile",
            "consumer",
            "--service",
            scenario.service_name,
        )
    by_check: dict[str, list[dict[str, Any]]] = {}
    for finding in report["findings"]:
        by_check.setdefault(finding["check"], []).append(finding)
    # az-id-mapping still maps the consumer's zones: no error of its own.
    assert all(f["status"] != "error" for f in by_check["az-id-mapping"])
    assert {f["resource"] for f in by_check["az-id-mapping"]} == set(scenario.provider_az_mapping)
    # az-map-service-visible: its error for the consumer, and no claim about every account.
    visible = {f["status"]: f for f in by_check["az-map-service-visible"]}
    assert set(visible) == {"pass", "error"}
    error = visible["error"]
    assert error["account"] == scenario.consumer_account
    assert "DescribeVpcEndpointServices" in error["message"]
    assert error["details"]["code"] == "AccessDenied"
    assert "lookup failed in" in visible["pass"]["message"]
    assert scenario.consumer_account in visible["pass"]["message"]
    [seen_by] = visible["pass"]["details"]["visible_to"]
    assert scenario.provider_account in seen_by
    # The inverse view says the consumer's lookup failed, not that it cannot see the service.
    _, by_id = report["views"]
    assert all(row[2].endswith("(service unread)") for row in by_id["rows"])
    assert code == 3


def test_a_single_account_passes(
    scenario: AzMismatchScenario, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = az_map(capsys, "--profile", "consumer")
    assert code == 0
    [finding] = report["findings"]
    assert finding["status"] == "pass"
    assert finding["account"] == scenario.consumer_account


def test_one_describe_per_account_and_region(
    world: SimulatedWorld, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from plcheck.aws import context

    sent: list[str] = []
    original = context.AwsContext._send

    def spy(self: Any, scope: Any, service: str, operation: str, *a: Any, **k: Any) -> Any:
        sent.append(f"{scope.profile}:{operation}")
        return original(self, scope, service, operation, *a, **k)

    monkeypatch.setattr(context.AwsContext, "_send", spy)
    code, _ = az_map(capsys, "--profile", "provider", "--profile", "consumer")
    assert code == 0
    # Role profiles: the role ARN names the account, so no GetCallerIdentity.
    assert sorted(sent) == [
        "consumer:describe_availability_zones",
        "provider:describe_availability_zones",
    ]


def test_table_output_file_is_plain_text(
    scenario: AzMismatchScenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.txt"
    assert run(["az-map", "-p", "provider", "-p", "consumer", "--output", str(out)]) == 0
    assert capsys.readouterr().out == ""
    text = out.read_text()
    assert "\x1b[" not in text
    assert "DIFFERENT" in text
    assert "plcheck az-map: 6 warn → exit 0" in text


def test_piped_table_with_no_color_from_a_subprocess() -> None:
    # A subprocess reaches the world over HTTP, through AWS_ENDPOINT_URL.
    with SimulatedWorld(serve=True) as served:
        az_mismatch(served)
        done = subprocess.run(
            [sys.executable, "-m", "plcheck", "az-map", "-p", "provider", "-p", "consumer"],
            capture_output=True,
            text=True,
            env={**served.env, **offline.child_environment(os.environ), "NO_COLOR": "1"},
            check=False,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr
    assert "\x1b[" not in done.stdout
    assert "us-east-1a" in done.stdout
    assert "warn" in done.stdout


@pytest.mark.parametrize("fmt", ["sarif", "junit", "markdown"])
def test_every_format_renders_a_real_run(
    scenario: AzMismatchScenario, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["az-map", "-p", "provider", "-p", "consumer", "--format", fmt]) == 0
    assert "az-id-mapping" in capsys.readouterr().out


def test_role_arn_is_assumed_on_top_of_a_profile(
    world: SimulatedWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    role = "arn:aws:iam::333333333333:role/plcheck-readonly"
    code, report = az_map(
        capsys, "--profile", "provider", "--role-arn", role, "--external-id", "x1"
    )
    assert code == 0
    [finding] = report["findings"]
    assert finding["account"] == "333333333333"


def test_an_account_that_cannot_see_the_service_is_marked(
    world: SimulatedWorld, scenario: AzMismatchScenario, capsys: pytest.CaptureFixture[str]
) -> None:
    world.add_profile("stranger", "333333333333")
    code, report = az_map(
        capsys, "-p", "provider", "-p", "stranger", "--service", scenario.service_name
    )
    assert code == 0  # a warning: the stranger may not be meant to connect
    _, by_id = report["views"]
    stranger = [row[2] for row in by_id["rows"]]
    assert all(cell.endswith("(service not visible)") for cell in stranger)
    assert any("✓ service" in row[1] for row in by_id["rows"])
    [visible] = [f for f in report["findings"] if f["check"] == "az-map-service-visible"]
    assert visible["status"] == "warn"
    assert "333333333333" in visible["message"]
    assert scenario.provider_account not in visible["details"]["not_visible_to"][0]


def test_a_service_no_account_sees_fails_and_the_legend_does_not_claim_it(
    scenario: AzMismatchScenario, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = scenario.service_name[:-4] + "ffff"
    code, report = az_map(capsys, "-p", "provider", "-p", "consumer", "--service", missing)
    assert code == 1
    [visible] = [f for f in report["findings"] if f["check"] == "az-map-service-visible"]
    assert visible["status"] == "fail"
    assert missing in visible["message"]
    assert scenario.provider_account in visible["message"]
    assert scenario.consumer_account in visible["message"]
    _, by_id = report["views"]
    assert "✓" not in by_id["note"]
    assert "visible to no account" in by_id["note"]
    assert not any("✓ service" in cell for row in by_id["rows"] for cell in row)


def test_a_malformed_service_name_is_a_usage_error(
    scenario: AzMismatchScenario, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["az-map", "-p", "provider", "--service", scenario.service_id]) == 2
    assert "malformed endpoint service name" in capsys.readouterr().err
