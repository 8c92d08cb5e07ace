"""``plcheck plan`` at scale: a 20,000-endpoint plan's table vs JSON time, peak memory vs file.

Budgets (issue 12), run by :mod:`run` (``--only plan``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from budgets import PLCHECK, ROOT, TIME, Bench

#: Every report format: each holds to the memory budget.
FORMATS = ("json", "table", "sarif", "junit", "markdown")


def bench_plan(bench: Bench, count: int = 20_000) -> None:
    """``plcheck plan`` of a ``count``-endpoint plan: table vs JSON time, peak memory vs file.

    Budgets (issue 12): the table renders in at most 2x the time of the JSON report, and
    peak memory (max RSS of the run) stays within 4x the plan file's size, in every
    format: also SARIF, JUnit and markdown, which the GitHub Action writes (one run each:
    peak memory varies little from run to run, unlike time).

    Two plans: every endpoint to the one service the consumer sees (each is judged, as in
    a user's run; an unmapped alias would only skip them), and every endpoint to a service
    of its own that no account sees (a service-visible failure each, the largest findings).
    """
    sys.path.insert(0, str(ROOT / "bench"))
    from plans import write_endpoint_plan

    from plcheck.sim.scenarios import az_mismatch

    scenario = bench.scenario = bench.scenario or az_mismatch(bench.world)
    env = {**os.environ, **bench.world.env}
    env.pop("PLCHECK_DEBUG", None)
    for service, label in (
        (scenario.service_name, f"plan, {count} endpoints"),
        (None, f"plan, {count} endpoints to as many services no account sees"),
    ):
        print(label, flush=True)
        with tempfile.TemporaryDirectory() as directory:
            plan = Path(directory) / "plan.json"
            size = write_endpoint_plan(plan, count, service, scenario.consumer_vpc_id)
            small = Path(directory) / "small.json"
            write_endpoint_plan(small, 1, service, scenario.consumer_vpc_id)
            run = _runner(scenario.consumer_profile, env, Path(directory))
            timed = ("json", "table") if service else ()
            runs = {fmt: [run(fmt, plan) for _ in range(bench.repeat)] for fmt in timed}
            once = [
                fmt for fmt in ("json", "table", "sarif", "junit", "markdown") if fmt not in runs
            ]
            runs.update({fmt: [run(fmt, plan)] for fmt in once})
            # The same run of a 1-endpoint plan: the interpreter and libraries, not the plan's.
            baseline_kb = min(run("json", small)[1] for _ in range(bench.repeat))
        if timed:
            json_s = min(w for w, _ in runs["json"])
            table_s = min(w for w, _ in runs["table"])
            print(f"  plan: json {json_s:.2f} s, table {table_s:.2f} s")
            bench.check(
                f"{label}: table <= 2 x JSON",
                table_s <= 2 * json_s,
                f"table {table_s:.2f} s, JSON {json_s:.2f} s",
            )
        peaks = {fmt: max(kb for _, kb in r) for fmt, r in runs.items()}
        peak_kb = max(peaks.values())
        print(f"  plan: peak {peak_kb / 1024:.0f} MiB")
        if peak_kb:
            bench.check(
                f"{label}: peak memory <= 4 x plan file",
                peak_kb * 1024 <= 4 * size,
                f"{peak_kb / 1024:.0f} MiB for a {size / 2**20:.0f} MiB plan "
                f"({peak_kb * 1024 / size:.2f}x; a 1-endpoint plan's run "
                f"{baseline_kb / 1024:.0f} MiB, the plan's share "
                f"{(peak_kb - baseline_kb) * 1024 / size:.2f}x; by format: "
                + ", ".join(f"{fmt} {kb / 1024:.0f} MiB" for fmt, kb in peaks.items())
                + ")",
            )


def _runner(
    profile: str, env: dict[str, str], directory: Path
) -> Callable[[str, Path], tuple[float, int]]:
    """Runs ``plcheck plan PLAN --format FMT``, the alias mapped: its wall time and max RSS."""

    def run(fmt: str, path: Path) -> tuple[float, int]:
        out = directory / f"report.{fmt}"
        rss = directory / "rss"
        command = [str(PLCHECK), "plan", str(path), "--profile", profile]
        command += ["--provider-profile", f"consumer={profile}"]
        command += ["--region", "us-east-1", "--format", fmt, "--output", str(out)]
        if TIME.exists():
            command = [str(TIME), "-f", "%M", "-o", str(rss), *command]
        started = time.perf_counter()
        proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        if proc.returncode not in (0, 1, 3):
            raise SystemExit(f"plcheck plan exited {proc.returncode}:\n{proc.stderr}")
        text = rss.read_text().strip().splitlines() if rss.exists() else []
        return wall, int(text[-1]) if text and text[-1].isdigit() else 0

    return run
