"""``plcheck provider [SERVICE]``: the Typer adapter of :mod:`plcheck.runs.provider`."""

from __future__ import annotations

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
    @app.command("provider")
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
        fmt: FormatOption = Format.TABLE,
        output: OutputOption = None,
        fail_on: FailOnOption = FailOn.FAIL,
        report: ReportsOption = None,
    ) -> None:
        """Preflight endpoint services from the provider's account: zones, NLBs, DNS, access."""
        from plcheck.aws import Scope
        from plcheck.runs.provider import ProviderOptions, run

        out = OutputOptions(fmt, output, fail_on, parse_reports(report))
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
        finish(run(options), out)
