"""``plcheck probe HOSTNAME``: the Typer adapter of :mod:`plcheck.runs.probe`."""

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
    @app.command("probe")
    @reporting("probe")
    def probe(
        hostname: Annotated[
            str,
            typer.Argument(
                metavar="HOSTNAME",
                help="The name clients use, e.g. api.example.com; HOST:PORT and https:// URLs "
                "give the port too.",
            ),
        ],
        port: Annotated[
            int | None,
            typer.Option(
                "--port",
                metavar="PORT",
                help="TCP port (default: the one in HOSTNAME, else 443).",
                show_default=False,
            ),
        ] = None,
        resolver: Annotated[
            str | None,
            typer.Option(
                "--resolver",
                metavar="IP[:PORT]",
                help="Ask this resolver (IP[:PORT]) instead of the system's.",
                show_default=False,
            ),
        ] = None,
        endpoint: Annotated[
            str | None,
            typer.Option(
                "--endpoint",
                "-e",
                metavar="VPCE_ID",
                help="Interface endpoint (vpce-...): probe its DNS names too and compare every "
                "answer with its network interfaces' IPs.",
                show_default=False,
            ),
        ] = None,
        profile: ProfileOption = None,
        region: RegionOption = None,
        role_arn: RoleArnOption = None,
        external_id: ExternalIdOption = None,
        ca_bundle: Annotated[
            Path | None,
            typer.Option(
                "--ca-bundle",
                metavar="FILE",
                help="Verify against the CAs in this PEM file instead of the system trust store.",
                show_default=False,
            ),
        ] = None,
        insecure: Annotated[
            bool,
            typer.Option(
                "--insecure", "-k", help="Report certificate problems as warnings (like curl -k)."
            ),
        ] = False,
        sni: Annotated[
            str | None,
            typer.Option(
                "--sni",
                metavar="NAME",
                help="Server name to send and check certificates against (default: HOSTNAME).",
                show_default=False,
            ),
        ] = None,
        timeout: Annotated[
            float,
            typer.Option(
                "--timeout",
                metavar="SECONDS",
                help="Seconds for each lookup, connect and handshake.",
            ),
        ] = 5.0,
        aws_timeout: AwsTimeoutOption = None,
        *,
        out: OutputOptions,
    ) -> None:
        """Resolve, connect and handshake with every address of HOSTNAME, from here."""
        from plcheck.aws import AwsContext, Scope
        from plcheck.runs.probe import ProbeOptions, run, validate

        options = ProbeOptions(
            hostname=hostname,
            port=port,
            resolver=resolver,
            endpoint=endpoint,
            scope=Scope(profile=profile, region=region, role_arn=role_arn, external_id=external_id),
            ca_bundle=ca_bundle,
            insecure=insecure,
            sni=sni,
            timeout=timeout,
        )
        validate(options)  # a bad --timeout is named as such, before it bounds the AWS calls
        # --timeout bounds the endpoint's AWS calls too, unless --aws-timeout says otherwise.
        settings = aws_settings(aws_timeout if aws_timeout is not None else timeout)
        with AwsContext(settings) as ctx:
            report = run(options, ctx)
        finish(report, out)
