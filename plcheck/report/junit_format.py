"""JUnit XML in the Surefire/Jenkins shape that Jenkins, GitLab and others read.

One ``<testsuite>`` per check, one ``<testcase>`` per check and resource. Only the
attributes of the Jenkins JUnit schema are written:

* ``testsuites``: name, tests, failures, errors, time;
* ``testsuite``: name, tests, failures, errors, skipped, time, timestamp, hostname;
* ``testcase``: name, classname, time; children ``failure``/``error`` (message, type),
  ``skipped`` (message) and ``system-out``.

``classname`` is ``plcheck.<command>`` (Jenkins shows package ``plcheck``, class
``<command>``); ``name`` is the check and the resource. plcheck does not time single
checks (they share concurrent AWS calls), so ``time`` is 0 on every element.
"""

from __future__ import annotations

import datetime as dt
import socket
import xml.etree.ElementTree as ET
from collections import defaultdict

from plcheck.model import FailOn, Finding, Report, Status

_COUNTS = ("tests", "failures", "errors", "skipped")


def render(report: Report, now: dt.datetime | None = None, hostname: str | None = None) -> str:
    # Jenkins' schema wants an xs:dateTime without a zone: UTC, to the second.
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%S")
    host = hostname if hostname is not None else socket.gethostname()
    cases: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in report.findings:
        cases[finding.check][_case_name(finding)].append(finding)

    root = ET.Element("testsuites", name=f"plcheck {report.command}")
    totals = dict.fromkeys(_COUNTS, 0)
    classname = f"plcheck.{report.command}"
    for check, by_resource in cases.items():
        suite = ET.SubElement(root, "testsuite", name=check)
        counts = dict.fromkeys(_COUNTS, 0)
        for name, findings in by_resource.items():
            case = ET.SubElement(suite, "testcase", name=name, classname=classname, time="0")
            counts["tests"] += 1
            text = "\n".join(_line(f) for f in findings)
            worst = max(findings, key=lambda f: f.status.rank)
            outcome = _outcome(findings, report.fail_on)
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
        for key in _COUNTS:
            suite.set(key, str(counts[key]))
            totals[key] += counts[key]
        suite.set("time", "0")
        suite.set("timestamp", stamp)
        suite.set("hostname", host)
    for key in ("tests", "failures", "errors"):
        root.set(key, str(totals[key]))
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case_name(finding: Finding) -> str:
    where = "/".join(p for p in (finding.account, finding.region) if p)
    name = f"{finding.check} {finding.resource}"
    return f"{name} [{where}]" if where else name


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
