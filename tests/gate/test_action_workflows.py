"""The workflows, the documented examples and the release, checked by their consumers.

actionlint (from the ``dev`` extra) checks the workflows and the examples in docs/ci.md and
the README the way GitHub would read them; pointed at the local action, it also checks each
``with:`` against the action's declared inputs. plcheck's own config parser reads the
documented ``plcheck.toml``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from plcheck import __version__
from plcheck.gate.config import parse

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTION = ROOT / ".github" / "actions" / "plcheck" / "action.yml"
DOCS = ROOT / "docs" / "ci.md"
README = ROOT / "README.md"
REMOTE_ACTION = re.compile(r"plcheck/plcheck/\.github/actions/plcheck@[\w.-]+")

# The current major version of every action used anywhere (workflows, the composite action,
# docs/ci.md), as of late 2026: node20 actions were removed from GitHub's runners on
# 2026-09-23, and these run on node24. A new `uses:` must be added here, deliberately.
CURRENT = {
    "actions/checkout": "v7",
    "actions/setup-python": "v7",
    "actions/cache": "v6",
    "actions/upload-artifact": "v7",
    "actions/download-artifact": "v8",
    "github/codeql-action/upload-sarif": "v4",
    "aws-actions/configure-aws-credentials": "v6",
    "hashicorp/setup-terraform": "v4",
    "pypa/gh-action-pypi-publish": "release/v1",
    "plcheck/plcheck/.github/actions/plcheck": "v0.1.0",
}


def actionlint() -> str:
    # Beside the interpreter first: the venv's own, even when the venv is not activated.
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.is_file() else shutil.which("actionlint")
    assert found, "actionlint is missing: install the dev extra (pip install -e '.[dev]')"
    return found


def lint(files: list[Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    # actionlint is a Go program: the suite's offline guard (tests/support/offline.py) cannot
    # reach into it. It reads local files only; -shellcheck= and -pyflakes= start nothing else.
    return subprocess.run(
        [actionlint(), "-oneline", "-no-color", "-shellcheck=", "-pyflakes=", *map(str, files)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def yaml_blocks(path: Path) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def toml_blocks(path: Path) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def repository_with(tmp_path: Path, workflows: dict[str, str]) -> list[Path]:
    """A repository holding the local action and ``workflows``, as actionlint resolves it."""
    (tmp_path / ".git").mkdir()
    action_dir = tmp_path / ".github" / "actions" / "plcheck"
    action_dir.mkdir(parents=True)
    shutil.copy(ACTION, action_dir / "action.yml")
    directory = tmp_path / ".github" / "workflows"
    directory.mkdir()
    paths = []
    for name, text in workflows.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _step_uses(document: dict[str, Any]) -> list[str]:
    steps = document.get("runs", {}).get("steps", [])
    steps += [step for job in document.get("jobs", {}).values() for step in job["steps"]]
    return [step["uses"] for step in steps if "uses" in step]


def all_uses() -> list[tuple[str, str]]:
    found = []
    for path in [*WORKFLOWS, ACTION]:
        found += [(path.name, u) for u in _step_uses(yaml.safe_load(path.read_text()))]
    for document in EXAMPLES:
        for block in yaml_blocks(document):
            found += [(document.name, u) for u in _step_uses(yaml.safe_load(block))]
    return found


def test_workflows_pass_actionlint() -> None:
    assert WORKFLOWS
    done = lint(WORKFLOWS, ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


# Documents whose ```yaml blocks are workflows that use the action.
EXAMPLES = [DOCS, README]


@pytest.mark.parametrize("document", EXAMPLES, ids=lambda p: p.name)
def test_docs_examples_pass_actionlint_against_the_local_action(
    tmp_path: Path, document: Path
) -> None:
    blocks = yaml_blocks(document)
    assert blocks
    local = {}
    for index, block in enumerate(blocks):
        assert REMOTE_ACTION.search(block), f"example {index} does not use the action"
        local[f"example-{index}.yml"] = REMOTE_ACTION.sub("./.github/actions/plcheck", block)
    done = lint(repository_with(tmp_path, local), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_does_check_the_inputs_of_the_local_action(tmp_path: Path) -> None:
    # The control for the test above: a misspelt input is caught.
    (block, *_) = yaml_blocks(DOCS)
    wrong = REMOTE_ACTION.sub("./.github/actions/plcheck", block).replace(
        "fail-on: fail", "fail_on: fail"
    )
    done = lint(repository_with(tmp_path, {"wrong.yml": wrong}), tmp_path)
    assert done.returncode == 1
    assert 'input "fail_on" is not defined in action' in done.stdout


def test_docs_oidc_example_has_the_permissions_it_needs() -> None:
    workflow = yaml.safe_load(yaml_blocks(DOCS)[0])
    assert workflow["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "security-events": "write",
        "actions": "read",
    }
    steps = workflow["jobs"]["plcheck"]["steps"]
    aws = next(s for s in steps if s.get("uses", "").startswith("aws-actions/"))
    assert aws["with"]["role-to-assume"].startswith("arn:aws:iam::")
    # No profiles: nothing writes ~/.aws/config, and the action is not told to use one.
    action_step = next(s for s in steps if REMOTE_ACTION.fullmatch(s.get("uses", "")))
    assert "--profile" not in action_step["with"].get("args", "")


def test_docs_config_names_roles_and_plcheck_accepts_it() -> None:
    (text,) = toml_blocks(DOCS)
    config = parse(text, Path("plcheck.toml"))
    accounts = [link.provider for link in config.links if link.provider]
    accounts += [consumer.account for link in config.links for consumer in link.consumers]
    assert accounts
    for account in accounts:
        assert account.profile is None
        assert account.role_arn is not None


def test_every_action_is_at_its_current_major_version() -> None:
    uses = all_uses()
    assert uses
    for where, use in uses:
        if use.startswith("./"):
            continue
        name, _, ref = use.partition("@")
        assert name in CURRENT, f"{where}: {use} is not in CURRENT; add its current version"
        assert ref == CURRENT[name], f"{where}: {use} should be {name}@{CURRENT[name]}"


def _workflow(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    return loaded


def test_release_publishes_a_checked_build_on_a_version_tag() -> None:
    release = _workflow("release.yml")
    # PyYAML reads the key `on` as True.
    assert release[True] == {"push": {"tags": ["v*"]}}
    assert release["permissions"] == {"contents": "read"}
    build = release["jobs"]["build"]
    script = "\n".join(step.get("run", "") for step in build["steps"])
    for command in ("make test", "python -m build", "twine check --strict dist/*"):
        assert command in script, command
    assert "plcheck/__init__.py" in script, "the tag must be checked against __version__"
    publish = release["jobs"]["publish"]
    assert publish["needs"] == "build"
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    (upload,) = (s for s in publish["steps"] if "gh-action-pypi-publish" in s.get("uses", ""))
    # Trusted publishing: no password or token is handed over.
    assert "with" not in upload


def test_ci_runs_the_gate() -> None:
    ci = _workflow("ci.yml")
    script = "\n".join(s.get("run", "") for job in ci["jobs"].values() for s in job["steps"])
    assert "make test" in script
    assert "twine check --strict" in script
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "actionlint" in makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]


def test_changelog_has_the_current_version_and_unreleased() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", changelog, re.M)
    assert headings[0] == "Unreleased"
    assert __version__ in headings
    # Keep a Changelog: each version heading links to its comparison or tag.
    for heading in headings:
        assert re.search(rf"^\[{re.escape(heading)}\]: https://", changelog, re.M), heading
