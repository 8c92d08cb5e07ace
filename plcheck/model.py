"""The check model: statuses, check metadata, findings and reports.

Everything here is plain data, free of AWS, so judgements and reporters can be
tested on hand-made values and the CLI can list checks without importing boto3.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from plcheck.errors import AwsCallError


class Status(str, enum.Enum):
    """Outcome of one check on one resource, from best to worst for ordering."""

    PASS = "pass"  # noqa: S105 - a status, not a password
    SKIP = "skip"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Severity used for ``--fail-on`` and sorting (skip ranks with pass)."""
        return _RANK[self]


_RANK = {Status.PASS: 0, Status.SKIP: 0, Status.WARN: 1, Status.FAIL: 2, Status.ERROR: 2}

#: Statuses in the order reports list their counts.
SUMMARY_ORDER = (Status.PASS, Status.WARN, Status.FAIL, Status.ERROR, Status.SKIP)


class ExitCode(enum.IntEnum):
    """Process exit codes, the same for every command."""

    OK = 0
    """No finding at or above the ``--fail-on`` level."""
    FINDINGS = 1
    """At least one finding at or above the ``--fail-on`` level."""
    USAGE = 2
    """Usage or bad input: malformed IDs, unknown profile, bad flags."""
    INCOMPLETE = 3
    """Checks could not be completed (credentials, network, access) or a report file could
    not be written, and nothing failed."""
    INTERNAL = 4
    """A bug in plcheck: one line on stderr (``PLCHECK_DEBUG=1`` shows the traceback)."""
    INTERRUPTED = 130
    """Ctrl-C (128 + SIGINT, as shells report it)."""
    BROKEN_PIPE = 141
    """The reader of stdout went away (``plcheck … | head -1``): 128 + SIGPIPE, quietly."""


#: How bad a failure of a check is (:attr:`CheckSpec.severity`).
Severity = Literal["low", "medium", "high", "critical"]


class FailOn(str, enum.Enum):
    """Lowest status that makes a run exit 1."""

    FAIL = "fail"
    WARN = "warn"
    NEVER = "never"
    """Reporting runs: findings never fail the run (incomplete runs still exit 3)."""


@dataclass(frozen=True)
class CheckSpec:
    """Metadata of one check, kept beside the function that judges it."""

    id: str
    """Stable slug, e.g. ``az-id-mapping``; used in reports, ignores and ``explain``."""
    title: str
    """A short human title."""
    command: str
    """The command whose run includes this check (``az-map``, ``provider``, ...)."""
    inspects: str
    """What the check looks at, in a sentence or two."""
    why: str
    """Why it matters: what breaks when it does not hold."""
    remediation: str
    """How to fix a failure in general; findings carry a concrete remediation too."""
    docs_url: str
    """AWS documentation that explains the underlying behaviour."""
    aws_actions: tuple[str, ...] = ()
    """IAM actions the check needs (``ec2:DescribeAvailabilityZones``)."""
    plan_actions: tuple[str, ...] | None = None
    """The IAM actions it needs in ``plcheck plan``, where the plan stands in for some reads
    (what a planned service or endpoint will be); None: :attr:`aws_actions`."""
    subject: str = ""
    """What one call of the check's ``judge`` looks at (``endpoint``, ``service``, ...):
    its run calls ``judge`` once per subject of this kind, with that subject's facts."""
    needs: tuple[str, ...] = ()
    """Facts the check cannot judge without (dotted attribute paths on its subject's facts).
    When one could not be read, the framework reports the check as ``error`` instead."""
    also_in: tuple[str, ...] = ()
    """Other commands whose runs include this check (e.g. ``plan`` for planned endpoints)."""
    details: Mapping[str, str] = field(default_factory=dict)
    """The keys of its findings' ``details`` (JSON), each with what it holds.

    Error findings (:meth:`error`) carry :data:`ERROR_DETAILS` instead."""
    severity: Severity = "medium"
    """How bad a failure is: ``low`` when it works today but a zone loss or a later change
    breaks it (or a gate's own upkeep); ``medium`` when connections fail; ``high`` when
    traffic can reach the wrong place or the wrong principals reach the service;
    ``critical`` when a failure exposes the service or its data to others now."""
    can_fail: bool = True
    """False for a check whose worst outcome is a warning: its facts can show a risk but
    never prove a failure."""

    def actions_for(self, command: str) -> tuple[str, ...]:
        """The IAM actions the check needs in a run of ``command``."""
        if command == "plan" and self.plan_actions is not None:
            return self.plan_actions
        return self.aws_actions

    def finding(
        self,
        status: Status,
        resource: str,
        message: str,
        *,
        account: str = "",
        region: str = "",
        remediation: str = "",
        details: Mapping[str, Any] | None = None,
    ) -> Finding:
        """A finding of this check."""
        return Finding(
            check=self.id,
            status=status,
            resource=resource,
            account=account,
            region=region,
            message=message,
            remediation=remediation,
            details=dict(details or {}),
        )

    def on(
        self,
        resource: str,
        *,
        account: str = "",
        region: str = "",
        details: Mapping[str, Any] | None = None,
    ) -> FindingMaker:
        """Findings of this check about one resource, sharing ``details`` (read when made)."""
        return FindingMaker(self, resource, account, region, {} if details is None else details)

    def error(
        self, resource: str, error: AwsCallError, *, account: str = "", region: str = ""
    ) -> Finding:
        """The ``error`` finding for this check when an AWS failure kept it from judging."""
        return self.finding(
            Status.ERROR,
            resource,
            error.describe(),
            account=account,
            region=region,
            remediation=error.advice[0].upper() + error.advice[1:] + ".",
            details={
                "error_kind": error.kind.value,
                "action": error.action,
                "code": error.code,
                "aws_message": error.message,
            },
        )


