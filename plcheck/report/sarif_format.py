"""SARIF 2.1.0 for GitHub code scanning: one rule per check, one result per problem.

Written to GitHub's documented ingestion rules ("SARIF support for code scanning",
https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support):

* every result has a ``physicalLocation`` whose ``artifactLocation.uri`` is relative to
  the repository root: the finding's own :class:`~plcheck.model.Location` (a config line,
  a ``.tf`` resource), else the report's anchor (:attr:`Report.source`), else
  :data:`DEFAULT_ANCHOR`. A path outside the repository (a temporary plan file) is never
  written; the next candidate is used instead;
* results are problems only (warn, fail, error) unless :attr:`Report.include_passes`;
* ``partialFingerprints.primaryLocationLineHash`` (the only key code scanning reads) is
  computed from what identifies the problem, not from the anchor's line, so it stays the
  same when profiles are added or reordered and many results can share one anchor line;
* rules carry ``security-severity`` (a string, 0.1-10.0), ``precision``, ``tags`` and a
  ``defaultConfiguration.level`` of ``error`` or ``warning``, all derived from the
  check's spec (see :func:`rule_meta`);
* at most :data:`MAX_RESULTS` results per run, worst first when there are more.

GitHub does not act on ``suppressions`` (github/codeql-action#1230): a suppressed result
still opens an alert. Ignored findings are therefore results only with
``include_passes``, and then they carry ``suppressions`` with the ignore's reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, unquote, urlparse

from plcheck import __version__
from plcheck.checks import catalog
from plcheck.model import CheckSpec, Finding, Report, Status
from plcheck.paths import repo_root

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/plcheck/plcheck"

#: The anchor of results when neither the finding nor the report names a file.
DEFAULT_ANCHOR = "plcheck.toml"
#: Results per run that code scanning accepts (more rejects the whole file).
MAX_RESULTS = 25_000
#: Problems: the statuses that are results by default.
PROBLEMS = frozenset({Status.WARN, Status.FAIL, Status.ERROR})

# SARIF allows a level other than "none" only on results of kind "fail". An error
# (the check could not run) is a problem to act on, so it is a "fail" at "warning":
# GitHub's alert levels are error, warning and note.
_KIND_LEVEL = {
    Status.PASS: ("pass", "none"),
    Status.SKIP: ("notApplicable", "none"),
    Status.WARN: ("fail", "warning"),
    Status.FAIL: ("fail", "error"),
    Status.ERROR: ("fail", "warning"),
}


@dataclass(frozen=True)
class RuleMeta:
    """How code scanning should rank a check's results (derived from its :class:`CheckSpec`)."""

    security_severity: str
    """GitHub's score: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low."""
    precision: str
    """How often a result is a true problem: ``very-high`` for facts read from AWS,
    ``high`` where the runner's own network vantage point or heuristics play a part."""
    level: str
    """``error`` when the check can fail, ``warning`` when its worst outcome is a warning."""
    tags: tuple[str, ...]
    """``security`` (so code scanning reads ``security-severity``), and where it comes from."""


#: The ``security-severity`` of each :data:`~plcheck.model.Severity`: a score inside the
#: band code scanning shows it as (critical, high, medium, low), which is all it reads.
SECURITY_SEVERITY = {"critical": "9.5", "high": "7.5", "medium": "5.0", "low": "3.0"}

_TAGS = ("security", "aws", "privatelink")
_UNKNOWN_RULE = RuleMeta("4.0", "medium", "warning", (*_TAGS, "unknown"))


def rule_meta(spec: CheckSpec | None) -> RuleMeta:
    """How a check ranks in code scanning (a cautious default for a check not in the catalog).

    A failure is certain (facts read from AWS): ``very-high`` precision. A probe judges
    from the runner's network, not the consumer's, and a check that can only warn reports
    a risk: ``high``.
    """
    if spec is None:
        return _UNKNOWN_RULE
    certain = spec.can_fail and spec.command != "probe"
    return RuleMeta(
        security_severity=SECURITY_SEVERITY[spec.severity],
        precision="very-high" if certain else "high",
        level="error" if spec.can_fail else "warning",
        tags=(*_TAGS, spec.command),
    )


