"""Every report format on one report with every status."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from plcheck.model import FailOn, Finding, Report, Status, View
from plcheck.report import Format, render

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())

FINDINGS = (
    Finding("az-id-mapping", Status.PASS, "us-east-1", "all agree", "111111111111", "us-east-1"),
    Finding(
        "az-id-mapping",
        Status.WARN,
        "us-east-1a",
        "us-east-1a is use1-az1 in 111111111111 but use1-az4 in 222222222222",
        "111111111111,222222222222",
        "us-east-1",
        "Plan zones by AZ ID | not by name",
        {"zone_ids": {"111111111111": "use1-az1"}},
    ),
    Finding(
        "az-id-mapping", Status.ERROR, "consumer", "access denied to ec2:DescribeAvailabilityZones"
    ),
    Finding("az-id-mapping", Status.FAIL, "us-east-1b", "fails <&> escapes"),
    Finding("az-id-mapping", Status.SKIP, "us-east-1c", "ignored: by design"),
)
REPORT = Report(
    command="az-map",
    findings=FINDINGS,
    views=(View("AZ map", ("Zone", "provider"), (("us-east-1a", "use1-az1"),), frozenset({0})),),
)


def test_json_has_the_documented_shape() -> None:
    data = json.loads(render(REPORT, Format.JSON))
    assert data["schema_version"] == 1
    assert data["command"] == "az-map"
    assert data["summary"] == {"pass": 1, "warn": 1, "fail": 1, "error": 1, "skip": 1}
    assert data["exit_code"] == 1
    assert data["findings"][1] == FINDINGS[1].as_dict()
    assert data["views"][0]["rows"] == [["us-east-1a", "use1-az1"]]


def test_sarif_validates_against_the_official_schema() -> None:
    data = json.loads(render(REPORT, Format.SARIF))
    jsonschema.validate(data, SCHEMA)
    run = data["runs"][0]
    [rule] = run["tool"]["driver"]["rules"]
    assert rule["id"] == "az-id-mapping"
    assert rule["helpUri"].startswith("https://docs.aws.amazon.com/")
    levels = {r["properties"]["status"]: (r["kind"], r["level"]) for r in run["results"]}
    assert levels == {
        "fail": ("fail", "error"),
        "warn": ("fail", "warning"),
        "error": ("fail", "warning"),
    }
    assert run["invocations"][0]["executionSuccessful"] is False


def test_sarif_has_passes_and_skips_only_when_asked() -> None:
    report = dataclasses.replace(REPORT, include_passes=True)
    data = json.loads(render(report, Format.SARIF))
    jsonschema.validate(data, SCHEMA)
    levels = {
        r["properties"]["status"]: (r["kind"], r["level"]) for r in data["runs"][0]["results"]
    }
    assert levels["pass"] == ("pass", "none")
    assert levels["skip"] == ("notApplicable", "none")


def test_sarif_with_a_source_file_has_physical_locations() -> None:
    report = Report(command="check", findings=FINDINGS[:2], source="plcheck.toml")
    data = json.loads(render(report, Format.SARIF))
    jsonschema.validate(data, SCHEMA)
    location = data["runs"][0]["results"][0]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "plcheck.toml"


@pytest.mark.parametrize(("fail_on", "failures"), [(FailOn.FAIL, 1), (FailOn.WARN, 2)])
def test_junit_maps_statuses(fail_on: FailOn, failures: int) -> None:
    report = Report(command="az-map", findings=FINDINGS, fail_on=fail_on)
    root = ET.fromstring(render(report, Format.JUNIT))
    assert root.tag == "testsuites"
    assert root.get("tests") == "5"
    assert root.get("failures") == str(failures)
    assert root.get("errors") == "1"
    [suite] = root.iter("testsuite")
    assert suite.get("skipped") == "1"
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["az-id-mapping us-east-1b"].find("failure") is not None
    assert cases["az-id-mapping consumer"].find("error") is not None
    assert cases["az-id-mapping us-east-1c"].find("skipped") is not None


def test_markdown_lists_problems_with_fixes_and_escapes_pipes() -> None:
    text = render(REPORT, Format.MARKDOWN)
    assert text.startswith("### plcheck az-map:")
    assert "Plan zones by AZ ID \\| not by name" in text
    assert "<details>" in text
    assert "| **us-east-1a** | **use1-az1** |" in text


def test_table_is_plain_text_when_rendered_to_a_file() -> None:
    text = render(REPORT, Format.TABLE)
    assert "\x1b[" not in text
    for word in ("PASS", "WARN", "FAIL", "ERROR", "SKIP", "us-east-1a", "AZ map"):
        assert word in text
    assert "plcheck az-map: 1 pass, 1 warn, 1 fail, 1 error, 1 skip → exit 1" in text
