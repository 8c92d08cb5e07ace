"""Help and messages through the CLI: full command summaries, usage lines as the README
writes them, one spelling of ``--format``, errors that name the expected form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plcheck.checks import catalog, checks_for
from plcheck.cli import COMMANDS, run
from plcheck.model import Finding, Report, Status, View
from plcheck.report.table_format import render

COMMAND_NAMES = [name.replace("_", "-") for name in COMMANDS] + ["explain"]


def output(capsys: pytest.CaptureFixture[str], args: list[str], code: int = 0) -> str:
    assert run(args) == code
    return capsys.readouterr().out


def error_line(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    assert run(args) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("plcheck: error: ")
    return lines[0]


def test_top_level_help_shows_every_summary_in_full_within_80_columns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal still gets 80 columns
    text = output(capsys, ["--help"])
    assert "..." not in text.replace("COMMAND [ARGS]...", "")
    assert max(len(line) for line in text.splitlines()) <= 80
    commands = text.split("Commands:\n", 1)[1]
    flat = " ".join(commands.split())
    for name in COMMAND_NAMES:
        assert f" {name} " in f" {flat} ", name
    # Each summary is the whole first paragraph of the command's help.
    assert "warn where a name differs." in flat
    assert "Explain one check in full: what it inspects, why, how to fix, documentation." in flat


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("consumer", "Usage: plcheck consumer [OPTIONS] VPC_ID"),
        ("probe", "Usage: plcheck probe [OPTIONS] HOSTNAME"),
        ("plan", "Usage: plcheck plan [OPTIONS] PLAN_FILE"),
        ("explain", "Usage: plcheck explain [OPTIONS] CHECK_ID"),
        ("provider", "Usage: plcheck provider [OPTIONS] [SERVICE]"),
        ("checks", "Usage: plcheck checks [OPTIONS]"),
    ],
)
def test_usage_lines_name_arguments_as_the_readme_does(
    command: str, usage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = output(capsys, [command, "--help"])
    assert text.splitlines()[0] == usage


def test_no_usage_line_has_braces_or_lowercase_arguments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in COMMAND_NAMES:
        first = output(capsys, [name, "--help"]).splitlines()[0]
        assert "{" not in first, first
        arguments = first.split("[OPTIONS]", 1)[1]
        assert arguments == arguments.upper(), first


def test_a_missing_argument_is_named_in_capitals(capsys: pytest.CaptureFixture[str]) -> None:
    assert "'CHECK_ID'" in error_line(capsys, ["explain"])


def test_checks_takes_format_like_every_other_command(capsys: pytest.CaptureFixture[str]) -> None:
    listed = json.loads(output(capsys, ["checks", "--format", "json"]))
    assert [c["id"] for c in listed] == list(catalog())
    assert json.loads(output(capsys, ["checks", "-f", "JSON"])) == listed
    assert json.loads(output(capsys, ["checks", "--json"])) == listed  # deprecated spelling
    assert "--json" not in output(capsys, ["checks", "--help"])
    table = output(capsys, ["checks", "--format", "table"])
    assert "az-id-mapping" in table
    assert "'sarif' is not one of 'table', 'json'" in error_line(
        capsys, ["checks", "--format", "sarif"]
    )


@pytest.mark.parametrize(
    ("args", "values"),
    [
        (["demo", "--help"], "az-map, provider, consumer, probe, check, plan"),
        (["iam-policy", "--help"], "az-map, provider, consumer, probe, check, plan"),
    ],
)
def test_help_lists_the_valid_values(
    args: list[str], values: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert values in " ".join(output(capsys, args).split())


@pytest.mark.parametrize(
    "args",
    [["demo", "--only", "consumr"], ["iam-policy", "--command", "consumr"]],
)
def test_a_bad_value_lists_the_valid_ones(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    line = error_line(capsys, args)
    assert "'consumr'" in line
    assert "az-map, provider, consumer, probe, check, plan" in line
    assert "did you mean 'consumer'?" in line


def test_explain_accepts_any_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert output(capsys, ["explain", "AZ-ID-Mapping"]).startswith("az-id-mapping: ")


def test_explain_suggests_the_nearest_check(capsys: pytest.CaptureFixture[str]) -> None:
    line = error_line(capsys, ["explain", "az-id-maping"])
    assert "unknown check 'az-id-maping' (did you mean 'az-id-mapping'?)" in line
    # Nothing near: the line lists every check instead.
    assert "config-ignore-expired" in error_line(capsys, ["explain", "zzzz"])


def test_explain_and_tables_end_no_line_with_a_space(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    for args in (["explain", "az-id-mapping"], ["explain", "probe-dns"], ["checks"]):
        text = output(capsys, args)
        trailing = [line for line in text.splitlines() if line != line.rstrip()]
        assert not trailing, (args, trailing)


def test_report_table_titles_end_without_spaces() -> None:
    finding = Finding(
        check="probe-dns",
        status=Status.FAIL,
        resource="api.example.com",
        message="did not resolve",
        remediation="add a record",
    )
    view = View(title="Addresses probed", columns=("Address", "TCP"), rows=(("10.0.0.1", "ok"),))
    text = render(Report("probe", (finding,), views=(view,)))
    assert "Addresses probed\n" in text
    assert "plcheck probe\n" in text
    assert not [line for line in text.splitlines() if line != line.rstrip()]


def test_a_malformed_id_names_the_expected_form(capsys: pytest.CaptureFixture[str]) -> None:
    line = error_line(capsys, ["consumer", "vpc-123", "--region", "us-east-1"])
    assert "malformed vpc ID 'vpc-123': expected vpc- then 8 or 17 hex digits" in line


TOML_LINK = """\
[[link]]
name = "burrito"
service = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
provider = {{ profile = "provider", region = "us-east-1" }}

