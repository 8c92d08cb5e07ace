"""Options and plumbing shared by every reporting command."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated

import typer

from plcheck.commands.invoke import credentials_problem
from plcheck.errors import UsageError
from plcheck.model import FailOn, Report
from plcheck.report import Format, emit

FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="Report format.", case_sensitive=False)
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the report to FILE instead of stdout.",
        dir_okay=False,
        writable=True,
    ),
]
FailOnOption = Annotated[
    FailOn,
    typer.Option(
        "--fail-on", help="Exit 1 on findings at or above this status.", case_sensitive=False
    ),
]
ProfilesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--profile",
        "-p",
        metavar="PROFILE",
        help="AWS profile (repeat for several accounts).",
        show_default=False,
    ),
]
ProfileOption = Annotated[
    str | None,
    typer.Option("--profile", "-p", metavar="PROFILE", help="AWS profile.", show_default=False),
]
RegionsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--region",
        "-r",
        metavar="REGION",
        help="AWS region (repeatable); default: the profile's.",
        show_default=False,
    ),
]
RegionOption = Annotated[
    str | None,
    typer.Option(
        "--region",
        "-r",
        metavar="REGION",
        help="AWS region; default: the profile's.",
        show_default=False,
    ),
]
RoleArnOption = Annotated[
    str | None,
    typer.Option(
        "--role-arn",
        metavar="ARN",
        help="Assume this role on top of the profile's credentials.",
        show_default=False,
    ),
]
ExternalIdOption = Annotated[
    str | None,
    typer.Option(
        "--external-id", metavar="ID", help="External ID for --role-arn.", show_default=False
    ),
]


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


@dataclass(frozen=True)
class OutputOptions:
    """Where and how a command reports."""

    format: Format = Format.TABLE
    """Report format."""
    output: Path | None = None
    """File to write; None means stdout."""
    fail_on: FailOn = FailOn.FAIL
    """Lowest status that makes the run exit 1."""
    reports: tuple[tuple[Format, Path], ...] = ()
    """More formats of the same report, each to its own file (``--report FORMAT=FILE``)."""


def parse_reports(values: Sequence[str] | None) -> tuple[tuple[Format, Path], ...]:
    """``["sarif=a.sarif"]`` → ``((Format.SARIF, Path("a.sarif")),)``; usage error otherwise."""
    parsed = []
    formats = {f.value: f for f in Format}
    for value in values or ():
        name, sep, file = value.partition("=")
        if not sep or not file or name.lower() not in formats:
            raise UsageError(
                f"bad --report {value!r}: expected FORMAT=FILE with FORMAT one of "
                + ", ".join(formats)
            )
        parsed.append((formats[name.lower()], Path(file)))
    return tuple(parsed)


def finish(report: Report, out: OutputOptions) -> None:
    """Write the extra reports, render the main one, and exit with the run's exit code."""
    report = replace(report, fail_on=out.fail_on)
    problem = credentials_problem(report)
    if problem:
        sys.stderr.write(problem + "\n")
    for fmt, path in out.reports:
        emit(report, fmt, path)
    emit(report, out.format, out.output)
    raise typer.Exit(int(report.exit_code))
