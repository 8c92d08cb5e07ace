"""Draw each command's table as an SVG for the README and docs: ``make pictures``.

Runs the demo's simulated world and steps, each through the real CLI with a JSON
report, rebuilds the report and prints it with the table reporter to a recording
console, then saves ``docs/images/<command>.svg``. The README's picture,
``docs/images/zones.svg``, is the first "Zones by AZ ID" grid of the demo's
``plcheck check`` step: both accounts' zone names, the provider's load balancer and
healthy targets, and the consumer's subnets, by AZ ID.
"""

from __future__ import annotations

import io
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from plcheck.cli import run
from plcheck.demo.steps import DemoStep, demo_steps
from plcheck.model import FailOn, Finding, Report, Status, View
from plcheck.report.table_format import _view_table, print_report, print_trimmed
from plcheck.sim import SimulatedWorld

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
WIDTH = 110
#: The grid has eight columns, three of subnet IDs: this width keeps every ID whole.
ZONES_WIDTH = 190
ZONES_STEP = "check"
ZONES_VIEW = "Zones by AZ ID"


def report_from_json(data: dict[str, Any], source: str = "") -> Report:
    """The :class:`Report` a JSON report (schema version 1) was rendered from."""
    return Report(
        command=data["command"],
        findings=tuple(
            Finding(
                check=f["check"],
                status=Status(f["status"]),
                resource=f["resource"],
                account=f["account"],
                region=f["region"],
                message=f["message"],
                remediation=f["remediation"],
                details=f["details"],
            )
            for f in data["findings"]
        ),
        fail_on=FailOn(data["fail_on"]),
        views=tuple(
            View(
                title=v["title"],
                columns=tuple(v["columns"]),
                rows=tuple(tuple(r) for r in v["rows"]),
                highlight=frozenset(v["highlight"]),
                note=v["note"],
            )
            for v in data["views"]
        ),
        source=source,
    )


def picture(step: DemoStep, workdir: Path, name: str = "") -> tuple[Path, Report]:
    """Run one step and save its table as ``docs/images/<name or command>.svg``."""
    name = name or step.command
    out = workdir / f"{name}.json"
    code = run([*step.args, "--format", "json", "--output", str(out)])
    if not out.is_file():
        raise SystemExit(f"{step.command}: no report (exit {code})")
    report = report_from_json(json.loads(out.read_text(encoding="utf-8")))
    console = Console(record=True, width=WIDTH, highlight=False, file=io.StringIO())
    console.print(f"$ plcheck {' '.join(_shown(step.args))}", style="bold")
    print_report(report, console)
    target = IMAGES / f"{name}.svg"
    console.save_svg(str(target), title=f"plcheck {step.command}")
    return target, report


def zones_picture(step: DemoStep, report: Report) -> Path:
    """Save the report's first zone grid alone as ``docs/images/zones.svg``."""
    grid = next((v for v in report.views if v.title.startswith(ZONES_VIEW)), None)
    if grid is None:
        raise SystemExit(f"{step.command}: no {ZONES_VIEW!r} view in the demo's report")
    console = Console(record=True, width=ZONES_WIDTH, highlight=False, file=io.StringIO())
    console.print(f"$ plcheck {' '.join(_shown(step.args))}", style="bold")
    console.print(_view_table(grid))
    if grid.note:
        print_trimmed(console, Text(grid.note, style="dim"))
    target = IMAGES / "zones.svg"
    console.save_svg(str(target), title=f"plcheck {step.command}: {grid.title}")
    return target


def _shown(args: tuple[str, ...]) -> list[str]:
    """The step's command as a reader would write it for their own set-up.

    Temporary paths mean nothing to a reader: the file name only. The probe step's loopback
    DNS and TLS servers listen on ports chosen at random: PORT, not a number to copy.
    """
    loopback = any(a.startswith("127.0.0.1:") for a in args)
    shown = []
    for previous, arg in zip(("", *args), args, strict=False):
        if arg.startswith(tempfile.gettempdir()):
            shown.append(Path(arg).name)
        elif loopback and previous in ("--port", "--resolver"):
            shown.append(re.sub(r"(^|:)\d+$", r"\1PORT", arg))
        else:
            shown.append(arg)
    return shown


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with SimulatedWorld() as world:
            seen: dict[str, int] = {}
            for step in demo_steps(world):  # the generator keeps each step's servers up
                # consumer.svg, consumer-2.svg, …: one picture per step of a command
                seen[step.command] = seen.get(step.command, 0) + 1
                count = seen[step.command]
                name = step.command if count == 1 else f"{step.command}-{count}"
                target, report = picture(step, workdir, name)
                print(f"plcheck {step.command} → {target.relative_to(ROOT)}")
                if step.command == ZONES_STEP and count == 1:
                    zones = zones_picture(step, report)
                    print(f"plcheck {step.command}, {ZONES_VIEW} → {zones.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
