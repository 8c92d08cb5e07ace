"""The az-map run: zone names and AZ IDs of several accounts, side by side.

Accounts come from profiles or, with ``org``, from the AWS Organization the
profile manages: every ACTIVE account is entered through the organization role.
Every account is read concurrently (two calls each); an account that cannot be
read becomes an ``error`` finding and the others are still mapped.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from plcheck.aws.credentials import role_account
from plcheck.aws.org import DEFAULT_ORG_ROLE
from plcheck.checks import framework
from plcheck.errors import AwsCallError, UsageError
from plcheck.facts.az_map import AzMapFacts, ScopeResult
from plcheck.facts.zones import zone_id_order
from plcheck.model import Report, View
from plcheck.service_names import is_service_name, region_in_service_name

if TYPE_CHECKING:  # the AWS layer is imported only when a run reaches AWS
    from plcheck.aws import AwsContext, Scope
    from plcheck.aws.context import Started

#: Calls one account's reading can have in flight at once (caller identity and zones).
CALLS_PER_ACCOUNT = 2

#: The role AWS Organizations creates in the accounts it creates.
ORG_ROLE = DEFAULT_ORG_ROLE


@dataclass(frozen=True)
class AzMapOptions:
    """Which accounts and regions to map."""

    scopes: tuple[Scope, ...]
    """The accounts (and regions) to read; with ``org``, the management account only."""
    regions: tuple[str | None, ...] = (None,)
    """With ``org``: the regions to read in every member account."""
    service: str | None = None
    """An endpoint service whose zones to mark."""
    org: bool = False
    """Map every ACTIVE account of the organization the first scope manages."""
    org_role: str = ORG_ROLE
    """With ``org``: the role to assume in each member account."""
    widen: bool = True
    """Let the pool grow to read every account at once (AWS throttles per account)."""


def validate(options: AzMapOptions) -> None:
    """Usage errors (exit 2) before any call."""
    if options.org and any(s.role_arn or s.external_id for s in options.scopes):
        raise UsageError("--org enters each account through --org-role, not --role-arn")
    if options.org and len({s.profile for s in options.scopes}) > 1:
        raise UsageError("--org takes one --profile: the organization's management account")
    if not re.fullmatch(r"[\w+=,.@/-]{1,64}", options.org_role):
        raise UsageError(f"malformed IAM role name {options.org_role!r}")
    if options.service is not None and not is_service_name(options.service):
        raise UsageError(
            f"malformed endpoint service name {options.service!r}: expected "
            "com.amazonaws.vpce.REGION.vpce-svc-… (the name, not the service ID)"
        )


def gather(
    ctx: AwsContext,
    scopes: Sequence[Scope],
    service: str | None,
    labels: Sequence[str] | None = None,
    on_done: Callable[[ScopeResult], None] | None = None,
) -> list[ScopeResult]:
    """Per scope, concurrently: caller identity, zones and (with a service) its zones.

    ``labels`` name the scopes in the report (default: the scope's profile);
    ``on_done`` is called as each scope finishes (for a progress bar).
    """
    return _start(ctx, scopes, service, labels, on_done).results()


@dataclass(frozen=True)
class _Reads:
    """Scopes whose reads are under way."""

    scopes: Sequence[Scope]
    labels: Sequence[str]
    started: Started[ScopeResult]

    def results(self) -> list[ScopeResult]:
        # A failure outside the reads (e.g. building the scope's credentials) is that
        # scope's error; it never costs the other accounts their report.
        return [
            o.get()
            if o.error is None
            else ScopeResult(n, s.region or "", None, None, o.error, role_account(s.role_arn))
            for s, n, o in zip(self.scopes, self.labels, self.started.outcomes(), strict=True)
        ]


def _start(
    ctx: AwsContext,
    scopes: Sequence[Scope],
    service: str | None,
    labels: Sequence[str] | None,
    on_done: Callable[[ScopeResult], None] | None,
) -> _Reads:
    names = list(labels) if labels is not None else [s.label for s in scopes]

    def one(scope: Scope, label: str) -> ScopeResult:
        result = _read(ctx, scope, label, service)
        if on_done is not None:
            on_done(result)
        return result

    # Each scope's calls are independent of every other scope's.
    started = ctx.start(
        [lambda s=s, n=n: one(s, n) for s, n in zip(scopes, names, strict=True)]  # type: ignore[misc]
    )
    return _Reads(scopes, names, started)


def _read(ctx: AwsContext, scope: Scope, label: str, service: str | None) -> ScopeResult:
    """One scope: caller identity, zones and (with a service) the service, all at once."""
    from plcheck.aws.consumer import endpoint_services
    from plcheck.aws.zones import account_zones

    # A role ARN names its account: an account that cannot be entered is still named.
    known = role_account(scope.role_arn)

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
        # The zones were read: the failed lookup is the service check's error, not the account's.
        return ScopeResult(label, region, zones, None, None, service_error=services[0].error)
    seen = services[0].get().get(service or "") if services else None
    return ScopeResult(label, region, zones, seen, None)


def gather_org(
    ctx: AwsContext,
    base: Scope,
    regions: Sequence[str | None],
    service: str | None,
    role: str = ORG_ROLE,
    widen: bool = True,
    on_done: Callable[[ScopeResult], None] | None = None,
    on_count: Callable[[int], None] | None = None,
) -> list[ScopeResult]:
    """Every ACTIVE account of the organization ``base`` manages, entered through ``role``.

    Each page of the listing is read while the next is listed. The listing failing is
    one error result, after the accounts already listed; an account that cannot be
    entered is an error result of its own and the others are still read. ``widen`` lets
    the pool grow to read every account at once (AWS throttles per account).
    ``on_count`` hears how many accounts will be read, growing with each page.
    """
    from plcheck.aws.org import member_scope, organization
    from plcheck.facts.org import OrgAccount, Organization

    batches: list[_Reads] = []
    total = 0

    def read_page(org: Organization, accounts: tuple[OrgAccount, ...]) -> None:
        # Each page's accounts are read while the next page is listed.
        nonlocal total
        active = [a for a in accounts if a.status == "ACTIVE"]
        scopes = [
            dataclasses.replace(member_scope(base, org, a, role), region=r)
            for a in active
            for r in regions
        ]
        total += len(scopes)
        if widen:
            ctx.ensure_workers(CALLS_PER_ACCOUNT * total)
        if on_count is not None:
            on_count(total)
        labels = [a.name for a in active for _ in regions]
        batches.append(_start(ctx, scopes, service, labels, on_done))

    failed: list[ScopeResult] = []
    try:
        organization(ctx, base, read_page)
    except AwsCallError as exc:
        # The accounts of the pages listed before the failure are still reported.
        region = base.region or ctx.region(base)
        failed.append(ScopeResult(base.label, region, None, None, exc))
    return [result for batch in batches for result in batch.results()] + failed


def views(facts: AzMapFacts) -> list[View]:
    """The name → ID table and the inverse ID → name table, per region."""
    service = facts.service
    out: list[View] = []
    readable = [r for r in facts.results if r.zones is not None]
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
                    if r.service_error is not None:
                        name += " (service unread)"
                    elif r.service is None:
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
                note=_legend(service, in_region),
            )
        )
    return out


def _legend(service: str | None, results: Sequence[ScopeResult]) -> str:
    """The inverse table's note: what ✓ service means, and only when someone sees it."""
    if not service:
        return ""
    if not any(r.service is not None for r in results):
        return f"{service} is visible to no account here: the zones it is offered in are unknown."
    return f"✓ service: {service} is offered in that zone."


def run(
    options: AzMapOptions,
    ctx: AwsContext,
    on_done: Callable[[ScopeResult], None] | None = None,
    on_count: Callable[[int], None] | None = None,
) -> Report:
    """Read every account, judge the names and lay out the maps."""
    validate(options)
    if options.org:
        results = gather_org(
            ctx,
            options.scopes[0],
            options.regions,
            options.service,
            options.org_role,
            options.widen,
            on_done,
            on_count,
        )
    else:
        if options.widen:
            ctx.ensure_workers(CALLS_PER_ACCOUNT * len(options.scopes))
        results = gather(ctx, options.scopes, options.service, on_done=on_done)
    facts = AzMapFacts(tuple(results), options.service)
    findings = framework.judge("az-map", "accounts", facts)
    return Report("az-map", tuple(findings), views=tuple(views(facts)))
