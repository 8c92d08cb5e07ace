"""``plcheck demo``: every command against a simulated multi-account AWS world.

The world is moto behind real boto3 clients, corrected where moto differs from
AWS (see :mod:`plcheck.sim`). It needs no credentials and no network.
"""

from __future__ import annotations

import shlex
from contextlib import closing
from typing import Annotated

import typer

from plcheck.checks import COMMAND_ORDER
from plcheck.errors import UsageError
from plcheck.model import ExitCode
from plcheck.validate import did_you_mean

#: What the demo ends with: the first command to run on real accounts.
NEXT_STEP = (
    "Everything above ran against a simulated AWS world. Next, map the zones of your own "
    "accounts with two profiles from your ~/.aws/config (plcheck only reads; "
    "plcheck iam-policy prints the permissions it needs):"
)
NEXT_COMMAND = "plcheck az-map --profile PROVIDER_PROFILE --profile CONSUMER_PROFILE"


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        context: typer.Context,
        only: Annotated[
            list[str] | None,
            typer.Option(
                "--only",
                metavar="COMMAND",
                help="Run only the steps of this command (repeatable): "
                + ", ".join(COMMAND_ORDER)
                + ".",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """Run every command against a simulated AWS world: no credentials, no network."""
        unknown = [name for name in dict.fromkeys(only or ()) if name not in COMMAND_ORDER]
        if unknown:
            raise UsageError(
                f"no demo step for {unknown[0]!r}{did_you_mean(unknown[0], COMMAND_ORDER)}; "
                f"--only takes {', '.join(COMMAND_ORDER)}"
            )
        try:
            # The [demo] extra: plcheck.sim loads them only when the world starts.
            import moto  # noqa: F401
            import trustme  # noqa: F401

            from plcheck.sim import SimulatedWorld
        except ImportError as exc:
            raise UsageError(
                f"the demo needs the simulated world ({exc.name} is missing): "
                "pip install 'plcheck[demo]'"
            ) from None
        from rich.rule import Rule
        from rich.text import Text

        from plcheck.commands.invoke import invoke
        from plcheck.demo.steps import demo_steps
        from plcheck.report.table_format import print_trimmed, stdout_console

        root = context.find_root().command
        console = stdout_console()
        # closing(): a step's servers stop even if the demo is interrupted mid-step.
        with SimulatedWorld() as world, closing(demo_steps(world)) as steps:
            for step in steps:
                if only and step.command not in only:
                    continue
                console.print(Rule(step.title, style="cyan"))
                if step.story:
                    console.print(step.story, style="dim")
                console.print(f"$ plcheck {shlex.join(step.args)}", style="bold")
                code = invoke(root, list(step.args), announce_interrupt=False)
                if code in (ExitCode.INTERRUPTED, ExitCode.BROKEN_PIPE):  # ends the whole demo
                    raise typer.Exit(code)
                console.print(f"(exit code {code})", style="dim")
                console.print()
        console.print(Rule("Next: your own accounts", style="cyan"))
        print_trimmed(console, Text(NEXT_STEP))
        # soft_wrap: the command stays on one line, to copy whole.
        console.print(f"  {NEXT_COMMAND}", style="bold", soft_wrap=True, markup=False)
