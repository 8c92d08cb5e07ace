"""JUnit XML as Jenkins and GitLab read it.

Every report is validated against Jenkins' JUnit schema itself, ``junit-10.xsd`` of
jenkinsci/xunit-plugin (vendored in ``tests/data``, its source in its header), which the
plugin validates JUnit reports with: the reports of every command with each check in every
status, and the real reports of the demo's steps. GitLab reads ``testsuite``/``testcase``
with ``name``, ``classname``, ``time`` and ``failure``/``error``/``skipped``/``system-out``
(https://docs.gitlab.com/ci/testing/unit_test_reports/), which plcheck always writes.
junitparser, a lenient reader, checks that the report says what the findings say.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path

import junitparser
import pytest
import xmlschema

from plcheck.cli import run
from plcheck.demo.steps import demo_steps
from plcheck.model import FailOn, Finding, Report, Status
from plcheck.report.junit_format import render
from plcheck.sim import SimulatedWorld

from .reports import command_report, every_command

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "junit-10.xsd"
# What plcheck writes beyond the schema's required attributes, for GitLab and for the counts.
WRITTEN = {
    "testsuites": {"name", "tests", "failures", "errors", "time"},
    "testsuite": {
        "name",
        "tests",
        "failures",
        "errors",
        "skipped",
        "time",
        "timestamp",
        "hostname",
    },
    "testcase": {"name", "classname", "time"},
}
NOW = dt.datetime(2026, 5, 4, 3, 2, 1, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMA))


def schema_errors(schema: xmlschema.XMLSchema, xml: str) -> list[str]:
    return [f"{error.path}: {error.reason}" for error in schema.iter_errors(xml)]


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each demo step's JUnit report, by the step's arguments."""
    directory = tmp_path_factory.mktemp("junit")
    reports: dict[str, str] = {}
    with SimulatedWorld() as world, closing(demo_steps(world)) as steps:
        for n, step in enumerate(steps):
            path = directory / f"{n}.xml"
            code = run([*step.args, "--format", "junit", "--output", str(path)])
            assert code in (0, 1), f"{step.args}: exit {code}"
            reports[" ".join(step.args)] = path.read_text(encoding="utf-8")
    return reports


@pytest.mark.parametrize("command", every_command())
@pytest.mark.parametrize("fail_on", [FailOn.FAIL, FailOn.WARN])
def test_every_status_of_every_check_is_valid_junit(
    schema: xmlschema.XMLSchema, command: str, fail_on: FailOn
) -> None:
    xml = render(command_report(command, fail_on=fail_on), now=NOW, hostname="runner")
    assert schema_errors(schema, xml) == []


def test_the_demos_reports_are_valid_junit(
    schema: xmlschema.XMLSchema, demo_reports: dict[str, str]
) -> None:
    commands = {args.split()[0] for args in demo_reports}
    assert commands >= set(every_command()), "the demo runs every command"
    for args, xml in demo_reports.items():
        assert schema_errors(schema, xml) == [], args
        assert list(ET.fromstring(xml).iter("testcase")), f"{args}: no test case"


def test_the_schema_refuses_what_jenkins_refuses(schema: xmlschema.XMLSchema) -> None:
    # The validation is not vacuous: an attribute Jenkins does not know, a time with more
    # than three decimals (the schema's SUREFIRE_TIME) and a suite without its counts fail.
    good = render(command_report("consumer"), now=NOW, hostname="runner")
    assert schema_errors(schema, good) == []
    root = ET.fromstring(good)
    case = next(root.iter("testcase"))
    case.set("status", "failed")
    assert any("status" in e for e in schema_errors(schema, ET.tostring(root, "unicode")))
    del case.attrib["status"]
    root.set("time", "0.1234")
    assert schema_errors(schema, ET.tostring(root, "unicode"))
    root.set("time", "0")
    del next(root.iter("testsuite")).attrib["tests"]
    assert schema_errors(schema, ET.tostring(root, "unicode"))


