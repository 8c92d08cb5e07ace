"""Rich tables for people: findings grouped by resource, colored by status.

Nothing is ever cut with an ellipsis: IDs, ARNs, DNS names and fix commands are what a
person copies, so every column folds long text onto the next line instead.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Iterable, Mapping
from itertools import groupby

from rich.console import Console, Group, RenderableType
from rich.segment import Segment, Segments
from rich.table import Table
from rich.text import Text

from plcheck.model import SUMMARY_ORDER, Finding, Report, Status, View

STYLE = {
    Status.PASS: "green",
    Status.WARN: "yellow",
    Status.FAIL: "bold red",
    Status.ERROR: "magenta",
    Status.SKIP: "dim",
}


#: Width of tables written to a file, or piped without ``COLUMNS``.
PIPED_WIDTH = 120

#: Above this many findings the table groups alike findings into one row each: rich
#: lays out every cell (milliseconds a row), and 80,000 rows are for the JSON report.
LARGE = 500

#: Resources a grouped row names before "and N more".
FIRST_RESOURCES = 5

#: Tokens holding digits (IDs, addresses, counts, zones): what varies between alike messages.
_VARYING = re.compile(r"[^\s,;:()]*\d[^\s,;:()]*")


def stdout_console() -> Console:
    """A console on stdout: colored on a terminal, plain when piped or with NO_COLOR.

    ``COLUMNS`` sets the width, also when piped; without it a pipe gets
    :data:`PIPED_WIDTH` and a terminal its own width.
    """
    piped = not sys.stdout.isatty()
    return _StdoutConsole(
        highlight=False,
        soft_wrap=False,
        width=columns(os.environ) or (PIPED_WIDTH if piped else None),
        no_color=bool(os.environ.get("NO_COLOR")) or None,
    )


class _StdoutConsole(Console):
    """A console whose broken pipe is a :class:`BrokenPipeError` like any other write's.

    rich exits with 1 instead; the CLI gives every broken pipe the same exit code.
    """

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def columns(environ: Mapping[str, str]) -> int | None:
    """The width ``COLUMNS`` asks for, when it is a positive number."""
    value = environ.get("COLUMNS", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def print_trimmed(console: Console, renderable: RenderableType) -> None:
    """Print ``renderable`` without the spaces rich leaves at the end of wrapped lines."""
    segments: list[Segment] = []
    for line in console.render_lines(renderable, pad=False):
        while line and not line[-1].control and not line[-1].text.rstrip():
            line.pop()
        if line and not line[-1].control:
            line[-1] = Segment(line[-1].text.rstrip(), line[-1].style)
        segments.extend([*line, Segment.line()])
    console.print(Segments(segments), end="")


def print_report(report: Report, console: Console) -> None:
    """Print views, findings and the summary line."""
    for view in report.views:
        console.print(_view_table(view))
        if view.note:
            print_trimmed(console, Text(view.note, style="dim"))
        console.print()
    findings: Iterable[Finding] = report.findings
    count = len(report.findings)
    if report.hide_passes:  # --quiet: problems only; the summary line still counts all
        findings = (f for f in findings if f.status.rank > Status.PASS.rank)
        count -= report.summary[Status.PASS.value] + report.summary[Status.SKIP.value]
    if count or not report.hide_passes:
        console.print(_findings_table(report.command, findings, count))
    console.print(summary_line(report))


def render(report: Report) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=PIPED_WIDTH, no_color=True, highlight=False, color_system=None
    )
    print_report(report, console)
    return buffer.getvalue()


def summary_line(report: Report) -> Text:
    """``plcheck az-map: 3 pass, 1 warn → exit 0``, colored by status."""
    text = Text(f"plcheck {report.command}: ", style="bold")
    parts = [(s, report.summary[s.value]) for s in SUMMARY_ORDER if report.summary[s.value]]
    for i, (status, count) in enumerate(parts):
        if i:
            text.append(", ")
        text.append(f"{count} {status.value}", style=STYLE[status])
    if not parts:
        text.append("no findings")
    text.append(f" → exit {int(report.exit_code)}")
    return text


def _findings_table(command: str, findings: Iterable[Finding], count: int) -> Table:
    """``count`` findings: each under its resource, or alike ones grouped when many."""
    if count > LARGE:
        return _grouped_table(command, findings, count)
    table = Table(title=f"plcheck {command}", title_justify="default", expand=False)
    table.add_column("Status", overflow="fold")
    table.add_column("Check", overflow="fold")
    table.add_column("Finding", ratio=1, overflow="fold")
    ordered = sorted(findings, key=lambda f: (f.resource, f.account, f.region))
    for (resource, account, region), group in groupby(
        ordered, key=lambda f: (f.resource, f.account, f.region)
    ):
        where = " · ".join(p for p in (account.replace(",", ", "), region) if p)
        # The resource heads its group in the wide column: IDs and ARNs can be long.
        heading = Text(resource, style="bold cyan")
        if where:
            heading.append(f"  ({where})", style="cyan")
        table.add_row("", "", heading)
        for finding in group:
            body: list[Text] = [Text(finding.message)]
            if finding.location is not None:
                line = f":{finding.location.line}" if finding.location.line else ""
                body.append(Text(f"at {finding.location.uri}{line}", style="dim"))
            if finding.remediation and finding.status is not Status.PASS:
                body.append(Text(f"Fix: {finding.remediation}", style="dim"))
            table.add_row(
                Text(finding.status.value.upper(), style=STYLE[finding.status]),
                finding.check,
                Group(*body),
            )
        table.add_section()
    return table


def _view_table(view: View) -> Table:
    table = Table(title=view.title, title_justify="default")
    for column in view.columns:
        table.add_column(column, overflow="fold")
    for i, row in enumerate(view.rows):
        table.add_row(*row, style="bold yellow" if i in view.highlight else None)
    return table


def shape(finding: Finding) -> tuple[str, str, str]:
    """What alike findings share: check, status, and the message without its IDs and numbers."""
    message = finding.message
    if finding.resource:
        message = message.replace(finding.resource, "#")
    return finding.check, finding.status.value, _VARYING.sub("#", message)


class _Group:
    """Alike findings: the first, how many, and the resources they are about."""

    def __init__(self, first: Finding) -> None:
        self.first = first
        self.count = 0
        self.resources: dict[str, None] = {}

    def add(self, finding: Finding) -> None:
        self.count += 1
        self.resources.setdefault(finding.resource)


def _grouped_table(command: str, findings: Iterable[Finding], count: int) -> Table:
    """One row per check, status and message shape: its count, first resources, one fix whole.

    Problems come first (fail, error, warn, skip, then pass), so none is lost among passes.
    Findings are read once, in order, and only each group's first is kept.
    """
    groups: dict[tuple[str, str, str], _Group] = {}
    for finding in findings:
        key = shape(finding)
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(finding)
        group.add(finding)
    rank = {status.value: n for n, status in enumerate(SUMMARY_ORDER)}
    ordered = sorted(groups.items(), key=lambda item: (rank[item[0][1]], item[0][0]))
    table = Table(
        title=f"plcheck {command}: {count} findings, alike ones grouped "
        "(every finding is in --format json)",
        title_justify="default",
        expand=False,
    )
    table.add_column("Status", overflow="fold")
    table.add_column("Check", overflow="fold")
    table.add_column("Count", justify="right")
    table.add_column("Finding", ratio=1, overflow="fold")
    for (check, _, _), group in ordered:
        first = group.first
        table.add_row(
            Text(first.status.value.upper(), style=STYLE[first.status]),
            check,
            str(group.count),
            Group(*_group_body(group)),
        )
    return table


def _group_body(group: _Group) -> list[Text]:
    first = group.first
    names = list(group.resources)
    shown = ", ".join(names[:FIRST_RESOURCES])
    more = f" and {len(names) - FIRST_RESOURCES} more" if len(names) > FIRST_RESOURCES else ""
    body = [Text(f"{shown}{more}", style="bold cyan")]
    body.append(Text(first.message if group.count == 1 else f"e.g. {first.message}"))
    if first.location is not None:
        line = f":{first.location.line}" if first.location.line else ""
        body.append(Text(f"at {first.location.uri}{line}", style="dim"))
    if first.remediation and first.status is not Status.PASS:
        body.append(Text(f"Fix: {first.remediation}", style="dim"))
    return body
