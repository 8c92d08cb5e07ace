"""``plcheck plan`` at scale: a 20,000-endpoint plan's table vs JSON time, peak memory vs file.

Budgets (issue 12), run by :mod:`run` (``--only plan``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from budgets import PLCHECK, ROOT, TIME, Bench


def bench_plan(bench: Bench, count: int = 20_000) -> None:
    """``plcheck plan`` of a ``count``-endpoint plan: table vs JSON time, peak memory vs file.

    Budgets (issue 12): the table renders in at most 2x the time of the JSON report, and
    peak memory (max RSS of the run) stays within 4x the plan file's size, in every
    format: also SARIF, JUnit and markdown, which the GitHub Action writes (one run each:
    peak memory varies little from run to run, unlike time).
    """
    sys.path.insert(0, str(ROOT / "bench"))
    from plans import write_endpoint_plan

    from plcheck.sim.scenarios import az_mismatch

    print(f"plan ({count} endpoints)", flush=True)
    # The endpoints connect to a service the consumer sees, in its VPC, and the plan's
    # provider alias is mapped to the consumer's profile: every endpoint is judged, as in
    # a user's run (an unmapped alias would only skip them).
    scenario = bench.scenario = bench.scenario or az_mismatch(bench.world)
    service, vpc = scenario.service_name, scenario.consumer_vpc_id
    with tempfile.TemporaryDirectory() as directory:
        plan = Path(directory) / "plan.json"
        size = write_endpoint_plan(plan, count, service, vpc)
        env = {**os.environ, **bench.world.env}
        env.pop("PLCHECK_DEBUG", None)

        small = Path(directory) / "small.json"
        write_endpoint_plan(small, 1, service, vpc)

        def once(fmt: str, path: Path = plan) -> tuple[float, int]:
            out = Path(directory) / f"report.{fmt}"
            rss = Path(directory) / "rss"
            command = [str(PLCHECK), "plan", str(path), "--profile", scenario.consumer_profile]
            command += ["--provider-profile", f"consumer={scenario.consumer_profile}"]
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

        runs = {fmt: [once(fmt) for _ in range(bench.repeat)] for fmt in ("json", "table")}
        runs.update({fmt: [once(fmt)] for fmt in ("sarif", "junit", "markdown")})
        # The same run of a 1-endpoint plan: the interpreter and libraries, not the plan's.
        baseline_kb = min(once("json", small)[1] for _ in range(bench.repeat))
    json_s = min(w for w, _ in runs["json"])
    table_s = min(w for w, _ in runs["table"])
    peaks = {fmt: max(kb for _, kb in r) for fmt, r in runs.items()}
    peak_kb = max(peaks.values())
    print(f"  plan: json {json_s:.2f} s, table {table_s:.2f} s, peak {peak_kb / 1024:.0f} MiB")
    bench.check(
        f"plan, {count} endpoints: table <= 2 x JSON",
        table_s <= 2 * json_s,
        f"table {table_s:.2f} s, JSON {json_s:.2f} s",
    )
    if peak_kb:
        bench.check(
            f"plan, {count} endpoints: peak memory <= 4 x plan file",
            peak_kb * 1024 <= 4 * size,
            f"{peak_kb / 1024:.0f} MiB for a {size / 2**20:.0f} MiB plan "
            f"({peak_kb * 1024 / size:.2f}x; a 1-endpoint plan's run {baseline_kb / 1024:.0f} MiB, "
            f"the plan's share {(peak_kb - baseline_kb) * 1024 / size:.2f}x; by format: "
            + ", ".join(f"{fmt} {kb / 1024:.0f} MiB" for fmt, kb in peaks.items())
            + ")",
        )
