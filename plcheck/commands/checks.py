"""``plcheck checks`` and ``plcheck explain``: the check catalog.

Both start fast: they import no AWS or network library and render without rich's
Markdown renderer (its markdown_it import costs ~50 ms).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer  # Typer evaluates the commands' annotations in this module's namespace

from plcheck.errors import UsageError

if TYPE_CHECKING:
    from rich.text import Text

    from plcheck.model import CheckSpec


def print_checks(as_json: bool = False) -> None:
    """Print every check: its id, command and title (a table, or JSON)."""
    from plcheck.checks import catalog

    specs = list(catalog().values())
    if as_json:
        import dataclasses
        import json

        print(json.dumps([dataclasses.asdict(s) for s in specs], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="plcheck checks", title_justify="left")
    for column in ("Check", "Command", "Title"):
        table.add_column(column, no_wrap=column != "Title")
    for spec in specs:
        table.add_row(spec.id, spec.command, spec.title)
    Console(highlight=False).print(table)


def print_explanation(check_id: str) -> None:
    """Explain one check in full; an unknown id is a usage error."""
    from plcheck.checks import catalog

    spec = catalog().get(check_id)
    if spec is None:
        known = ", ".join(catalog())
        raise UsageError(f"unknown check {check_id!r}; known checks: {known}")
    from rich.console import Console

    Console(highlight=False).print(explanation(spec))


def explanation(spec: CheckSpec) -> Text:
    """The explanation of one check as styled text (rich's Markdown costs ~50 ms to import)."""
    from rich.text import Text

    from plcheck.model import ERROR_DETAILS

    text = Text()
    text.append(f"{spec.id}: {spec.title}\n\n", style="bold underline")
    actions = ", ".join(spec.aws_actions) or "none"
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


def register(app: typer.Typer) -> None:
    @app.command("checks")
    def checks(
        as_json: Annotated[bool, typer.Option("--json", help="Print the catalog as JSON.")] = False,
    ) -> None:
        """List every check: its id, command and title."""
        print_checks(as_json)

    @app.command("explain")
    def explain(
        check_id: Annotated[str, typer.Argument(help="A check id, e.g. az-id-mapping.")],
    ) -> None:
        """Explain one check in full: what it inspects, why, how to fix, documentation."""
        print_explanation(check_id)
