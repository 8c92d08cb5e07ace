"""``plcheck iam-policy``: the read-only IAM policy every command needs, as JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from plcheck.checks import COMMAND_ORDER
from plcheck.errors import UsageError
from plcheck.validate import did_you_mean


def register(app: typer.Typer) -> None:
    @app.command("iam-policy")
    def iam_policy(
        command: Annotated[
            list[str] | None,
            typer.Option(
                "--command",
                metavar="COMMAND",
                help="Only what this command needs (repeatable; default: every command): "
                + ", ".join(COMMAND_ORDER)
                + ".",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """Print the least-privilege, read-only IAM policy plcheck needs (JSON)."""
        import json

        from plcheck.iam import COMMANDS, policy

        unknown = [name for name in dict.fromkeys(command or ()) if name not in COMMANDS]
        if unknown:
            raise UsageError(
                f"unknown --command {unknown[0]!r}{did_you_mean(unknown[0], COMMANDS)}; "
                f"--command takes {', '.join(COMMANDS)}"
            )
        typer.echo(json.dumps(policy(command or ()), indent=2))
