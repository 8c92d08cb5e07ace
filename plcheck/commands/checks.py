"""``plcheck checks`` and ``plcheck explain``: the check catalog."""

from __future__ import annotations

from typing import Annotated

import typer

from plcheck.errors import UsageError


def register(app: typer.Typer) -> None:
    @app.command("checks")
    def checks(
        as_json: Annotated[bool, typer.Option("--json", help="Print the catalog as JSON.")] = False,
    ) -> None:
        """List every check: its id, command and title."""
        from plcheck.checks import catalog

        specs = list(catalog().values())
        if as_json:
            import dataclasses
            import json

            typer.echo(json.dumps([dataclasses.asdict(s) for s in specs], indent=2))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title="plcheck checks", title_justify="left")
        for column in ("Check", "Command", "Title"):
            table.add_column(column, no_wrap=column != "Title")
        for spec in specs:
            table.add_row(spec.id, spec.command, spec.title)
        Console(highlight=False).print(table)

    @app.command("explain")
    def explain(
        check_id: Annotated[str, typer.Argument(help="A check id, e.g. az-id-mapping.")],
    ) -> None:
        """Explain one check in full: what it inspects, why, how to fix, documentation."""
        from plcheck.checks import catalog

        spec = catalog().get(check_id)
        if spec is None:
            known = ", ".join(catalog())
            raise UsageError(f"unknown check {check_id!r}; known checks: {known}")
        from rich.console import Console
        from rich.markdown import Markdown

        actions = ", ".join(f"`{a}`" for a in spec.aws_actions) or "none"
        Console(highlight=False).print(
            Markdown(
                f"# {spec.id}: {spec.title}\n\n"
                f"**Command:** `plcheck {spec.command}`\n\n"
                f"**Inspects:** {spec.inspects}\n\n"
                f"**Why it matters:** {spec.why}\n\n"
                f"**How to fix:** {spec.remediation}\n\n"
                f"**IAM actions:** {actions}\n\n"
                f"**AWS documentation:** {spec.docs_url}\n"
            )
        )
