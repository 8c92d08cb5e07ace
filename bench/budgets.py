"""The bench's measuring kit: runs of plcheck against the served world, rows and budgets.

Shared by :mod:`run` (the scenarios and the results file) and the per-area modules.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PLCHECK = BIN / "plcheck"
RESULTS = ROOT / "bench" / "RESULTS.md"
TIME = Path("/usr/bin/time")
#: Factor on (chain x delay) a run may add over its no-delay start-up.
CHAIN_FACTOR = 1.2
#: plcheck consumer's CPU over the plain boto3 script's.
CPU_RATIO_BUDGET = 0.8


@dataclass
class Run:
    """One plcheck subprocess run."""

    args: list[str]
    exit_code: int
    wall: float
    calls: Counter[str]
    max_rss_kb: int
    stderr: str = ""
    cpu: float = 0.0
    """User + system CPU seconds of the subprocess."""

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())


@dataclass
class Row:
    """One line of the results table."""

    scenario: str
    calls: int
    chain: int
    wall_nodelay: float
    wall: float
    max_rss_kb: int
    exit_code: int
    detail: str = ""
    cpu_nodelay: float = 0.0
    """Least CPU seconds of the runs with no delay."""

    def budget(self, delay: float) -> float:
        return self.wall_nodelay + CHAIN_FACTOR * self.chain * delay


@dataclass(frozen=True)
class DemoRow:
    """``plcheck demo`` as a user meets it: medians of fresh processes."""

    wall: float
    cpu: float
    """User + system CPU seconds."""
    max_rss_kb: int
    runs: int
    load: float
    """The machine's 1-minute load average when the runs ended."""


@dataclass
class Budget:
    """One budget, checked."""

    name: str
    ok: bool
    detail: str


@dataclass
class Bench:
    """The world, its fault layer and everything measured."""

    world: Any
    faults: Any
    delay: float
    repeat: int
    rows: list[Row] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    cold: list[tuple[str, float, bool]] = field(default_factory=list)
    cpu_rows: list[tuple[str, float, float]] = field(default_factory=list)
    """(scenario, plcheck CPU, baseline CPU) with no delay."""
    demo: list[DemoRow] = field(default_factory=list)
    scenario: Any = None
    """The AZ-mismatch scenario the consumer and check benchmarks share (built once)."""
    resolver: str = ""
    """``IP:PORT`` of the loopback DNS server the provider's TXT lookups go to."""

    def plcheck(self, args: Sequence[str], delay: float) -> Run:
        """Run ``plcheck ARGS --format json`` in a subprocess with the world's environment."""
        run = self.subprocess([str(PLCHECK), *args, "--format", "json"], delay)
        try:
            json.loads(run.stderr.split("\0", 1)[0])  # the report must be valid JSON
        except ValueError:
            raise SystemExit(
                f"plcheck {' '.join(args)} exited {run.exit_code} without a report:\n"
                f"{run.stderr.split(chr(0), 1)[1]}"
            ) from None
        run.stderr = run.stderr.split("\0", 1)[1]
        run.args = list(args)
        return run

    def subprocess(self, command: list[str], delay: float) -> Run:
        """Run ``command`` with the world's environment: wall, CPU, peak RSS and AWS calls.

        ``stderr`` of the result is stdout, a NUL and stderr (for the caller to split).
        """
        env = {**os.environ, **self.world.env}
        env.pop("PLCHECK_DEBUG", None)
        self.faults.delay = delay
        self.faults.reset_calls()
        with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
            if TIME.exists():
                command = [str(TIME), "-f", "%M %U %S", "-o", rss.name, *command]
            before = _children_cpu()
            started = time.perf_counter()
            proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            wall = time.perf_counter() - started
            # The children's rusage in microseconds (time(1) prints hundredths): this one
            # child (and time(1) itself, a millisecond), as runs are one at a time.
            cpu_us = _children_cpu() - before
            text = rss.read().strip().splitlines()
        calls = self.faults.by_action()
        self.faults.delay = 0.0
        if proc.returncode not in (0, 1, 3):
            raise SystemExit(f"{' '.join(command)} exited {proc.returncode}:\n{proc.stderr}")
        fields = text[-1].split() if text else []
        max_rss = int(fields[0]) if fields and fields[0].isdigit() else _children_rss_kb()
        cpu = cpu_us
        output = f"{proc.stdout}\0{proc.stderr}"
        return Run(command, proc.returncode, wall, calls, max_rss, output, cpu)

    def measure(self, scenario: str, args: Sequence[str], chain: int, detail: str = "") -> Row:
        """Best of ``repeat`` runs without and with the delay, interleaved.

        The best (minimum) time is the one least disturbed by other load on the machine;
        interleaving exposes both variants to the same drift in load.
        """
        base, runs = [], []
        for _ in range(self.repeat):
            base.append(self.plcheck(args, 0.0))
            runs.append(self.plcheck(args, self.delay))
        run = runs[0]
        row = Row(
            scenario=scenario,
            calls=run.total_calls,
            chain=chain,
            wall_nodelay=min(r.wall for r in base),
            wall=min(r.wall for r in runs),
            max_rss_kb=max(r.max_rss_kb for r in runs),
            exit_code=run.exit_code,
            detail=detail or _calls_detail(run.calls),
            cpu_nodelay=min(r.cpu for r in base),
        )
        self.rows.append(row)
        limit = row.budget(self.delay)
        self.check(
            f"{scenario}: wall <= no-delay + {CHAIN_FACTOR} x {chain} x {self.delay * 1000:.0f} ms",
            row.wall <= limit,
            f"{row.wall:.2f} s (limit {limit:.2f} s)",
        )
        print(
            f"  {scenario}: {row.calls} calls, chain {chain}, {row.wall_nodelay:.2f} s -> "
            f"{row.wall:.2f} s, CPU {row.cpu_nodelay:.2f} s, {row.max_rss_kb / 1024:.0f} MiB, "
            f"exit {row.exit_code}",
            flush=True,
        )
        return row

    def baseline(self, scenario: str, command: list[str], args: Sequence[str]) -> None:
        """The plain boto3 script's CPU beside plcheck's (``args``), with no delay.

        The two are run in turn, so drift in the machine's load reaches both alike; the
        least CPU of each counts (at least 9 runs each: the host's speed drifts).
        """
        ours, theirs = [], []
        for _ in range(max(self.repeat, 9)):
            ours.append(self.plcheck(args, 0.0).cpu)
            theirs.append(self.subprocess(command, 0.0).cpu)
        plcheck_cpu, cpu = min(ours), min(theirs)
        self.cpu_rows.append((scenario, plcheck_cpu, cpu))
        ratio = plcheck_cpu / cpu if cpu else math.inf
        self.check(
            f"{scenario}: CPU <= {CPU_RATIO_BUDGET} x the plain boto3 script's",
            ratio <= CPU_RATIO_BUDGET,
            f"{plcheck_cpu * 1000:.0f} ms against {cpu * 1000:.0f} ms ({ratio:.2f}x; least of "
            f"{len(ours)} runs each, in turn)",
        )

    def check(self, name: str, ok: bool, detail: str) -> None:
        self.budgets.append(Budget(name, ok, detail))
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _children_rss_kb() -> int:
    import resource

    # Linux reports kilobytes; this is the largest child so far, an upper bound.
    return int(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def _calls_detail(calls: Counter[str]) -> str:
    return ", ".join(f"{a.split(':')[1]} {n}" for a, n in sorted(calls.items()))
