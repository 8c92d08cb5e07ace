"""``--report FORMAT=FILE``: the gate's report in more formats from the same run.

A pipeline wants SARIF for code scanning and markdown for the job summary from
one run (one set of AWS calls); ``--format``/``--output`` still choose the main
report and the exit code is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated

import typer

from plcheck.commands.common import OutputOptions, finish
from plcheck.errors import UsageError
from plcheck.model import Finding, Report, View
from plcheck.report import Format, emit

ReportsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--report",
        help="Also write the report as FORMAT to FILE (repeatable), e.g. "
        "--report sarif=plcheck.sarif --report markdown=summary.md.",
        show_default=False,
        metavar="FORMAT=FILE",
    ),
]


def parse_reports(values: Sequence[str]) -> list[tuple[Format, Path]]:
    """``["sarif=a.sarif"]`` → ``[(Format.SARIF, Path("a.sarif"))]``; usage error otherwise."""
    parsed = []
    for value in values:
        name, sep, file = value.partition("=")
        formats = {f.value: f for f in Format}
        if not sep or not file or name.lower() not in formats:
            raise UsageError(
                f"bad --report {value!r}: expected FORMAT=FILE with FORMAT one of "
                + ", ".join(formats)
            )
        parsed.append((formats[name.lower()], Path(file)))
    return parsed


def finish_with_reports(
    command: str,
    findings: Iterable[Finding],
    out: OutputOptions,
    views: Iterable[View],
    source: str,
    reports: Sequence[tuple[Format, Path]],
) -> None:
    """Write each extra report, then render the main one and exit as every command does."""
    findings, views = tuple(findings), tuple(views)
    report = Report(command, findings, out.fail_on, views, source)
    for fmt, path in reports:
        emit(report, fmt, path)
    finish(command, findings, out, views, source=source)
