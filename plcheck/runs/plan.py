"""The plan run: a Terraform plan's PrivateLink resources, judged before ``terraform apply``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plcheck.model import Report, View

if TYPE_CHECKING:
    from plcheck.aws import AwsContext, Scope
    from plcheck.gate.terraform import TerraformPlan


def _default_scope() -> Scope:
    from plcheck.aws import Scope

    return Scope()


@dataclass(frozen=True)
class PlanOptions:
    """A loaded plan and the account its endpoints are judged in."""

    plan: TerraformPlan
    """The plan (``terraform show -json``)."""
    scope: Scope = field(default_factory=_default_scope)
    """The account the plan deploys to; its region defaults to the plan's provider's."""


def run(options: PlanOptions, ctx: AwsContext | None = None) -> Report:
    """Every finding for the plan, judged against the account the scope reaches."""
    from dataclasses import replace

    from plcheck.aws import AwsContext
    from plcheck.runs import planned

    plan = options.plan
    scope = options.scope
    if scope.region is None and plan.region:
        scope = replace(scope, region=plan.region)
    findings = []
    if plan.endpoints:  # a plan without endpoints needs no AWS call
        if ctx is None:
            with AwsContext() as own:
                findings = planned.run(own, scope, plan)
        else:
            findings = planned.run(ctx, scope, plan)
    return Report("plan", tuple(findings), views=tuple(views(plan)), source=str(plan.path))


def views(plan: TerraformPlan) -> list[View]:
    """The plan's interface endpoints as Terraform will create them."""
    from plcheck.gate.terraform import Unknown

    def cell(value: object) -> str:
        if isinstance(value, Unknown):
            return "(known after apply)"
        if isinstance(value, tuple):
            return ", ".join(value) or "—"
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value) or "—"

    if not plan.endpoints:
        return []
    rows = tuple(
        (
            e.address,
            "/".join(e.actions),
            _short(cell(e.service_name)),
            cell(e.vpc_id),
            cell(e.subnet_ids),
            cell(e.private_dns_enabled),
        )
        for e in plan.endpoints
    )
    skipped = "; ".join(f"{a}: {why}" for a, why in plan.skipped)
    return [
        View(
            title=f"Planned interface endpoints ({plan.path.name})",
            columns=("Address", "Action", "Service", "VPC", "Subnets", "Private DNS"),
            rows=rows,
            note=f"Not checked: {skipped}" if skipped else "",
        )
    ]


def _short(service_name: str) -> str:
    """``vpce-svc-…`` rather than the whole ``com.amazonaws.vpce.REGION.vpce-svc-…``."""
    return service_name.rsplit(".", 1)[-1] if ".vpce-svc-" in service_name else service_name