@dataclass(frozen=True)
class Location:
    """A place in the repository a finding belongs to (a config line, a ``.tf`` resource).

    SARIF uses it as the result's physical location, so code scanning can show the
    alert on that line.
    """

    uri: str
    """Path relative to the repository root, with ``/`` separators (``infra/plcheck.toml``)."""
    line: int = 0
    """1-based line number; 0 when only the file is known."""

    def as_dict(self) -> dict[str, Any]:
        return {"uri": self.uri, "line": self.line}


@dataclass(frozen=True)
class FindingMaker:
    """Makes one check's findings about one resource: ``make(status, message, fix)``.

    ``details`` is read each time a finding is made, so a judge may add to it as it goes;
    keyword arguments add details to that one finding.
    """

    spec: CheckSpec
    resource: str
    account: str
    region: str
    details: Mapping[str, Any]

    def __call__(
        self, status: Status, message: str, remediation: str = "", **extra: Any
    ) -> Finding:
        return self.spec.finding(
            status,
            self.resource,
            message,
            account=self.account,
            region=self.region,
            remediation=remediation,
            details={**self.details, **extra},
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """The result of one check on one resource."""

    check: str
    """The check's slug id."""
    status: Status
    """Outcome."""
    resource: str
    """What was judged: a VPC, subnet, endpoint, service, host name or account."""
    message: str
    """One line naming the concrete things (subnet IDs, AZ names and AZ IDs)."""
    account: str = ""
    """AWS account ID the resource lives in, when known."""
    region: str = ""
    """AWS region, when it applies."""
    remediation: str = ""
    """What to change, concretely; empty for passes."""
    details: Mapping[str, Any] = field(default_factory=dict)
    """Machine-readable facts behind the message (JSON-serialisable)."""
    location: Location | None = None
    """Where in the repository the finding belongs, when a file says so (config, plan)."""
    suppressed_reason: str = ""
    """Why an ignore accepted this finding; set (with status ``skip``) by the gate's ignores.

    Non-empty exactly when the finding was ignored. JSON keeps carrying the reason in
    ``details["ignored"]``, so this field is not part of :meth:`as_dict`.
    """

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of a finding (schema version 1); ``location`` only when known."""
        data: dict[str, Any] = {
            "check": self.check,
            "status": self.status.value,
            "resource": self.resource,
            "account": self.account,
            "region": self.region,
            "message": self.message,
            "remediation": self.remediation,
            "details": dict(self.details),
        }
        if self.location is not None:
            data["location"] = self.location.as_dict()
        return data


@dataclass(frozen=True)
class View:
    """A command-specific table shown beside the findings (e.g. the AZ map)."""

    title: str
    """Heading of the table."""
    columns: tuple[str, ...]
    """Column headings."""
    rows: tuple[tuple[str, ...], ...]
    """Cells, one tuple per row, as text."""
    highlight: frozenset[int] = frozenset()
    """Indexes of rows to draw attention to (e.g. names that differ between accounts)."""
    note: str = ""
    """A line printed under the table."""

    def as_dict(self) -> dict[str, Any]:
        """JSON shape of the view."""
        return {
            "title": self.title,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
            "highlight": sorted(self.highlight),
            "note": self.note,
        }


@dataclass(frozen=True)
class Report:
    """All findings of one command run, with what renderers need besides."""

    command: str
    """The command that produced the report (``az-map``)."""
    findings: Sequence[Finding]
    """Every finding, in the order the checks produced them: a tuple, or for a run that
    grows with its input (``plan``) a :class:`~plcheck.spool.FindingSpool`, read a
    finding at a time."""
    fail_on: FailOn = FailOn.FAIL
    """Threshold for exit code 1."""
    views: tuple[View, ...] = ()
    """Extra, command-specific tables for people and JSON (e.g. the AZ map)."""
    source: str = ""
    """The file SARIF anchors results to that have no :attr:`Finding.location` of their own.

    The config or plan the run read, or what ``--sarif-anchor`` names; a path as the user
    gave it (relative to the working directory, or absolute). SARIF makes it relative to
    the repository root. This is the one "anchor" field: there is no separate one.
    """
    include_passes: bool = False
    """SARIF: also emit passes and skips (ignored findings included) as results."""
    full_report: str = ""
    """Where the complete report is (a file or URL): the trimmed markdown points there."""
    hide_passes: bool = False
    """Table and markdown show problems only (``--quiet``); counts still cover everything."""

    @cached_property
    def _tally(self) -> tuple[Counter[Status], tuple[str, ...]]:
        """Findings by status, and check ids in first-seen order: one pass over a spool."""
        counts: Counter[Status] = Counter()
        checks: dict[str, None] = {}
        for finding in self.findings:
            counts[finding.status] += 1
            checks.setdefault(finding.check)
        return counts, tuple(checks)

    @property
    def summary(self) -> dict[str, int]:
        counts = self._tally[0]
        return {s.value: counts.get(s, 0) for s in SUMMARY_ORDER}

    @property
    def exit_code(self) -> ExitCode:
        return exit_code_for(self._tally[0], self.fail_on)

    def checks_used(self) -> list[str]:
        """Check ids in first-seen order."""
        return list(self._tally[1])


def exit_code_for(
    findings: Iterable[Finding] | Mapping[Status, int], fail_on: FailOn = FailOn.FAIL
) -> ExitCode:
    """Exit code of a run, the whole policy in one place.

    * 1 (:attr:`ExitCode.FINDINGS`) when a finding other than an error is at or above
      ``fail_on`` (``warn``: warnings and failures; ``fail``: failures); it beats 3, so a
      partly failed run still says it failed. ``never`` never exits 1.
    * 3 (:attr:`ExitCode.INCOMPLETE`) when a check errored (it could not be judged),
      whatever ``fail_on`` is, ``never`` included: a reporting run that could not read
      AWS did not report.
    * 0 otherwise.

    ``findings`` may also be their count by status (a report counts them once).

    The CLI adds the codes that are not about findings: 2 usage, 3 also for a report
    file it could not write, 4 internal error, 130 Ctrl-C, 141 broken pipe (see
    :class:`ExitCode`).
    """
    statuses = (
        {s for s, n in findings.items() if n}
        if isinstance(findings, Mapping)
        else {f.status for f in findings}
    )
    if fail_on is not FailOn.NEVER:
        threshold = Status.WARN.rank if fail_on is FailOn.WARN else Status.FAIL.rank
        if any(s is not Status.ERROR and s.rank >= threshold for s in statuses):
            return ExitCode.FINDINGS
    if Status.ERROR in statuses:
        return ExitCode.INCOMPLETE
    return ExitCode.OK


#: The ``details`` keys of every check's ``error`` finding (:meth:`CheckSpec.error`).
ERROR_DETAILS: Mapping[str, str] = {
    "error_kind": "why the check could not judge (access-denied, throttled, timeout, ...)",
    "action": "the IAM action of the call that failed",
    "code": "the AWS error code",
    "aws_message": "AWS's own message",
}