#: Checks that compare accounts: their findings name every account compared, so the
#: account list is not part of what identifies the problem.
CROSS_ACCOUNT_CHECKS = frozenset({"az-id-mapping"})


def as_dict(report: Report, root: Path | None = None, cwd: Path | None = None) -> dict[str, Any]:
    """The report as a SARIF log.

    ``root`` is the repository root URIs are relative to (default: the git work tree
    around ``cwd``, else ``cwd``); ``cwd`` is what relative paths in
    :attr:`Report.source` are relative to (default: the working directory).
    """
    log, results = _log(report, root, cwd)
    log["runs"][0]["results"] = list(results)
    return log


#: Stands in for the results while the rest of the log is encoded (see :func:`chunks`).
_RESULTS = "\x1fplcheck-sarif-results\x1f"
#: How each value is encoded: ``json.dumps(..., indent=2, default=str)``.
_ENCODER = json.JSONEncoder(indent=2, default=str)
#: A result is an item of ``runs[0].results``: four levels deep.
_ITEM_INDENT = "\n        "


def chunks(report: Report, root: Path | None = None, cwd: Path | None = None) -> Iterator[str]:
    """The text of :func:`render` in pieces: the results are encoded one at a time.

    A large plan's report is never one string nor one list of results: the findings are
    read from the report (a spool, for a plan) as each result is written. The text is
    ``json.dumps(as_dict(report), indent=2)``'s.
    """
    log, results = _log(report, root, cwd)
    log["runs"][0]["results"] = _RESULTS
    head, tail = _ENCODER.encode(log).split(json.dumps(_RESULTS), 1)
    yield head
    first = True
    for result in results:
        text = _ENCODER.encode(result).replace("\n", _ITEM_INDENT)
        yield ("[" if first else ",") + _ITEM_INDENT + text
        first = False
    yield "[]" if first else "\n      ]"
    yield tail + "\n"


def render(report: Report) -> str:
    return "".join(chunks(report))


def write(report: Report, stream: IO[str]) -> None:
    """Write the log to ``stream`` as it is encoded (see :func:`chunks`)."""
    for chunk in chunks(report):
        stream.write(chunk)


