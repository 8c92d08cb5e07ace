"""The composite GitHub Action, run step by step the way a GitHub runner runs it.

GitHub runs each ``shell: bash`` step as ``bash --noprofile --norc -eo pipefail {0}``
(workflow syntax, ``jobs.<job_id>.steps[*].shell``), with ``${{ }}`` expressions already
substituted into ``env:`` and ``with:``, a fresh ``GITHUB_OUTPUT`` file per step whose
``name=value`` lines become ``steps.<id>.outputs``, and ``GITHUB_STEP_SUMMARY``,
``GITHUB_ENV`` and ``GITHUB_PATH`` files. A step without ``if:`` runs only while every
step before it succeeded (``success()``); ``always()`` runs it regardless.

:class:`Runner` does that for ``.github/actions/plcheck/action.yml``: it evaluates the
expressions and ``if:`` conditions the action uses (an unknown one fails the test), runs
every ``run:`` step with that bash and those flags, and records ``uses:`` steps with their
evaluated ``with:`` inputs instead of running them. ``actions/setup-python`` is stood in for
by a fake interpreter whose ``-m venv`` and ``-m pip install`` put a stand-in ``plcheck``
in the environment; that stand-in writes the reports it is asked for and exits with the
code the test chooses. The ``plcheck`` on the job's PATH refuses to run, so the action is
proven to use its own environment.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support import offline

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / ".github" / "actions" / "plcheck" / "action.yml"
README = ROOT / "README.md"
BASH = shutil.which("bash")

pytestmark = pytest.mark.skipif(BASH is None, reason="GitHub's bash steps need bash")


# -- expressions -----------------------------------------------------------------------------
# https://docs.github.com/actions/learn-github-actions/expressions: literals, contexts,
# ==, !=, !, &&, || and the status functions; string comparison ignores case, and operands of
# different types are compared as numbers (null and '' are 0).

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||!|\(|\)|\.|,)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)


class ExpressionError(AssertionError):
    """An expression this runner does not know: the test must learn it, not guess."""


class StepFailure(Exception):
    """Raised by a ``uses:`` stand-in: that action failed (as a failing action exits 1)."""


class Outputs(dict[str, str]):
    """A step's outputs: one the step can write but did not is null, as on GitHub."""

    def __init__(self, values: dict[str, str], known: set[str]) -> None:
        super().__init__(values)
        self.known = known | set(values)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            raise ExpressionError(f"cannot parse {text!r} at {text[pos:]!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if text == "":
        return 0.0
    try:
        return float(text)
    except ValueError:
        return math.nan


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if left is None and right is None:
        return True
    return _number(left) == _number(right)


def truthy(value: Any) -> bool:
    """GitHub's falsy values: false, 0, -0, '', null and NaN."""
    if value is None or value is False or value == "":
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0 and not math.isnan(value)
    return True


def as_string(value: Any) -> str:
    """How a ``${{ }}`` value is put into a string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Expression:
    """A recursive-descent evaluator for the expressions the action uses."""

    def _format(self) -> str:
        """``format('{0}-{1}', a, b)``: each ``{N}`` replaced, ``{{`` and ``}}`` literal braces.

        https://docs.github.com/actions/learn-github-actions/expressions#format
        """
        self._take()  # (
        args = [self._or()]
        while self._peek() == ",":
            self._take()
            args.append(self._or())
        if self._take()[1] != ")":
            raise ExpressionError(f"missing ) in {self.text!r}")
        template, *values = args
        if not isinstance(template, str):
            raise ExpressionError(f"format() takes a string first: {self.text!r}")

        def text(value: Any) -> str:
            if value is None:
                return ""
            if isinstance(value, bool):
                return "true" if value else "false"
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value)

        def replace(match: re.Match[str]) -> str:
            token = match.group(0)
            if token in ("{{", "}}"):
                return token[0]
            index = int(token[1:-1])
            if index >= len(values):
                raise ExpressionError(f"format() has no argument {index}: {self.text!r}")
            return text(values[index])

        return re.sub(r"\{\{|\}\}|\{\d+\}", replace, template)

    def __init__(
        self, text: str, contexts: dict[str, Any], functions: dict[str, Callable[[], Any]]
    ) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0
        self.contexts = contexts
        self.functions = functions

    def evaluate(self) -> Any:
        value = self._or()
        if self.pos != len(self.tokens):
            raise ExpressionError(f"unexpected {self.tokens[self.pos][1]!r} in {self.text!r}")
        return value

    def _peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise ExpressionError(f"unexpected end of {self.text!r}")
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def _or(self) -> Any:
        left = self._and()
        while self._peek() == "||":
            self._take()
            right = self._and()
            left = left if truthy(left) else right
        return left

    def _and(self) -> Any:
        left = self._compare()
        while self._peek() == "&&":
            self._take()
            right = self._compare()
            left = right if truthy(left) else left
        return left

    def _compare(self) -> Any:
        left = self._unary()
        while self._peek() in ("==", "!="):
            op = self._take()[1]
            right = self._unary()
            left = _equal(left, right) if op == "==" else not _equal(left, right)
        return left

    def _unary(self) -> Any:
        if self._peek() == "!":
            self._take()
            return not truthy(self._unary())
        return self._primary()

    def _primary(self) -> Any:
        kind, value = self._take()
        if kind == "str":
            return value[1:-1].replace("''", "'")
        if kind == "num":
            return float(value)
        if value == "(":
            inner = self._or()
            if self._take()[1] != ")":
                raise ExpressionError(f"missing ) in {self.text!r}")
            return inner
        if kind != "name":
            raise ExpressionError(f"unexpected {value!r} in {self.text!r}")
        if value in ("true", "false"):
            return value == "true"
        if value == "null":
            return None
        if value == "format" and self._peek() == "(":
            return self._format()
        if self._peek() == "(":
            self._take()
            if self._take()[1] != ")":
                raise ExpressionError(f"arguments to {value}() are not supported: {self.text!r}")
            if value not in self.functions:
                raise ExpressionError(f"unknown function {value}() in {self.text!r}")
            return self.functions[value]()
        if value not in self.contexts:
            raise ExpressionError(f"unknown context {value!r} in {self.text!r}")
        current: Any = self.contexts[value]
        path = [value]
        while self._peek() == ".":
            self._take()
            name = self._take()[1]
            path.append(name)
            if not isinstance(current, dict):
                raise ExpressionError(f"{'.'.join(path[:-1])} has no properties ({self.text!r})")
            if name not in current and isinstance(current, Outputs) and name in current.known:
                current = None
                continue
            if name not in current:
                raise ExpressionError(f"unknown property {'.'.join(path)} in {self.text!r}")
            current = current[name]
        return current


# -- the runner ------------------------------------------------------------------------------

_SUBSTITUTION = re.compile(r"\$\{\{(.*?)\}\}", re.S)


@dataclass
class StepResult:
    """What one step did."""

    name: str
    outcome: str
    """``success``, ``failure`` or ``skipped``, before ``continue-on-error`` is applied."""
    returncode: int | None = None
    stdout: str = ""
    stderr: str = ""
    conclusion: str = ""
    """The outcome after ``continue-on-error``: a failure it allows concludes ``success``."""

    def __post_init__(self) -> None:
        self.conclusion = self.conclusion or self.outcome


@dataclass
class UsesCall:
    """A ``uses:`` step: recorded with its evaluated ``with:``, not run."""

    uses: str
    inputs: dict[str, str]


@dataclass
class Run:
    """The whole action's run."""

    steps: list[StepResult]
    calls: list[UsesCall]
    outputs: dict[str, str]
    step_outputs: dict[str, dict[str, str]]
    summary: str
    github_env: str
    github_path: str

    @property
    def failed(self) -> bool:
        """Whether the action fails: one of its steps concluded ``failure``."""
        return any(step.conclusion == "failure" for step in self.steps)

    def step(self, name: str) -> StepResult:
        return next(step for step in self.steps if step.name == name)

    def call(self, prefix: str) -> UsesCall | None:
        return next((call for call in self.calls if call.uses.startswith(prefix)), None)


def parse_output_file(text: str) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIMITER`` blocks, as the runner reads them."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            for inner in lines:
                if inner == delimiter:
                    break
                block.append(inner)
            else:
                raise AssertionError(f"unterminated {delimiter!r} block in GITHUB_OUTPUT")
            values[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        else:
            raise AssertionError(f"GitHub rejects the GITHUB_OUTPUT line {line!r}")
    return values


@dataclass
class Runner:
    """Runs the action's steps in ``workspace`` the way a GitHub runner does."""

    action: dict[str, Any]
    workspace: Path
    temp: Path
    inputs: dict[str, str]
    env: dict[str, str]
    uses_outputs: dict[str, Callable[[UsesCall], dict[str, str]]] = field(default_factory=dict)

    def run(self) -> Run:
        definitions = self.action["inputs"]
        unknown = set(self.inputs) - set(definitions)
        assert not unknown, f"inputs the action does not declare: {unknown}"
        inputs = {name: str(spec.get("default", "")) for name, spec in definitions.items()}
        inputs.update(self.inputs)
        step_outputs: dict[str, dict[str, str]] = {}
        step_results: dict[str, StepResult] = {}
        results: list[StepResult] = []
        calls: list[UsesCall] = []
        summary_path = self.temp / "step_summary.md"
        env_path = self.temp / "github_env"
        path_path = self.temp / "github_path"
        for path in (summary_path, env_path, path_path):
            path.write_text("", encoding="utf-8")
        contexts: dict[str, Any] = {
            "inputs": inputs,
            "steps": {},
            "github": {
                "action_path": str(ACTION.parent),
                "workspace": str(self.workspace),
            },
            "runner": {"temp": str(self.temp), "os": "Linux", "arch": "X64"},
        }
        steps = self.action["runs"]["steps"]
        # What each step can write: the names a run: script assigns, or a stand-in's outputs.
        known = {
            step["id"]: set(re.findall(r"([A-Za-z][A-Za-z0-9_-]*)=", step.get("run", "")))
            for step in steps
            if "id" in step
        }

        def steps_context() -> dict[str, Any]:
            # https://docs.github.com/actions/learn-github-actions/contexts#steps-context:
            # outcome is before continue-on-error is applied, conclusion after it.
            return {
                sid: {
                    "outputs": Outputs(step_outputs.get(sid, {}), names),
                    "outcome": step_results[sid].outcome if sid in step_results else None,
                    "conclusion": step_results[sid].conclusion if sid in step_results else None,
                }
                for sid, names in known.items()
            }

        def record(step: dict[str, Any], result: StepResult, evaluate: Any) -> None:
            allowed = step.get("continue-on-error", False)
            if isinstance(allowed, str):
                allowed = truthy(evaluate(allowed.strip().removeprefix("${{").removesuffix("}}")))
            if result.outcome == "failure" and allowed:
                result.conclusion = "success"
            results.append(result)
            if "id" in step:
                step_results[step["id"]] = result

        for index, step in enumerate(steps):
            name = step.get("name", f"step {index}")
            contexts["steps"] = steps_context()
            failed_before = any(r.conclusion == "failure" for r in results)
            functions: dict[str, Callable[[], Any]] = {
                "always": lambda: True,
                "success": lambda failed=failed_before: not failed,
                "failure": lambda failed=failed_before: failed,
                "cancelled": lambda: False,
            }

            def evaluate(text: str, contexts: dict[str, Any] = contexts, f: Any = functions) -> Any:
                return Expression(text, contexts, f).evaluate()

            def substitute(value: Any, evaluate: Any = evaluate) -> str:
                return _SUBSTITUTION.sub(
                    lambda m: as_string(evaluate(m.group(1))), as_string(value)
                )

            condition = step.get("if", "success()")
            condition = condition.strip()
            if condition.startswith("${{") and condition.endswith("}}"):
                condition = condition[3:-2]
            # Status functions are implied unless the condition names one.
            if not re.search(r"\b(always|success|failure|cancelled)\(", condition):
                condition = f"success() && ({condition})"
            if not truthy(evaluate(condition)):
                record(step, StepResult(name, "skipped"), evaluate)
                continue
            if "uses" in step:
                call = UsesCall(
                    step["uses"], {k: substitute(v) for k, v in step.get("with", {}).items()}
                )
                calls.append(call)
                produce = next(
                    (f for prefix, f in self.uses_outputs.items() if call.uses.startswith(prefix)),
                    None,
                )
                try:
                    produced = produce(call) if produce else {}
                except StepFailure as failure:
                    produced, result = {}, StepResult(name, "failure", 1, "", str(failure))
                else:
                    result = StepResult(name, "success")
                if "id" in step:
                    step_outputs[step["id"]] = produced
                record(step, result, evaluate)
                continue
            assert step.get("shell") == "bash", f"{name}: only bash steps are run here"
            assert "${{" not in step["run"], f"{name}: an expression inside run: is injectable"
            script = self.temp / f"step-{index}.sh"
            script.write_text(step["run"], encoding="utf-8")
            output_path = self.temp / f"output-{index}"
            output_path.write_text("", encoding="utf-8")
            env = dict(self.env)
            env.update(parse_output_file(env_path.read_text(encoding="utf-8")))
            extra_path = [p for p in path_path.read_text(encoding="utf-8").splitlines() if p]
            if extra_path:
                env["PATH"] = os.pathsep.join([*reversed(extra_path), env["PATH"]])
            env.update(
                {
                    "GITHUB_OUTPUT": str(output_path),
                    "GITHUB_STEP_SUMMARY": str(summary_path),
                    "GITHUB_ENV": str(env_path),
                    "GITHUB_PATH": str(path_path),
                    "GITHUB_ACTION_PATH": str(ACTION.parent),
                    "GITHUB_WORKSPACE": str(self.workspace),
                    "RUNNER_TEMP": str(self.temp),
                    "RUNNER_OS": "Linux",
                    "RUNNER_ARCH": "X64",
                    "CI": "true",
                    "GITHUB_ACTIONS": "true",
                }
            )
            env.update({k: substitute(v) for k, v in step.get("env", {}).items()})
            assert BASH is not None
            done = subprocess.run(  # the action's own step, as GitHub runs it
                [BASH, "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=self.workspace,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            outcome = "success" if done.returncode == 0 else "failure"
            record(
                step, StepResult(name, outcome, done.returncode, done.stdout, done.stderr), evaluate
            )
            if "id" in step:
                step_outputs[step["id"]] = parse_output_file(
                    output_path.read_text(encoding="utf-8")
                )
        contexts["steps"] = steps_context()
        outputs = {
            name: _SUBSTITUTION.sub(
                lambda m: as_string(Expression(m.group(1), contexts, {}).evaluate()),
                spec["value"],
            )
            for name, spec in self.action["outputs"].items()
        }
        return Run(
            results,
            calls,
            outputs,
            step_outputs,
            summary_path.read_text(encoding="utf-8"),
            env_path.read_text(encoding="utf-8"),
            path_path.read_text(encoding="utf-8"),
        )


# -- stand-ins -------------------------------------------------------------------------------

# The stand-in plcheck: writes every report it is asked for, as the real one does after a run
# that got as far as checking (exit 0, 1 and 3); a usage error (exit 2) writes nothing. A
# `writes` file in the state directory lists the only formats it writes: plcheck writes the
# reports in the order given, so a report it cannot write (exit 3) or an internal error while
# rendering one (exit 4) leaves some of them missing.
FAKE_PLCHECK = r"""#!/usr/bin/env bash
set -u
state="$PLCHECK_FAKE_STATE"
if [ "${1:-}" = "--version" ]; then echo "plcheck 0.1.0 (stand-in)"; exit 0; fi
printf '%s\n' "$@" > "$state/argv"
code="$(cat "$state/exit-code")"
if [ "$code" = 2 ]; then echo "plcheck: error: stand-in usage error" >&2; exit 2; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --report) format="${2%%=*}"; file="${2#*=}"; shift 2
      if [ -f "$state/writes" ] && ! grep -qx "$format" "$state/writes"; then continue; fi
      case "$format" in
        sarif) printf '{"version": "2.1.0", "runs": []}\n' > "$file" ;;
        markdown) printf '## plcheck check\n\nstand-in report, exit %s\n' "$code" > "$file" ;;
        json) printf '{"schema_version": 1, "exit_code": %s}\n' "$code" > "$file" ;;
        *) echo "stand-in: unknown format $format" >&2; exit 4 ;;
      esac ;;
    --output|-o) printf 'output\n' > "$2"; shift 2 ;;
    *) shift ;;
  esac
done
echo "plcheck check: stand-in findings -> exit $code"
exit "$code"
"""

# The stand-in interpreter from setup-python: `-m venv DIR` makes DIR/bin/python (itself),
# `-m pip install SPEC` records SPEC and puts the stand-in plcheck in DIR/bin; `- ARGS` (a
# script on stdin) is run by the real Python, for the action's small helpers.
FAKE_PYTHON = r"""#!/usr/bin/env bash
set -eu
state="$PLCHECK_FAKE_STATE"
if [ "${1:-}" = "-m" ] && [ "${2:-}" = "venv" ]; then
  mkdir -p "$3/bin"
  cp "$0" "$3/bin/python"
  echo "$3" >> "$state/venvs"
  exit 0
fi
if [ "${1:-}" = "-m" ] && [ "${2:-}" = "pip" ] && [ "${3:-}" = "install" ]; then
  shift 3
  for arg in "$@"; do case "$arg" in -*) ;; *) echo "$arg" >> "$state/installed" ;; esac; done
  venv="$(cd "$(dirname "$0")/.." && pwd)"
  cp "$state/plcheck" "$venv/bin/plcheck"
  chmod +x "$venv/bin/plcheck"
  exit 0
fi
if [ "${1:-}" = "-" ]; then exec "$REAL_PYTHON" "$@"; fi
echo "stand-in python: unexpected arguments: $*" >&2
exit 99
"""

# On the job's PATH: the action must never reach it.
TRAP_PLCHECK = """#!/usr/bin/env bash
echo "the plcheck on the job's PATH was run: the action must use its own environment" >&2
exit 97
"""


def _executable(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


@dataclass
class World:
    """A workspace, a runner temp directory and the stand-ins."""

    tmp: Path
    action: dict[str, Any]

    def __post_init__(self) -> None:
        self.workspace = self.tmp / "workspace"
        self.temp = self.tmp / "runner-temp"
        self.state = self.tmp / "state"
        self.job_bin = self.tmp / "job-bin"
        self.toolcache = self.tmp / "toolcache"
        for path in (self.workspace, self.temp, self.state, self.job_bin, self.toolcache):
            path.mkdir()
        _executable(self.state / "plcheck", FAKE_PLCHECK)
        self.python = _executable(self.toolcache / "python3", FAKE_PYTHON)
        _executable(self.job_bin / "plcheck", TRAP_PLCHECK)
        (self.workspace / "plcheck.toml").write_text("# stand-in\n", encoding="utf-8")
        self.cache_hit = False
        self.upload_error: str | None = None
        """What ``upload-sarif`` fails with, or None when it succeeds."""

    def setup_python(self, call: UsesCall) -> dict[str, str]:
        return {"python-path": str(self.python), "python-version": "3.12.7"}

    def cache(self, call: UsesCall) -> dict[str, str]:
        return {"cache-hit": "true" if self.cache_hit else "false"}

    def upload_sarif(self, call: UsesCall) -> dict[str, str]:
        if self.upload_error is not None:
            raise StepFailure(self.upload_error)
        return {"sarif-id": "stand-in"}

    def read(self, name: str) -> list[str]:
        path = self.state / name
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []

    def run(self, exit_code: int = 0, writes: tuple[str, ...] | None = None, **inputs: str) -> Run:
        """Run the action with plcheck exiting ``exit_code`` after writing the reports of
        ``writes`` (default: all it is asked for)."""
        (self.state / "exit-code").write_text(str(exit_code), encoding="utf-8")
        (self.state / "writes").unlink(missing_ok=True)
        if writes is not None:
            (self.state / "writes").write_text("".join(f"{w}\n" for w in writes), "utf-8")
        real_python = shutil.which("python3") or shutil.which("python")
        assert real_python is not None
        env = {
            "PATH": os.pathsep.join([str(self.job_bin), "/usr/bin", "/bin"]),
            "HOME": str(self.tmp),
            "LANG": "C.UTF-8",
            "PLCHECK_FAKE_STATE": str(self.state),
            "REAL_PYTHON": real_python,
            # The suite's offline guard for the Python the steps start (the action's helper
            # scripts). bash itself cannot be guarded: the steps here reach no network.
            **offline.child_environment(os.environ),
        }
        runner = Runner(
            self.action,
            self.workspace,
            self.temp,
            inputs,
            env,
            {
                "actions/setup-python@": self.setup_python,
                "actions/cache@": self.cache,
                "github/codeql-action/upload-sarif@": self.upload_sarif,
            },
        )
        return runner.run()


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def world(tmp_path: Path, action: dict[str, Any]) -> World:
    return World(tmp_path, action)


# -- the expression evaluator itself ---------------------------------------------------------


def test_expressions_follow_githubs_rules() -> None:
    contexts = {"inputs": {"a": "True", "empty": ""}, "steps": {"s": {"outputs": {"x": "1"}}}}
    functions: dict[str, Callable[[], Any]] = {"always": lambda: True}

    def ev(text: str) -> Any:
        return Expression(text, contexts, functions).evaluate()

    assert ev("inputs.a == 'true'") is True  # string comparison ignores case
    assert ev("inputs.empty != ''") is False
    assert ev("steps.s.outputs.x == 1") is True  # '1' is compared as a number
    assert ev("always() && inputs.a == 'TRUE' && steps.s.outputs.x != ''") is True
    assert ev("!(inputs.empty)") is True
    assert ev("inputs.empty || 'fallback'") == "fallback"
    assert ev("'it''s'") == "it's"
    assert ev("format('plcheck-{0}', inputs.a)") == "plcheck-True"
    assert ev("inputs.empty || format('{{x}}-{0}-{1}', 'a', steps.s.outputs.x)") == "{x}-a-1"
    for unknown in ("matrix.x", "inputs.nope", "hashFiles()", "inputs.a ~ 1", "env.HOME"):
        with pytest.raises(ExpressionError):
            ev(unknown)


def test_output_files_are_parsed_as_github_parses_them() -> None:
    assert parse_output_file("a=1\nb=x=y\nc<<EOF\nline 1\nline 2\nEOF\n") == {
        "a": "1",
        "b": "x=y",
        "c": "line 1\nline 2",
    }
    with pytest.raises(AssertionError):
        parse_output_file("no equals sign\n")


# -- the action, run -------------------------------------------------------------------------

SARIF = "plcheck-results/plcheck.sarif"
MARKDOWN = "plcheck-results/plcheck.md"
JSON = "plcheck-results/plcheck.json"


@pytest.mark.parametrize("code", [0, 1, 3])
def test_reports_are_published_whatever_plcheck_found(world: World, code: int) -> None:
    run = world.run(exit_code=code)
    # Every step up to the last ran and succeeded; plcheck's code decides only the last one.
    for step in run.steps[:-1]:
        assert step.outcome == "success", (step.name, step.stdout, step.stderr)
    assert run.outputs == {
        "exit-code": str(code),
        "sarif-file": SARIF,
        "markdown-file": MARKDOWN,
        "json-file": JSON,
    }
    for path in (SARIF, MARKDOWN, JSON):
        assert (world.workspace / path).is_file(), path
    upload = run.call("github/codeql-action/upload-sarif@")
    assert upload is not None, "the SARIF must be uploaded exactly when there are findings too"
    # The category defaults to one per command: the SARIF carries no automationDetails, so
    # upload-sarif applies it (github/codeql-action upload-lib.ts).
    assert upload.inputs == {"sarif_file": SARIF, "category": "plcheck-check"}
    # upload-sarif resolves sarif_file against the workspace.
    assert (world.workspace / upload.inputs["sarif_file"]).is_file()
    report = f"## plcheck check\n\nstand-in report, exit {code}\n"
    if code == 3:  # an unfinished run says so below its report
        assert run.summary == (
            f"{report}\n**plcheck** exited 3: some checks could not complete or a report could "
            "not be written; see the step's log.\n"
        )
    else:
        assert run.summary == report
    last = run.steps[-1]
    assert last.name == "Fail on findings"
    assert "::warning" not in last.stdout  # the upload worked
    if code == 0:
        assert last.outcome == "success"
        assert not run.failed
    else:
        assert last.outcome == "failure"
        assert last.returncode == code
        assert f"(exit {code})" in last.stdout
        assert last.stdout.startswith("::error title=plcheck::")


def test_a_usage_error_fails_with_a_summary_and_nothing_to_upload(world: World) -> None:
    run = world.run(exit_code=2)
    assert run.outputs == {"exit-code": "2", "sarif-file": "", "markdown-file": "", "json-file": ""}
    assert run.call("github/codeql-action/upload-sarif@") is None
    assert run.step("Upload SARIF to code scanning").outcome == "skipped"
    assert run.summary == (
        "**plcheck** exited 2 without a markdown report: bad input; see the step's log.\n"
    )
    assert run.step("Run plcheck").outcome == "success"
    last = run.steps[-1]
    assert (last.outcome, last.returncode) == ("failure", 2)
    assert "usage error" in last.stdout


@pytest.mark.parametrize("code", [0, 1, 3])
def test_a_failed_upload_is_shown_and_plcheck_still_decides(world: World, code: int) -> None:
    # e.g. a pull request from a fork, whose token cannot write security events.
    world.upload_error = "Error: Resource not accessible by integration"
    run = world.run(exit_code=code)
    upload = run.step("Upload SARIF to code scanning")
    # The action's continue-on-error: the step failed, and the action goes on as if not.
    assert (upload.outcome, upload.conclusion) == ("failure", "success")
    assert "Resource not accessible by integration" in upload.stderr
    for step in run.steps[:-1]:
        assert step.conclusion == "success", (step.name, step.stdout, step.stderr)
    assert run.outputs["sarif-file"] == SARIF
    # The report still reaches the summary, and the summary says the upload failed.
    assert run.summary.startswith(f"## plcheck check\n\nstand-in report, exit {code}\n")
    assert run.summary.endswith(
        "\n**plcheck**: the SARIF upload to code scanning failed; see that step's log.\n"
    )
    last = run.steps[-1]
    assert last.stdout.startswith(
        "::warning title=plcheck::the SARIF upload to code scanning failed (see that step); "
        "plcheck's exit code decides the result\n"
    )
    # plcheck's exit code alone decides the result.
    assert last.returncode == code
    assert run.failed is (code != 0)


def test_an_internal_error_publishes_the_reports_written_before_it(world: World) -> None:
    # plcheck writes the reports in the order given: a bug while rendering the markdown one
    # leaves the SARIF written before it and no markdown or JSON.
    run = world.run(exit_code=4, writes=("sarif",))
    assert run.outputs == {
        "exit-code": "4",
        "sarif-file": SARIF,
        "markdown-file": "",
        "json-file": "",
    }
    upload = run.call("github/codeql-action/upload-sarif@")
    assert upload is not None
    assert upload.inputs["sarif_file"] == SARIF
    assert run.summary == (
        "**plcheck** exited 4 without a markdown report: an internal error in plcheck; "
        "see the step's log.\n"
    )
    for step in run.steps[:-1]:
        assert step.conclusion == "success", (step.name, step.stdout, step.stderr)
    last = run.steps[-1]
    assert (last.outcome, last.returncode) == ("failure", 4)
    assert (
        last.stdout
        == "::error title=plcheck::internal error in plcheck: see the log above (exit 4)\n"
    )


def test_an_internal_error_before_any_report_still_fails_with_its_code(world: World) -> None:
    run = world.run(exit_code=4, writes=())
    assert run.outputs == {"exit-code": "4", "sarif-file": "", "markdown-file": "", "json-file": ""}
    assert run.step("Upload SARIF to code scanning").outcome == "skipped"
    assert "exited 4 without a markdown report: an internal error in plcheck" in run.summary
    last = run.steps[-1]
    assert (last.outcome, last.returncode) == ("failure", 4)


def test_a_report_that_could_not_be_written_is_exit_3_and_the_others_are_published(
    world: World,
) -> None:
    # A report file plcheck cannot write makes the run exit 3; it writes the others.
    run = world.run(exit_code=3, writes=("sarif", "json"))
    assert run.outputs == {
        "exit-code": "3",
        "sarif-file": SARIF,
        "markdown-file": "",
        "json-file": JSON,
    }
    assert run.call("github/codeql-action/upload-sarif@") is not None
    assert run.summary == (
        "**plcheck** exited 3 without a markdown report: some checks could not complete or a "
        "report could not be written; see the step's log.\n"
    )
    last = run.steps[-1]
    assert (last.outcome, last.returncode) == ("failure", 3)
    assert "checks could not complete (exit 3)" in last.stdout


def test_plcheck_gets_one_run_with_three_reports_and_the_inputs(world: World) -> None:
    world.run(exit_code=1, **{"fail-on": "warn", "args": "--link burrito  --quiet"})
    assert world.read("argv") == [
        "check",
        "--config",
        "plcheck.toml",
        "--link",
        "burrito",
        "--quiet",
        "--fail-on",
        "warn",
        "--format",
        "table",
        "--report",
        f"sarif={SARIF}",
        "--report",
        f"markdown={MARKDOWN}",
        "--report",
        f"json={JSON}",
    ]


def test_args_on_several_lines_all_reach_plcheck(world: World) -> None:
    # `args: |` in a workflow is a block with one option per line.
    world.run(exit_code=0, args="--link a\n--link b\n")
    assert world.read("argv")[3:7] == ["--link", "a", "--link", "b"]


def test_plan_runs_on_the_plan_file(world: World) -> None:
    run = world.run(
        exit_code=0,
        command="plan",
        **{"plan-file": "plan.json", "output-dir": "out/pl", "sarif-category": "plcheck-plan"},
    )
    assert world.read("argv")[:2] == ["plan", "plan.json"]
    assert run.outputs["sarif-file"] == "out/pl/plcheck.sarif"
    upload = run.call("github/codeql-action/upload-sarif@")
    assert upload is not None
    assert upload.inputs == {"sarif_file": "out/pl/plcheck.sarif", "category": "plcheck-plan"}
    assert not run.failed


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"command": "plan"}, "plan needs the plan-file input"),
        ({"command": "deploy"}, "command must be check or plan, not 'deploy'"),
    ],
)
def test_bad_inputs_are_usage_errors(world: World, inputs: dict[str, str], message: str) -> None:
    run = world.run(exit_code=0, **inputs)
    assert message in run.step("Run plcheck").stdout
    assert not world.read("argv"), "plcheck must not run"
    assert run.outputs["exit-code"] == "2"
    assert (run.steps[-1].outcome, run.steps[-1].returncode) == ("failure", 2)


def test_upload_can_be_turned_off(world: World) -> None:
    run = world.run(exit_code=1, **{"upload-sarif": "false"})
    assert run.call("github/codeql-action/upload-sarif@") is None
    assert run.outputs["sarif-file"] == SARIF
    assert run.summary
    assert run.steps[-1].returncode == 1


def test_an_input_cannot_inject_shell_code(world: World) -> None:
    marker = world.tmp / "injected"
    run = world.run(exit_code=0, args=f"$(touch {marker}) `touch {marker}`; touch {marker}")
    assert not marker.exists()
    # Split on whitespace and passed on literally, never evaluated.
    assert world.read("argv")[3:9] == [
        "$(touch",
        f"{marker})",
        "`touch",
        f"{marker}`;",
        "touch",
        str(marker),
    ]
    assert not run.failed


def test_install_uses_its_own_environment_and_leaves_the_job_alone(world: World) -> None:
    run = world.run(exit_code=0)
    setup = run.call("actions/setup-python@")
    assert setup is not None
    assert setup.inputs == {"python-version": "3.12", "update-environment": "false"}
    (venv,) = world.read("venvs")
    assert Path(venv).parent == world.temp / "plcheck-venv"
    # Installed from the action's own checkout: the repository three levels above action.yml.
    assert world.read("installed") == [str(ROOT)]
    assert run.step_outputs["install"]["plcheck"] == f"{venv}/bin/plcheck"
    # Nothing leaks into the later steps of the job: no PATH entry, no variable.
    assert run.github_path == ""
    assert run.github_env == ""
    cache = run.call("actions/cache@")
    assert cache is not None
    assert cache.inputs["path"] == venv
    assert cache.inputs["key"] == Path(venv).name
    assert re.fullmatch(r"plcheck-Linux-X64-py3\.12\.7-src-[0-9a-f]{16}", cache.inputs["key"])


def test_a_version_pins_the_install_and_the_cache_key(world: World) -> None:
    run = world.run(exit_code=0, version="0.3.0", **{"python-version": "3.11"})
    assert world.read("installed") == ["plcheck==0.3.0"]
    cache = run.call("actions/cache@")
    assert cache is not None
    assert cache.inputs["key"] == "plcheck-Linux-X64-py3.12.7-0.3.0"
    setup = run.call("actions/setup-python@")
    assert setup is not None
    assert setup.inputs["python-version"] == "3.11"


def test_a_restored_environment_is_not_reinstalled(world: World) -> None:
    world.run(exit_code=0, version="0.3.0")
    assert world.read("installed") == ["plcheck==0.3.0"]
    # The runner's temp directory survives here as the cache would restore it.
    world.cache_hit = True
    run = world.run(exit_code=1, version="0.3.0")
    assert world.read("installed") == ["plcheck==0.3.0"], "installed a second time"
    assert run.outputs["exit-code"] == "1"


def test_a_broken_restored_environment_is_rebuilt(world: World) -> None:
    run = world.run(exit_code=0, version="0.3.0")
    venv = Path(run.step_outputs["resolve"]["venv"])
    (venv / "bin" / "plcheck").write_text("#!/bin/sh\nexit 127\n", encoding="utf-8")
    world.cache_hit = True
    run = world.run(exit_code=0, version="0.3.0")
    assert world.read("installed") == ["plcheck==0.3.0", "plcheck==0.3.0"]
    assert not run.failed


def test_caching_can_be_turned_off(world: World) -> None:
    run = world.run(exit_code=0, cache="false")
    assert run.call("actions/cache@") is None
    assert run.step("Restore plcheck's virtual environment").outcome == "skipped"
    assert not run.failed


def test_a_failed_install_still_ends_in_a_clear_failure(world: World) -> None:
    (world.state / "plcheck").write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    run = world.run(exit_code=0)
    assert run.step("Install plcheck").outcome == "failure"
    assert run.step("Run plcheck").outcome == "skipped"
    assert run.outputs["exit-code"] == ""
    assert "did not run" in run.summary
    last = run.steps[-1]
    assert (last.outcome, last.returncode) == ("failure", 1)
    assert "plcheck did not run" in last.stdout


# -- the metadata ----------------------------------------------------------------------------


def test_every_input_and_output_is_documented(action: dict[str, Any]) -> None:
    docs = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    for name, spec in action["inputs"].items():
        assert spec["description"], name
        assert f"`{name}`" in docs, f"input {name} is not in docs/ci.md"
    for name, spec in action["outputs"].items():
        assert spec["description"], name
        assert f"`{name}`" in docs, f"output {name} is not in docs/ci.md"


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
