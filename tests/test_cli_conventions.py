"""CLI conventions for pipelines: check selection, quiet, fail-on never, output paths,
exit codes (130, broken pipe), PLCHECK_* variables, config discovery, completion, demo extra."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from plcheck.cli import run
from plcheck.commands.common import OutputOptions, finish
from plcheck.gate import config as gate_config
from plcheck.model import ExitCode, FailOn, Finding, Report, Status, exit_code_for
from plcheck.report import Format
from plcheck.sim.scenarios import AzMismatchScenario

PLCHECK = [sys.executable, "-m", "plcheck"]


def _finding(check: str, status: Status) -> Finding:
    return Finding(check=check, status=status, resource="vpc-12345678", message=status.value)


REPORT = Report(
    "consumer",
    (
        _finding("vpc-dns-attributes", Status.PASS),
        _finding("endpoint-state", Status.SKIP),
        _finding("vpc-dhcp-resolver", Status.WARN),
        _finding("endpoint-security-groups", Status.FAIL),
    ),
)


def _finish(report: Report, out: OutputOptions) -> int:
    with pytest.raises(typer.Exit) as exited:
        finish(report, out)
    return exited.value.exit_code


# -- --fail-on never ------------------------------------------------------------------------


def test_fail_on_never_exits_0_on_failures_but_3_when_a_check_errored() -> None:
    failing = [_finding("a", Status.FAIL), _finding("b", Status.WARN)]
    assert exit_code_for(failing, FailOn.FAIL) is ExitCode.FINDINGS
    assert exit_code_for(failing, FailOn.NEVER) is ExitCode.OK
    errored = [*failing, _finding("c", Status.ERROR)]
    assert exit_code_for(errored, FailOn.NEVER) is ExitCode.INCOMPLETE


# -- --check / --skip-check / --quiet, applied in finish ------------------------------------


def test_check_and_skip_check_select_findings_and_the_exit_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    only_dns = OutputOptions(format=Format.JSON, checks=frozenset({"vpc-dns-attributes"}))
    assert _finish(REPORT, only_dns) == 0
    data = json.loads(capsys.readouterr().out)
    assert [f["check"] for f in data["findings"]] == ["vpc-dns-attributes"]

    no_sg = OutputOptions(format=Format.JSON, skip_checks=frozenset({"endpoint-security-groups"}))
    assert _finish(REPORT, no_sg) == 0
    data = json.loads(capsys.readouterr().out)
    assert "endpoint-security-groups" not in {f["check"] for f in data["findings"]}
    assert data["summary"]["fail"] == 0


@pytest.mark.parametrize("fmt", [Format.TABLE, Format.MARKDOWN])
def test_quiet_lists_problems_only_and_still_counts_everything(
    fmt: Format, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _finish(REPORT, OutputOptions(format=fmt, quiet=True)) == 1
    text = capsys.readouterr().out
    assert "vpc-dhcp-resolver" in text
    assert "endpoint-security-groups" in text
    assert "vpc-dns-attributes" not in text
    assert "endpoint-state" not in text
    assert "1 pass" in text


def test_the_markdown_points_at_the_json_report_the_run_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plcheck.commands import common

    emitted: dict[Format, Report] = {}
    monkeypatch.setattr(common, "emit", lambda report, fmt, _path: emitted.setdefault(fmt, report))
    json_file = tmp_path / "plcheck.json"
    out = OutputOptions(
        format=Format.TABLE,
        reports=((Format.MARKDOWN, tmp_path / "x.md"), (Format.JSON, json_file)),
    )
    _finish(REPORT, out)
    assert emitted[Format.MARKDOWN].full_report == str(json_file)
    # With no JSON report, the markdown says how to write one.
    emitted.clear()
    _finish(REPORT, OutputOptions(format=Format.MARKDOWN))
    assert emitted[Format.MARKDOWN].full_report == ""


# -- output paths -----------------------------------------------------------------------------


@pytest.mark.parametrize("option", ["--output", "--report"])
def test_an_unwritable_output_is_exit_2_before_any_aws_call(
    option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("")
    target = str(a_file / "report.json")
    value = target if option == "--output" else f"json={target}"
    # No AWS at all here: the usage error must come first, naming the option.
    assert run(["az-map", "--profile", "nowhere", option, value]) == 2
    assert f"{option} {target}" in capsys.readouterr().err
    directory = str(tmp_path) if option == "--output" else f"json={tmp_path}"
    assert run(["consumer", "vpc-12345678", option, directory]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_a_write_that_fails_at_the_end_keeps_the_results_on_stdout_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("")
    broken = a_file / "plcheck.json"  # its parent is a file: the write fails
    passing = Report("consumer", REPORT.findings[:2])
    out = OutputOptions(format=Format.TABLE, output=broken, reports=((Format.SARIF, broken),))
    assert _finish(passing, out) == ExitCode.INCOMPLETE
    captured = capsys.readouterr()
    assert "vpc-dns-attributes" in captured.out  # the table went to stdout instead
    assert captured.err.count(f"plcheck: error: cannot write {broken}") == 2
    # A finding that fails the run keeps exit 1.
    assert _finish(REPORT, out) == ExitCode.FINDINGS


# -- exit codes: Ctrl-C and broken pipes, as a shell sees them --------------------------------


PIPE_TO_HEAD = 'set -o pipefail; "$@" | head -1; echo "codes ${PIPESTATUS[*]}" >&2'


def test_a_broken_pipe_exits_quietly_with_141() -> None:
    for _ in range(2):  # the same code every time
        result = subprocess.run(
            ["bash", "-c", PIPE_TO_HEAD, "bash", *PLCHECK, "demo", "--only", "az-map"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.stdout.count("\n") == 1
        assert result.stderr.strip() == "codes 141 0", result.stderr


# The reader is gone before plcheck writes (``true`` reads nothing): Typer catches that EPIPE
# itself for every format but the table, and used to exit 1, which reads as "findings".
PIPE_TO_TRUE = 'set -o pipefail; "$@" | true; echo "codes ${PIPESTATUS[*]}" >&2'


@pytest.mark.parametrize(
    "args", [("checks", "--format", "json"), ("iam-policy",), ("explain", "az-id-mapping")]
)
def test_every_format_exits_141_on_a_broken_pipe(args: tuple[str, ...]) -> None:
    result = subprocess.run(
        ["bash", "-c", PIPE_TO_TRUE, "bash", *PLCHECK, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stderr.strip().splitlines()[-1] == "codes 141 0", result.stderr


def test_ctrl_c_prints_interrupted_and_exits_130() -> None:
    with subprocess.Popen(
        [*PLCHECK, "demo"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        process.stdout.readline()  # the demo has started its first step
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert err.strip().endswith("interrupted")


# -- PLCHECK_* variables ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "needle"),
    [
        ("PLCHECK_FAIL_ON", "sometimes", "sometimes"),
        ("PLCHECK_FORMAT", "xml", "xml"),
        ("PLCHECK_CHECK", "az-id-maping", "did you mean 'az-id-mapping'"),
    ],
)
def test_options_read_plcheck_variables(
    variable: str,
    value: str,
    needle: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(variable, value)
    assert run(["az-map"]) == 2
    assert needle in capsys.readouterr().err


def test_plcheck_variables_set_values_on_a_real_run(
    scenario: AzMismatchScenario,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PLCHECK_FORMAT", "json")
    monkeypatch.setenv("PLCHECK_FAIL_ON", "warn")
    monkeypatch.setenv("PLCHECK_AWS_TIMEOUT", "7")
    assert run(["az-map", "--profile", "provider", "--profile", "consumer"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["fail_on"] == "warn"
    monkeypatch.setenv("PLCHECK_SKIP_CHECK", "az-id-mapping")
    assert run(["az-map", "--profile", "provider", "--profile", "consumer"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []


# -- config discovery -------------------------------------------------------------------------

CONFIG = """\
[[link]]
name = "tacos"
service = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"

