"""The composite GitHub Action: valid YAML with the inputs and steps the README promises."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / ".github" / "actions" / "plcheck" / "action.yml"
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return loaded


def test_inputs(action: dict[str, Any]) -> None:
    assert action["name"] == "plcheck"
    assert action["description"]
    inputs = action["inputs"]
    for name in ("command", "config", "plan-file", "python-version", "version", "fail-on", "args"):
        assert name in inputs, name
        assert inputs[name]["description"]
    assert inputs["command"]["default"] == "check"
    assert inputs["fail-on"]["default"] == "fail"
    assert set(action["outputs"]) >= {"exit-code", "sarif-file", "markdown-file"}


def test_steps(action: dict[str, Any]) -> None:
    runs = action["runs"]
    assert runs["using"] == "composite"
    steps = runs["steps"]
    for step in steps:
        assert "uses" in step or ("run" in step and step["shell"] == "bash"), step
    install = next(s for s in steps if s.get("name") == "Install plcheck")
    assert install["env"]["PLCHECK_SOURCE"] == "${{ github.action_path }}/../../.."
    # The action's path is three levels below the repository root, where pyproject.toml is.
    assert (ACTION.parent / ".." / ".." / ".." / "pyproject.toml").resolve().is_file()
    run = next(s for s in steps if s.get("id") == "run")
    assert '--report "sarif=$sarif"' in run["run"]
    assert '--report "markdown=$markdown"' in run["run"]
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/"))
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["if"].startswith("always()")
    assert upload["with"]["sarif_file"] == "${{ steps.run.outputs.sarif-file }}"
    summary = next(s for s in steps if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert summary["if"].startswith("always()")
    last = steps[-1]
    assert last["if"] == "always()"
    assert 'exit "$code"' in last["run"]
    assert last["env"]["PLCHECK_EXIT"] == "${{ steps.run.outputs.exit-code }}"


def test_inputs_reach_scripts_only_through_the_environment(action: dict[str, Any]) -> None:
    # ${{ inputs.* }} inside a script would let an input inject shell code.
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")


def test_readme_workflow_uses_the_action(action: dict[str, Any]) -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    (workflow,) = (yaml.safe_load(b) for b in blocks)
    uses = [
        step
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if "/.github/actions/plcheck@" in step.get("uses", "")
    ]
    assert {step["with"]["command"] for step in uses} == {"check", "plan"}
    for step in uses:
        assert set(step["with"]) <= set(action["inputs"]), step["with"]
    assert workflow["permissions"]["security-events"] == "write"
