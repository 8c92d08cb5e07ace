"""Every catalogued check of a command shows up in that command's report.

Which checks a command runs is derived from the catalog (``checks_for``): this
runs every demo step (every command, on the simulated world, through the CLI)
and asserts that no catalogued check of a command is missing from its reports.
A check that is listed, documented and in the IAM policy but never runs fails here.
"""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import pytest

from plcheck.checks import COMMAND_ORDER, catalog, checks_for
from plcheck.cli import run
from plcheck.demo.steps import demo_steps
from plcheck.iam import actions
from plcheck.sim import SimulatedWorld


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Command → the checks its demo steps reported."""
    out: dict[str, set[str]] = {}
    directory = tmp_path_factory.mktemp("reports")
    with SimulatedWorld() as world, closing(demo_steps(world)) as steps:
        for n, step in enumerate(steps):
            report = Path(directory) / f"{n}.json"
            code = run([*step.args, "--format", "json", "--output", str(report)])
            assert code in (0, 1), f"{step.args}: exit {code}"
            found = {f["check"] for f in json.loads(report.read_text())["findings"]}
            out.setdefault(step.command, set()).update(found)
    return out


@pytest.mark.parametrize("command", COMMAND_ORDER)
def test_every_check_of_the_command_is_in_its_report(
    reported: dict[str, set[str]], command: str
) -> None:
    expected = {spec.id for spec in checks_for(command)}
    assert expected, f"{command} runs no check"
    assert expected <= reported[command], f"never reported: {expected - reported[command]}"
    # And the command reports nothing it does not run.
    assert reported[command] <= expected


def test_every_check_belongs_to_a_command_and_declares_its_subject() -> None:
    for spec in catalog().values():
        assert spec.command in COMMAND_ORDER, spec.id
        assert spec.subject, f"{spec.id} declares no subject"
        assert set(spec.also_in) <= set(COMMAND_ORDER), spec.id


def test_the_iam_policy_of_a_command_covers_its_checks() -> None:
    for command in COMMAND_ORDER:
        granted = set(actions([command]))
        for spec in checks_for(command):
            assert set(spec.actions_for(command)) <= granted, (command, spec.id)
            # A plan reads no more than the live run: what it plans stands in for reads.
            assert set(spec.actions_for(command)) <= set(spec.aws_actions), spec.id
