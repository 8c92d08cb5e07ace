"""The CLI itself: version, help, the catalog, bad input and startup imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from plcheck import __version__
from plcheck.checks import catalog
from plcheck.cli import run


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"plcheck {__version__}"


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "plcheck", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"plcheck {__version__}"


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["checks"],
        ["explain", "az-id-mapping"],
        ["az-map", "--help"],
        ["probe", "--help"],
        ["--version"],
    ],
)
def test_fast_commands_do_not_import_boto3_or_dnspython(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from plcheck.cli import run\n"
        f"code = run({args!r})\n"
        "heavy = sorted(m for m in ('boto3', 'botocore', 'dns', 'moto') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stdout


def test_checks_lists_the_catalog_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["checks", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in listed] == list(catalog())
    first = listed[0]
    assert set(first) >= {"id", "title", "command", "inspects", "why", "remediation", "docs_url"}


def test_every_check_has_complete_metadata() -> None:
    for spec in catalog().values():
        assert spec.id.islower()
        assert " " not in spec.id
        for text in (spec.title, spec.inspects, spec.why, spec.remediation):
            assert len(text) > 10, spec.id
        assert spec.docs_url.startswith("https://docs.aws.amazon.com/"), spec.id


def test_explain_prints_one_check_in_full(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["explain", "az-id-mapping"]) == 0
    out = capsys.readouterr().out
    assert "az-id-mapping" in out
    assert "ec2:DescribeAvailabilityZones" in out
    assert "https://docs.aws.amazon.com/" in out


def test_explain_names_what_a_plan_reads_when_it_reads_less(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["explain", "link-principal"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "ec2:DescribeVpcEndpointConnections" in out
    assert "(in plcheck plan: ec2:DescribeVpcEndpointServicePermissions)" in out
    assert run(["explain", "az-id-mapping"]) == 0
    assert "in plcheck plan" not in capsys.readouterr().out


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("plcheck: error: ")
    return lines[0]


def test_explain_unknown_check_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["explain", "no-such-check"]) == 2
    assert "unknown check 'no-such-check'" in one_error_line(capsys)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["az-map", "--bogus"], "--bogus"),
        (["az-map", "--format", "xml"], "xml"),
        (["az-map", "--fail-on", "sometimes"], "sometimes"),
        (["az-map", "--check", "az-id-maping"], "did you mean 'az-id-mapping'"),
        (["az-map", "--skip-check", "probe-tls"], "does not run"),
        (["no-such-command"], "no-such-command"),
    ],
)
def test_bad_flags_exit_2_with_one_line(
    args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(args) == 2
    assert needle in one_error_line(capsys)


@pytest.mark.usefixtures("empty_aws")
def test_unknown_profile_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["az-map", "--profile", "nope"]) == 2
    assert "unknown AWS profile 'nope'" in one_error_line(capsys)


@pytest.mark.usefixtures("empty_aws")
def test_missing_region_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["az-map"]) == 2
    assert "no AWS region" in one_error_line(capsys)


@pytest.mark.usefixtures("empty_aws")
@pytest.mark.parametrize(
    "command",
    [
        ["az-map"],
        ["consumer", "vpc-12345678"],
        ["provider"],
        ["probe", "example.com"],
        ["plan", str(Path(__file__).parent / "gate" / "data" / "plan_known.json")],
    ],
)
def test_an_external_id_without_a_role_exits_2(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # It is sent only with AssumeRole: alone it would be silently ignored.
    assert run([*command, "--region", "us-east-1", "--external-id", "x-123"]) == 2
    assert "--external-id is sent only when assuming --role-arn" in one_error_line(capsys)


@pytest.mark.usefixtures("empty_aws")
def test_an_unknown_consumer_region_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    # Well-formed, but no partition has it: a typo would otherwise be judged as a Region.
    args = ["provider", "--region", "us-east-1", "--consumer-region", "us-est-2"]
    assert run(args) == 2
    line = one_error_line(capsys)
    assert "unknown region 'us-est-2'" in line
    assert "us-east-2" in line


@pytest.mark.usefixtures("empty_aws")
def test_malformed_region_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["az-map", "--region", "Mars!"]) == 2
    assert "Mars!" in one_error_line(capsys)


@pytest.mark.usefixtures("empty_aws")
def test_missing_credentials_exit_3_with_an_error_finding(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["az-map", "--profile", "nocreds", "--format", "json"]) == 3
    report = json.loads(capsys.readouterr().out)
    [finding] = report["findings"]
    assert finding["status"] == "error"
    assert finding["details"]["error_kind"] == "no-credentials"
    assert report["exit_code"] == 3


def test_a_closed_pipe_ends_quietly() -> None:
    # `plcheck --help | head -1`: the reader goes away before plcheck is done writing.
    process = subprocess.Popen(
        [sys.executable, "-m", "plcheck", "--help"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(timeout=30)
    assert "Traceback" not in stderr
    assert "Exception ignored" not in stderr