[[link.consumer]]
vpc = "vpc-12345678"
"""


def test_the_config_is_found_up_to_the_repository_root(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    deep = repo / "infra" / "envs"
    deep.mkdir(parents=True)
    (repo / ".git").mkdir()
    assert gate_config.find_config(deep, {}) is None
    (tmp_path / "plcheck.toml").write_text(CONFIG)  # above the repository: not used
    assert gate_config.find_config(deep, {}) is None
    (repo / "plcheck.toml").write_text(CONFIG)
    assert gate_config.find_config(deep, {}) == repo / "plcheck.toml"
    (repo / "infra" / "pyproject.toml").write_text("[tool.plcheck]\n" + CONFIG)
    assert gate_config.find_config(deep, {}) == repo / "infra" / "pyproject.toml"
    named = {"PLCHECK_CONFIG": "elsewhere.toml"}
    assert gate_config.find_config(deep, named) == Path("elsewhere.toml")


def test_tool_plcheck_in_pyproject_is_read_with_its_own_line_numbers(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\n\n[[tool.plcheck.link]]\nname = "tacos"\n'
        'service = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"\n'
        '[[tool.plcheck.link.consumer]]\nvpc = "vpc-12345678"\nport = 443\n'
    )
    with pytest.raises(gate_config.UsageError, match=r"pyproject.toml:9: .*unknown key 'port'"):
        gate_config.load(pyproject)
    pyproject.write_text(pyproject.read_text().replace("port = 443", "ports = [443]"))
    loaded = gate_config.load(pyproject)
    assert loaded.links[0].name == "tacos"
    assert loaded.links[0].line == 4
    (tmp_path / "other").mkdir()
    empty = tmp_path / "other" / "pyproject.toml"
    empty.write_text('[project]\nname = "x"\n')
    with pytest.raises(gate_config.UsageError, match=r"no \[tool.plcheck\] table"):
        gate_config.load(empty)


def test_check_names_where_it_looked_and_reads_plcheck_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    assert run(["check"]) == 2
    assert "pass --config FILE or set PLCHECK_CONFIG" in capsys.readouterr().err
    monkeypatch.setenv("PLCHECK_CONFIG", str(tmp_path / "named.toml"))
    assert run(["check"]) == 2
    assert f"{tmp_path / 'named.toml'}: no such config file" in capsys.readouterr().err


# -- completion and the demo extra ------------------------------------------------------------


def test_shell_completion_completes_commands_and_options() -> None:
    env = {**os.environ, "_PLCHECK_COMPLETE": "complete_bash", "COMP_CWORD": "2"}
    env["COMP_WORDS"] = "plcheck check --fail"
    result = subprocess.run(
        [sys.executable, "-c", "from plcheck.cli import main; main()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.split() == ["--fail-on"]


def test_demo_without_the_demo_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "moto", None)  # `import moto` raises ImportError
    assert run(["demo"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'plcheck[demo]'" in err
    assert "moto" in err
