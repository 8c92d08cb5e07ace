"""``plcheck plan PLAN_FILE``: the Typer adapter of :mod:`plcheck.runs.plan`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from plcheck.commands.common import (
    AwsTimeoutOption,
    ExternalIdOption,
    OutputOptions,
    ProfileOption,
    RegionOption,
    RoleArnOption,
    aws_settings,
    finish,
    reporting,
)


def register(app: typer.Typer) -> None:
    @app.command("plan")
    @reporting("plan")
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
        aws_timeout: AwsTimeoutOption = None,
        *,
        out: OutputOptions,
    ) -> None:
        """Check a Terraform plan's interface endpoints against the live account, before apply."""
        from plcheck.aws import AwsContext, Scope
        from plcheck.gate import terraform
        from plcheck.runs.plan import PlanOptions, run

        options = PlanOptions(
            plan=terraform.load(plan_file),
            scope=Scope(profile=profile, region=region, role_arn=role_arn, external_id=external_id),
        )
        with AwsContext(aws_settings(aws_timeout)) as ctx:
            report = run(options, ctx)
        finish(report, out)
