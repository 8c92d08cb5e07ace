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
* the demo (issue 15): the installed ``plcheck demo`` in a fresh process, median
  wall <= 8 s (its CPU beside it, steadier on a shared machine);
* cold start: the installed console script in a fresh process, median <= 0.15 s
  for ``--version``, ``--help``, ``checks`` and ``explain ID``; none loads boto3,
  and ``--version`` loads neither Typer nor rich.

The simulated world (moto) is served from this process: its CPU competes with
plcheck's for the machine's cores, and the machine may be shared. CPU times are
plcheck's own (user + system of the subprocess), from ``/usr/bin/time``.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from budgets import (  # the bench directory is the script's, so first on sys.path
    BIN,
    CHAIN_FACTOR,
    PLCHECK,
    RESULTS,
    ROOT,
    TIME,
    Bench,
    DemoRow,
    Row,
)
from plan_bench import bench_plan

#: The project's own interpreter (``.venv``), whose pip builds the wheel.
BIN_PYTHON = BIN / "python"
#: AWS Organizations returns at most 20 accounts per ListAccounts page.
ORG_PAGE = 20
#: Cold start budget, seconds (median).
COLD_START_BUDGET = 0.15
#: Organisation scale: (accounts, wall seconds, peak MiB).
ORG_BUDGETS = {100: (2.0, 200), 1000: (15.0, 400)}
#: CPU seconds per added account.
CPU_PER_ACCOUNT_BUDGET = 0.010
#: ``plcheck demo``, seconds (median wall of fresh processes).
DEMO_BUDGET = 8.0
BASELINE = ROOT / "bench" / "baseline_consumer.py"


# -------------------------------------------------------------------- scenarios


def bench_consumer(bench: Bench, sizes: Sequence[int]) -> None:
    """``plcheck consumer VPC`` with 1, 10, 50 interface endpoints to the scenario's service."""
    from plcheck.sim.scenarios import az_mismatch

    print("consumer", flush=True)
    scenario = bench.scenario = bench.scenario or az_mismatch(bench.world)
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
        args = ["consumer", scenario.consumer_vpc_id, "--profile", scenario.consumer_profile]
        label = f"consumer, {size} endpoint{'s' if size > 1 else ''}"
        rows.append(bench.measure(label, args, chain=3))
        if len(rows) == 1:  # the plain boto3 script on the same world, in turn with plcheck
            baseline = [sys.executable, str(BASELINE), *args[1:]]
            bench.baseline(label, baseline, args)
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
        ["provider", service_id, "--profile", "provider", "--resolver", bench.resolver],
        chain=5,
    )


def bench_check(bench: Bench) -> None:
    """``plcheck check`` over one link: its provider and consumer read concurrently, joined."""
    from plcheck.sim.scenarios import az_mismatch

    print("check", flush=True)
    scenario = bench.scenario = bench.scenario or az_mismatch(bench.world)
    config = Path(tempfile.mkdtemp(prefix="plcheck-bench-")) / "plcheck.toml"
    subnets = ", ".join(f'"{s}"' for s in scenario.supported_consumer_subnet_ids)
    config.write_text(
        "[[link]]\n"
        'name = "burrito"\n'
        f'service = "{scenario.service_name}"\n'
        f'provider = {{ profile = "{scenario.provider_profile}", region = "{scenario.region}", '
        f'resolver = "{bench.resolver}" }}\n\n'
        "[[link.consumer]]\n"
        f'profile = "{scenario.consumer_profile}"\n'
        f'region = "{scenario.region}"\n'
        f'vpc = "{scenario.consumer_vpc_id}"\n'
        f"subnets = [{subnets}]\n",
        encoding="utf-8",
    )
    # The provider's chain (AssumeRole -> services -> load balancers -> listeners / target
    # groups -> health) beside the consumer's three rounds; the join needs no call.
    bench.measure("check, 1 link", ["check", "--config", str(config)], chain=5)


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


def installed_as_a_user(directory: Path) -> Path:
    """The console script of plcheck installed as ``pip install`` leaves it.

    ``make`` installs plcheck editable, whose import hook costs every start ~10 ms that no
    user's install has. This builds the wheel and installs it, compiled, into a venv of its
    own; the dependencies come from ``.venv`` through a path entry (not a site directory,
    so the editable hook there is not loaded).
    """
    wheels, venv = directory / "wheels", directory / "venv"
    pip = [str(BIN_PYTHON), "-m", "pip", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(ROOT)], check=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    (wheel,) = wheels.glob("plcheck-*.whl")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
    )
    ours, theirs = _purelib(python), _purelib(BIN_PYTHON)
    (Path(ours) / "plcheck-bench-dependencies.pth").write_text(theirs + "\n", encoding="utf-8")
    return venv / "bin" / "plcheck"


