"""Markdown report for ``$GITHUB_STEP_SUMMARY`` and pull-request comments."""

from __future__ import annotations

from plcheck.model import SUMMARY_ORDER, Finding, Report, Status, View

ICON = {
    Status.PASS: "✅",
    Status.WARN: "⚠️",
    Status.FAIL: "❌",
    Status.ERROR: "🛑",
    Status.SKIP: "⏭️",
}


def render(report: Report) -> str:
    summary = report.summary
    counts = " · ".join(
        f"{ICON[s]} {summary[s.value]} {s.value}" for s in SUMMARY_ORDER if summary[s.value]
    )
    lines = [f"### plcheck {report.command}: {counts or 'no findings'}", ""]
    lines.append(f"Exit code **{int(report.exit_code)}** (fails on `{report.fail_on.value}`).")
    lines.append("")
    problems = [f for f in report.findings if f.status in (Status.FAIL, Status.ERROR, Status.WARN)]
    others = [f for f in report.findings if f not in problems]
    if problems:
        lines += _table(sorted(problems, key=lambda f: -f.status.rank), with_fix=True)
    for view in report.views:
        lines += _view(view)
    if others:
        lines += ["<details><summary>Passed and skipped checks</summary>", ""]
        lines += _table(others, with_fix=False)
        lines += ["</details>", ""]
    return "\n".join(lines)


def _table(findings: list[Finding], *, with_fix: bool) -> list[str]:
    header = "| Status | Check | Resource | Account | Region | Message |"
    rule = "|---|---|---|---|---|---|"
    if with_fix:
        header += " Fix |"
        rule += "---|"
    rows = [header, rule]
    for f in findings:
        cells = [
            f"{ICON[f.status]} {f.status.value}",
            f"`{f.check}`",
            f"`{f.resource}`",
            f.account,
            f.region,
            f.message,
        ]
        if with_fix:
            cells.append(f.remediation)
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return [*rows, ""]


def _view(view: View) -> list[str]:
    lines = [f"#### {view.title}", ""]
    lines.append("| " + " | ".join(_cell(c) for c in view.columns) + " |")
    lines.append("|" + "---|" * len(view.columns))
    for i, row in enumerate(view.rows):
        cells = [f"**{c}**" if i in view.highlight and c else c for c in row]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if view.note:
        lines += ["", view.note]
    return [*lines, ""]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")
