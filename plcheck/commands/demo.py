"""``plcheck demo``: every command against a simulated multi-account AWS world.

The world is moto behind real boto3 clients, corrected where moto differs from
AWS (see :mod:`plcheck.sim`). It needs no credentials and no network.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from plcheck.errors import UsageError

if TYPE_CHECKING:
    from plcheck.sim.world import SimulatedWorld


@dataclass(frozen=True)
class DemoStep:
    """One command the demo runs, as a user would type it."""

    command: str
    """The command name, for ``--only``."""
    title: str
    """Heading printed above the step."""
    story: str
    """What the scenario set up and what to look for."""
    args: tuple[str, ...]
    """The arguments after ``plcheck``."""


def demo_steps(world: SimulatedWorld) -> Iterator[DemoStep]:
    """Build each scenario through the AWS API and yield the commands that diagnose it."""
    from plcheck.sim import scenarios

    mismatch = scenarios.az_mismatch(world)
    yield DemoStep(
        command="az-map",
        title="AZ names are per account",
        story=(
            f"Provider {mismatch.provider_account} runs an NLB in two zones; consumer "
            f"{mismatch.consumer_account} has subnets with the same zone names that land in "
            "other physical zones."
        ),
        args=(
            "az-map",
            "--profile",
            "provider",
            "--profile",
            "consumer",
            "--service",
            mismatch.service_name,
        ),
    )


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        only: Annotated[
            list[str] | None,
            typer.Option("--only", help="Run only these demo steps (by command name)."),
        ] = None,
    ) -> None:
        """Run every command against a simulated AWS world: no credentials, no network."""
        try:
            from plcheck.sim import SimulatedWorld
        except ImportError as exc:
            raise UsageError(
                f"the demo needs the simulated world ({exc.name} is missing): "
                "pip install 'plcheck[demo]'"
            ) from None
        from rich.rule import Rule

        from plcheck.cli import run
        from plcheck.report.table_format import stdout_console

        console = stdout_console()
        with SimulatedWorld() as world:
            for step in demo_steps(world):
                if only and step.command not in only:
                    continue
                console.print(Rule(step.title, style="cyan"))
                if step.story:
                    console.print(step.story, style="dim")
                console.print(f"$ plcheck {shlex.join(step.args)}", style="bold")
                code = run(list(step.args))
                console.print(f"(exit code {code})", style="dim")
                console.print()
