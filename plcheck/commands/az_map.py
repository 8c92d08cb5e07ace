"""``plcheck az-map``: the Typer adapter of :mod:`plcheck.runs.az_map`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from plcheck.commands.common import (
    AwsTimeoutOption,
    ExternalIdOption,
    OutputOptions,
    ProfilesOption,
    RegionsOption,
    RoleArnOption,
    aws_settings,
    finish,
    reporting,
)
from plcheck.report import Format
from plcheck.runs.az_map import ORG_ROLE

if TYPE_CHECKING:
    from plcheck.facts.az_map import ScopeResult


def explicit_workers() -> bool:
    """Whether the user bounded concurrency (``--max-workers`` or ``PLCHECK_MAX_WORKERS``)."""
    import os

    from plcheck.aws.context import MAX_WORKERS_ENV

    return bool(os.environ.get(MAX_WORKERS_ENV, "").strip())


@contextmanager
def _progress_bar(
    enabled: bool,
) -> Iterator[tuple[Callable[[int], None], Callable[[ScopeResult], None]]]:
    """A progress bar on stderr (only when enabled), advanced once per account read.

    Its total grows as each page of the organization's accounts is listed.
    """
    if not enabled:
        yield (lambda _total: None), (lambda _result: None)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("Reading accounts"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("accounts", total=None)
        yield (lambda total: bar.update(task, total=total)), (lambda _result: bar.advance(task))


def register(app: typer.Typer) -> None:
    @app.command("az-map")
    @reporting("az-map")
    def az_map(
        profile: ProfilesOption = None,
        region: RegionsOption = None,
        service: Annotated[
            str | None,
            typer.Option(
                "--service",
                "-s",
                metavar="SERVICE",
                help="Mark the AZ IDs this endpoint service is offered in.",
                show_default=False,
            ),
        ] = None,
        role_arn: RoleArnOption = None,
        external_id: ExternalIdOption = None,
        org: Annotated[
            bool,
            typer.Option(
                "--org",
                help="Map every ACTIVE account of the AWS Organization the profile manages "
                "(management or delegated administrator account).",
            ),
        ] = False,
        org_role: Annotated[
            str,
            typer.Option(
                "--org-role",
                help="With --org: the role to assume in each account.",
                metavar="NAME",
            ),
        ] = ORG_ROLE,
        max_workers: Annotated[
            int | None,
            typer.Option(
                "--max-workers",
                metavar="N",
                min=1,
                help="AWS calls in flight at once (default: 2 per account, at most 32; "
                "or PLCHECK_MAX_WORKERS).",
                show_default=False,
            ),
        ] = None,
        aws_timeout: AwsTimeoutOption = None,
        *,
        out: OutputOptions,
    ) -> None:
        """Map AZ names to AZ IDs for each account, side by side; warn where a name differs."""
        from plcheck.aws import AwsContext, Scope
        from plcheck.runs.az_map import AzMapOptions, run

        profiles: list[str | None] = [*profile] if profile else [None]
        regions: list[str | None] = [*region] if region else [None]
        scopes = tuple(
            Scope(profile=p, region=r, role_arn=role_arn, external_id=external_id)
            for p in profiles
            for r in (regions[:1] if org else regions)
        )
        options = AzMapOptions(
            scopes=scopes,
            regions=tuple(regions),
            service=service,
            org=org,
            org_role=org_role,
            widen=max_workers is None and not explicit_workers(),
        )
        progress = org and out.format is Format.TABLE and out.output is None and sys.stderr.isatty()
        with (
            # rich runs one live display at a time: the progress bar, or the slow-call status.
            AwsContext(
                aws_settings(aws_timeout, status=not progress, max_workers=max_workers)
            ) as ctx,
            _progress_bar(progress) as (count, advance),
        ):
            result = run(options, ctx, on_done=advance, on_count=count)
        finish(result, out)
