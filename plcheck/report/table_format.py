"""Rich tables for people: findings grouped by resource, colored by status.

Nothing is ever cut with an ellipsis: IDs, ARNs, DNS names and fix commands are what a
person copies, so every column folds long text onto the next line instead.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Mapping
from itertools import groupby

from rich.console import Console, Group, RenderableType
from rich.segment import Segment, Segments
from rich.table import Table
from rich.text import Text

from plcheck.model import SUMMARY_ORDER, Report, Status, View

STYLE = {
    Status.PASS: "green",
    Status.WARN: "yellow",
    Status.FAIL: "bold red",
    Status.ERROR: "magenta",
    Status.SKIP: "dim",
}


#: Width of tables written to a file, or piped without ``COLUMNS``.
PIPED_WIDTH = 120


def stdout_console() -> Console:
    """A console on stdout: colored on a terminal, plain when piped or with NO_COLOR.

    ``COLUMNS`` sets the width, also when piped; without it a pipe gets
    :data:`PIPED_WIDTH` and a terminal its own width.
    """
    piped = not sys.stdout.isatty()
    return Console(
        highlight=False,
        soft_wrap=False,
        width=columns(os.environ) or (PIPED_WIDTH if piped else None),
        no_color=bool(os.environ.get("NO_COLOR")) or None,
    )


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
    console.print(_findings_table(report))
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


def _findings_table(report: Report) -> Table:
    table = Table(title=f"plcheck {report.command}", title_justify="default", expand=False)
    table.add_column("Status", overflow="fold")
    table.add_column("Check", overflow="fold")
    table.add_column("Finding", ratio=1, overflow="fold")
    ordered = sorted(report.findings, key=lambda f: (f.resource, f.account, f.region))
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
