"""Tables a person can copy from: nothing is cut, at any width; COLUMNS is honoured."""

from __future__ import annotations

import io
import re
import time

import pytest
from rich.console import Console

from plcheck.model import Finding, Report, Status, View
from plcheck.report import table_format
from plcheck.report.table_format import print_report, stdout_console

from .reports import FIX, NLB_ARN, SERVICE, TXT_NAME, command_report, every_command

ARN_FIX = (
    "aws ec2 modify-vpc-endpoint-service-permissions --service-id vpce-svc-0123456789abcdef0 "
    "--add-allowed-principals arn:aws:iam::222222222222:role/tacos-consumer-deployment-role"
)


def table(report: Report, width: int) -> str:
    buffer = io.StringIO()
    print_report(report, Console(file=buffer, width=width, color_system=None, highlight=False))
    return buffer.getvalue()


def finding_column(text: str) -> str:
    """The text of the table's last column, its wrapped lines joined without spaces."""
    cells = []
    for line in text.splitlines():
        parts = line.split("│")
        if len(parts) >= 3:
            cells.append(parts[-2].strip())
    return "".join(cells)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def copyable_report() -> Report:
    return Report(
        "provider",
        (
            Finding(
                "private-dns-txt-record",
                Status.FAIL,
                SERVICE,
                f"publish TXT {TXT_NAME} in the public zone",
                "111111111111",
                "us-east-1",
                f"Create TXT {TXT_NAME} with value vpce:pl7x3k2mzq9a8b",
            ),
            Finding(
                "nlb-security-groups",
                Status.FAIL,
                NLB_ARN,
                "blocks 443",
                "111111111111",
                "us-east-1",
                FIX,
            ),
            Finding(
                "service-allowed-principals",
                Status.WARN,
                SERVICE,
                "missing",
                "111111111111",
                "",
                ARN_FIX,
            ),
        ),
        views=(
            View(
                "Endpoints",
                ("Endpoint", "DNS name"),
                (("vpce-0123456789abcdef0", f"*.{TXT_NAME}"),),
            ),
        ),
    )


@pytest.mark.parametrize("width", [80, 120, 60])
def test_nothing_is_cut_and_fixes_come_out_whole(width: int) -> None:
    report = copyable_report()
    text = table(report, width)
    assert "…" not in text
    column = squeeze(finding_column(text))
    for finding in report.findings:
        assert squeeze(finding.resource) in column
        assert squeeze(f"Fix: {finding.remediation}") in column
    assert TXT_NAME in squeeze(text.replace("│", "").replace("\n", ""))


@pytest.mark.parametrize("command", every_command())
@pytest.mark.parametrize("width", [80, 120])
def test_no_ellipsis_in_any_command(command: str, width: int) -> None:
    text = table(command_report(command), width)
    assert "…" not in text
    column = squeeze(finding_column(text))
    for finding in command_report(command).findings:
        if finding.remediation:
            assert squeeze(finding.remediation) in column


def test_columns_is_honoured_when_piped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout", io.StringIO())  # not a terminal
    monkeypatch.setenv("COLUMNS", "87")
    assert stdout_console().width == 87
    monkeypatch.delenv("COLUMNS")
    assert stdout_console().width == table_format.PIPED_WIDTH
    monkeypatch.setenv("COLUMNS", "not-a-number")
    assert stdout_console().width == table_format.PIPED_WIDTH


def many(n: int) -> Report:
    return Report(
        "consumer",
        tuple(
            Finding(
                "endpoint-security-groups",
                Status.FAIL if i % 3 else Status.PASS,
                f"vpce-{i:017x}",
                f"sg-{i:017x} does not admit tcp 443",
                "222222222222",
                "us-east-1",
                FIX,
            )
            for i in range(n)
        ),
    )


def test_rendering_grows_linearly() -> None:
    """Eight times the findings take well under 8 x 4 the time (make bench measures it)."""

    def seconds(n: int) -> float:
        report = many(n)
        best = float("inf")
        for _ in range(3):  # the fastest of three: another process's burst is not ours
            start = time.perf_counter()
            table_format.render(report)
            best = min(best, time.perf_counter() - start)
        return best

    # Both sizes above LARGE, so both take the grouped layout large reports get.
    small, large = seconds(table_format.LARGE + 100), seconds(8 * (table_format.LARGE + 100))
    assert large < small * 8 * 4