def _log(
    report: Report, root: Path | None, cwd: Path | None
) -> tuple[dict[str, Any], Iterator[dict[str, Any]]]:
    """The log without its results, and the results, made as they are read."""
    cwd = cwd or Path.cwd()
    root = root or repo_root(cwd)
    specs = catalog()
    rule_ids = report.checks_used()
    rules = [_rule(rid, specs.get(rid)) for rid in rule_ids]
    index = {rid: i for i, rid in enumerate(rule_ids)}
    chosen, left_out = _chosen(report)
    fingerprints = _fingerprints(report.findings, chosen)
    anchor = _anchor(report, root, cwd)
    errors = [f for f in report.findings if f.status is Status.ERROR]
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{f.check} on {f.resource}: {f.message}"},
            "descriptor": {"id": f.check},
        }
        for f in errors
    ]
    if left_out:
        notifications.append(
            {
                "level": "warning",
                "message": {
                    "text": f"{left_out} results left out: code scanning accepts at most "
                    f"{MAX_RESULTS} per run; the JSON report has every finding."
                },
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "plcheck",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                # No automationDetails: github/codeql-action's upload-sarif applies its
                # `category` input only to runs without one (upload-lib.ts,
                # populateRunAutomationDetails), and the category is what keeps two plcheck
                # uploads of one commit from replacing each other's alerts.
                "originalUriBaseIds": {
                    "%SRCROOT%": {"description": {"text": "The root of the repository."}}
                },
                "invocations": [
                    {
                        "executionSuccessful": not errors,
                        "exitCode": int(report.exit_code),
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": [],
                "properties": {
                    "command": report.command,
                    "summary": report.summary,
                    "resultsLeftOut": left_out,
                },
            }
        ],
    }
    results = (
        _result(f, index[f.check], fingerprint, _uri_line(f, anchor, root))
        for f, fingerprint in zip(_at(report.findings, chosen), fingerprints, strict=True)
    )
    return log, results


def _chosen(report: Report) -> tuple[list[int], int]:
    """Where the results are among the findings, in the order written; how many are left out.

    Problems (all findings with :attr:`Report.include_passes`), in the report's order;
    when code scanning would reject that many, the worst :data:`MAX_RESULTS` of them.
    """
    wanted = [
        (-_effective_status(f).rank, position)
        for position, f in enumerate(report.findings)
        if report.include_passes or f.status in PROBLEMS
    ]
    left_out = max(0, len(wanted) - MAX_RESULTS)
    if left_out:
        wanted = sorted(wanted)[:MAX_RESULTS]  # worst first, each rank in the report's order
    return [position for _, position in wanted], left_out


def _at(findings: Sequence[Finding], positions: list[int]) -> Iterator[Finding]:
    """The findings at ``positions``, read in one pass when the positions ascend."""
    if positions == sorted(positions):
        wanted = iter(positions)
        following = next(wanted, None)
        for position, finding in enumerate(findings):
            if position == following:
                yield finding
                following = next(wanted, None)
        return
    for position in positions:  # worst first: in order within each rank
        yield findings[position]


# -- locations ---------------------------------------------------------------------------


def relative_uri(path: str, root: Path, base: Path) -> str | None:
    """``path`` (relative to ``base``, or absolute) as a URI relative to ``root``.

    None when it is empty or lies outside ``root``: an absolute or temporary path is
    never a location code scanning can match to a file in the repository.
    """
    text = path.strip().replace("\\", "/")
    if not text:
        return None
    if text.startswith("file:"):
        text = unquote(urlparse(text).path)
    if os.name != "nt" and re.match(r"^[A-Za-z]:/", text):
        return None  # a Windows path read on another system
    absolute = os.path.realpath(os.path.join(base, text))
    try:
        relative = os.path.relpath(absolute, os.path.realpath(root)).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return None
    if relative in {".", ".."} or relative.startswith("../"):
        return None
    return quote(relative, safe="/-._~")


def default_anchor(config: str | None, environ: Mapping[str, str]) -> str:
    """The anchor for commands without a config of their own (``--sarif-anchor``'s default).

    The config file when there is one; in GitHub Actions the running workflow's file
    (from ``GITHUB_WORKFLOW_REF``, ``owner/repo/.github/workflows/x.yml@ref``); else
    :data:`DEFAULT_ANCHOR`.
    """
    if config:
        return config
    ref = environ.get("GITHUB_WORKFLOW_REF", "")
    match = re.match(r"^[^/]+/[^/]+/(?P<path>[^@]+)@", ref)
    if match:
        return match.group("path")
    return DEFAULT_ANCHOR


def _anchor(report: Report, root: Path, cwd: Path) -> str:
    return relative_uri(report.source, root, cwd) or DEFAULT_ANCHOR


def _uri_line(finding: Finding, anchor: str, root: Path) -> tuple[str, int]:
    if finding.location is not None:
        uri = relative_uri(finding.location.uri, root, root)
        if uri is not None:
            return uri, max(finding.location.line, 1)
    return anchor, 1


# -- rules and results -------------------------------------------------------------------


def _rule(check_id: str, spec: CheckSpec | None) -> dict[str, Any]:
    meta = rule_meta(spec)
    properties = {
        "command": spec.command if spec else "unknown",
        "tags": list(meta.tags),
        "precision": meta.precision,
        "security-severity": meta.security_severity,
        "problem.severity": "error" if meta.level == "error" else "warning",
    }
    if spec is None:
        text = f"plcheck check {check_id}"
        return {
            "id": check_id,
            "shortDescription": {"text": text},
            "fullDescription": {"text": text},
            "help": {"text": text},
            "defaultConfiguration": {"level": meta.level},
            "properties": properties,
        }
    help_text = f"{spec.why}\n\nFix: {spec.remediation}\n\nSee {spec.docs_url}"
    return {
        "id": spec.id,
        "name": "".join(part.capitalize() for part in spec.id.split("-")),
        "shortDescription": {"text": spec.title},
        "fullDescription": {"text": spec.inspects},
        "help": {
            "text": help_text,
            "markdown": (
                f"**{spec.title}**\n\n{spec.why}\n\n**Fix:** {spec.remediation}\n\n"
                f"[AWS documentation]({spec.docs_url})"
            ),
        },
        "helpUri": spec.docs_url,
        "defaultConfiguration": {"level": meta.level},
        "properties": properties,
    }


def _effective_status(finding: Finding) -> Status:
    """What an ignored finding was before the ignore (its level in SARIF)."""
    if not finding.suppressed_reason:
        return finding.status
    ignored = finding.details.get("ignored")
    original = ignored.get("original_status") if isinstance(ignored, Mapping) else None
    try:
        return Status(original)
    except ValueError:
        return Status.WARN


def _result(
    finding: Finding, rule_index: int, fingerprint: str, where: tuple[str, int]
) -> dict[str, Any]:
    status = _effective_status(finding)
    kind, level = _KIND_LEVEL[status]
    text = finding.message or f"{finding.check}: {finding.status.value} on {finding.resource}"
    if status is Status.ERROR:
        text = f"Could not check: {text}"
    if finding.remediation and status is not Status.PASS:
        text = f"{text} Fix: {finding.remediation}"
    uri, line = where
    result: dict[str, Any] = {
        "ruleId": finding.check,
        "ruleIndex": rule_index,
        "kind": kind,
        "level": level,
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": line},
                },
                "logicalLocations": [
                    {
                        "name": finding.resource,
                        "fullyQualifiedName": "/".join(
                            p for p in (finding.account, finding.region, finding.resource) if p
                        ),
                        "kind": "resource",
                    }
                ],
            }
        ],
        "partialFingerprints": {"primaryLocationLineHash": fingerprint},
        "properties": {
            "status": finding.status.value,
            "account": finding.account,
            "region": finding.region,
            "remediation": finding.remediation,
            "details": dict(finding.details),
        },
    }
    if finding.suppressed_reason:
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": finding.suppressed_reason}
        ]
    return result


