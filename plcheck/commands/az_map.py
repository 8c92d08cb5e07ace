"""``plcheck az-map``: zone names and AZ IDs of several accounts, side by side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

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
from plcheck.errors import AwsCallError
from plcheck.facts.zones import AccountZones, ServiceZones
from plcheck.model import FailOn, Finding, View
from plcheck.report import Format

if TYPE_CHECKING:  # the AWS layer is imported only when a command runs
    from plcheck.aws import AwsContext, Scope


@dataclass(frozen=True)
class ScopeResult:
    """What one account and region yielded."""

    label: str
    """How the user named the account."""
    region: str
    """The region read."""
    zones: AccountZones | None
    """Its zones, when they could be read."""
    service: ServiceZones | None
    """The endpoint service as it sees it, with --service."""
    error: AwsCallError | None
    """Why it could not be read."""


def gather(ctx: AwsContext, scopes: list[Scope], service: str | None) -> list[ScopeResult]:
    """Per scope, concurrently: caller identity, zones and (with a service) its zones."""
    from plcheck.aws.zones import account_zones, service_zones

    def one(scope: Scope) -> ScopeResult:
        region = ctx.region(scope)
        account, listed = ctx.gather(
            [
                lambda: ctx.account_id(scope),
                lambda: ctx.call(scope, "ec2", "describe_availability_zones"),
            ]
        )
        if account.error or listed.error:
            return ScopeResult(scope.label, region, None, None, account.error or listed.error)
        zones = account_zones(ctx, scope, str(account.get()))  # served from the call cache
        seen = None
        if service:
            try:
                seen = service_zones(ctx, scope, service)
            except AwsCallError as exc:
                return ScopeResult(scope.label, region, zones, None, exc)
        return ScopeResult(scope.label, region, zones, seen, None)

    # Each scope's calls are independent of every other scope's.
    outcomes = ctx.gather([lambda s=s: one(s) for s in scopes])  # type: ignore[misc]
    return [o.get() for o in outcomes]


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
        zone_ids = sorted({z for m in inverse for z in m}, key=_zone_id_order)
        inv_rows = []
        for zone_id in zone_ids:
            cells = []
            for r, m in zip(in_region, inverse, strict=True):
                name = m.get(zone_id, "—")
                if service and r.service is not None:
                    if not r.service.visible:
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


def _zone_id_order(zone_id: str) -> tuple[str, int]:
    prefix, _, number = zone_id.rpartition("-az")
    return (prefix, int(number) if number.isdigit() else 0)


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
                help="Mark the AZ IDs this endpoint service is offered in.",
                show_default=False,
            ),
        ] = None,
        role_arn: RoleArnOption = None,
        external_id: ExternalIdOption = None,
        fmt: FormatOption = Format.TABLE,
        output: OutputOption = None,
        fail_on: FailOnOption = FailOn.FAIL,
    ) -> None:
        """Map AZ names to AZ IDs for each account, side by side; warn where a name differs."""
        from plcheck.aws import AwsContext, Scope

        with AwsContext() as ctx:
            profiles: list[str | None] = [*profile] if profile else [None]
            regions: list[str | None] = [*region] if region else [None]
            scopes = [
                Scope(profile=p, region=r, role_arn=role_arn, external_id=external_id)
                for p in profiles
                for r in regions
            ]
            results = gather(ctx, scopes, service)
        finish(
            "az-map",
            judge(results),
            OutputOptions(fmt, output, fail_on),
            views(results, service),
        )
