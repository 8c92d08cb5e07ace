"""The check catalog as ``plcheck checks`` and ``plcheck explain`` print it.

Free of Typer, so that the CLI can answer ``plcheck checks`` and ``plcheck explain ID``
without building itself (:func:`plcheck.cli.run`). Neither imports an AWS or network
library, nor rich's Markdown renderer (its markdown_it import costs ~50 ms).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from plcheck.errors import UsageError
from plcheck.validate import did_you_mean

if TYPE_CHECKING:
    from rich.text import Text

    from plcheck.model import CheckSpec


class CatalogFormat(str, enum.Enum):
    """How ``plcheck checks`` prints the catalog."""

    TABLE = "table"
    JSON = "json"


def print_checks(fmt: CatalogFormat = CatalogFormat.TABLE) -> None:
    """Print every check: its id, command and title (a table, or JSON)."""
    from plcheck.checks import catalog

    specs = list(catalog().values())
    if fmt is CatalogFormat.JSON:
        import dataclasses
        import json

        print(json.dumps([dataclasses.asdict(s) for s in specs], indent=2))
        return
    from rich.table import Table

    from plcheck.report.table_format import stdout_console

    # "default", not "left": a left-justified title is padded with spaces to the table's width.
    table = Table(title="plcheck checks", title_justify="default")
    for column in ("Check", "Command", "Title"):
        table.add_column(column, no_wrap=column != "Title")
    for spec in specs:
        table.add_row(spec.id, spec.command, spec.title)
    stdout_console().print(table)  # a broken pipe is BrokenPipeError, not rich's exit 1


def print_explanation(check_id: str) -> None:
    """Explain one check in full (its id in any case); an unknown id is a usage error."""
    from plcheck.checks import catalog

    spec = catalog().get(check_id.strip().lower())
    if spec is None:
        hint = did_you_mean(check_id.strip().lower(), catalog())
        known = "`plcheck checks` lists them" if hint else "one of " + ", ".join(catalog())
        raise UsageError(f"unknown check {check_id!r}{hint}; {known}")
    from plcheck.report.table_format import print_trimmed, stdout_console

    print_trimmed(stdout_console(), explanation(spec))


def explanation(spec: CheckSpec) -> Text:
    """The explanation of one check as styled text (rich's Markdown costs ~50 ms to import)."""
    from rich.text import Text

    from plcheck.model import ERROR_DETAILS

    text = Text()
    text.append(f"{spec.id}: {spec.title}\n\n", style="bold underline")
    actions = ", ".join(spec.aws_actions) or "none"
    if spec.plan_actions is not None and "plan" in (spec.command, *spec.also_in):
        actions += f" (in plcheck plan: {', '.join(spec.plan_actions) or 'none'})"
    for label, value in (
        ("Command", f"plcheck {spec.command}"),
        ("Inspects", spec.inspects),
        ("Why it matters", spec.why),
        ("How to fix", spec.remediation),
        ("IAM actions", actions),
        ("AWS documentation", spec.docs_url),
    ):
        text.append(f"{label}: ", style="bold")
        text.append(f"{value}\n\n" if label != "AWS documentation" else value)
    if spec.details:
        text.append("\n\nDetails (JSON keys of its findings' details):\n", style="bold")
        for key, meaning in spec.details.items():
            text.append(f"  {key}", style="cyan")
            text.append(f": {meaning}\n")
        text.append("Error findings carry " + ", ".join(ERROR_DETAILS) + " instead.")
    return text
