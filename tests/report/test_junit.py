"""JUnit XML as Jenkins and GitLab read it.

The allowed attributes are those of Jenkins' JUnit schema (``junit-10.xsd``, kept in
jenkinsci/xunit-plugin, after Ant/Surefire); GitLab reads ``testsuite``/``testcase`` with
``name``, ``classname``, ``time`` and ``failure``/``error``/``skipped``/``system-out``
(https://docs.gitlab.com/ci/testing/unit_test_reports/). junitparser parses it; it is lenient,
so the attribute sets below hold the schema, not the parser.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import junitparser
import pytest

from plcheck.model import FailOn, Finding, Report, Status
from plcheck.report.junit_format import render

from .reports import command_report, every_command

ALLOWED = {
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
    "failure": {"message", "type"},
    "error": {"message", "type"},
    "skipped": {"message"},
    "system-out": set(),
}
REQUIRED = {
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


@pytest.mark.parametrize("command", every_command())
def test_only_jenkins_attributes(command: str) -> None:
    root = ET.fromstring(render(command_report(command), now=NOW, hostname="runner"))
    for element in root.iter():
        assert element.tag in ALLOWED, element.tag
        assert set(element.attrib) <= ALLOWED[element.tag], (element.tag, element.attrib)
        assert set(element.attrib) >= REQUIRED.get(element.tag, set()), element.tag
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
