"""``plcheck check``: the Typer adapter of :mod:`plcheck.runs.check`, the pre-deploy gate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from plcheck.commands.common import (
    FailOnOption,
    FormatOption,
    OutputOption,
    OutputOptions,
    ReportsOption,
    finish,
    parse_reports,
)
from plcheck.gate.config import DEFAULT_CONFIG
from plcheck.model import FailOn
from plcheck.report import Format


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
        from plcheck.runs.check import run

        out = OutputOptions(fmt, output, fail_on, parse_reports(report))
        loaded = gate_config.load(config)
        with AwsContext() as ctx:
            result = run(loaded, ctx, links=link or ())
        finish(result, out)
