"""``plcheck check``: the pre-deploy gate over every link in ``plcheck.toml``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plcheck.commands.common import (
    FailOnOption,
    FormatOption,
    OutputOption,
    OutputOptions,
)
from plcheck.errors import UsageError
from plcheck.gate.config import DEFAULT_CONFIG
from plcheck.gate.output import ReportsOption, finish_with_reports, parse_reports
from plcheck.model import FailOn
from plcheck.report import Format

if TYPE_CHECKING:
    from collections.abc import Iterator

    from plcheck.aws import AwsContext
    from plcheck.commands.demo import DemoStep
    from plcheck.gate.config import GateConfig
    from plcheck.gate.runner import GateRun
    from plcheck.sim.scenarios import AzMismatchScenario
    from plcheck.sim.world import SimulatedWorld


def run(
    config: GateConfig,
    ctx: AwsContext,
    today: dt.date | None = None,
    links: list[str] | None = None,
) -> GateRun:
    """Run the gate over ``config`` (only ``links`` when given) in one AWS context."""
    from dataclasses import replace

    from plcheck.gate import runner

    if links:
        unknown = sorted(set(links) - {link.name for link in config.links})
        if unknown:
            known = ", ".join(link.name for link in config.links)
            raise UsageError(f"no link named {', '.join(unknown)} in {config.path} ({known})")
        config = replace(config, links=tuple(lk for lk in config.links if lk.name in links))
    return runner.run(config, ctx, today)


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check(
        config: Annotated[
            Path,
            typer.Option(
                "--config",
                "-c",
                metavar="FILE",
                help="The links to check (TOML).",
                dir_okay=False,
            ),
        ] = Path(DEFAULT_CONFIG),
        link: Annotated[
            list[str] | None,
            typer.Option(
                "--link",
                "-l",
                metavar="NAME",
                help="Check only this link (repeatable).",
                show_default=False,
            ),
        ] = None,
        fmt: FormatOption = Format.TABLE,
        output: OutputOption = None,
        fail_on: FailOnOption = FailOn.FAIL,
        report: ReportsOption = None,
    ) -> None:
        """Check every provider, consumer and probe in a plcheck.toml, concurrently."""
        from plcheck.aws import AwsContext
        from plcheck.gate import config as gate_config
        from plcheck.gate.runner import views

        extra = parse_reports(report or [])
        loaded = gate_config.load(config)
        with AwsContext() as ctx:
            result = run(loaded, ctx, links=link)
        finish_with_reports(
            "check",
            result.findings,
            OutputOptions(fmt, output, fail_on),
            views(result),
            source=str(config),
            reports=extra,
        )


def demo_steps(world: SimulatedWorld, mismatch: AzMismatchScenario) -> Iterator[DemoStep]:
    """The ``plcheck demo`` step: both sides of the burrito link from one plcheck.toml."""
    import tempfile
    from pathlib import Path

    from plcheck.commands.demo import DemoStep
    from plcheck.sim.dns_server import DnsServer

    # A loopback DNS server for the provider's TXT lookups, so the demo stays offline; it
    # and the config live exactly as long as the step (the demo resumes this generator).
    with DnsServer() as dns, tempfile.TemporaryDirectory(prefix="plcheck-demo-") as directory:
        config = Path(directory) / "plcheck.toml"
        subnets = ", ".join(f'"{s}"' for s in mismatch.consumer_subnet_ids.values())
        config.write_text(
            "[[link]]\n"
            'name = "burrito"\n'
            f'service = "{mismatch.service_name}"\n'
            f'provider = {{ profile = "{mismatch.provider_profile}", '
            f'region = "{mismatch.region}", resolver = "{dns.resolver}", dns_timeout = 1 }}\n'
            "\n"
            "[[link.consumer]]\n"
            f'profile = "{mismatch.consumer_profile}"\n'
            f'region = "{mismatch.region}"\n'
            f'vpc = "{mismatch.consumer_vpc_id}"\n'
            f"subnets = [{subnets}]\n"
            "\n"
            "[[ignore]]\n"
            'check = "nlb-az-coverage"\n'
            f'resource = "{mismatch.service_id}"\n'
            'reason = "two zones by design"\n'
            f'until = "{(dt.date.today() + dt.timedelta(days=90)).isoformat()}"\n',
            encoding="utf-8",
        )
        yield DemoStep(
            command="check",
            title="One gate for every link: provider and consumer, across accounts",
            story=(
                f"A plcheck.toml describes the burrito link from provider "
                f"{mismatch.provider_account} to consumer {mismatch.consumer_account}, planning "
                "the endpoint in all three consumer subnets, and ignores the NLB's two zones "
                "(by design). Look for the subnet in the wrong zone and the ignored warning."
            ),
            args=("check", "--config", str(config)),
        )
