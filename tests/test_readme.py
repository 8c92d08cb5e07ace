"""The README and docs/ keep the promises the project makes about itself."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from plcheck.checks import COMMAND_ORDER
from plcheck.cli import build_command, run

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").rglob("*.md"))
PAGES = [ROOT / "README.md", *DOCS]
CATALOG = ROOT / "docs" / "checks.md"
COMMAND_PAGES = ROOT / "docs" / "commands"
#: What a reader sees before scrolling.
FIRST_SCREEN = 60


def quickstart_commands() -> list[str]:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_quickstart_has_two_commands_and_ci_runs_the_test_one_word_for_word() -> None:
    demo, test = quickstart_commands()
    assert demo == "make demo"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert any(line.strip() == test for line in ci.splitlines())


def test_the_readme_leads_with_the_commands_a_picture_and_the_command_table() -> None:
    first = "\n".join(README.splitlines()[:FIRST_SCREEN])
    assert "make demo" in first
    assert "make test" in first
    assert re.search(r"!\[[^\]]*\]\(docs/images/[^)]+\.svg\)", first)
    assert "## Commands" in first


def catalog_rows() -> list[tuple[str, str, str, str]]:
    """(id, command, title, documentation URL) of each row of docs/checks.md's table."""
    row = re.compile(r"^\| \[`([^`]+)`\]\((\S+)\) \| `([^`]+)` \| (.+?) \|$", re.M)
    text = CATALOG.read_text(encoding="utf-8")
    return [(m[1], m[3], m[4], m[2]) for m in row.finditer(text)]


def test_the_check_catalog_page_lists_every_check_as_plcheck_checks_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["checks", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    expected = [(c["id"], c["command"], c["title"], c["docs_url"]) for c in listed]
    assert expected
    assert catalog_rows() == expected


def test_the_readme_links_every_command_page() -> None:
    for command in COMMAND_ORDER:
        page = COMMAND_PAGES / f"{command}.md"
        assert page.is_file(), page
        assert f"(docs/commands/{command}.md)" in README, command


def usage_block(command: str) -> str:
    text = (COMMAND_PAGES / f"{command}.md").read_text(encoding="utf-8")
    block = re.search(r"## Usage\n\n```\n(.*?)```", text, re.S)
    assert block is not None, f"{command}.md has no usage block"
    return block.group(1)


def long_options(command: str) -> set[str]:
    params = build_command(command).params
    return {o for p in params for o in p.opts if o.startswith("--") and o != "--help"}


# The options every reporting command shares, documented once on docs/reports.md.
REPORT_OPTIONS = set.intersection(*(long_options(c) for c in COMMAND_ORDER))


@pytest.mark.parametrize("command", COMMAND_ORDER)
def test_each_command_page_shows_exactly_the_commands_options(command: str) -> None:
    usage = usage_block(command)
    assert usage.startswith(f"plcheck {command}")
    shown = set(re.findall(r"--[a-z][a-z-]*", usage))
    options = long_options(command)
    assert shown <= options, f"not options of {command}: {sorted(shown - options)}"
    assert options - REPORT_OPTIONS <= shown, sorted(options - REPORT_OPTIONS - shown)
    assert "[REPORT OPTIONS]" in usage


def test_the_shared_report_options_are_documented() -> None:
    assert REPORT_OPTIONS
    reports = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    for option in REPORT_OPTIONS:
        assert f"`{option}" in reports or f" {option}" in reports, option


def test_every_picture_exists() -> None:
    pictures = 0
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
            pictures += 1
            assert (page.parent / image).resolve().is_file(), f"{page.name}: {image}"
    assert pictures


def test_every_relative_link_leads_to_a_file() -> None:
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = target.split("#", 1)[0]
            assert (page.parent / path).resolve().exists(), f"{page.name}: {target}"


def test_every_docs_page_is_linked_from_the_readme_or_another_page() -> None:
    linked = set()
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s#]+)", text):
            linked.add((page.parent / target).resolve())
    for page in DOCS:
        assert page.resolve() in linked, f"{page.relative_to(ROOT)} is linked from nowhere"


def test_no_command_shown_names_a_temporary_port_or_path() -> None:
    # The demo's loopback servers and temporary files change on every run: a reader
    # cannot type them.
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
            assert not re.search(r"127\.0\.0\.1:\d+|/tmp/plcheck-", block), page.name


def test_speed_figures_are_those_of_the_benchmark_results() -> None:
    # One figure per fact: docs/speed.md and the README's Speed section quote
    # bench/RESULTS.md and nothing else.
    results = (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Speed\n", 1)[1].split("\n## ", 1)[0]
    numbers = set(re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", results))
    for name, text in (
        ("docs/speed.md", (ROOT / "docs" / "speed.md").read_text(encoding="utf-8")),
        ("README.md's Speed section", section),
    ):
        quoted = re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", text)
        assert quoted, name
        for figure in quoted:
            assert figure in numbers, f"{name}: {figure} is not in bench/RESULTS.md"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    bench = makefile.split("\nbench:", 1)[0].rsplit("\n\n", 1)[1]
    assert not re.search(r"\d+\s*(min|s\b)", bench), bench


def test_yaml_examples_are_checked_by_actionlint() -> None:
    from tests.gate.test_action_workflows import EXAMPLES

    for page in PAGES:
        if "```yaml" in page.read_text(encoding="utf-8"):
            assert page in EXAMPLES, f"{page.name} shows a workflow actionlint does not check"
