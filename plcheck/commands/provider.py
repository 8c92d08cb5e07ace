"""``plcheck provider [SERVICE]``: the Typer adapter of :mod:`plcheck.runs.provider`."""

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
    @app.command("provider")
    @reporting("provider")
    def provider(
        service: Annotated[
            str | None,
            typer.Argument(
                metavar="[SERVICE]",
                help="Endpoint service ID (vpce-svc-…) or name; default: every service "
                "the account owns in the region.",
                show_default=False,
            ),
        ] = None,
        profile: ProfileOption = None,
        region: RegionOption = None,
        consumer_account: Annotated[
            list[str] | None,
            typer.Option(
                "--consumer-account",
                metavar="ACCOUNT_ID",
                help="A consumer account that must be allowed (repeatable).",
                show_default=False,
            ),
        ] = None,
        consumer_region: Annotated[
            list[str] | None,
            typer.Option(
                "--consumer-region",
                metavar="REGION",
                help="A region consumers connect from (repeatable).",
                show_default=False,
            ),
        ] = None,
        resolver: Annotated[
            str | None,
            typer.Option(
                "--resolver",
                metavar="IP[:PORT]",
                help="Look up the verification TXT record with this resolver (IP[:PORT]) "
                "instead of the system's.",
                show_default=False,
            ),
        ] = None,
        dns_timeout: Annotated[
            float,
            typer.Option("--dns-timeout", metavar="SECONDS", help="Seconds for each TXT lookup."),
        ] = 5.0,
        role_arn: RoleArnOption = None,
        external_id: ExternalIdOption = None,
        consumer_principal: Annotated[
            list[str] | None,
            typer.Option(
                "--consumer-principal",
                metavar="ARN",
                help="An IAM role or user ARN that will create the endpoint: judged exactly "
                "against the allowed principals (repeatable).",
                show_default=False,
            ),
        ] = None,
        client_cidr: Annotated[
            list[str] | None,
            typer.Option(
                "--client-cidr",
                metavar="CIDR",
                help="A CIDR the consumers' clients connect from, which the NLB's security "
                "groups must admit when they filter PrivateLink traffic (repeatable).",
                show_default=False,
            ),
        ] = None,
        aws_timeout: AwsTimeoutOption = None,
        *,
        out: OutputOptions,
    ) -> None:
        """Preflight endpoint services from the provider's account: zones, NLBs, DNS, access."""
        from plcheck.aws import AwsContext, Scope
        from plcheck.runs.provider import ProviderOptions, run

        options = ProviderOptions(
            service=service,
            scope=Scope(profile=profile, region=region, role_arn=role_arn, external_id=external_id),
            consumer_accounts=tuple(consumer_account or ()),
            consumer_regions=tuple(consumer_region or ()),
            resolver=resolver,
            dns_timeout=dns_timeout,
            consumer_principals=tuple(consumer_principal or ()),
            client_cidrs=tuple(client_cidr or ()),
        )
        with AwsContext(aws_settings(aws_timeout)) as ctx:
            report = run(options, ctx)
        finish(report, out)
