"""Benchmark plcheck against the simulated world with a delay on every AWS call.

Serves the corrected moto over HTTP on 127.0.0.1 with a fault-injection layer
that delays every request (``--delay``, default 50 ms, like a regional round
trip) and counts requests server-side; runs plcheck in subprocesses with the
world's environment; checks budgets; writes the table to ``bench/RESULTS.md``.

    .venv/bin/python bench/run.py            # the full run (make bench)
    .venv/bin/python bench/run.py --quick    # small sizes while iterating

Budgets (issue 14), all measured in the same run:

* wall: a run may take at most 1.2 x (its longest chain of dependent AWS calls x
  delay) more than the same run with no delay. The run with no delay is the
  start-up: interpreter, imports, sessions, parsing, judging and moto's own time;
  what the delay adds is the time spent waiting on AWS, and with enough
  concurrency that is one delay per link of the chain, not one per call;
* one account: ``plcheck consumer`` uses at most 0.8 x the CPU of
  ``bench/baseline_consumer.py``, a plain boto3 script making the same calls;
* organisation scale: ``az-map`` over 100 accounts <= 2.0 s and 200 MiB; over
  1,000 (``--org``) <= 15 s and 400 MiB; CPU per added account <= 10 ms;
* cold start: the installed console script in a fresh process, median <= 0.15 s
  for ``--version``, ``--help``, ``checks`` and ``explain ID``; none loads boto3,
  and ``--version`` loads neither Typer nor rich.

The simulated world (moto) is served from this process: its CPU competes with
plcheck's for the machine's cores, and the machine may be shared. CPU times are
plcheck's own (user + system of the subprocess), from ``/usr/bin/time``.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PLCHECK = BIN / "plcheck"
RESULTS = ROOT / "bench" / "RESULTS.md"
TIME = Path("/usr/bin/time")

#: AWS Organizations returns at most 20 accounts per ListAccounts page.
ORG_PAGE = 20
#: Cold start budget, seconds (median).
COLD_START_BUDGET = 0.15
#: Factor on (chain x delay) a run may add over its no-delay start-up.
CHAIN_FACTOR = 1.2
#: plcheck consumer's CPU over the plain boto3 script's.
CPU_RATIO_BUDGET = 0.8
#: Organisation scale: (accounts, wall seconds, peak MiB).
ORG_BUDGETS = {100: (2.0, 200), 1000: (15.0, 400)}
#: CPU seconds per added account.
CPU_PER_ACCOUNT_BUDGET = 0.010
BASELINE = ROOT / "bench" / "baseline_consumer.py"


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
            started = time.perf_counter()
            proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            wall = time.perf_counter() - started
            text = rss.read().strip().splitlines()
        calls = self.faults.by_action()
        self.faults.delay = 0.0
        if proc.returncode not in (0, 1, 3):
            raise SystemExit(f"{' '.join(command)} exited {proc.returncode}:\n{proc.stderr}")
        fields = text[-1].split() if text else []
        if len(fields) == 3 and fields[0].isdigit():
            max_rss, cpu = int(fields[0]), float(fields[1]) + float(fields[2])
        else:
            max_rss, cpu = _children_rss_kb(), 0.0
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

    def baseline(self, scenario: str, command: list[str], plcheck_cpu: float) -> None:
        """The plain boto3 script's CPU with no delay (least of ``repeat``) beside plcheck's."""
        runs = [self.subprocess(command, 0.0) for _ in range(max(self.repeat, 3))]
        cpu = min(r.cpu for r in runs)
        self.cpu_rows.append((scenario, plcheck_cpu, cpu))
        ratio = plcheck_cpu / cpu if cpu else math.inf
        self.check(
            f"{scenario}: CPU <= {CPU_RATIO_BUDGET} x the plain boto3 script's",
            ratio <= CPU_RATIO_BUDGET,
            f"{plcheck_cpu:.2f} s against {cpu:.2f} s ({ratio:.2f}x)",
        )

    def check(self, name: str, ok: bool, detail: str) -> None:
        self.budgets.append(Budget(name, ok, detail))
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)


def _children_rss_kb() -> int:
    import resource

    # Linux reports kilobytes; this is the largest child so far, an upper bound.
    return int(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def _calls_detail(calls: Counter[str]) -> str:
    return ", ".join(f"{a.split(':')[1]} {n}" for a, n in sorted(calls.items()))


# -------------------------------------------------------------------- scenarios


def bench_consumer(bench: Bench, sizes: Sequence[int]) -> None:
    """``plcheck consumer VPC`` with 1, 10, 50 interface endpoints to the scenario's service."""
    from plcheck.sim.scenarios import az_mismatch

    print("consumer", flush=True)
    scenario = az_mismatch(bench.world)
    ec2 = bench.world.admin_client(scenario.consumer_account, "ec2", scenario.region)
    created = 0
    rows = []
    for size in sorted(sizes):
        while created < size:
            ec2.create_vpc_endpoint(
                VpcEndpointType="Interface",
                VpcId=scenario.consumer_vpc_id,
                ServiceName=scenario.service_name,
                SubnetIds=list(scenario.supported_consumer_subnet_ids),
                SecurityGroupIds=[scenario.consumer_security_group_id],
                PrivateDnsEnabled=False,
            )
            created += 1
        # AssumeRole (profile) -> first round -> second round (services, DHCP options).
        rows.append(
            bench.measure(
                f"consumer, {size} endpoint{'s' if size > 1 else ''}",
                ["consumer", scenario.consumer_vpc_id, "--profile", scenario.consumer_profile],
                chain=3,
            )
        )
    if rows:
        bench.baseline(
            "consumer, 1 endpoint",
            [
                sys.executable,
                str(BASELINE),
                scenario.consumer_vpc_id,
                "--profile",
                scenario.consumer_profile,
            ],
            rows[0].cpu_nodelay,
        )
    if len(rows) > 1:
        counts = [r.calls for r in rows]
        bench.check(
            "consumer: AWS calls do not grow with endpoints",
            len(set(counts)) == 1,
            " / ".join(f"{r.scenario.split(', ')[1]}: {r.calls}" for r in rows),
        )


