"""The SARIF of every command, checked against GitHub code scanning's documented rules.

On top of the SARIF 2.1.0 schema, these tests apply what GitHub documents in "SARIF
support for code scanning"
(https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support)
and its limits table
(https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/troubleshoot-sarif-uploads/results-exceed-limit).
"""

from __future__ import annotations

import dataclasses
import gzip
import inspect
import json
import random
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from plcheck.checks import catalog, module
from plcheck.model import Finding, Location, Report, Status
from plcheck.report import sarif_format
from plcheck.report.sarif_format import MAX_RESULTS, as_dict, relative_uri, rule_meta

from .reports import CONSUMER, PROVIDER, REGION, THIRD, command_report, every_command

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())

# GitHub's documented limits ("SARIF support for code scanning", limits table).
MAX_RUNS = 20
MAX_RULES = 25_000
MAX_LOCATIONS = 10  # "locations[]: ... up to a maximum of 10"; the table allows 1,000
MAX_TAGS = 20
MAX_GZIPPED_BYTES = 10 * 1024 * 1024  # "For each gzip-compressed SARIF file ... 10 MB"
MAX_NAME = 255  # reportingDescriptor.name
MAX_DESCRIPTION = 1024  # shortDescription.text and fullDescription.text
PRECISIONS = {"very-high", "high", "medium", "low"}
RULE_LEVELS = {"note", "warning", "error"}  # "valid values for defaultConfiguration.level"
LINE_HASH = re.compile(r"^[0-9a-f]{16}:[1-9][0-9]*$")  # as upload-sarif writes it


def sarif(report: Report, root: Path) -> dict[str, Any]:
    log = as_dict(report, root=root, cwd=root)
    jsonschema.validate(log, SCHEMA)
    return log


def assert_github_accepts(log: dict[str, Any]) -> None:
    """Every documented requirement and limit of code scanning's SARIF ingestion."""
    assert log["$schema"]
    assert log["version"] == "2.1.0"
    assert 1 <= len(log["runs"]) <= MAX_RUNS
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert driver["name"]
        rules = driver["rules"]
        assert len(rules) <= MAX_RULES
        ids = [r["id"] for r in rules]
        assert len(ids) == len(set(ids))
        for rule in rules:
            # Required: id, shortDescription.text, fullDescription.text, help.text.
            assert rule["id"]
            assert 0 < len(rule["shortDescription"]["text"]) <= MAX_DESCRIPTION
            assert 0 < len(rule["fullDescription"]["text"]) <= MAX_DESCRIPTION
            assert rule["help"]["text"]
            assert len(rule.get("name", "")) <= MAX_NAME
            assert rule["defaultConfiguration"]["level"] in RULE_LEVELS
            props = rule["properties"]
            assert props["precision"] in PRECISIONS
            assert 0 < len(props["tags"]) <= MAX_TAGS
            # "A string representing a score ... greater than 0.0 up to 10.0", for rules
            # whose tags include "security".
            severity = props["security-severity"]
            assert isinstance(severity, str)
            assert 0.0 < float(severity) <= 10.0
            assert "security" in props["tags"]
        results = run["results"]
        assert len(results) <= MAX_RESULTS
        hashes = []
        for result in results:
            assert result["ruleId"] in ids
            assert ids[result["ruleIndex"]] == result["ruleId"]
            assert result["message"]["text"]
            # "At least one location is required"; at most 10.
            assert 1 <= len(result["locations"]) <= MAX_LOCATIONS
            for location in result["locations"]:
                physical = location["physicalLocation"]
                uri = physical["artifactLocation"]["uri"]
                assert_repository_relative(uri)
                assert physical["region"]["startLine"] >= 1
            # "Code scanning only uses the primaryLocationLineHash."
            line_hash = result["partialFingerprints"]["primaryLocationLineHash"]
            assert LINE_HASH.match(line_hash)
            hashes.append((result["ruleId"], line_hash))
        # Two results with one rule and one hash would be one alert.
        assert len(hashes) == len(set(hashes))
    raw = json.dumps(log).encode()
    assert len(gzip.compress(raw)) <= MAX_GZIPPED_BYTES


