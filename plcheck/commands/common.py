"""Options and plumbing shared by every reporting command."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from plcheck.errors import AwsCallError, UsageError
from plcheck.model import CheckSpec, FailOn, Finding, Report, Status, View
from plcheck.report import Format, emit
from plcheck.service_names import SERVICE_ID

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


@dataclass(frozen=True)
class OutputOptions:
    """Where and how a command reports."""

    format: Format = Format.TABLE
    """Report format."""
    output: Path | None = None
    """File to write; None means stdout."""
    fail_on: FailOn = FailOn.FAIL
    """Lowest status that makes the run exit 1."""


def finish(
    command: str,
    findings: Iterable[Finding],
    out: OutputOptions,
    views: Iterable[View] = (),
    source: str = "",
) -> None:
    """Render the report and exit with its exit code."""
    report = Report(
        command=command,
        findings=tuple(findings),
        fail_on=out.fail_on,
        views=tuple(views),
        source=source,
    )
    emit(report, out.format, out.output)
    raise typer.Exit(int(report.exit_code))


def error_finding(
    spec: CheckSpec, resource: str, error: AwsCallError, account: str = "", region: str = ""
) -> Finding:
    """The ``error`` finding for a check that an AWS failure kept from running."""
    return Finding(
        check=spec.id,
        status=Status.ERROR,
        resource=resource,
        account=account,
        region=region,
        message=error.describe(),
        remediation=error.advice[0].upper() + error.advice[1:] + ".",
        details={
            "error_kind": error.kind.value,
            "action": error.action,
            "code": error.code,
            "aws_message": error.message,
        },
    )


def attempt(
    spec: CheckSpec,
    resource: str,
    judge: Callable[[], list[Finding]],
    account: str = "",
    region: str = "",
) -> list[Finding]:
    """Run one check's gathering and judging; an AWS failure becomes its error finding."""
    try:
        return judge()
    except AwsCallError as exc:
        return [error_finding(spec, resource, exc, account, region)]


_ID_PATTERNS = {
    "vpc": r"vpc-[0-9a-f]{8}([0-9a-f]{9})?",
    "subnet": r"subnet-[0-9a-f]{8}([0-9a-f]{9})?",
    "security group": r"sg-[0-9a-f]{8}([0-9a-f]{9})?",
    "endpoint": r"vpce-[0-9a-f]{8}([0-9a-f]{9})?",
    "endpoint service": SERVICE_ID.pattern,
    "account": r"\d{12}",
    "region": r"[a-z]{2}(-[a-z]+)+-\d",
}


def validate_id(kind: str, value: str) -> str:
    """``value`` if it is a well-formed ``kind`` ID; otherwise a usage error (exit 2)."""
    if re.fullmatch(_ID_PATTERNS[kind], value) is None:
        raise UsageError(f"malformed {kind} ID {value!r}")
    return value
