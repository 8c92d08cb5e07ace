"""The markdown summary stays under GitHub's 1 MiB step-summary limit.

The runner refuses a larger ``$GITHUB_STEP_SUMMARY`` whole ("upload aborted, supports
content up to a size of 1024k"; actions/runner FileCommandManager.cs,
``AttachmentSizeLimit = 1024 * 1024``).
"""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from plcheck.model import Finding, Report, Status
from plcheck.report.markdown_format import MAX_BYTES, STEP_SUMMARY_LIMIT, render

from .reports import FIX, NLB_ARN

# Mostly passes, as real runs are; 1,000 failures and 1,000 warnings among 20,000.
STATUSES = (Status.PASS,) * 16 + (Status.SKIP, Status.SKIP, Status.WARN, Status.FAIL)


def big_report(n: int = 20_000) -> Report:
    findings = tuple(
        Finding(
            "nlb-security-groups",
            STATUSES[i % len(STATUSES)],
            f"{NLB_ARN}-{i}",
            f"security group sg-{i:017x} does not admit TCP 443 from the endpoint subnets",
            "111111111111",
            "us-east-1",
            FIX,
        )
        for i in range(n)
    )
    return Report("provider", findings)


def test_twenty_thousand_findings_fit_in_a_step_summary() -> None:
    report = dataclasses.replace(big_report(), full_report="plcheck-report.json")
    text = render(report)
    assert len(text.encode()) <= MAX_BYTES < STEP_SUMMARY_LIMIT
    # Passes go first: every failure is still listed, no pass is.
    fails = [f for f in report.findings if f.status is Status.FAIL]
    assert all(f"`{f.resource}`" in text for f in fails)
    assert "✅ pass |" not in text
    assert "⚠️ warn |" in text  # some warnings still fit
    shown = text.count("\n| ") - text.count("\n| Status |")
    left_out = len(report.findings) - shown
    assert left_out > 0
    assert f"**{left_out} findings left out**" in text
    assert "The full report is in plcheck-report.json." in text


def test_without_a_full_report_it_says_how_to_get_one() -> None:
    text = render(big_report(), max_bytes=200_000)
    assert len(text.encode()) <= 200_000
    assert "--report json=FILE" in text


def test_a_small_report_is_whole() -> None:
    report = big_report(12)
    text = render(report)
    assert "left out" not in text
    assert all(f"`{f.resource}`" in text for f in report.findings)


@pytest.mark.parametrize("budget", [20_000, 40_000, 80_000, 160_000, 400_000])
def test_passes_go_first_then_skips_then_the_mildest_problems(budget: int) -> None:
    report = big_report(600)
    text = render(report, max_bytes=budget)
    assert len(text.encode()) <= budget
    shown = {
        s: [f"`{f.resource}`" in text for f in report.findings if f.status is s] for s in Status
    }
    order = (Status.FAIL, Status.WARN, Status.SKIP, Status.PASS)  # kept first to last
    for better, worse in itertools.pairwise(order):
        if any(shown[worse]):
            assert all(shown[better]), (better, worse)