@pytest.mark.parametrize("command", every_command())
def test_the_attributes_gitlab_and_the_counts_need_are_written(command: str) -> None:
    root = ET.fromstring(render(command_report(command), now=NOW, hostname="runner"))
    for element in root.iter():
        assert set(element.attrib) >= WRITTEN.get(element.tag, set()), element.tag
        if "time" in element.attrib:
            assert float(element.attrib["time"]) >= 0
    for suite in root.iter("testsuite"):
        assert suite.get("timestamp") == "2026-05-04T03:02:01"  # xs:dateTime, no zone
        assert suite.get("hostname") == "runner"


@pytest.mark.parametrize("command", every_command())
@pytest.mark.parametrize(
    ("fail_on", "failing"), [(FailOn.FAIL, {"fail"}), (FailOn.WARN, {"fail", "warn"})]
)
def test_junitparser_reads_what_the_report_says(
    command: str, fail_on: FailOn, failing: set[str], tmp_path: object
) -> None:
    report = command_report(command, fail_on=fail_on)
    xml = junitparser.JUnitXml.fromstring(render(report))
    cases = [case for suite in xml for case in suite]
    assert len(cases) == xml.tests == len(report.findings)  # one case per check and resource
    by_name = {case.name: case for case in cases}
    for finding in report.findings:
        case = by_name[f"{finding.check} {finding.resource} [{finding.account}/{finding.region}]"]
        assert case.classname == f"plcheck.{command}"
        kinds = {type(r).__name__ for r in case.result}
        if finding.status.value in failing:
            assert kinds == {"Failure"}
            assert case.result[0].message == finding.message
        elif finding.status is Status.ERROR:
            assert kinds == {"Error"}
        elif finding.status is Status.SKIP:
            assert kinds == {"Skipped"}
        else:
            assert kinds == set()
            assert finding.message in (case.system_out or "")
    counts = {
        "failures": sum(f.status.value in failing for f in report.findings),
        "errors": sum(f.status is Status.ERROR for f in report.findings),
        "skipped": sum(f.status is Status.SKIP for f in report.findings),
    }
    assert (xml.failures, xml.errors) == (counts["failures"], counts["errors"])
    assert sum(suite.skipped for suite in xml) == counts["skipped"]
    for suite in xml:
        assert suite.tests == len(list(suite))


def test_fix_and_escaping_survive() -> None:
    finding = Finding(
        "nlb-listeners", Status.FAIL, "arn:aws:x", 'no listener on "443" <&>', remediation="add it"
    )
    xml = junitparser.JUnitXml.fromstring(render(Report("provider", (finding,))))
    [case] = [c for s in xml for c in s]
    assert case.result[0].message == 'no listener on "443" <&>'
    assert "Fix: add it" in (case.result[0].text or "")


@pytest.mark.parametrize("command", [*every_command(), "empty"])
def test_written_as_elementtree_lays_it_out(command: str) -> None:
    """The XML is written a suite at a time; it is what ElementTree makes of the same tree."""
    report = Report("plan", ()) if command == "empty" else command_report(command)
    # A case whose findings are apart (one on each side of another case's) and text that
    # needs escaping, in elements and attributes.
    odd = [
        Finding("nlb-listeners", Status.WARN, "tg\t1", 'a <"b">\n&c', remediation="x & y"),
        Finding("nlb-listeners", Status.PASS, "tg-2", "fine"),
        Finding("nlb-listeners", Status.FAIL, "tg\t1", "worse & worse"),
    ]
    report = Report(report.command, (*report.findings, *odd), fail_on=FailOn.WARN)
    text = render(report, now=dt.datetime(2026, 1, 2, 3, 4, 5), hostname="runner & co")
    root = ET.fromstring(text.split("\n", 1)[1])
    ET.indent(root)
    assert text == (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    )
    [case] = [c for c in root.iter("testcase") if "tg\t1" in c.get("name", "")]
    assert case[0].tag == "failure"
    assert case[0].get("message") == "worse & worse"
