"""The plan run: a Terraform plan's PrivateLink resources, judged before ``terraform apply``.

Options → gather and judge each account's resources (:mod:`plcheck.runs.planned`,
one scope per provider alias and Region, :mod:`plcheck.runs.plan_accounts`) →
the plan-level check (``plan-nothing-checked``) → ignores from plcheck.toml → each
finding's ``.tf`` location → views.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from plcheck.model import Finding, Location, Report, View
from plcheck.spool import FindingSpool

if TYPE_CHECKING:
    from collections.abc import Callable

    from plcheck.aws import AwsContext, Scope
    from plcheck.gate.terraform import PlannedEndpoint, TerraformPlan
    from plcheck.gate.topology import Ignore

#: Rows of the planned-endpoints view; the JSON report and the findings have them all.
VIEW_ROWS = 200


def _default_scope() -> Scope:
    from plcheck.aws import Scope

    return Scope()


@dataclass(frozen=True)
class PlanOptions:
    """A loaded plan and the accounts its resources are judged in."""

    plan: TerraformPlan
    """The plan (``terraform show -json``)."""
    scope: Scope = field(default_factory=_default_scope)
    """The account of the default ``aws`` provider; its region defaults to the provider's."""
    profiles: Mapping[str, Scope] = field(default_factory=dict)
    """Provider alias (or ``module.x:aws`` key) → the scope that reaches its account."""
    ignores: tuple[Ignore, ...] = ()
    """``[[ignore]]`` entries of plcheck.toml."""
    config_source: str = ""
    """The plcheck.toml the ignores come from (for their details)."""
    tf_dir: Path | None = None
    """The root module's directory, to locate each resource's block (default: cwd)."""
    today: dt.date | None = None
    """The date ignores expire against (default: today)."""


def run(options: PlanOptions, ctx: AwsContext | None = None) -> Report:
    """Every finding for the plan, each judged against its own account."""
    from plcheck.aws import AwsContext
    from plcheck.checks import framework
    from plcheck.facts.plan import PlanCoverage
    from plcheck.gate import ignores

    plan = options.plan
    findings = FindingSpool()  # a large plan's findings are many: held compressed
    grids: list[View] = []
    if plan.endpoints or plan.services:  # a plan without either needs no AWS call
        if ctx is None:
            with AwsContext() as own:
                findings, grids = _judged(own, options)
        else:
            findings, grids = _judged(ctx, options)
    # What was judged: the endpoints and services (subnets or groups alone check nothing).
    judged = (*plan.endpoints, *plan.services)
    read = tuple(sorted(_count(r.type for r in judged).items()))
    rest = () if read else tuple(sorted(_count(r.type for r in plan.resources).items()))
    coverage = PlanCoverage(str(plan.path), read, plan.unread, rest)
    findings.extend(framework.judge("plan", "plan", coverage))
    findings = _located(findings, plan, options.tf_dir)
    if options.ignores:
        findings = FindingSpool(
            ignores.apply(
                findings,
                options.ignores,
                source=options.config_source,
                today=options.today or dt.date.today(),
            )
        )
    return Report("plan", findings, views=(*grids, *views(plan)), source=str(plan.path))


def _judged(ctx: AwsContext, options: PlanOptions) -> tuple[FindingSpool, list[View]]:
    """The consumer side, the provider side, each in its account, then the links between them.

    A link is an endpoint to a service of the same plan. Also the zone grid of every planned
    endpoint whose zones are known before apply.
    """
    from plcheck.runs import planned, planned_links

    plan, scope, profiles = options.plan, options.scope, options.profiles
    side = planned.run(ctx, scope, plan, profiles) if plan.endpoints else planned.ConsumerSide()
    findings = side.findings
    if plan.services:  # the services, then each endpoint joined with its planned service
        findings.extend(planned_links.run(ctx, scope, plan, profiles, side.facts))
    return findings, side.grids


def _count(kinds: object) -> dict[str, int]:
    from collections import Counter

    return dict(Counter(kinds))  # type: ignore[call-overload]


def _located(findings: FindingSpool, plan: TerraformPlan, tf_dir: Path | None) -> FindingSpool:
    """Each finding on a planned resource, with the file and line of its block."""
    from plcheck.gate import tf_source

    if not plan.resources:
        return findings
    where = tf_source.locate(plan, tf_dir)
    if not where:
        return findings
    located = FindingSpool()
    for finding in findings:
        address = _address(finding)
        found = where.get(address) if address else None
        located.append(
            replace(finding, location=Location(found.path, found.line))
            if found is not None and finding.location is None
            else finding
        )
    return located


def _address(finding: Finding) -> str:
    """The planned resource a finding is about: its resource, or the first it names."""
    details = finding.details
    address = details.get("address")
    if isinstance(address, str) and address:
        return address
    addresses = details.get("addresses")
    if isinstance(addresses, list) and addresses:
        return str(addresses[0])
    return finding.resource


def views(plan: TerraformPlan) -> list[View]:
    """The plan's interface endpoints as Terraform will create them; what was not read."""
    from plcheck.gate.terraform import Unknown

    def cell(value: object) -> str:
        if isinstance(value, Unknown):
            return "(known after apply)"
        if isinstance(value, tuple):
            return ", ".join(value) or "—"
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value) or "—"

    found: list[View] = []
    if plan.endpoints:
        shown = plan.endpoints[:VIEW_ROWS]
        rows = tuple(
            (
                e.address,
                "/".join(e.actions),
                e.provider_alias or "default",
                _service(e, plan, cell),
                cell(e.subnet_ids),
                cell(e.private_dns_enabled),
            )
            for e in shown
        )
        notes = []
        if len(plan.endpoints) > len(shown):
            notes.append(
                f"{len(shown)} of {len(plan.endpoints)} endpoints shown; the JSON report "
                "and the findings cover them all."
            )
        if plan.skipped:
            left = "; ".join(f"{a}: {why}" for a, why in plan.skipped[:20])
            more = f" and {len(plan.skipped) - 20} more" if len(plan.skipped) > 20 else ""
            notes.append(f"Not checked: {left}{more}")
        found.append(
            View(
                title=f"Planned interface endpoints ({plan.path.name})",
                columns=("Address", "Action", "Provider", "Service", "Subnets", "Private DNS"),
                rows=rows,
                note=" ".join(notes),
            )
        )
    if plan.unread or plan.data_sources:
        unread = tuple((kind, "managed", str(n)) for kind, n in plan.unread) + tuple(
            (kind, "data source", str(n)) for kind, n in plan.data_sources
        )
        found.append(
            View(
                title="Skipped: resource types plcheck does not read",
                columns=("Type", "Mode", "Instances"),
                rows=unread,
            )
        )
    return found


def _service(endpoint: PlannedEndpoint, plan: TerraformPlan, cell: Callable[[object], str]) -> str:
    """The endpoint's service: its name, or the planned service it will be created from."""
    from plcheck.runs.planned_facts import service_from_plan

    source = service_from_plan(endpoint, plan)
    return f"{source} (in this plan)" if source else _short(cell(endpoint.service_name))


def _short(service_name: str) -> str:
    """``vpce-svc-…`` rather than the whole ``com.amazonaws.vpce.REGION.vpce-svc-…``."""
    return service_name.rsplit(".", 1)[-1] if ".vpce-svc-" in service_name else service_name