[[link.consumer]]
profile = "consumer"
region = "us-east-1"
vpc = "vpc-0123456789abcdef0"
{consumer}
"""


@pytest.mark.parametrize(
    ("consumer", "expected"),
    [
        (
            'probe = { host = "api.example.com", port = "443" }',
            'port expects an integer, e.g. 443, not a string ("443")',
        ),
        ('ports = ["443"]', 'ports expects an integer, e.g. 443, not a string ("443")'),
        ("ports = [443.5]", "ports expects an integer, e.g. 443, not a number with a fraction"),
        ("ports = [70000]", "ports must be 1-65535, not 70000"),
        ('probe = { host = "api.example.com", port = 0 }', "port must be 1-65535, not 0"),
    ],
)
def test_toml_ports_say_an_integer_is_expected(
    consumer: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "plcheck.toml"
    config.write_text(TOML_LINK.format(consumer=consumer))
    assert expected in error_line(capsys, ["check", "--config", str(config)])


def test_toml_ignore_suggests_the_nearest_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "plcheck.toml"
    config.write_text(
        TOML_LINK.format(consumer="")
        + '\n[[ignore]]\ncheck = "nlb-az-coverag"\nreason = "two zones by design"\n'
    )
    line = error_line(capsys, ["check", "--config", str(config)])
    assert "unknown check 'nlb-az-coverag' (did you mean 'nlb-az-coverage'?)" in line


@pytest.mark.usefixtures("empty_aws")
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_no_credentials_is_one_line_on_stderr_then_the_report(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["consumer", "vpc-0123456789abcdef0", "--profile", "nocreds", "--format", fmt]
    assert run(args) == 3
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert line.startswith("plcheck: no AWS credentials were found: pass --profile NAME")
    assert "aws sso login" in line
    assert "AWS_ACCESS_KEY_ID" in line
    assert line.endswith(f"({len(checks_for('consumer'))} checks could not run)")
    if fmt == "json":
        report = json.loads(captured.out)
        assert {f["details"]["error_kind"] for f in report["findings"]} == {"no-credentials"}
    else:
        assert captured.out.count("ERROR") == len(checks_for("consumer"))


def test_options_are_named_in_their_own_errors(capsys: pytest.CaptureFixture[str]) -> None:
    from plcheck.cli import run

    assert run(["probe", "api.example.com", "--timeout", "0"]) == 2
    assert "--timeout" in capsys.readouterr().err
    assert run(["consumer", "vpc-0123456789abcdef0", "--role-arn", "notanarn"]) == 2
    assert "malformed role ARN 'notanarn'" in capsys.readouterr().err


@pytest.mark.parametrize("process", ["/bin/false", "/bin/echo not-json"])
def test_a_credential_process_that_fails_is_exit_3_not_a_usage_error(
    process: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from plcheck.cli import run

    config = tmp_path / "config"
    config.write_text(f"[profile broken]\nregion = us-east-1\ncredential_process = {process}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    code = run(["consumer", "vpc-0123456789abcdef0", "--profile", "broken", "--format", "json"])
    err = capsys.readouterr().err
    assert code == 3
    assert "the credentials of profile broken could not be obtained" in err
    assert "Traceback" not in err
