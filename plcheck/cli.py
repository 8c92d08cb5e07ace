"""The ``plcheck`` command line.

Each command lives in ``plcheck.commands.<module>`` and registers itself on a
Typer app. Only the command that runs is imported and built: ``--version`` loads
neither Typer nor rich, and the root ``--help`` lists the commands from
:data:`COMMANDS` without importing them. ``main`` turns every expected failure
into one line on stderr and a documented exit code, never a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from plcheck import __version__
from plcheck.errors import UsageError
from plcheck.model import ExitCode

if TYPE_CHECKING:
    import typer

#: Commands in help order: name -> (module in ``plcheck.commands``, one-line summary).
#: The summary is the command's own first docstring line (a test holds them equal).
COMMANDS: dict[str, tuple[str, str]] = {
    "az-map": (
        "az_map",
        "Map AZ names to AZ IDs for each account, side by side; warn where a name differs.",
    ),
    "provider": (
        "provider",
        "Preflight endpoint services from the provider's account: zones, NLBs, DNS, access.",
    ),
    "consumer": (
        "consumer",
        "Preflight a consumer VPC and its interface endpoints, before and after they exist.",
    ),
    "probe": ("probe", "Resolve, connect and handshake with every address of HOSTNAME, from here."),
    "check": (
        "check",
        "Check every provider, consumer and probe in a plcheck.toml, concurrently.",
    ),
    "plan": (
        "plan",
        "Check a Terraform plan's PrivateLink resources against their live accounts, before apply.",
    ),
    "iam-policy": (
        "iam_policy",
        "Print the least-privilege, read-only IAM policy plcheck needs (JSON).",
    ),
    "checks": ("checks", "List every check: its id, command and title."),
    "explain": (
        "checks",
        "Explain one check in full: what it inspects, why, how to fix, documentation.",
    ),
    "schema": (
        "schema",
        "Print the JSON Schema (draft 2020-12) of the JSON report or of plcheck.toml.",
    ),
    "demo": (
        "demo",
        "Run every command against a simulated AWS world: no credentials, no network.",
    ),
}

#: Every option can be set as ``PLCHECK_<OPTION>`` (``PLCHECK_FAIL_ON=warn``).
ENV_PREFIX = "PLCHECK"

HELP = (
    "Preflight diagnostics for AWS PrivateLink: AZ IDs across accounts, load balancer "
    "coverage, private DNS and reachability, checked before you deploy. Read-only."
)


def _version(value: bool) -> None:
    import typer

    if value:
        typer.echo(f"plcheck {__version__}")
        raise typer.Exit()


def build_command(name: str) -> Any:
    """The click command ``name``, built from its module alone (None if there is none)."""
    import typer

    entry = COMMANDS.get(name)
    if entry is None:
        return None
    app = typer.Typer(
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    importlib.import_module(f"plcheck.commands.{entry[0]}").register(app)
    group = typer.main.get_command(app)
    commands = getattr(group, "commands", None)
    # A module with several commands (checks, explain) registers them on one group.
    command = commands.get(name) if isinstance(commands, dict) else group
    if command is not None:
        # click would name the variables PLCHECK_<COMMAND>_<OPTION>; the prefix on each
        # command drops the command's name. The root has none: its only option,
        # --version, must not read PLCHECK_VERSION (which the GitHub Action sets).
        command.context_settings["auto_envvar_prefix"] = ENV_PREFIX
        command.context_class = _context_class()
    return command


def _plain_usage(text: str) -> str:
    """Usage lines as the README writes them: ``VPC_ID``, not Typer's ``{VPC_ID}``."""
    usage, newline, rest = text.partition("\n")
    return re.sub(r"\{([^{}\s]+)\}", r"\1", usage) + newline + rest


@functools.cache
def _context_class() -> type[Any]:
    import typer

    class PlainUsageContext(typer.Context):
        def get_usage(self) -> str:
            return _plain_usage(super().get_usage())

        def get_help(self) -> str:
            return _plain_usage(super().get_help())

    return PlainUsageContext


def _lazy_group() -> type[Any]:
    """Typer's group class, listing :data:`COMMANDS` and building only the one invoked."""
    from typer.core import TyperGroup

    class LazyGroup(TyperGroup):
        context_class = _context_class()

        def list_commands(self, ctx: Any) -> list[str]:
            return list(COMMANDS)

        def get_command(self, ctx: Any, cmd_name: str) -> Any:
            return build_command(cmd_name)

        def format_commands(self, ctx: Any, formatter: Any) -> None:
            # Each summary in full, wrapped to the terminal (click would cut it with "...").
            rows = [(name, summary) for name, (_, summary) in COMMANDS.items()]
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    return LazyGroup


def build_app() -> typer.Typer:
    """The Typer app: its commands are imported when one of them is invoked."""
    import typer

    app = typer.Typer(
        name="plcheck",
        help=HELP,
        cls=_lazy_group(),
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
    if code == ExitCode.INTERRUPTED:
        # The interpreter would join the AWS worker threads first, each waiting out its
        # call's timeout: Ctrl-C ends the run now, with what was printed so far flushed.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a reader that went away
                stream.flush()
        os._exit(int(code))
    sys.exit(int(code))


def _stdout_is_broken() -> bool:
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        return True
    return False


#: The parameters of ``checks`` and ``explain``, as their PLCHECK_* variables name them
#: (``tests/test_cli_lazy.py`` keeps this in step with the commands).
CATALOG_PARAMETERS = ("FMT", "AS_JSON", "CHECK_ID")


def _catalog(args: list[str]) -> int | None:
    """``plcheck checks`` and ``plcheck explain ID`` in their plain forms, without Typer.

    Building the CLI costs them a third of their start; any other form (options, help,
    PLCHECK_* variables set) goes through it as usual, and prints the same.
    """
    plain_explain = len(args) == 2 and args[0] == "explain" and not args[1].startswith("-")
    if args != ["checks"] and not plain_explain:
        return None
    if any(f"{ENV_PREFIX}_{name}" in os.environ for name in CATALOG_PARAMETERS):
        return None  # a PLCHECK_<OPTION> variable sets an option: Typer reads them
    from plcheck.commands.catalog import print_checks, print_explanation

    try:
        if plain_explain:
            print_explanation(args[1])
        else:
            print_checks()
    except UsageError as exc:
        sys.stderr.write(f"plcheck: error: {exc}\n")
        return int(ExitCode.USAGE)
    return 0


def run(args: list[str]) -> int:
    """Run the CLI on ``args`` and return the exit code."""
    if args in (["--version"], ["-V"]):  # the fast path: nothing else to load
        print(f"plcheck {__version__}")
        return 0
    fast = _catalog(args)
    if fast is not None:
        return fast
    import typer

    from plcheck.commands.invoke import invoke

    return invoke(typer.main.get_command(build_app()), args)