def _purelib(python: Path) -> str:
    """Where ``python`` installs pure-Python packages."""
    probe = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    done = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def bench_cold_start(bench: Bench, runs: int) -> None:
    """Median wall time of the console script, installed as a user installs it; whether
    boto3 got imported."""
    print("cold start", flush=True)
    env = {**os.environ, **bench.world.env}
    with tempfile.TemporaryDirectory(prefix="plcheck-bench-install-") as directory:
        script = installed_as_a_user(Path(directory))
        python = script.parent / "python"
        for args in (["--version"], ["--help"], ["checks"], ["explain", "az-id-mapping"]):
            walls = []
            for _ in range(runs):
                started = time.perf_counter()
                subprocess.run([str(script), *args], env=env, capture_output=True, check=True)
                walls.append(time.perf_counter() - started)
            probe = (
                "import contextlib, io, sys\n"
                "from plcheck.cli import run\n"
                "with contextlib.redirect_stdout(io.StringIO()):\n"
                f"    run({args!r})\n"
                "print(sorted(m for m in ('boto3', 'botocore', 'dns', 'markdown_it', 'typer', "
                "'rich') if m in sys.modules))\n"
            )
            out = subprocess.run(
                [str(python), "-c", probe], env=env, capture_output=True, text=True, check=True
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


def bench_demo(bench: Bench, runs: int) -> None:
    """``plcheck demo`` as a user runs it: the console script in a fresh process.

    It builds its own in-process world, so it runs without the served world's
    environment; the served world is idle meanwhile.
    """
    print("demo", flush=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PLCHECK_"))}
    walls, cpus, rss = [], [], []
    for _ in range(runs):
        with tempfile.NamedTemporaryFile("r", suffix=".time") as timing:
            command = [str(PLCHECK), "demo"]
            if TIME.exists():
                command = [str(TIME), "-f", "%M %U %S", "-o", timing.name, *command]
            started = time.perf_counter()
            proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            walls.append(time.perf_counter() - started)
            fields = (timing.read().strip().splitlines() or [""])[-1].split()
        if proc.returncode != 0:
            raise SystemExit(f"plcheck demo exited {proc.returncode}:\n{proc.stderr}")
        if len(fields) == 3 and fields[0].isdigit():
            rss.append(int(fields[0]))
            cpus.append(float(fields[1]) + float(fields[2]))
    row = DemoRow(
        wall=statistics.median(walls),
        cpu=statistics.median(cpus) if cpus else 0.0,
        max_rss_kb=max(rss, default=0),
        runs=runs,
        load=os.getloadavg()[0],
    )
    bench.demo.append(row)
    bench.check(
        f"plcheck demo: median wall <= {DEMO_BUDGET:.0f} s",
        row.wall <= DEMO_BUDGET,
        f"{row.wall:.2f} s median of {runs} (CPU {row.cpu:.2f} s, "
        f"{row.max_rss_kb / 1024:.0f} MiB, load average {row.load:.1f})",
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
            lines.append(
                f"| {scenario} | {ours * 1000:.0f} ms | {theirs * 1000:.0f} ms | {ratio} |"
            )
    if bench.demo:
        lines += [
            "",
            "| plcheck demo (fresh process) | Wall, median | CPU, median | Peak RSS | "
            "Load average |",
            "|---|---:|---:|---:|---:|",
        ]
        for demo in bench.demo:
            lines.append(
                f"| demo wall, CPU ({demo.runs} runs) | {demo.wall:.2f} s | {demo.cpu:.2f} s | "
                f"{demo.max_rss_kb / 1024:.0f} MiB | {demo.load:.1f} |"
            )
    if bench.cold:
        lines += [
            "",
            "| Cold start (installed from the wheel, fresh process) | Median | boto3 imported |",
            "|---|---:|---|",
        ]
        for name, median, boto in bench.cold:
            lines.append(f"| {name} | {median * 1000:.0f} ms | {'yes' if boto else 'no'} |")
    lines += ["", "## Budgets", ""]
    lines += [f"- {'PASS' if b.ok else 'FAIL'} {b.name}: {b.detail}" for b in bench.budgets]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@contextmanager
def served_world() -> Iterator[tuple[Any, Any, str]]:
    """The served world, its fault layer, and a loopback DNS server for TXT lookups.

    The provider's verification-record lookups go to that server (NXDOMAIN), so no query
    leaves the machine and no outside resolver's latency enters the figures.
    """
    from plcheck.sim import SimulatedWorld
    from plcheck.sim.dns_server import DnsServer
    from plcheck.sim.faults import FaultInjector

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    with SimulatedWorld(serve=True) as world, FaultInjector() as faults, DnsServer() as dns:
        yield world, faults, dns.resolver


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.05, help="seconds per AWS call")
    parser.add_argument("--endpoints", default="1,10,50", help="consumer endpoint counts")
    parser.add_argument("--accounts", default="10,100", help="az-map account counts")
    parser.add_argument(
        "--org-accounts", default="100,1000", help="az-map --org member account counts"
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs per measurement (the fastest counts)"
    )
    parser.add_argument("--cold-runs", type=int, default=7, help="runs per cold-start command")
    parser.add_argument("--demo-runs", type=int, default=3, help="runs of plcheck demo (median)")
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated: consumer,provider,check,az-map,org,cold,demo,plan",
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
        ("demo", lambda b: bench_demo(b, args.demo_runs)),
        ("consumer", lambda b: bench_consumer(b, endpoints)),
        ("provider", bench_provider),
        ("check", bench_check),
        ("az-map", lambda b: bench_az_map(b, accounts)),
        ("org", lambda b: bench_az_map_org(b, org_accounts)),
        ("plan", bench_plan),
    ]
    started = time.perf_counter()
    with served_world() as (world, faults, resolver):
        bench = Bench(world, faults, args.delay, args.repeat, resolver=resolver)
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


if __name__ == "__main__":
    sys.exit(main())
