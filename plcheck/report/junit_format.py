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
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from typing import IO

from plcheck.model import FailOn, Finding, Report, Status
from plcheck.spool import FindingSpool

_COUNTS = ("tests", "failures", "errors", "skipped")
#: A case's statuses, a bit each: a plan has tens of thousands of cases (a set is 200 bytes).
_BIT = {status: 1 << n for n, status in enumerate(Status)}
#: The count each outcome adds to (a passed case adds to ``tests`` only).
_COUNTED = {"failure": "failures", "error": "errors", "skipped": "skipped"}


def render(report: Report, now: dt.datetime | None = None, hostname: str | None = None) -> str:
    return "".join(chunks(report, now, hostname))


def write(report: Report, stream: IO[str]) -> None:
    """Write the XML to ``stream`` as it is made (see :func:`chunks`)."""
    for chunk in chunks(report):
        stream.write(chunk)


def chunks(
    report: Report, now: dt.datetime | None = None, hostname: str | None = None
) -> Iterator[str]:
    """The XML in pieces, as ``ElementTree.indent`` lays it out, a suite at a time.

    The counts come first, so the findings are sorted by check into a spool each, and each
    suite's cases are counted from its spool (only one suite's cases held at a time);
    then each suite is written, a case as soon as its findings are all read.
    """
    # Jenkins' schema wants an xs:dateTime without a zone: UTC, to the second.
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%S")
    host = hostname if hostname is not None else socket.gethostname()
    by_check: dict[str, FindingSpool] = {}
    for finding in report.findings:
        by_check.setdefault(finding.check, FindingSpool()).append(finding)
    counts = {
        check: _counts((bits for bits, _ in _counted(findings).values()), report.fail_on)
        for check, findings in by_check.items()
    }
    totals = {key: sum(c[key] for c in counts.values()) for key in ("tests", "failures", "errors")}
    root = _attributes({"name": f"plcheck {report.command}", **totals, "time": 0})
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    if not by_check:
        yield f"<testsuites{root} />\n"
        return
    yield f"<testsuites{root}>"
    classname = f"plcheck.{report.command}"
    for check, findings in by_check.items():
        suite = {"name": check, **counts[check], "time": 0, "timestamp": stamp, "hostname": host}
        yield f"\n  <testsuite{_attributes(suite)}>"
        yield from _cases(findings, _counted(findings), classname, report.fail_on)
        yield "\n  </testsuite>"
    yield "\n</testsuites>\n"


def _counted(findings: Iterable[Finding]) -> dict[str, tuple[int, int]]:
    """Case name → its statuses (a bit each) and how many findings it has."""
    cases: dict[str, tuple[int, int]] = {}
    for finding in findings:
        name = _case_name(finding)
        bits, count = cases.get(name, (0, 0))
        cases[name] = (bits | _BIT[finding.status], count + 1)
    return cases


def _counts(cases: Iterable[int], fail_on: FailOn) -> dict[str, int]:
    counts = dict.fromkeys(_COUNTS, 0)
    for bits in cases:
        counts["tests"] += 1
        outcome = _outcome(_statuses(bits), fail_on)
        if outcome in _COUNTED:
            counts[_COUNTED[outcome]] += 1
    return counts


def _cases(
    findings: Iterable[Finding],
    counted: Mapping[str, tuple[int, int]],
    classname: str,
    fail_on: FailOn,
) -> Iterator[str]:
    """One suite's ``<testcase>`` elements, in the order their first findings come.

    A case is written once its last finding was read (``counted``: each case's statuses
    and number of findings, from the first pass), so only cases still open are held: one
    at a time when each case's findings are together, as a check's usually are.
    """
    left = {name: count for name, (_, count) in counted.items()}
    order: deque[str] = deque()
    open_cases: dict[str, _Case] = {}
    for finding in findings:
        name = _case_name(finding)
        case = open_cases.get(name)
        if case is None:
            case = open_cases[name] = _Case()
            order.append(name)
        case.add(finding)
        left[name] -= 1
        while order and left[order[0]] == 0:
            done = order.popleft()
            outcome = _outcome(_statuses(counted[done][0]), fail_on)
            yield from open_cases.pop(done).xml(done, classname, outcome)


class _Case:
    """What a ``<testcase>`` needs of its findings: each one's line, and the worst one."""

    __slots__ = ("lines", "worst")

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.worst: Finding | None = None

    def add(self, finding: Finding) -> None:
        self.lines.append(_line(finding))
        if self.worst is None or finding.status.rank > self.worst.status.rank:
            self.worst = finding

    def xml(self, name: str, classname: str, outcome: str) -> Iterator[str]:
        assert self.worst is not None
        message = self.worst.message
        yield f"\n    <testcase{_attributes({'name': name, 'classname': classname, 'time': 0})}>"
        if outcome == "skipped":
            yield f"\n      <skipped{_attributes({'message': message})} />"
        else:
            tag, attributes = {
                "failure": ("failure", {"message": message, "type": self.worst.status.value}),
                "error": ("error", {"message": message, "type": "error"}),
            }.get(outcome, ("system-out", {}))
            yield f"\n      <{tag}{_attributes(attributes)}>"
            for n, line in enumerate(self.lines):
                yield ("\n" if n else "") + _text(line)
            yield f"</{tag}>"
        yield "\n    </testcase>"


def _statuses(bits: int) -> set[Status]:
    return {status for status, bit in _BIT.items() if bits & bit}


def _attributes(values: Mapping[str, object]) -> str:
    return "".join(f' {key}="{_attribute(str(value))}"' for key, value in values.items())


def _text(value: str) -> str:
    """Character data escaped as ElementTree escapes it."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: str) -> str:
    """An attribute value escaped as ElementTree escapes it (newlines and tabs kept)."""
    value = _text(value).replace('"', "&quot;")
    return value.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")


def _case_name(finding: Finding) -> str:
    where = "/".join(p for p in (finding.account, finding.region) if p)
    name = f"{finding.check} {finding.resource}"
    return f"{name} [{where}]" if where else name


def _outcome(statuses: set[Status], fail_on: FailOn) -> str:
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
