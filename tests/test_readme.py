"""The README keeps the promises the project makes about itself."""

from __future__ import annotations

import re
from pathlib import Path

from plcheck.checks import catalog

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


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


def test_every_check_is_documented() -> None:
    for check_id in catalog():
        assert f"`{check_id}`" in README, check_id


def test_every_picture_exists() -> None:
    for image in re.findall(r"\]\((docs/images/[^)]+)\)", README):
        assert (ROOT / image).is_file(), image
