"""``plcheck plan PLAN_FILE``: the Typer adapter of :mod:`plcheck.runs.plan`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from plcheck.commands.common import (
    ExternalIdOption,
    FailOnOption,
    FormatOption,
    OutputOption,
    OutputOptions,
    ProfileOption,
    RegionOption,
    ReportsOption,
    RoleArnOption,
    finish,
    parse_reports,
)
from plcheck.model import FailOn
from plcheck.report import Format


def register(app: typer.Typer) -> None:
    @app.command("plan")
    def plan_command(
        plan_file: Annotated[
            Path,
            typer.Argument(
                metavar="PLAN_FILE",
                help="`terraform show -json PLANFILE` output.",
                dir_okay=False,
                show_default=False,
            ),
        ],
        profile: ProfileOption = None,
        region: RegionOption = None,
        role_arn: RoleArnOption = None,
        external_id: ExternalIdOption = None,
        fmt: FormatOption = Format.TABLE,
        output: OutputOption = None,
        fail_on: FailOnOption = FailOn.FAIL,
        report: ReportsOption = None,
    ) -> None:
        """Check a Terraform plan's interface endpoints against the live account, before apply."""
        from plcheck.aws import Scope
        from plcheck.gate import terraform
        from plcheck.runs.plan import PlanOptions, run

        out = OutputOptions(fmt, output, fail_on, parse_reports(report))
        options = PlanOptions(
            plan=terraform.load(plan_file),
            scope=Scope(profile=profile, region=region, role_arn=role_arn, external_id=external_id),
        )
        finish(run(options), out)
