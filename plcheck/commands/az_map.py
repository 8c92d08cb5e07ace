"""``plcheck az-map``: zone names and AZ IDs of several accounts, side by side.

Accounts come from ``--profile`` (repeatable) or, with ``--org``, from the AWS
Organization the profile manages: every ACTIVE account is entered through
``--org-role``. Every account is read concurrently (two calls each); an account
that cannot be read becomes an ``error`` finding and the others are still mapped.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from plcheck.checks import az_id_mapping
from plcheck.commands.common import (
    ExternalIdOption,
    FailOnOption,
    FormatOption,
    OutputOption,
    OutputOptions,
    ProfilesOption,
    RegionsOption,
    RoleArnOption,
    error_finding,
    finish,
)
from plcheck.errors import AwsCallError, UsageError
from plcheck.facts.consumer import ServiceDetail
from plcheck.facts.zones import AccountZones, zone_id_order
from plcheck.model import FailOn, Finding, View
from plcheck.report import Format
from plcheck.service_names import region_in_service_name

if TYPE_CHECKING:  # the AWS layer is imported only when a command runs
    from plcheck.aws import AwsContext, Scope

#: Calls one account's reading can have in flight at once (caller identity and zones).
CALLS_PER_ACCOUNT = 2

#: The role AWS Organizations creates in the accounts it creates (``plcheck.aws.org``).
ORG_ROLE = "OrganizationAccountAccessRole"


@dataclass(frozen=True)
class ScopeResult:
    """What one account and region yielded."""

    label: str
    """How the user named the account."""
    region: str
    """The region read."""
    zones: AccountZones | None
    """Its zones, when they could be read."""
    service: ServiceDetail | None
    """The endpoint service as it sees it, with --service; None when it cannot see it."""
    error: AwsCallError | None
    """Why it could not be read."""
    account: str = ""
    """The account ID when known beforehand (``--org``)."""


def gather(
    ctx: AwsContext,
    scopes: list[Scope],
    service: str | None,
    labels: Sequence[str] | None = None,
    on_done: Callable[[ScopeResult], None] | None = None,
) -> list[ScopeResult]:
    """Per scope, concurrently: caller identity, zones and (with a service) its zones.

    ``labels`` name the scopes in the report (default: the scope's profile);
    ``on_done`` is called as each scope finishes (for a progress bar).
    """
    names = list(labels) if labels is not None else [s.label for s in scopes]

    def one(scope: Scope, label: str) -> ScopeResult:
        result = _read(ctx, scope, label, service)
        if on_done is not None:
            on_done(result)
        return result

    # Each scope's calls are independent of every other scope's.
    outcomes = ctx.gather(
        [lambda s=s, n=n: one(s, n) for s, n in zip(scopes, names, strict=True)]  # type: ignore[misc]
    )
    # A failure outside the reads (e.g. building the scope's credentials) is that
    # scope's error; it never costs the other accounts their report.
    return [
        o.get()
        if o.error is None
        else ScopeResult(n, s.region or "", None, None, o.error, _role_account(s.role_arn))
        for s, n, o in zip(scopes, names, outcomes, strict=True)
    ]


def _read(ctx: AwsContext, scope: Scope, label: str, service: str | None) -> ScopeResult:
    """One scope: caller identity, zones and (with a service) the service, all at once."""
    from plcheck.aws.consumer import endpoint_services
    from plcheck.aws.zones import account_zones

    # A role ARN names its account: an account that cannot be entered is still named.
    known = _role_account(scope.role_arn)

    region = ctx.region(scope)
    thunks: list[Callable[[], Any]] = [
        lambda: ctx.account_id(scope),
        lambda: ctx.call(scope, "ec2", "describe_availability_zones"),
    ]
    if service:
        regions = [region_in_service_name(service)]
        thunks.append(lambda: endpoint_services(ctx, scope, [service], regions))
    account, listed, *services = ctx.gather(thunks)
    if account.error or listed.error:
        return ScopeResult(label, region, None, None, account.error or listed.error, known)
    # Served from the call cache.
    zones = dataclasses.replace(account_zones(ctx, scope, str(account.get())), label=label)
    if services and services[0].error:
        return ScopeResult(label, region, zones, None, services[0].error)
    seen = services[0].get().get(service or "") if services else None
    return ScopeResult(label, region, zones, seen, None)


def _role_account(role_arn: str | None) -> str:
    parts = (role_arn or "").split(":")
    return parts[4] if len(parts) > 5 else ""


def judge(results: list[ScopeResult]) -> list[Finding]:
    """az-id-mapping over every account read, plus an error per account that was not."""
    readable = [r.zones for r in results if r.zones is not None]
    findings = az_id_mapping.judge(readable) if readable else []
    for result in results:
        if result.error is not None:
            findings.append(
                error_finding(
                    az_id_mapping.SPEC,
                    result.label,
                    result.error,
                    account=result.account,
                    region=result.region,
                )
            )
    return findings


def views(results: list[ScopeResult], service: str | None) -> list[View]:
    """The name → ID table and the inverse ID → name table, per region."""
    out: list[View] = []
    readable = [r for r in results if r.zones is not None]
    for region in sorted({r.zones.region for r in readable if r.zones}):
        in_region = [r for r in readable if r.zones and r.zones.region == region]
        heads = tuple(f"{r.label} ({r.zones.account})" for r in in_region if r.zones)
        maps = [r.zones.name_to_id for r in in_region if r.zones]
        names = sorted({n for m in maps for n in m})
        rows, highlight = [], set()
        for i, name in enumerate(names):
            ids = [m.get(name, "—") for m in maps]
            differs = len({x for x in ids if x != "—"}) > 1
            if differs:
                highlight.add(i)
            rows.append((name, *ids, "DIFFERENT" if differs else "same"))
        out.append(
            View(
                title=f"AZ name → AZ ID, {region}",
                columns=("Zone name", *heads, "Across accounts"),
                rows=tuple(rows),
                highlight=frozenset(highlight),
                note="A name marked DIFFERENT is a different physical zone in each account.",
            )
        )
        inverse = [r.zones.id_to_name for r in in_region if r.zones]
        zone_ids = sorted({z for m in inverse for z in m}, key=zone_id_order)
        inv_rows = []
        for zone_id in zone_ids:
            cells = []
            for r, m in zip(in_region, inverse, strict=True):
                name = m.get(zone_id, "—")
                if service and r.error is None:
                    if r.service is None:
                        name += " (service not visible)"
                    elif zone_id in r.service.zone_ids:
                        name += " ✓ service"
                cells.append(name)
            inv_rows.append((zone_id, *cells))
        out.append(
            View(
                title=f"AZ ID → zone name in each account, {region}",
                columns=("AZ ID", *heads),
                rows=tuple(inv_rows),
                note=f"✓ service: {service} is offered in that zone." if service else "",
            )
        )
    return out


def gather_org(
    ctx: AwsContext,
    base: Scope,
    regions: Sequence[str | None],
    service: str | None,
    role: str = ORG_ROLE,
    progress: bool = False,
    widen: bool = True,
) -> list[ScopeResult]:
    """Every ACTIVE account of the organization ``base`` manages, entered through ``role``.

    The listing failing is one error result; an account that cannot be entered is an
    error result of its own and the others are still read. ``widen`` lets the pool
    grow to read every account at once (AWS throttles per account).
    """
    from plcheck.aws.org import member_scope, organization

    try:
        org = organization(ctx, base)
    except AwsCallError as exc:
        region = base.region or ctx.region(base)
        return [ScopeResult(base.label, region, None, None, exc)]
    members = org.active
    scopes = [
        dataclasses.replace(member_scope(base, org, a, role), region=r)
        for a in members
        for r in regions
    ]
    labels = [a.name for a in members for _ in regions]
    if widen:
        ctx.ensure_workers(CALLS_PER_ACCOUNT * len(scopes))
    with _progress_bar(len(scopes), progress) as advance:
        return gather(ctx, scopes, service, labels=labels, on_done=advance)


def explicit_workers() -> bool:
    """Whether the user bounded concurrency (``--max-workers`` or ``PLCHECK_MAX_WORKERS``)."""
    import os

    from plcheck.aws.context import MAX_WORKERS_ENV

    return bool(os.environ.get(MAX_WORKERS_ENV, "").strip())


@contextmanager
def _progress_bar(total: int, enabled: bool) -> Iterator[Callable[[ScopeResult], None]]:
    """A progress bar on stderr (only when enabled), advanced once per account read."""
    if not enabled:
        yield lambda _result: None
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
        task = bar.add_task("accounts", total=total)
        yield lambda _result: bar.advance(task)


def register(app: typer.Typer) -> None:
    @app.command("az-map")
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
        fmt: FormatOption = Format.TABLE,
        output: OutputOption = None,
        fail_on: FailOnOption = FailOn.FAIL,
    ) -> None:
        """Map AZ names to AZ IDs for each account, side by side; warn where a name differs."""
        if org and (role_arn or external_id):
            raise UsageError("--org enters each account through --org-role, not --role-arn")
        if org and profile and len(profile) > 1:
            raise UsageError("--org takes one --profile: the organization's management account")
        if not re.fullmatch(r"[\w+=,.@/-]{1,64}", org_role):
            raise UsageError(f"malformed IAM role name {org_role!r}")
        from plcheck.aws import AwsContext, AwsSettings, Scope

        profiles: list[str | None] = [*profile] if profile else [None]
        regions: list[str | None] = [*region] if region else [None]
        widen = max_workers is None and not explicit_workers()
        with AwsContext(AwsSettings.from_env(max_workers=max_workers)) as ctx:
            if org:
                progress = fmt is Format.TABLE and output is None and sys.stderr.isatty()
                base = Scope(profile=profiles[0], region=regions[0])
                results = gather_org(ctx, base, regions, service, org_role, progress, widen)
            else:
                scopes = [
                    Scope(profile=p, region=r, role_arn=role_arn, external_id=external_id)
                    for p in profiles
                    for r in regions
                ]
                if widen:
                    ctx.ensure_workers(CALLS_PER_ACCOUNT * len(scopes))
                results = gather(ctx, scopes, service)
        finish(
            "az-map",
            judge(results),
            OutputOptions(fmt, output, fail_on),
            views(results, service),
        )
