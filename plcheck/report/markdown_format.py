"""Markdown report for ``$GITHUB_STEP_SUMMARY`` and pull-request comments.

GitHub drops a step summary whole when it is larger than 1 MiB: the runner checks the
file against ``AttachmentSizeLimit = 1024 * 1024`` bytes and reports "$GITHUB_STEP_SUMMARY
upload aborted, supports content up to a size of 1024k" (actions/runner,
src/Runner.Worker/FileCommandManager.cs; https://docs.github.com/actions/using-workflows/
workflow-commands-for-github-actions#adding-a-markdown-summary). The report therefore keeps
to :data:`MAX_BYTES`, leaving room for whatever else the step appends: passes are left
out first, then skips, then warnings, errors and failures, and the summary says how many
findings it left out and where the full report is (:attr:`Report.full_report`).
"""

from __future__ import annotations

from plcheck.model import SUMMARY_ORDER, FailOn, Finding, Report, Status, View

#: GitHub's limit for one step's summary, in bytes.
STEP_SUMMARY_LIMIT = 1024 * 1024
#: What the report allows itself: the limit less 64 KiB for the rest of the step's summary.
MAX_BYTES = STEP_SUMMARY_LIMIT - 64 * 1024

ICON = {
    Status.PASS: "✅",
    Status.WARN: "⚠️",
    Status.FAIL: "❌",
    Status.ERROR: "🛑",
    Status.SKIP: "⏭️",
}
PROBLEMS = (Status.FAIL, Status.ERROR, Status.WARN)
# The order in which rows are kept when the report must be cut: the first kept longest.
_KEEP_ORDER = {Status.FAIL: 0, Status.ERROR: 1, Status.WARN: 2, Status.SKIP: 3, Status.PASS: 4}

_HEADER = "| Status | Check | Resource | Account | Region | Message |"
_RULE = "|---|---|---|---|---|---|"


def render(report: Report, max_bytes: int = MAX_BYTES) -> str:
    summary = report.summary
    counts = " · ".join(
        f"{ICON[s]} {summary[s.value]} {s.value}" for s in SUMMARY_ORDER if summary[s.value]
    )
    head = [f"### plcheck {report.command}: {counts or 'no findings'}", ""]
    fails_on = f"fails on `{report.fail_on.value}`"
    if report.fail_on is FailOn.NEVER:
        fails_on = "`--fail-on never`"
    head.append(f"Exit code **{int(report.exit_code)}** ({fails_on}).")
    head.append("")
    views = [line for view in report.views for line in _view(view)]

    if report.hide_passes:  # --quiet: the counts above still cover every finding
        head[-1:-1] = ["Passes and skips are not listed (`--quiet`)."]
    listed = sum(summary[s.value] for s in PROBLEMS) if report.hide_passes else len(report.findings)

    # Fixed parts, plus the longest possible note, must fit; rows fill what is left.
    fixed = head + views + _table_frame(True) + _table_frame(False) + _details_frame()
    budget = max_bytes - _size(fixed) - _size(_left_out_note(report, listed))
    rows = _rows(report, budget)
    kept = _kept(rows, budget)
    left_out = listed - len(kept)
    shown = {position: row for status_rows in rows.values() for position, row in status_rows}
    rank = {position: status.rank for status, found in rows.items() for position, _ in found}
    problems = sorted(
        (p for s in PROBLEMS for p, _ in rows[s] if p in kept), key=lambda p: (-rank[p], p)
    )
    others = sorted(p for s in (Status.SKIP, Status.PASS) for p, _ in rows[s] if p in kept)

    lines = list(head)
    if problems:
        lines += [*_table_frame(True)[:2], *(shown[p] for p in problems), ""]
    lines += views
    if others:
        lines += [_details_frame()[0], ""]
        lines += [*_table_frame(False)[:2], *(shown[p] for p in others), ""]
        lines += [_details_frame()[1], ""]
    if left_out:
        lines += _left_out_note(report, left_out)
    return "\n".join(lines)


def _rows(report: Report, budget: int) -> dict[Status, list[tuple[int, str]]]:
    """The rows that may fit in ``budget``, by status, with their place among those listed.

    One pass over the findings (a plan's are a spool): a status's rows past what the whole
    budget holds can never be shown, so they are not made.
    """
    rows: dict[Status, list[tuple[int, str]]] = {status: [] for status in _KEEP_ORDER}
    spent = dict.fromkeys(_KEEP_ORDER, 0)
    position = 0
    for finding in report.findings:
        if report.hide_passes and finding.status not in PROBLEMS:
            continue
        position += 1
        if spent[finding.status] <= budget:
            row = _row(finding, with_fix=finding.status in PROBLEMS)
            spent[finding.status] += len(row.encode()) + 1
            rows[finding.status].append((position, row))
    return rows


def _kept(rows: dict[Status, list[tuple[int, str]]], budget: int) -> set[int]:
    """The rows kept, until one does not fit in ``budget``.

    Failures first, then errors, warnings, skips and passes, each in the report's order.
    """
    kept: set[int] = set()
    for status in sorted(_KEEP_ORDER, key=_KEEP_ORDER.__getitem__):
        for position, row in rows[status]:
            cost = len(row.encode()) + 1
            if cost > budget:
                return kept
            budget -= cost
            kept.add(position)
    return kept


def _row(f: Finding, *, with_fix: bool) -> str:
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
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _table_frame(with_fix: bool) -> list[str]:
    if with_fix:
        return [_HEADER + " Fix |", _RULE + "---|", ""]
    return [_HEADER, _RULE, ""]


def _details_frame() -> list[str]:
    return ["<details><summary>Passed and skipped checks</summary>", "</details>"]


def _left_out_note(report: Report, left_out: int) -> list[str]:
    where = (
        f"The full report is in {report.full_report}."
        if report.full_report
        else "Write the full report with `--report json=FILE`."
    )
    noun = "finding" if left_out == 1 else "findings"
    return [
        f"> **{left_out} {noun} left out** to keep this summary under GitHub's 1 MiB limit "
        f"(passes first, then skips, then the mildest problems). {where}",
        "",
    ]


def _size(lines: list[str]) -> int:
    return sum(len(line.encode()) + 1 for line in lines)


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
