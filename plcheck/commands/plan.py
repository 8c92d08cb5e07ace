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
        provider_profile: Annotated[
            list[str] | None,
            typer.Option(
                "--provider-profile",
                metavar="ALIAS=PROFILE",
                help="The profile that reaches a provider alias's account (repeatable), "
                "e.g. consumer=prod-network.",
                show_default=False,
            ),
        ] = None,
        config: Annotated[
            Path | None,
            typer.Option(
                "--config",
                "-c",
                metavar="FILE",
                help="plcheck.toml: its [[ignore]] entries and [plan.providers] alias map.",
                dir_okay=False,
                show_default=False,
            ),
        ] = None,
        tf_dir: Annotated[
            Path | None,
            typer.Option(
                "--tf-dir",
                metavar="DIR",
                help="The root module's directory, to name each finding's .tf file and line "
                "[default: the current directory].",
                file_okay=False,
                show_default=False,
            ),
        ] = None,
        aws_timeout: AwsTimeoutOption = None,
        *,
        out: OutputOptions,
    ) -> None:
        """Check a Terraform plan's PrivateLink resources against their live accounts, before apply.

        PLAN_FILE is `-` to read standard input.
        """
        from plcheck.aws import AwsContext, Scope
        from plcheck.gate import config as gate_config
        from plcheck.gate import terraform
        from plcheck.runs.plan import PlanOptions, run
        from plcheck.runs.plan_accounts import parse_mapping

        mapped = parse_mapping(provider_profile or ())
        loaded = gate_config.load_plan(config) if config is not None else None
        profiles: dict[str, Scope] = {}
        if loaded is not None:
            for alias, account in loaded.plan_providers.items():
                profiles[alias] = Scope(
                    profile=account.profile,
                    region=account.region,
                    role_arn=account.role_arn,
                    external_id=account.external_id,
                )
        for alias, name in mapped.items():  # the command line wins over the file
            profiles[alias] = Scope(profile=name, region=profiles.get(alias, Scope()).region)
        options = PlanOptions(
            plan=terraform.read(str(plan_file)),
            scope=Scope(profile=profile, region=region, role_arn=role_arn, external_id=external_id),
            profiles=profiles,
            ignores=loaded.ignores if loaded is not None else (),
            config_source=str(config) if config is not None else "",
            tf_dir=tf_dir,
        )
        with AwsContext(aws_settings(aws_timeout)) as ctx:
            report = run(options, ctx)
        finish(report, out)
