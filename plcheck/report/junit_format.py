"""JUnit XML report: one test suite per check, one test case per check and resource."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from plcheck.model import FailOn, Finding, Report, Status


def render(report: Report) -> str:
    cases: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in report.findings:
        cases[finding.check][_case_name(finding)].append(finding)

    root = ET.Element("testsuites", name=f"plcheck {report.command}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for check, by_resource in cases.items():
        suite = ET.SubElement(root, "testsuite", name=f"plcheck.{check}")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for name, findings in by_resource.items():
            case = ET.SubElement(suite, "testcase", classname=f"plcheck.{check}", name=name)
            outcome = _outcome(findings, report.fail_on)
            counts["tests"] += 1
            text = "\n".join(_line(f) for f in findings)
            worst = max(findings, key=lambda f: f.status.rank)
            if outcome == "failure":
                counts["failures"] += 1
                element = ET.SubElement(
                    case, "failure", message=worst.message, type=worst.status.value
                )
                element.text = text
            elif outcome == "error":
                counts["errors"] += 1
                element = ET.SubElement(case, "error", message=worst.message, type="error")
                element.text = text
            elif outcome == "skipped":
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=worst.message)
            else:
                ET.SubElement(case, "system-out").text = text
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case_name(finding: Finding) -> str:
    where = "/".join(p for p in (finding.account, finding.region) if p)
    return f"{finding.resource} [{where}]" if where else finding.resource


def _outcome(findings: list[Finding], fail_on: FailOn) -> str:
    statuses = {f.status for f in findings}
    if Status.FAIL in statuses or (fail_on is FailOn.WARN and Status.WARN in statuses):
        return "failure"
    if Status.ERROR in statuses:
        return "error"
    if statuses == {Status.SKIP}:
        return "skipped"
    return "passed"


def _line(finding: Finding) -> str:
    line = f"{finding.status.value.upper()}: {finding.message}"
    if finding.remediation and finding.status is not Status.PASS:
        line += f"\nFix: {finding.remediation}"
    return line