def bench_provider(bench: Bench) -> None:
    """``plcheck provider SERVICE`` for the scenario's service (uses the consumer's world)."""
    print("provider", flush=True)
    service_id = _first_service(bench)
    if service_id is None:
        return
    # AssumeRole -> services -> load balancers -> listeners / target groups -> health.
    bench.measure(
        "provider, 1 service",
        ["provider", service_id, "--profile", "provider", "--dns-timeout", "0.5"],
        chain=5,
    )


def _first_service(bench: Bench) -> str | None:
    ec2 = bench.world.admin_client("111111111111", "ec2")
    configs = ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
    return str(configs[0]["ServiceId"]) if configs else None


def bench_az_map(bench: Bench, sizes: Sequence[int]) -> None:
    """``plcheck az-map`` over N profiles, one account each."""
    print("az-map (profiles)", flush=True)
    for size in sizes:
        profiles = []
        for i in range(size):
            name = f"bench-{i:03d}"
            if name not in bench.world.accounts:
                bench.world.add_profile(name, f"{500000000000 + i:012d}")
            profiles += ["--profile", name]
        # AssumeRole (profile) -> DescribeAvailabilityZones (the role ARN names the account).
        row = bench.measure(f"az-map, {size} accounts (profiles)", ["az-map", *profiles], chain=2)
        org_budget(bench, row, size)


def bench_az_map_org(bench: Bench, sizes: Sequence[int]) -> None:
    """``plcheck az-map --org`` from the management account, N member accounts."""
    print("az-map --org", flush=True)
    management = "900000000000"
    bench.world.add_profile("bench-management", management)
    org = bench.world.admin_client(management, "organizations")
    org.create_organization(FeatureSet="ALL")
    members = 0
    rows: list[Row] = []
    for size in sorted(sizes):
        while members < size:
            org.create_account(AccountName=f"member-{members}", Email=f"m{members}@example.com")
            members += 1
        pages = math.ceil((size + 1) / ORG_PAGE)
        # AssumeRole (profile) -> ListAccounts pages -> AssumeRole (member) -> the two reads.
        row = bench.measure(
            f"az-map --org, {size} member accounts",
            ["az-map", "--org", "--profile", "bench-management"],
            chain=1 + pages + 2,
        )
        org_budget(bench, row, size)
        rows.append(row)
    if len(rows) > 1:
        # What one more account costs: the slope between the smallest and largest runs.
        first, last = rows[0], rows[-1]
        added = sorted(sizes)[-1] - sorted(sizes)[0]
        per_account = (last.cpu_nodelay - first.cpu_nodelay) / added
        bench.check(
            f"az-map --org: CPU per added account <= {CPU_PER_ACCOUNT_BUDGET * 1000:.0f} ms",
            per_account <= CPU_PER_ACCOUNT_BUDGET,
            f"{per_account * 1000:.1f} ms ({first.cpu_nodelay:.2f} s -> "
            f"{last.cpu_nodelay:.2f} s over {added} accounts)",
        )


