"""JSON report, schema version 1.

:func:`chunks` yields the report's text a finding at a time, so that a large report
(a 20,000-endpoint plan's) is written to its file or stdout without ever being one
string or one list of dicts; :func:`render` joins the same chunks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from plcheck import __version__
from plcheck.model import Report

SCHEMA_VERSION = 1

#: How each value is encoded: ``json.dumps(..., indent=2, default=str)``.
_ENCODER = json.JSONEncoder(indent=2, sort_keys=False, default=str)
#: A finding is an item of the top-level object's ``findings`` list: two levels deep.
_ITEM_INDENT = "\n    "


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


def chunks(report: Report) -> Iterator[str]:
    """The text of :func:`render`, in pieces: the findings are encoded one at a time.

    The result is the same as ``json.dumps(as_dict(report), indent=2)``: a finding
    encoded on its own is re-indented to its depth (a JSON string never holds a raw
    newline, so every newline in the encoding is one of the indentation's).
    """
    head = {"schema_version": SCHEMA_VERSION, "plcheck_version": __version__}
    head["command"] = report.command
    for key, value in head.items():
        yield ("{\n  " if key == "schema_version" else ",\n  ") + _pair(key, value)
    if report.findings:
        yield ',\n  "findings": ['
        for position, finding in enumerate(report.findings):
            text = _ENCODER.encode(finding.as_dict()).replace("\n", _ITEM_INDENT)
            yield (_ITEM_INDENT if position == 0 else "," + _ITEM_INDENT) + text
        yield "\n  ]"
    else:
        yield ',\n  "findings": []'
    tail = {
        "summary": report.summary,
        "exit_code": int(report.exit_code),
        "fail_on": report.fail_on.value,
        "views": [v.as_dict() for v in report.views],
    }
    for key, value in tail.items():
        yield ",\n  " + _pair(key, value)
    yield "\n}\n"


def _pair(key: str, value: Any) -> str:
    return _ENCODER.encode(key) + ": " + _ENCODER.encode(value).replace("\n", "\n  ")


def render(report: Report) -> str:
    return "".join(chunks(report))


def write(report: Report, stream: IO[str]) -> None:
    """Write the report to ``stream`` as it is encoded (see :func:`chunks`)."""
    for chunk in chunks(report):
        stream.write(chunk)
