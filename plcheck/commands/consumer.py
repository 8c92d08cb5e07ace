"""``plcheck consumer VPC_ID``: the Typer adapter of :mod:`plcheck.runs.consumer`."""

from __future__ import annotations

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
    @app.command("consumer")
    @reporting("consumer")
    def consumer(
        vpc_id: Annotated[
            str,
            typer.Argument(metavar="VPC_ID", help="The consumer VPC (vpc-…).", show_default=False),
        ],
        profile: ProfileOption = None,
        region: RegionOption = None,
        service: Annotated[
            list[str] | None,
            typer.Option(
                "--service",
                "-s",
                metavar="SERVICE",
                help="Endpoint service name to check (repeatable); planned if the VPC has "
                "no endpoint to it yet.",
                show_default=False,
            ),
        ] = None,
        subnet: Annotated[
            list[str] | None,
            typer.Option(
                "--subnet",
                metavar="SUBNET_ID",
                help="Planned endpoint subnet (repeatable; default: every subnet of the VPC).",
                show_default=False,
            ),
        ] = None,
        security_group: Annotated[
            list[str] | None,
            typer.Option(
                "--security-group",
                metavar="SG_ID",
                help="Planned endpoint security group (repeatable; default: the VPC's default).",
                show_default=False,
            ),
        ] = None,
        port: Annotated[
            list[int] | None,
            typer.Option(
                "--port",
                metavar="PORT",
                help="TCP port clients use (repeatable; default 443).",
                show_default=False,
            ),
        ] = None,
        role_arn: RoleArnOption = None,
        external_id: ExternalIdOption = None,
        aws_timeout: AwsTimeoutOption = None,
        *,
        out: OutputOptions,
    ) -> None:
        """Preflight a consumer VPC and its interface endpoints, before and after they exist."""
        from plcheck.aws import AwsContext, Scope
        from plcheck.runs.consumer import DEFAULT_PORT, ConsumerOptions, run, validate

        options = ConsumerOptions(
            vpc_id=vpc_id,
            services=tuple(dict.fromkeys(service or [])),
            subnets=tuple(dict.fromkeys(subnet or [])),
            security_groups=tuple(dict.fromkeys(security_group or [])),
            ports=tuple(dict.fromkeys(port or [DEFAULT_PORT])),
            scope=Scope(profile=profile, region=region, role_arn=role_arn, external_id=external_id),
        )
        validate(options)
        with AwsContext(aws_settings(aws_timeout)) as ctx:
            report = run(options, ctx)
        finish(report, out)