def assert_repository_relative(uri: str) -> None:
    assert uri
    assert not uri.startswith("/")
    assert ":" not in uri.split("/", maxsplit=1)[0]  # no scheme, no drive
    assert "\\" not in uri
    assert ".." not in uri.split("/")
    assert "/tmp/" not in f"/{uri}"
    assert "pytest" not in uri


@pytest.mark.parametrize("command", every_command())
def test_every_command_gives_sarif_github_accepts(command: str, tmp_path: Path) -> None:
    report = command_report(command)
    log = sarif(report, tmp_path)
    assert_github_accepts(log)
    results = log["runs"][0]["results"]
    problems = [f for f in report.findings if f.status in (Status.WARN, Status.FAIL, Status.ERROR)]
    # Only problems: one result per warn, fail and error; no passes, no skips.
    assert len(results) == len(problems)
    assert {r["properties"]["status"] for r in results} == {"warn", "fail", "error"}
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(report.checks_used())


@pytest.mark.parametrize("command", every_command())
def test_passes_and_skips_come_when_asked(command: str, tmp_path: Path) -> None:
    report = command_report(command, include_passes=True)
    log = sarif(report, tmp_path)
    assert_github_accepts(log)
    results = log["runs"][0]["results"]
    assert len(results) == len(report.findings)
    suppressed = [r for r in results if "suppressions" in r]
    ignored = [f for f in report.findings if f.suppressed_reason]
    assert ignored
    assert len(suppressed) == len(ignored)
    for result in suppressed:
        assert result["suppressions"] == [
            {
                "kind": "external",
                "status": "accepted",
                "justification": ignored[0].suppressed_reason,
            }
        ]
        assert (result["kind"], result["level"]) == ("fail", "error")  # it was a fail


def uris(log: dict[str, Any]) -> set[tuple[str, int]]:
    return {
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in log["runs"][0]["results"]
    }


def test_check_results_point_at_their_link(tmp_path: Path) -> None:
    log = sarif(command_report("check"), tmp_path)
    assert uris(log) == {("plcheck.toml", 11), ("plcheck.toml", 12), ("plcheck.toml", 13)}


def test_plan_results_point_at_the_terraform(tmp_path: Path) -> None:
    log = sarif(command_report("plan"), tmp_path)
    assert {uri for uri, _ in uris(log)} == {"infra/endpoints.tf"}


@pytest.mark.parametrize("command", ["az-map", "provider", "consumer", "probe"])
def test_commands_without_a_file_use_the_anchor(command: str, tmp_path: Path) -> None:
    report = command_report(command, source=str(tmp_path / ".github" / "workflows" / "pl.yml"))
    assert uris(sarif(report, tmp_path)) == {(".github/workflows/pl.yml", 1)}
    # With no anchor at all, the documented default.
    assert uris(sarif(command_report(command), tmp_path)) == {("plcheck.toml", 1)}


def test_no_absolute_or_temporary_path_is_ever_written(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    outside = tmp_path / "tmpplan" / "plan.json"
    finding = Finding(
        "endpoint-state",
        Status.FAIL,
        "vpce-1",
        "not available",
        location=Location(str(outside), 4),
    )
    report = Report("plan", (finding,), source=str(outside))
    log = as_dict(report, cwd=repo / "sub")
    jsonschema.validate(log, SCHEMA)
    assert uris(log) == {("plcheck.toml", 1)}
    assert str(tmp_path) not in json.dumps(log)
    # Relative paths are relative to the working directory, URIs to the repository.
    report = Report("plan", (finding,), source="../plan.json")
    assert uris(as_dict(report, cwd=repo / "sub")) == {("plan.json", 1)}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("plcheck.toml", "plcheck.toml"),
        ("./infra//main.tf", "infra/main.tf"),
        ("infra\\main.tf", "infra/main.tf"),
        ("dir with space/plcheck.toml", "dir%20with%20space/plcheck.toml"),
        ("../elsewhere.toml", None),
        ("/etc/passwd", None),
        ("C:/Users/x/plan.json", None),
        ("", None),
    ],
)
def test_relative_uri(path: str, expected: str | None, tmp_path: Path) -> None:
    assert relative_uri(path, tmp_path, tmp_path) == expected


