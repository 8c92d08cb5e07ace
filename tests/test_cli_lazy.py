"""The CLI builds only the command that runs; its help table matches the commands."""

from __future__ import annotations

import subprocess
import sys

import pytest

from plcheck.cli import COMMANDS, build_command


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_help_table_is_each_commands_own_summary(name: str) -> None:
    command = build_command(name)
    assert command is not None
    assert command.name == name
    first_line = (command.help or "").strip().splitlines()[0]
    assert COMMANDS[name][1] == first_line


def _loaded_after(args: list[str]) -> set[str]:
    probe = (
        "import contextlib, io, sys\n"
        "from plcheck.cli import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    run({args!r})\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_version_loads_neither_typer_nor_rich() -> None:
    loaded = _loaded_after(["--version"])
    assert not {"typer", "rich", "boto3", "botocore"} & loaded


def test_one_command_imports_no_other_command() -> None:
    loaded = _loaded_after(["iam-policy"])
    commands = {m for m in loaded if m.startswith("plcheck.commands.")}
    # invoke: how every command is run, with plcheck's exit codes.
    assert commands <= {
        "plcheck.commands.iam_policy",
        "plcheck.commands.common",
        "plcheck.commands.invoke",
    }
    assert "boto3" not in loaded


def test_listing_the_checks_loads_no_facts_they_judge() -> None:
    # Every check module is imported to list the catalog (plcheck checks, and each run's
    # --check validation); the facts each judges are imported only when it judges.
    loaded = _loaded_after(["checks"])
    assert "plcheck.checks.resolver_rules" in loaded
    heavy = {"consumer", "provider", "probe", "network", "endpoints", "org", "link", "plan"}
    assert not {f"plcheck.facts.{name}" for name in heavy} & loaded
