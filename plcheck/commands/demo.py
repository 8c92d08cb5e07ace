"""``plcheck demo``: every command against a simulated multi-account AWS world.

The world is moto behind real boto3 clients, corrected where moto differs from
AWS (see :mod:`plcheck.sim`). It needs no credentials and no network.
"""

from __future__ import annotations

import shlex
from collections.abc import Generator
from contextlib import closing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from plcheck.errors import UsageError

if TYPE_CHECKING:
    from plcheck.sim.scenarios import AzMismatchScenario
    from plcheck.sim.world import SimulatedWorld


@dataclass(frozen=True)
class DemoStep:
    """One command the demo runs, as a user would type it."""

    command: str
    """The command name, for ``--only``."""
    title: str
    """Heading printed above the step."""
    story: str
    """What the scenario set up and what to look for."""
    args: tuple[str, ...]
    """The arguments after ``plcheck``."""


def demo_steps(world: SimulatedWorld) -> Generator[DemoStep, None, None]:
    """Build each scenario through the AWS API and yield the commands that diagnose it."""
    from plcheck.commands import check, consumer, provider
    from plcheck.sim import scenarios

    mismatch = scenarios.az_mismatch(world)
    yield DemoStep(
        command="az-map",
        title="AZ names are per account",
        story=(
            f"Provider {mismatch.provider_account} runs an NLB in two zones; consumer "
            f"{mismatch.consumer_account} has subnets with the same zone names that land in "
            "other physical zones."
        ),
        args=(
            "az-map",
            "--profile",
            "provider",
            "--profile",
            "consumer",
            "--service",
            mismatch.service_name,
        ),
    )
    yield from provider.demo_steps(world)
    yield from consumer.demo_steps(world, mismatch)
    yield from _probe_steps()
    yield from check.demo_steps(world, mismatch)
    yield from _plan_steps(mismatch)


def _plan_steps(mismatch: AzMismatchScenario) -> Generator[DemoStep, None, None]:
    """``plcheck plan`` on the consumer's Terraform plan, written for the step's duration."""
    import json
    import tempfile
    from pathlib import Path

    from plcheck.sim.plans import demo_plan

    with tempfile.TemporaryDirectory(prefix="plcheck-demo-") as directory:
        plan = Path(directory) / "plan.json"
        plan.write_text(json.dumps(demo_plan(mismatch), indent=2), encoding="utf-8")
        yield DemoStep(
            command="plan",
            title="Check a Terraform plan before apply",
            story=(
                "The consumer's plan puts aws_vpc_endpoint.burrito in two subnets by ID, one "
                "in a zone the NLB lacks; aws_vpc_endpoint.later waits for a subnet created "
                "in the same plan, whose zone is known only after apply."
            ),
            args=("plan", str(plan), "--profile", "consumer"),
        )


PROBE_HOST = "api.burrito.example.com"
"""The name the probe step resolves and handshakes with."""


def _probe_steps() -> Generator[DemoStep, None, None]:
    """``plcheck probe`` against a DNS server and TLS servers this step runs on loopback."""
    import tempfile
    from contextlib import ExitStack
    from pathlib import Path

    from plcheck.sim.dns_server import DnsServer
    from plcheck.sim.tls_server import Pki, servers_on_one_port

    pki = Pki("plcheck demo")
    lb_name = "burrito-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com"
    certs = {
        "127.0.0.2": pki.leaf(PROBE_HOST),
        "127.0.0.3": pki.leaf(lb_name),  # the load balancer's own name, not the service's
        "127.0.0.4": pki.leaf(PROBE_HOST, expired=True),
    }
    # The servers run exactly as long as the step: the demo loop resumes this
    # generator after running the command (or closes it if interrupted), which
    # leaves the ExitStack and stops them before the CA bundle is deleted.
    with ExitStack() as stack:
        directory = stack.enter_context(tempfile.TemporaryDirectory(prefix="plcheck-demo-"))
        ca_bundle = pki.ca_bundle(Path(directory), "burrito-demo-ca.pem")
        servers = servers_on_one_port(certs)
        for server in servers:
            stack.callback(server.stop)  # registered before any starts, so none is left running
        for server in servers:
            server.start()
        dns = stack.enter_context(DnsServer({PROBE_HOST: {"A": list(certs)}}))
        yield DemoStep(
            command="probe",
            title="Probe a name from where you stand: DNS, TCP and TLS",
            story=(
                f"A DNS server on {dns.resolver} answers {PROBE_HOST} with "
                f"{', '.join(certs)}; TLS servers there present certificates from a demo CA: "
                f"127.0.0.2 a good one, 127.0.0.3 one for {lb_name}, 127.0.0.4 an expired one."
            ),
            args=(
                "probe",
                PROBE_HOST,
                "--resolver",
                dns.resolver,
                "--port",
                str(servers[0].port),
                "--ca-bundle",
                str(ca_bundle),
                "--timeout",
                "2",
            ),
        )


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        only: Annotated[
            list[str] | None,
            typer.Option(
                "--only", metavar="COMMAND", help="Run only these demo steps (by command name)."
            ),
        ] = None,
    ) -> None:
        """Run every command against a simulated AWS world: no credentials, no network."""
        from plcheck.checks import COMMAND_ORDER

        unknown = sorted(set(only or ()) - set(COMMAND_ORDER))
        if unknown:
            raise UsageError(
                f"no demo step for {', '.join(unknown)}; steps: {', '.join(COMMAND_ORDER)}"
            )
        try:
            from plcheck.sim import SimulatedWorld
        except ImportError as exc:
            raise UsageError(
                f"the demo needs the simulated world ({exc.name} is missing): "
                "pip install 'plcheck[demo]'"
            ) from None
        from rich.rule import Rule

        from plcheck.cli import run
        from plcheck.report.table_format import stdout_console

        console = stdout_console()
        # closing(): a step's servers stop even if the demo is interrupted mid-step.
        with SimulatedWorld() as world, closing(demo_steps(world)) as steps:
            for step in steps:
                if only and step.command not in only:
                    continue
                console.print(Rule(step.title, style="cyan"))
                if step.story:
                    console.print(step.story, style="dim")
                console.print(f"$ plcheck {shlex.join(step.args)}", style="bold")
                code = run(list(step.args))
                if code == 130:  # Ctrl-C inside a step ends the whole demo
                    raise typer.Exit(130)
                console.print(f"(exit code {code})", style="dim")
                console.print()
