"""Options and plumbing shared by every reporting command.

:func:`reporting` adds the output options (format, files, fail level, check selection,
quiet, SARIF) to a command in one place; the command receives them as one
:class:`OutputOptions`, already checked (report files writable, check IDs known) before
any AWS call. :func:`finish` filters, writes and exits the same way for every command.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, TypeVar, get_type_hints

import typer

from plcheck.commands.invoke import credentials_problem
from plcheck.errors import UsageError
from plcheck.model import ExitCode, FailOn, Finding, Report
from plcheck.report import Format, emit
from plcheck.validate import validate_role_arn

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
        show_default=False,
    ),
]
FailOnOption = Annotated[
    FailOn,
    typer.Option(
        "--fail-on",
        help="Exit 1 on findings at or above this status; never: exit 0 whatever was found.",
        case_sensitive=False,
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
        callback=validate_role_arn,
    ),
]
ExternalIdOption = Annotated[
    str | None,
    typer.Option(
        "--external-id", metavar="ID", help="External ID for --role-arn.", show_default=False
    ),
]
AwsTimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--aws-timeout",
        metavar="SECONDS",
        min=0.1,
        help="Seconds to wait for each AWS response (default 10; connecting waits at most 5).",
        show_default=False,
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
CheckOption = Annotated[
    list[str] | None,
    typer.Option(
        "--check",
        metavar="ID",
        help="Report only this check (repeatable; see plcheck checks).",
        show_default=False,
    ),
]
SkipCheckOption = Annotated[
    list[str] | None,
    typer.Option(
        "--skip-check", metavar="ID", help="Leave this check out (repeatable).", show_default=False
    ),
]
QuietOption = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Problems only: hide passes and skips in table/markdown."),
]
SarifPassesOption = Annotated[
    bool,
    typer.Option("--sarif-include-passes", help="SARIF: also report passes and skips."),
]
SarifAnchorOption = Annotated[
    Path | None,
    typer.Option(
        "--sarif-anchor",
        metavar="FILE",
        help="SARIF: the file results without a location of their own point at "
        "(default: the config, else the running GitHub workflow, else plcheck.toml).",
        show_default=False,
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
    checks: frozenset[str] = frozenset()
    """Report only these checks (``--check``); empty means every check."""
    skip_checks: frozenset[str] = frozenset()
    """Leave these checks out (``--skip-check``)."""
    quiet: bool = False
    """Table and markdown show problems only."""
    sarif_include_passes: bool = False
    """SARIF also carries passes and skips."""
    sarif_anchor: Path | None = None
    """``--sarif-anchor``: None means :func:`plcheck.report.sarif_format.default_anchor`."""

    def wants(self, check_id: str) -> bool:
        """Whether the run reports ``check_id``."""
        return (not self.checks or check_id in self.checks) and check_id not in self.skip_checks

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file the run writes."""
        main = (self.output,) if self.output is not None else ()
        return (*main, *(path for _, path in self.reports))


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


def check_ids(command: str, values: Sequence[str] | None, option: str) -> frozenset[str]:
    """The IDs given to ``--check``/``--skip-check``.

    An ID that ``command`` does not run is a usage error naming the closest one.
    """
    from plcheck.checks import catalog, checks_for

    known = [spec.id for spec in checks_for(command)]
    for value in values or ():
        if value in known:
            continue
        if value in catalog():
            raise UsageError(
                f"{option} {value}: plcheck {command} does not run that check "
                f"(it runs {', '.join(known)})"
            )
        close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
        raise UsageError(f"{option} {value}: no such check ({hint})")
    return frozenset(values or ())


def check_writable(path: Path, option: str) -> None:
    """Refuse, before any AWS call, a file the run could not write at its end.

    Missing parent directories are fine (they are created), as long as the nearest one
    that exists is a directory this process may write to.
    """
    if path.is_dir():
        raise UsageError(f"{option} {path}: is a directory")
    if path.exists():
        if not os.access(path, os.W_OK):
            raise UsageError(f"{option} {path}: not writable")
        return
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"{option} {path}: {parent} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path}: cannot create files in {parent}")


def output_options(
    command: str,
    format: Format = Format.TABLE,
    output: Path | None = None,
    fail_on: FailOn = FailOn.FAIL,
    report: Sequence[str] | None = None,
    check: Sequence[str] | None = None,
    skip_check: Sequence[str] | None = None,
    quiet: bool = False,
    sarif_include_passes: bool = False,
    sarif_anchor: Path | None = None,
) -> OutputOptions:
    """The options of :func:`reporting`, checked: formats, check IDs, writable files."""
    out = OutputOptions(
        format=format,
        output=output,
        fail_on=fail_on,
        reports=parse_reports(report),
        checks=check_ids(command, check, "--check"),
        skip_checks=check_ids(command, skip_check, "--skip-check"),
        quiet=quiet,
        sarif_include_passes=sarif_include_passes,
        sarif_anchor=sarif_anchor,
    )
    if output is not None:
        check_writable(output, "--output")
    for _, path in out.reports:
        check_writable(path, "--report")
    return out