def test_absolute_paths_inside_the_repository_become_relative(tmp_path: Path) -> None:
    assert relative_uri(str(tmp_path / "a" / "b.tf"), tmp_path, tmp_path) == "a/b.tf"
    assert relative_uri((tmp_path / "a.tf").as_uri(), tmp_path, tmp_path) == "a.tf"


def az_map(accounts: list[str]) -> Report:
    """The az-map warning as the check writes it: the account list joined, in given order."""
    finding = Finding(
        "az-id-mapping",
        Status.WARN,
        "us-east-1a",
        "us-east-1a is not the same zone everywhere: "
        + ", ".join(f"use1-az{i} in {a}" for i, a in enumerate(accounts)),
        ",".join(accounts),
        REGION,
        "Plan zones by AZ ID",
    )
    other = Finding(
        "az-id-mapping", Status.WARN, "us-east-1b", "differs", ",".join(accounts), REGION
    )
    return Report("az-map", (finding, other))


def hashes(log: dict[str, Any]) -> dict[str, str]:
    return {
        r["locations"][0]["logicalLocations"][0]["name"]: r["partialFingerprints"][
            "primaryLocationLineHash"
        ]
        for r in log["runs"][0]["results"]
    }


def test_fingerprints_survive_reordered_and_added_profiles(tmp_path: Path) -> None:
    before = hashes(sarif(az_map([PROVIDER, CONSUMER]), tmp_path))
    assert hashes(sarif(az_map([CONSUMER, PROVIDER]), tmp_path)) == before
    assert hashes(sarif(az_map([CONSUMER, THIRD, PROVIDER]), tmp_path)) == before
    assert len(set(before.values())) == 2


@pytest.mark.parametrize("command", every_command())
def test_fingerprints_do_not_depend_on_the_order_of_findings(command: str, tmp_path: Path) -> None:
    report = command_report(command)
    shuffled = list(report.findings)
    random.Random(7).shuffle(shuffled)

    def by_finding(r: Report) -> dict[tuple[str, str, str], str]:
        log = sarif(r, tmp_path)
        return {
            (res["ruleId"], res["properties"]["status"], res["message"]["text"]): res[
                "partialFingerprints"
            ]["primaryLocationLineHash"]
            for res in log["runs"][0]["results"]
        }

    assert by_finding(dataclasses.replace(report, findings=tuple(shuffled))) == by_finding(report)


def test_same_resource_twice_gets_two_fingerprints(tmp_path: Path) -> None:
    twice = (
        Finding("nlb-target-health", Status.FAIL, "tg-1", "target i-1 unhealthy"),
        Finding("nlb-target-health", Status.FAIL, "tg-1", "target i-2 unhealthy"),
    )

    def by_message(report: Report) -> dict[str, str]:
        log = sarif(report, tmp_path)
        assert_github_accepts(log)  # among others: no two results share a hash
        return {
            r["message"]["text"]: r["partialFingerprints"]["primaryLocationLineHash"]
            for r in log["runs"][0]["results"]
        }

    one = by_message(Report("provider", twice))
    assert len(set(one.values())) == 2
    assert by_message(Report("provider", twice[::-1])) == one


def test_a_plan_findings_fingerprint_is_its_planned_resources(tmp_path: Path) -> None:
    """Endpoints placed alike fail on the same subnet: each keeps its fingerprint when
    another endpoint leaves the plan (numbering them by message would shift them)."""

    def coverage(i: int) -> Finding:
        address = f'module.pl["svc{i}"].aws_vpc_endpoint.this'
        return Finding(
            "endpoint-az-coverage",
            Status.FAIL,
            'aws_subnet.pl["c"]',
            f'aws_subnet.pl["c"] of {address} is in a zone the service is not offered in',
            details={"address": address},
        )

    def by_message(report: Report) -> dict[str, str]:
        log = sarif(report, tmp_path)
        assert_github_accepts(log)
        return {
            r["message"]["text"]: r["partialFingerprints"]["primaryLocationLineHash"]
            for r in log["runs"][0]["results"]
        }

    three = by_message(Report("plan", tuple(coverage(i) for i in range(3))))
    two = by_message(Report("plan", (coverage(1), coverage(2))))
    assert len(set(three.values())) == 3
    assert two.items() <= three.items()


