"""The ``plcheck`` command line.

Each command lives in ``plcheck.commands.<name>`` and registers itself on the
Typer app. ``main`` turns every expected failure into one line on stderr and a
documented exit code, never a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import typer

from plcheck import __version__
from plcheck.commands.invoke import invoke
from plcheck.model import ExitCode

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
    "schema",
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


def build_app() -> typer.Typer:
    """The Typer app with every command registered."""
    app = typer.Typer(
        name="plcheck",
        help=HELP,
        no_args_is_help=True,
        # --install-completion / --show-completion SHELL: typer.completion is imported
        # on every start either way, so this costs nothing measurable.
        add_completion=True,
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
    except BrokenPipeError:  # the reader went away (`plcheck … | head -1`): quietly
        code = ExitCode.BROKEN_PIPE
    except KeyboardInterrupt:  # before or after a command ran (invoke handles the rest)
        sys.stderr.write("plcheck: error: interrupted\n")
        code = ExitCode.INTERRUPTED
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    if _stdout_is_broken():
        # Point stdout at /dev/null so the interpreter's final flush cannot complain.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = ExitCode.BROKEN_PIPE
    sys.exit(int(code))


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
    return invoke(command(), args)


#: Every option can be set as ``PLCHECK_<OPTION>`` (``PLCHECK_FAIL_ON=warn``).
ENV_PREFIX = "PLCHECK"


def command() -> Any:
    """The click command of the app; each command reads its options' ``PLCHECK_*`` variables.

    click would name a command's variables ``PLCHECK_<COMMAND>_<OPTION>``; giving each
    command the prefix itself drops the command's name. The root has none: its only
    option, ``--version``, must not read ``PLCHECK_VERSION``.
    """
    root = typer.main.get_command(build_app())
    for sub in getattr(root, "commands", {}).values():
        sub.context_settings["auto_envvar_prefix"] = ENV_PREFIX
    return root
