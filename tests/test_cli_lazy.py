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


@pytest.mark.parametrize("args", [["checks"], ["explain", "az-id-mapping"]])
def test_the_catalog_is_answered_without_building_the_cli(args: list[str]) -> None:
    loaded = _loaded_after(args)
    assert not {"typer", "boto3", "botocore"} & loaded


@pytest.mark.parametrize(
    ("plain", "through_typer"),
    [
        (["checks"], ["checks", "--format", "table"]),
        (["explain", "az-id-mapping"], ["explain", "--", "az-id-mapping"]),
        (["explain", "no-such-check"], ["explain", "--", "no-such-check"]),
    ],
)
def test_the_plain_forms_print_what_the_cli_prints(
    plain: list[str], through_typer: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from plcheck.cli import run

    first = run(plain), capsys.readouterr()
    second = run(through_typer), capsys.readouterr()
    assert first == second


def test_a_catalog_option_set_by_environment_goes_through_the_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every parameter of the two commands is one the fast path knows to step aside for.
    import typer

    from plcheck.cli import CATALOG_PARAMETERS, ENV_PREFIX, build_app, run

    group = typer.main.get_command(build_app())
    names = set()
    for command in ("checks", "explain"):
        context = group.make_context("plcheck", [command, "--help"], resilient_parsing=True)
        sub = group.get_command(context, command)  # type: ignore[attr-defined]
        names |= {p.name.upper() for p in sub.params if p.name and p.name != "help"}
    assert names == set(CATALOG_PARAMETERS)
    monkeypatch.setenv(f"{ENV_PREFIX}_FMT", "json")
    assert run(["checks"]) == 0
    assert capsys.readouterr().out.startswith("[")
