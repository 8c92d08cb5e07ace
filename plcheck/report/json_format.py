"""JSON report, schema version 1."""

from __future__ import annotations

import json
from typing import Any

from plcheck import __version__
from plcheck.model import Report

SCHEMA_VERSION = 1


def as_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data."""
    return {
        "schema_version": SCHEMA_VERSION,
        "plcheck_version": __version__,
        "command": report.command,
        "findings": [f.as_dict() for f in report.findings],
        "summary": report.summary,
        "exit_code": int(report.exit_code),
        "fail_on": report.fail_on.value,
        "views": [v.as_dict() for v in report.views],
    }


def render(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2, sort_keys=False, default=str) + "\n"
