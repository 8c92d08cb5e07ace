"""``plcheck check``: the Typer adapter of :mod:`plcheck.runs.check`, the pre-deploy gate."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from plcheck.commands.common import (
    AwsTimeoutOption,
    OutputOptions,
    aws_settings,
    finish,
    reporting,
)
from plcheck.gate.config import CONFIG_ENV, DEFAULT_CONFIG


def register(app: typer.Typer) -> None:
    @app.command("check")
    @reporting("check")
    def check(
        config: Annotated[
            Path | None,
            typer.Option(
                "--config",
                "-c",
                metavar="FILE",
                help=f"The links to check (TOML; default: the nearest {DEFAULT_CONFIG}, or "
                "pyproject.toml with [tool.plcheck], up to the repository root).",
                envvar=CONFIG_ENV,
                dir_okay=False,
                show_default=False,
            ),
        ] = None,
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
        aws_timeout: AwsTimeoutOption = None,
        *,
        out: OutputOptions,
    ) -> None:
        """Check every provider, consumer and probe in a plcheck.toml, concurrently."""
        from plcheck.aws import AwsContext
        from plcheck.gate import config as gate_config
        from plcheck.runs.check import run

        loaded = gate_config.load(config or gate_config.discover(Path.cwd(), os.environ))
        with AwsContext(aws_settings(aws_timeout)) as ctx:
            result = run(loaded, ctx, links=link or ())
        finish(result, out)