#: The options :func:`reporting` adds, in help order, with their defaults.
_SHARED: tuple[tuple[str, Any, Any], ...] = (
    ("format", FormatOption, Format.TABLE),  # the parameter names PLCHECK_FORMAT
    ("output", OutputOption, None),
    ("fail_on", FailOnOption, FailOn.FAIL),
    ("report", ReportsOption, None),
    ("check", CheckOption, None),
    ("skip_check", SkipCheckOption, None),
    ("quiet", QuietOption, False),
    ("sarif_include_passes", SarifPassesOption, False),
    ("sarif_anchor", SarifAnchorOption, None),
)

_KEYWORD = inspect.Parameter.KEYWORD_ONLY
F = TypeVar("F", bound=Callable[..., None])


def reporting(command: str) -> Callable[[F], F]:
    """Give a command the shared output options; it takes them as ``out: OutputOptions``.

    The options come after the command's own in ``--help``. They are checked before the
    command runs, so a bad ``--check`` or an unwritable ``--report`` costs no AWS call.
    """

    def decorate(func: F) -> F:
        hints = get_type_hints(func, include_extras=True)
        own = [
            p.replace(annotation=hints.get(p.name, p.annotation))
            for p in inspect.signature(func).parameters.values()
            if p.name != "out"
        ]
        shared = [
            inspect.Parameter(name, _KEYWORD, default=default, annotation=kind)
            for name, kind, default in _SHARED
        ]

        @functools.wraps(func)
        def command_with_output(**kwargs: Any) -> None:
            values = {name: kwargs.pop(name) for name, _, _ in _SHARED}
            func(**kwargs, out=output_options(command, **values))

        parameters = [*own, *shared]
        command_with_output.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        command_with_output.__annotations__ = {p.name: p.annotation for p in parameters}
        del command_with_output.__wrapped__  # Typer must read the new signature
        return command_with_output  # type: ignore[return-value]

    return decorate


def aws_settings(aws_timeout: float | None, *, status: bool = True, **overrides: Any) -> Any:
    """The run's :class:`~plcheck.aws.AwsSettings`: the environment's, then the options'.

    ``status``: on a terminal, a one-line status on stderr while an AWS call has been
    waiting for more than 2 s (off where another live display, a progress bar, runs).
    """
    from plcheck.aws import AwsSettings

    if aws_timeout is not None:
        overrides["aws_timeout"] = aws_timeout
    if status and "on_slow_call" not in overrides:
        from plcheck.aws.status import terminal_status

        overrides["on_slow_call"] = terminal_status()  # None when stderr is no terminal
    return AwsSettings.from_env(**overrides)


def _wanted(findings: Sequence[Finding], out: OutputOptions) -> Sequence[Finding]:
    """The findings of the checks ``--check``/``--skip-check`` leave in (all: as they are)."""
    if not out.checks and not out.skip_checks:
        return findings
    from plcheck.spool import select

    return select(findings, lambda f: out.wants(f.check))


def finish(report: Report, out: OutputOptions) -> None:
    """Select the checks, write every report, and exit with the run's exit code.

    A report file that cannot be written at the end is one line on stderr, and the
    report goes to stdout instead so the run's results are not lost; the run then exits
    3, or 1 when a finding makes it fail anyway.
    """
    report = replace(
        report,
        findings=_wanted(report.findings, out),
        fail_on=out.fail_on,
        include_passes=out.sarif_include_passes,
        hide_passes=out.quiet,
    )
    formats = {out.format, *(fmt for fmt, _ in out.reports)}
    if Format.SARIF in formats:
        report = replace(report, source=_anchor(report, out))
    json_file = next((path for fmt, path in out.reports if fmt is Format.JSON), None)
    if json_file is None and out.format is Format.JSON and out.output is not None:
        json_file = out.output
    if json_file is not None and not report.full_report:
        report = replace(report, full_report=str(json_file))

    problem = credentials_problem(report)
    if problem:  # one line saying what is missing, before the report of what it cost
        sys.stderr.write(problem + "\n")
    failed = False
    for fmt, path in out.reports:
        failed |= not _write(report, fmt, path)
    if not _write(report, out.format, out.output):
        failed = True
        emit(report, out.format, None)
    code = int(report.exit_code)
    if failed and code != ExitCode.FINDINGS:
        code = ExitCode.INCOMPLETE
    raise typer.Exit(code)


def _write(report: Report, fmt: Format, path: Path | None) -> bool:
    try:
        emit(report, fmt, path)
    except OSError as exc:
        if path is None:
            raise  # stdout itself: a broken pipe is the CLI's to handle
        sys.stderr.write(f"plcheck: error: cannot write {path}: {exc.strerror or exc}\n")
        return False
    return True


def _anchor(report: Report, out: OutputOptions) -> str:
    """What SARIF results without a location of their own point at."""
    if out.sarif_anchor is not None:
        return str(out.sarif_anchor)
    if report.source:
        return report.source
    from plcheck.gate.config import find_config
    from plcheck.report.sarif_format import default_anchor

    found = find_config(Path.cwd(), os.environ)
    return default_anchor(str(found) if found else None, os.environ)