def identity(finding: Finding) -> tuple[str, ...]:
    """What makes a finding the same problem from one run to the next.

    The check, region and resource, the gate's link and consumer VPC, a plan's planned
    resource, and the account; but not the account list of a finding that compares
    accounts, which changes when a profile is added or the profiles are given in
    another order.
    """
    account = finding.account
    if finding.check in CROSS_ACCOUNT_CHECKS or "," in account:
        account = ""
    extra = [str(finding.details.get(key, "")) for key in ("link", "consumer_vpc")]
    address = finding.details.get("address")
    if address:  # a plan's finding: the planned resource it is about (a subnet's endpoint)
        extra.append(str(address))
    return (finding.check, finding.region, finding.resource, account, *extra)


def _fingerprints(findings: Sequence[Finding], chosen: list[int]) -> list[str]:
    """``primaryLocationLineHash`` of the ``chosen`` findings: unique, whatever their order.

    Findings with the same identity are told apart by their text, in sorted order, and
    numbered as GitHub numbers repeated line hashes (``hash:1``, ``hash:2``). Only what
    identifies each finding is kept, not the findings, and texts only where needed.
    """
    place = {position: n for n, position in enumerate(chosen)}
    digests = [""] * len(chosen)
    for n, finding in _placed(findings, place):
        digests[n] = hashlib.sha256("\x1f".join(identity(finding)).encode()).hexdigest()[:16]
    groups: dict[str, list[int]] = defaultdict(list)
    for n, digest in enumerate(digests):
        groups[digest].append(n)
    shared = {n for members in groups.values() if len(members) > 1 for n in members}
    texts = {
        n: (_stable_text(finding), finding.remediation)
        for n, finding in _placed(findings, {p: n for p, n in place.items() if n in shared})
    }
    out = [f"{digest}:1" for digest in digests]
    for digest, members in groups.items():
        if len(members) > 1:
            for occurrence, n in enumerate(sorted(members, key=texts.__getitem__), start=1):
                out[n] = f"{digest}:{occurrence}"
    return out


def _placed(findings: Sequence[Finding], place: Mapping[int, int]) -> Iterator[tuple[int, Finding]]:
    """Each finding whose position ``place`` maps, with where it goes (one pass)."""
    if not place:
        return
    for position, finding in enumerate(findings):
        n = place.get(position)
        if n is not None:
            yield n, finding


def _stable_text(finding: Finding) -> str:
    """The message without account IDs, which move when profiles are reordered."""
    return re.sub(r"\b\d{12}\b", "", finding.message)
