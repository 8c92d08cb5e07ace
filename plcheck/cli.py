"""The ``plcheck`` command line.

Each command lives in ``plcheck.commands.<name>`` and registers itself on the
Typer app. ``main`` turns every expected failure into one line on stderr and a
documented exit code, never a traceback.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from plcheck import __version__
from plcheck.commands.invoke import invoke

#: Command modules in help order.
COMMANDS = (
    "az_map",
    "provider",
    "consumer",
    "probe",
    "check",
    "plan",
    "iam_policy",
    "checks",
    "demo",
)

HELP = (
    "Preflight diagnostics for AWS PrivateLink: AZ IDs across accounts, load balancer "
    "coverage, private DNS and reachability, checked before you deploy. Read-only."
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"plcheck {__version__}")
        raise typer.Exit()


class _Context(typer.Context):
    """Usage lines as the README writes them: ``VPC_ID``, not Typer's ``{VPC_ID}``."""

    def get_usage(self) -> str:
        return _plain_usage(super().get_usage())

    def get_help(self) -> str:
        return _plain_usage(super().get_help())


def _plain_usage(text: str) -> str:
    usage, newline, rest = text.partition("\n")
    return re.sub(r"\{([^{}\s]+)\}", r"\1", usage) + newline + rest


class _Group(TyperGroup):
    """The command group: each command's summary in full (wrapped, not cut with ``...``)."""

    context_class = _Context

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for command in self.commands.values():
            command.context_class = _Context
            if command.help and not command.short_help:
                command.short_help = " ".join(command.help.split("\n\n")[0].split())


def build_app() -> typer.Typer:
    """The Typer app with every command registered."""
    app = typer.Typer(
        name="plcheck",
        cls=_Group,
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        # Plain click help: rich help costs ~70 ms of imports (markdown_it) on every --help.
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def _root(
        version: bool = typer.Option(
            False,
            "--version",
            "-V",
            help="Print the version and exit.",
            is_eager=True,
            callback=_version,
        ),
    ) -> None:
        """Preflight diagnostics for AWS PrivateLink."""

    for name in COMMANDS:
        importlib.import_module(f"plcheck.commands.{name}").register(app)
    return app


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the console script; exits with the run's exit code."""
    try:
        code = run(list(sys.argv[1:] if argv is None else argv))
        sys.stdout.flush()
    except (BrokenPipeError, SystemExit) as exc:
        # The reader went away (`plcheck … | head`); rich turns that into SystemExit(1).
        code = exc.code if isinstance(exc, SystemExit) and isinstance(exc.code, int) else 1
    if _stdout_is_broken():
        # Point stdout at /dev/null so the interpreter's final flush cannot complain.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(code)


def _stdout_is_broken() -> bool:
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        return True
    return False


def run(args: list[str]) -> int:
    """Run the CLI on ``args`` and return the exit code."""
    if args in (["--version"], ["-V"]):  # the fast path: nothing else to load
        print(f"plcheck {__version__}")
        return 0
    return invoke(typer.main.get_command(build_app()), args)