@pytest.mark.parametrize("command", [*every_command(), "empty"])
def test_the_log_written_in_pieces_is_the_log(command: str) -> None:
    report = Report("plan", ()) if command == "empty" else command_report(command)
    expected = json.dumps(as_dict(report), indent=2, default=str) + "\n"
    assert sarif_format.render(report) == expected
    assert json.loads(expected)["runs"][0]["results"] or command == "empty"


#: How code scanning translates security-severity: "over 9.0 is critical, 7.0 to 8.9 is
#: high, 4.0 to 6.9 is medium and 3.9 or less is low" (reportingDescriptor object).
SEVERITY_BANDS = {
    "critical": (9.1, 10.0),
    "high": (7.0, 8.9),
    "medium": (4.0, 6.9),
    "low": (0.1, 3.9),
}


def test_every_check_ranks_within_github_documented_values() -> None:
    for spec in catalog().values():
        meta = rule_meta(spec)
        low, high = SEVERITY_BANDS[spec.severity]
        # "A string representing a score ... greater than 0.0 up to 10.0".
        assert isinstance(meta.security_severity, str), spec.id
        assert re.fullmatch(r"\d{1,2}\.\d", meta.security_severity), spec.id
        score = float(meta.security_severity)
        assert 0.0 < score <= 10.0, spec.id
        assert low <= score <= high, (spec.id, spec.severity, score)
        assert meta.precision in PRECISIONS, spec.id
        assert meta.level in RULE_LEVELS, spec.id
        assert meta.level == ("error" if spec.can_fail else "warning"), spec.id
        assert "security" in meta.tags, spec.id  # else security-severity is not read
        assert 0 < len(meta.tags) <= MAX_TAGS, spec.id


def test_a_check_that_cannot_fail_builds_no_fail() -> None:
    """``can_fail`` (the rule's level) says what the check's judge can give."""
    for spec in catalog().values():
        source = inspect.getsource(module(spec.id))
        assert ("Status.FAIL" in source) == spec.can_fail, spec.id


def test_rule_level_fits_what_the_check_can_report(tmp_path: Path) -> None:
    log = sarif(command_report("az-map"), tmp_path)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    # az-id-mapping only warns; az-map-service-visible fails on a service nobody sees.
    assert rules["az-id-mapping"]["defaultConfiguration"]["level"] == "warning"
    assert rules["az-map-service-visible"]["defaultConfiguration"]["level"] == "error"
    log = sarif(command_report("consumer"), tmp_path)
    levels = {
        r["id"]: r["defaultConfiguration"]["level"]
        for r in log["runs"][0]["tool"]["driver"]["rules"]
    }
    assert levels["endpoint-security-groups"] == "error"


def test_more_results_than_github_takes_keeps_the_worst(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sarif_format, "MAX_RESULTS", 10)
    findings = [Finding("probe-tcp", Status.WARN, f"h{i}", "slow") for i in range(20)]
    findings += [Finding("probe-tcp", Status.FAIL, f"f{i}", "refused") for i in range(3)]
    log = as_dict(Report("probe", tuple(findings)), root=tmp_path, cwd=tmp_path)
    results = log["runs"][0]["results"]
    assert len(results) == 10
    assert sum(r["level"] == "error" for r in results) == 3
    assert log["runs"][0]["properties"]["resultsLeftOut"] == 13
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert "13 results left out" in notes[-1]["message"]["text"]


def test_a_full_run_stays_under_the_upload_limits(tmp_path: Path) -> None:
    findings = tuple(
        Finding("endpoint-security-groups", Status.FAIL, f"vpce-{i:017x}", "x" * 200, CONSUMER)
        for i in range(MAX_RESULTS + 1)
    )
    # The schema is checked on small reports above; here only GitHub's limits (fast).
    log = as_dict(Report("consumer", findings), root=tmp_path, cwd=tmp_path)
    assert len(log["runs"][0]["results"]) == MAX_RESULTS
    assert_github_accepts(log)


def test_default_anchor() -> None:
    env = {"GITHUB_WORKFLOW_REF": "octo/tacos/.github/workflows/plcheck.yml@refs/heads/main"}
    assert sarif_format.default_anchor("plcheck.toml", env) == "plcheck.toml"
    assert sarif_format.default_anchor(None, env) == ".github/workflows/plcheck.yml"
    assert sarif_format.default_anchor(None, {}) == sarif_format.DEFAULT_ANCHOR
