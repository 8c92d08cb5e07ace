"""``plcheck iam-policy``: the read-only IAM policy every command needs, as JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from plcheck.errors import UsageError


def register(app: typer.Typer) -> None:
    @app.command("iam-policy")
    def iam_policy(
        command: Annotated[
            list[str] | None,
            typer.Option(
                "--command",
                metavar="COMMAND",
                help="Only what this command needs (repeatable; default: every command).",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """Print the least-privilege, read-only IAM policy plcheck needs (JSON)."""
        import json

        from plcheck.iam import COMMANDS, policy

        unknown = sorted(set(command or ()) - set(COMMANDS))
        if unknown:
            raise UsageError(f"unknown command {', '.join(unknown)}; one of {', '.join(COMMANDS)}")
        typer.echo(json.dumps(policy(command or ()), indent=2))
