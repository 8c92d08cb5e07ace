"""``plcheck plan``: check a Terraform plan's PrivateLink resources before ``terraform apply``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plcheck.commands.common import (
    ExternalIdOption,
    FailOnOption,
    FormatOption,
    OutputOption,
    OutputOptions,
    ProfileOption,
    RegionOption,
    RoleArnOption,
)
from plcheck.gate.output import ReportsOption, finish_with_reports, parse_reports
from plcheck.model import FailOn, Finding, View
from plcheck.report import Format

if TYPE_CHECKING:
    from plcheck.aws import AwsContext, Scope
    from plcheck.gate.terraform import TerraformPlan


def run(ctx: AwsContext, scope: Scope, plan: TerraformPlan) -> list[Finding]:
    """Every finding for ``plan``, judged against the account ``scope`` reaches."""
    from plcheck.gate import planned

    return planned.run(ctx, scope, plan)


def views(plan: TerraformPlan) -> list[View]:
    """The plan's interface endpoints as Terraform will create them."""
    from plcheck.gate.terraform import Unknown

    def cell(value: object) -> str:
        if isinstance(value, Unknown):
            return "(known after apply)"
        if isinstance(value, tuple):
            return ", ".join(value) or "—"
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value) or "—"

    if not plan.endpoints:
        return []
    rows = tuple(
        (
            e.address,
            "/".join(e.actions),
            _short(cell(e.service_name)),
            cell(e.vpc_id),
            cell(e.subnet_ids),
            cell(e.private_dns_enabled),
        )
        for e in plan.endpoints
    )
    skipped = "; ".join(f"{a}: {why}" for a, why in plan.skipped)
    return [
        View(
            title=f"Planned interface endpoints ({plan.path.name})",
            columns=("Address", "Action", "Service", "VPC", "Subnets", "Private DNS"),
            rows=rows,
            note=f"Not checked: {skipped}" if skipped else "",
        )
    ]


def _short(service_name: str) -> str:
    """``vpce-svc-…`` rather than the whole ``com.amazonaws.vpce.REGION.vpce-svc-…``."""
    return service_name.rsplit(".", 1)[-1] if ".vpce-svc-" in service_name else service_name


def register(app: typer.Typer) -> None:
    @app.command("plan")
    def plan_command(
        plan_file: Annotated[
            Path,
            typer.Argument(
                help="`terraform show -json PLANFILE` output.", dir_okay=False, show_default=False
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
        from plcheck.aws import AwsContext, Scope
        from plcheck.gate import terraform

        extra = parse_reports(report or [])
        plan = terraform.load(plan_file)
        scope = Scope(
            profile=profile,
            region=region or plan.region,
            role_arn=role_arn,
            external_id=external_id,
        )
        with AwsContext() as ctx:
            findings = run(ctx, scope, plan)
        finish_with_reports(
            "plan",
            findings,
            OutputOptions(fmt, output, fail_on),
            views(plan),
            source=str(plan_file),
            reports=extra,
        )
