"""Reporters: one report, five formats, chosen by :class:`Format`.

Each format is a module with ``render(report) -> str``; the table format can
also print straight to a terminal in color, and the formats whose text grows with the
findings (JSON, SARIF, JUnit) have a ``write(report, stream)`` that writes a file or
stdout as it encodes (a large report is never one string). Modules are imported only
when their format is asked for.
"""

from __future__ import annotations

import enum
import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from plcheck.model import Report

if TYPE_CHECKING:
    from rich.console import Console


class Format(str, enum.Enum):
    """Output formats: one for people, four for machines."""

    TABLE = "table"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    MARKDOWN = "markdown"


def render(report: Report, fmt: Format) -> str:
    """The report as text in ``fmt`` (tables without color)."""
    module = importlib.import_module(f"plcheck.report.{fmt.value}_format")
    text: str = module.render(report)
    return text


def emit(report: Report, fmt: Format, output: Path | None, console: Console | None = None) -> None:
    """Write the report to ``output``, or to stdout (tables in color on a terminal).

    A format with a ``write(report, stream)`` writes as it encodes; the others are
    rendered whole (their text is bounded, or small).
    """
    if output is None and fmt is Format.TABLE:
        from plcheck.report.table_format import print_report, stdout_console

        print_report(report, console or stdout_console())
        return
    module = importlib.import_module(f"plcheck.report.{fmt.value}_format")
    write = getattr(module, "write", None)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as stream:
            if write is not None:
                write(report, stream)
            else:
                stream.write(module.render(report))
        return
    if write is not None:
        write(report, sys.stdout)
    else:
        sys.stdout.write(module.render(report))
    sys.stdout.flush()
