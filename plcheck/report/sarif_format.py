"""SARIF 2.1.0 report: one rule per check, one result per finding."""

from __future__ import annotations

import json
from typing import Any

from plcheck import __version__
from plcheck.checks import catalog
from plcheck.model import Finding, Report, Status

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/plcheck/plcheck"

# SARIF allows a level other than "none" only on results of kind "fail".
_KIND_LEVEL = {
    Status.PASS: ("pass", "none"),
    Status.SKIP: ("notApplicable", "none"),
    Status.WARN: ("fail", "warning"),
    Status.FAIL: ("fail", "error"),
    Status.ERROR: ("review", "none"),
}


def as_dict(report: Report) -> dict[str, Any]:
    """The report as a SARIF log."""
    specs = catalog()
    rule_ids = report.checks_used()
    rules = [_rule(specs[rid]) if rid in specs else {"id": rid} for rid in rule_ids]
    index = {rid: i for i, rid in enumerate(rule_ids)}
    errors = [f for f in report.findings if f.status is Status.ERROR]
    return {
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
                "invocations": [
                    {
                        "executionSuccessful": not errors,
                        "exitCode": int(report.exit_code),
                        "toolExecutionNotifications": [
                            {
                                "level": "error",
                                "message": {"text": f"{f.check} on {f.resource}: {f.message}"},
                                "descriptor": {"id": f.check},
                            }
                            for f in errors
                        ],
                    }
                ],
                "results": [_result(f, index[f.check], report) for f in report.findings],
                "properties": {"command": report.command, "summary": report.summary},
            }
        ],
    }


def _rule(spec: Any) -> dict[str, Any]:
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
        "defaultConfiguration": {"level": "error"},
        "properties": {"command": spec.command, "tags": ["aws", "privatelink", spec.command]},
    }


def _result(finding: Finding, rule_index: int, report: Report) -> dict[str, Any]:
    kind, level = _KIND_LEVEL[finding.status]
    text = finding.message
    if finding.remediation and finding.status is not Status.PASS:
        text = f"{text} Fix: {finding.remediation}"
    location: dict[str, Any] = {
        "logicalLocations": [
            {
                "name": finding.resource,
                "fullyQualifiedName": "/".join(
                    p for p in (finding.account, finding.region, finding.resource) if p
                ),
                "kind": "resource",
            }
        ]
    }
    if report.source:
        location["physicalLocation"] = {
            "artifactLocation": {"uri": report.source},
            "region": {"startLine": 1},
        }
    return {
        "ruleId": finding.check,
        "ruleIndex": rule_index,
        "kind": kind,
        "level": level,
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {
            "plcheck/v1": "/".join(
                (finding.check, finding.account, finding.region, finding.resource)
            )
        },
        "properties": {
            "status": finding.status.value,
            "account": finding.account,
            "region": finding.region,
            "remediation": finding.remediation,
            "details": dict(finding.details),
        },
    }


def render(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2, default=str) + "\n"