def org_budget(bench: Bench, row: Row, accounts: int) -> None:
    """The organisation-scale budget for ``accounts``, when the issue sets one."""
    if accounts not in ORG_BUDGETS:
        return
    wall, mib = ORG_BUDGETS[accounts]
    rss = row.max_rss_kb / 1024
    bench.check(
        f"{row.scenario}: wall <= {wall:.1f} s and peak RSS <= {mib} MiB",
        row.wall <= wall and rss <= mib,
        f"{row.wall:.2f} s, {rss:.0f} MiB",
    )


def bench_cold_start(bench: Bench, runs: int) -> None:
    """Median wall time of the console script; whether boto3 got imported."""
    print("cold start", flush=True)
    env = {**os.environ, **bench.world.env}
    for args in (["--version"], ["--help"], ["checks"], ["explain", "az-id-mapping"]):
        walls = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(
                [str(PLCHECK), *args], env=env, capture_output=True, check=True, text=True
            )
            walls.append(time.perf_counter() - started)
        probe = (
            "import contextlib, io, sys\n"
            "from plcheck.cli import run\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    run({args!r})\n"
            "print(sorted(m for m in ('boto3', 'botocore', 'dns', 'markdown_it', 'typer', 'rich') "
            "if m in sys.modules))\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        loaded = out.splitlines()[-1] if out else "[]"
        median = statistics.median(walls)
        boto = "boto3" in loaded
        ui = args == ["--version"] and ("typer" in loaded or "rich" in loaded)
        name = "plcheck " + " ".join(args)
        bench.cold.append((f"{name} (also loaded: {loaded})", median, boto))
        bench.check(
            f"{name}: no boto3{', Typer or rich' if args == ['--version'] else ''}, "
            f"median <= {COLD_START_BUDGET:.2f} s",
            not boto and not ui and median <= COLD_START_BUDGET,
            f"{median * 1000:.0f} ms median of {runs}; loaded: {loaded}",
        )


# -------------------------------------------------------------------- output


def write_results(bench: Bench, path: Path, command: str, seconds: float) -> None:
    lines = [
        "# plcheck benchmark results",
        "",
        f"Last run: `{command}` on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} CPUs, Python {platform.python_version()}), "
        f"{time.strftime('%Y-%m-%d %H:%M')}, {seconds:.0f} s. "
        f"Injected delay per AWS call: {bench.delay * 1000:.0f} ms (server-side, in "
        "`plcheck/sim/faults.py`). AWS calls are counted server-side and include the "
        "`sts:AssumeRole` calls of role profiles.",
        "",
        'Wall times are the best of the interleaved runs; "no delay" is the same run without '
        "the injected delay "
        "(start-up, CPU, moto). Budget: wall <= no delay + "
        f"{CHAIN_FACTOR} x chain x delay.",
        "",
        "| Scenario | AWS calls | Chain | Wall, no delay | Wall, delayed | Budget | "
        "CPU, no delay | Peak RSS | Exit | Calls by operation |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in bench.rows:
        limit = row.budget(bench.delay)
        verdict = "PASS" if row.wall <= limit else "FAIL"
        lines.append(
            f"| {row.scenario} | {row.calls} | {row.chain} | {row.wall_nodelay:.2f} s | "
            f"{row.wall:.2f} s | {limit:.2f} s {verdict} | {row.cpu_nodelay:.2f} s | "
            f"{row.max_rss_kb / 1024:.0f} MiB | "
            f"{row.exit_code} | {row.detail} |"
        )
    if bench.cpu_rows:
        lines += [
            "",
            "| One account, no delay | plcheck CPU | plain boto3 script CPU "
            "(`bench/baseline_consumer.py`) | Ratio |",
            "|---|---:|---:|---:|",
        ]
        for scenario, ours, theirs in bench.cpu_rows:
            ratio = f"{ours / theirs:.2f}x" if theirs else "n/a"
            lines.append(f"| {scenario} | {ours:.2f} s | {theirs:.2f} s | {ratio} |")
    if bench.cold:
        lines += ["", "| Cold start | Median | boto3 imported |", "|---|---:|---|"]
        for name, median, boto in bench.cold:
            lines.append(f"| {name} | {median * 1000:.0f} ms | {'yes' if boto else 'no'} |")
    lines += ["", "## Budgets", ""]
    lines += [f"- {'PASS' if b.ok else 'FAIL'} {b.name}: {b.detail}" for b in bench.budgets]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@contextmanager
def served_world() -> Iterator[tuple[Any, Any]]:
    from plcheck.sim import SimulatedWorld
    from plcheck.sim.faults import FaultInjector

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    with SimulatedWorld(serve=True) as world, FaultInjector() as faults:
        yield world, faults


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.05, help="seconds per AWS call")
    parser.add_argument("--endpoints", default="1,10,50", help="consumer endpoint counts")
    parser.add_argument("--accounts", default="10,100", help="az-map account counts")
    parser.add_argument(
        "--org-accounts", default="100,1000", help="az-map --org member account counts"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--cold-runs", type=int, default=7, help="runs per cold-start command")
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each")
    parser.add_argument(
        "--only", default="", help="comma-separated: consumer,provider,az-map,org,cold"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.endpoints, args.accounts, args.repeat, args.cold_runs = "1,5", "5,20", 1, 3
        args.org_accounts = "5,20"
    endpoints = [int(n) for n in args.endpoints.split(",") if n]
    accounts = [int(n) for n in args.accounts.split(",") if n]
    org_accounts = [int(n) for n in args.org_accounts.split(",") if n]
    only = set(filter(None, args.only.split(",")))

    def wanted(name: str) -> bool:
        return not only or name in only

    # Cold starts first, on a quiet machine: the big runs leave load behind them.
    steps: list[tuple[str, Callable[[Bench], None]]] = [
        ("cold", lambda b: bench_cold_start(b, args.cold_runs)),
        ("consumer", lambda b: bench_consumer(b, endpoints)),
        ("provider", bench_provider),
        ("az-map", lambda b: bench_az_map(b, accounts)),
        ("org", lambda b: bench_az_map_org(b, org_accounts)),
        ("plan", bench_plan),
    ]
    started = time.perf_counter()
    with served_world() as (world, faults):
        bench = Bench(world, faults, args.delay, args.repeat)
        for name, step in steps:
            if wanted(name) and not (name == "provider" and not wanted("consumer")):
                step(bench)
    seconds = time.perf_counter() - started
    command = "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    write_results(bench, args.output, command.strip(), seconds)
    failed = [b for b in bench.budgets if not b.ok]
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"\n{len(bench.budgets) - len(failed)}/{len(bench.budgets)} budgets hold; {shown}")
    return 1 if failed else 0


def bench_plan(bench: Bench, count: int = 20_000) -> None:
    """``plcheck plan`` of a ``count``-endpoint plan: table vs JSON time, peak memory vs file.

    Budgets (issue 12): the table renders in at most 2x the time of the JSON report, and
    peak memory (max RSS of the run) stays within 4x the plan file's size.
    """
    sys.path.insert(0, str(ROOT / "bench"))
    from plans import write_endpoint_plan

    print(f"plan ({count} endpoints)", flush=True)
    with tempfile.TemporaryDirectory() as directory:
        plan = Path(directory) / "plan.json"
        size = write_endpoint_plan(plan, count)
        env = {**os.environ, **bench.world.env}
        env.pop("PLCHECK_DEBUG", None)

        def once(fmt: str) -> tuple[float, int]:
            out = Path(directory) / f"report.{fmt}"
            rss = Path(directory) / "rss"
            command = [str(PLCHECK), "plan", str(plan), "--profile", "consumer"]
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
    json_s = min(w for w, _ in runs["json"])
    table_s = min(w for w, _ in runs["table"])
    peak_kb = max(kb for r in runs.values() for _, kb in r)
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
            f"({peak_kb * 1024 / size:.1f}x)",
        )


if __name__ == "__main__":
    sys.exit(main())
