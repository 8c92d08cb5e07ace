"""The provider side of a plan: planned endpoint services, judged by the provider's checks.

Each planned ``aws_vpc_endpoint_service`` becomes a
:class:`~plcheck.facts.provider.ServiceFacts` built from the plan and its account:
its load balancers (existing ones read live by ARN, planned ``aws_lb`` from the
plan), their subnets' zones (live subnets, or planned subnets' zones), listeners,
security groups (live with the plan's rules merged in), allowed principals (the
service's ``allowed_principals`` and ``aws_vpc_endpoint_service_allowed_principal``
resources) and supported Regions; zones in the service's own account's names
(the alias's account, :mod:`plcheck.runs.plan_accounts`). The checks of
``plcheck provider`` that can be judged before apply run on it through
:func:`plcheck.checks.framework.judge`. A check whose input apply decides is one
``skip`` saying what is known only after apply; no value is invented.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from plcheck.facts.network import Subnet
from plcheck.facts.outcome import Outcome
from plcheck.facts.provider import (
    LbZone,
    Listener,
    LoadBalancer,
    Principal,
    ProviderFacts,
    RegionSupport,
    ServiceConfig,
    ServiceFacts,
)
from plcheck.facts.zones import AccountZones
from plcheck.gate.tf_plan import TerraformPlan
from plcheck.gate.tf_resources import (
    PlannedLoadBalancer,
    PlannedService,
)
from plcheck.gate.tf_values import Planned, Unknown
from plcheck.model import CheckSpec, Finding
from plcheck.runs import after_apply, planned_groups
from plcheck.runs.planned_subnets import subnet_fact

if TYPE_CHECKING:
    from plcheck.aws import AwsContext, Scope

#: The checks each unknown input keeps from judging.
_AZ, _LISTENERS, _GROUPS = "nlb-az-coverage", "nlb-listeners", "nlb-security-groups"
_PRINCIPALS, _REGIONS = "service-allowed-principals", "service-supported-regions"


@dataclass
class Built:
    """One planned service as the provider checks see it, and what apply still decides."""

    facts: ServiceFacts
    pending: dict[str, str] = field(default_factory=dict)
    """Check ID → what it waits for (known only after apply)."""

    def wait(self, check: str, why: str) -> None:
        self.pending.setdefault(check, why)


@dataclass
class Live:
    """What the service's account yielded for the plan."""

    account: str
    region: str
    zones: Outcome[AccountZones]
    behind: dict[str, Any] = field(default_factory=dict)
    """ProviderFacts fields of the existing load balancers the services name."""
    subnets: Outcome[list[Subnet]] = field(default_factory=lambda: Outcome(value=[]))
    """Existing subnets planned load balancers name by ID."""
    groups: Outcome[list[Any]] = field(default_factory=lambda: Outcome(value=[]))
    """Existing security groups the planned load balancers name by ID."""
    permissions: dict[str, Outcome[tuple[Principal, ...]]] = field(default_factory=dict)
    """Existing service ID → its allowed principals."""


def run(
    ctx: AwsContext,
    default: Scope,
    plan: TerraformPlan,
    profiles: Mapping[str, Scope],
    consumers: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] | None = None,
) -> tuple[list[Finding], dict[str, Outcome[Built]]]:
    """Every ``plan`` check of subject ``service`` on each planned endpoint service.

    Also each service's built facts (or why its account could not be read), by address, for
    the links (:mod:`plcheck.runs.planned_links`). ``consumers``: service address →
    (accounts, Regions) of the endpoints that use it, expected by the provider checks.
    """
    from plcheck.checks import checks_for
    from plcheck.runs import plan_accounts

    specs = checks_for("plan", "service")
    findings: list[Finding] = []
    built: dict[str, Outcome[Built]] = {}
    by_scope: dict[Scope, list[PlannedService]] = {}
    for service in plan.services:
        reach = plan_accounts.reach(service, default, profiles)
        if reach.scope is None:
            findings += plan_accounts.unmapped_all(specs, service, reach.provider)
        else:
            by_scope.setdefault(reach.scope, []).append(service)
    groups = list(by_scope.items())
    outcomes = ctx.gather([partial(gather, ctx, s, plan, services) for s, services in groups])
    for (_, services), outcome in zip(groups, outcomes, strict=True):
        if outcome.error is not None:
            findings += [
                spec.error(s.address, outcome.error, region=s.region)
                for s in services
                for spec in specs
            ]
            built.update((s.address, Outcome(error=outcome.error)) for s in services)
            continue
        for service in services:
            one = build(plan, service, outcome.get(), (consumers or {}).get(service.address))
            findings += judge(one)
            built[service.address] = Outcome(value=one)
    return findings, built


def gather(
    ctx: AwsContext, scope: Scope, plan: TerraformPlan, services: Sequence[PlannedService]
) -> Live:
    """Read, concurrently, what ``services`` (all in ``scope``) are judged against."""
    from plcheck.aws import provider as live
    from plcheck.aws.network import security_groups, subnets_by_id
    from plcheck.runs import plan_accounts

    arns = sorted({a for s in services for a in _known(s.load_balancer_arns)})
    planned = _planned_lbs(plan, services)
    subnet_ids = sorted(
        {x for lb in planned for x in _subnet_keys(lb, plan) if x.startswith("subnet-")}
    )
    # Only the load balancers' own groups: a rule of the plan may name a group of another
    # account or alias, and one unknown ID fails the whole DescribeSecurityGroups.
    group_ids = planned_groups.live_ids([g for lb in planned for g in _known(lb.security_groups)])
    existing = sorted({s.existing_id for s in services if s.existing_id})
    thunks: list[Callable[[], Any]] = [
        lambda: plan_accounts.account_and_zones(ctx, scope),
        lambda: live.balancers_and_behind(ctx, scope, arns) if arns else {},
        lambda: subnets_by_id(ctx, scope, subnet_ids),
        lambda: security_groups(ctx, scope, group_ids) if group_ids else [],
        *[partial(live.permissions, ctx, scope, sid) for sid in existing],
    ]
    read, behind, subnets, groups, *principals = ctx.gather(thunks)
    account_id, zones = read.get()  # account_and_zones keeps each failure in its outcome
    found = Live(account_id, ctx.region(scope), zones, subnets=subnets, groups=groups)
    if behind.error is not None:
        found.behind = {"load_balancers": Outcome(error=behind.error)}
    else:
        found.behind = dict(behind.value or {})
    found.permissions = dict(zip(existing, principals, strict=True))
    return found


def _known(value: Planned[tuple[str, ...]]) -> tuple[str, ...]:
    return () if isinstance(value, Unknown) else value


def _planned_lbs(
    plan: TerraformPlan, services: Sequence[PlannedService]
) -> list[PlannedLoadBalancer]:
    found: list[PlannedLoadBalancer] = []
    for service in services:
        arns = service.load_balancer_arns
        if isinstance(arns, Unknown):
            found += [
                r for a in arns.resources if isinstance(r := plan.resource(a), PlannedLoadBalancer)
            ]
    return found


def _subnet_keys(lb: PlannedLoadBalancer, plan: TerraformPlan) -> list[str]:
    """The load balancer's subnets: IDs, or planned subnet addresses (unknowns left out)."""
    keys: list[str] = []
    values: list[Planned[Any]] = [lb.subnets]
    if not isinstance(lb.subnet_mapping, Unknown):
        values += [m.subnet_id for m in lb.subnet_mapping]
    for value in values:
        if isinstance(value, Unknown):
            keys += [a for a in value.resources if plan.subnet(a)]
        elif isinstance(value, str):
            keys.append(value)
        else:
            keys += list(value)
    return list(dict.fromkeys(keys))


# -- building the facts -------------------------------------------------------------


def build(
    plan: TerraformPlan,
    service: PlannedService,
    live: Live,
    consumers: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
) -> Built:
    """The service's facts as they will be after apply; what apply decides, in ``pending``."""
    accounts, regions = consumers or ((), ())
    key = service.existing_id or service.address
    behind = dict(live.behind)
    live_lbs: Outcome[Mapping[str, LoadBalancer]] = behind.pop("load_balancers", Outcome(value={}))
    config = ServiceConfig(
        service_id=key,
        service_name=service.address,
        region=live.region,
        state="",
        acceptance_required=service.acceptance_required is True,
        load_balancer_arns=(),
        private_dns_name=service.private_dns_name
        if isinstance(service.private_dns_name, str)
        else "",
    )
    provider = ProviderFacts(
        account=live.account,
        region=live.region,
        services=Outcome(value=(config,)),
        zones=live.zones,
    )
    built = Built(ServiceFacts(provider, config, accounts, regions))
    _supported_regions(built, service)
    _principals(built, plan, service, live, key)
    if live_lbs.error is not None:
        built.facts = replace(built.facts, provider=replace(provider, load_balancers=live_lbs))
        return built
    _balancers(built, plan, service, live, dict(live_lbs.value or {}), behind)
    return built


def _supported_regions(built: Built, service: PlannedService) -> None:
    supported = service.supported_regions
    if isinstance(supported, Unknown):
        built.wait(_REGIONS, f"{supported.describe()} is known only after apply")
        return
    # The Regions the plan adds; AWS makes each Available once the service is created.
    config = replace(
        built.facts.service,
        supported_regions=tuple(RegionSupport(r, "Available") for r in supported),
    )
    built.facts = replace(built.facts, service=config)


def _principals(
    built: Built, plan: TerraformPlan, service: PlannedService, live: Live, key: str
) -> None:
    found: list[Principal] = []
    inline = service.allowed_principals
    if isinstance(inline, Unknown):
        built.wait(_PRINCIPALS, f"{inline.describe()} is known only after apply")
    else:
        found += [Principal(p) for p in inline]
    existing = live.permissions.get(service.existing_id or "")
    if existing is not None:
        if existing.error is not None:
            permissions = {key: Outcome[tuple[Principal, ...]](error=existing.error)}
            provider = replace(built.facts.provider, permissions=permissions)
            built.facts = replace(built.facts, provider=provider)
            return
        found += list(existing.value or ())
    for principal in plan.allowed_principals:
        target = principal.vpc_endpoint_service_id
        if isinstance(target, Unknown):
            if service.address not in target.resources:
                if not target.resources:  # it may be this service's: not certain either way
                    built.wait(
                        _PRINCIPALS,
                        f"{principal.address}: {target.describe()} is known only after apply",
                    )
                continue
        elif target != service.existing_id:
            continue
        if isinstance(principal.principal_arn, Unknown):
            built.wait(
                _PRINCIPALS,
                f"{principal.address}: "
                f"{principal.principal_arn.describe()} is known only after apply",
            )
        else:
            found.append(Principal(principal.principal_arn))
    unique = tuple(dict.fromkeys(found))
    provider = replace(built.facts.provider, permissions={key: Outcome(value=unique)})
    built.facts = replace(built.facts, provider=provider)


def _balancers(
    built: Built,
    plan: TerraformPlan,
    service: PlannedService,
    live: Live,
    live_lbs: dict[str, LoadBalancer],
    behind: dict[str, Any],
) -> None:
    arns = service.load_balancer_arns
    keys: list[str] = list(_known(arns))
    lbs: dict[str, LoadBalancer] = {k: live_lbs[k] for k in keys if k in live_lbs}
    listeners: dict[str, Outcome[tuple[Listener, ...]]] = dict(behind.get("listeners", {}))
    subnets_outcome: Outcome[Mapping[str, Subnet]] = behind.get("subnets", Outcome(value={}))
    groups_outcome = behind.get("security_groups", Outcome(value={}))
    subnets: dict[str, Subnet] = dict(subnets_outcome.value or {})
    for subnet in live.subnets.value or []:
        subnets.setdefault(subnet.subnet_id, subnet)
    for arn in lbs:  # existing load balancers: the listeners the plan adds to them
        added = _planned_listeners(built, arn, plan)
        current = listeners.get(arn, Outcome(value=()))
        if current.error is None and added.value:
            listeners[arn] = Outcome(value=(*(current.value or ()), *added.value))
    if isinstance(arns, Unknown):
        planned = [
            r for a in arns.resources if isinstance(r := plan.resource(a), PlannedLoadBalancer)
        ]
        if not planned:
            for check in (_AZ, _LISTENERS, _GROUPS):
                built.wait(check, f"{arns.describe()} is known only after apply")
        for lb in planned:
            keys.append(lb.address)
            lbs[lb.address] = _planned_lb(built, lb, plan, live, subnets)
            listeners[lb.address] = _planned_listeners(built, lb.address, plan)
    if live.subnets.error is not None:
        subnets_outcome = Outcome(error=live.subnets.error)
    merged = planned_groups.merged(
        plan, [*(groups_outcome.value or {}).values(), *(live.groups.value or [])]
    )
    for balancer in lbs.values():
        for group in balancer.security_groups:
            if group in merged.unknown:
                built.wait(_GROUPS, merged.unknown[group])
    group_error = groups_outcome.error or live.groups.error
    provider = replace(
        built.facts.provider,
        load_balancers=Outcome(value=lbs),
        listeners=listeners,
        subnets=Outcome(error=subnets_outcome.error)
        if subnets_outcome.error
        else Outcome(value=subnets),
        security_groups=Outcome(error=group_error)
        if group_error
        else Outcome(value=dict(merged.by_key)),
        target_groups=behind.get("target_groups", {}),
    )
    config = replace(built.facts.service, load_balancer_arns=tuple(keys))
    built.facts = replace(built.facts, provider=provider, service=config)


def _planned_lb(
    built: Built,
    lb: PlannedLoadBalancer,
    plan: TerraformPlan,
    live: Live,
    subnets: dict[str, Subnet],
) -> LoadBalancer:
    """A planned ``aws_lb`` as a live one; its unknown parts wait in ``built.pending``."""
    if isinstance(lb.lb_type, Unknown):
        built.wait(_AZ, f"{lb.address}: {lb.lb_type.describe()} is known only after apply")
    for value in (lb.subnets, lb.subnet_mapping):
        if isinstance(value, Unknown) and not [a for a in value.resources if plan.subnet(a)]:
            built.wait(_AZ, f"{lb.address}: {value.describe()} is known only after apply")
    zones = live.zones.value
    lb_zones: list[LbZone] = []
    for key in _subnet_keys(lb, plan):
        if key in subnets:
            lb_zones.append(LbZone(subnets[key].zone_name, key))
            continue
        for planned in plan.subnet(key):
            vpc_id = planned.vpc_id if isinstance(planned.vpc_id, str) else ""
            subnet = subnet_fact(planned, zones, vpc_id)
            if subnet is None:
                built.wait(
                    _AZ, f"{planned.address}: its availability zone is known only after apply"
                )
                continue
            subnets[planned.address] = subnet
            lb_zones.append(LbZone(subnet.zone_name, planned.address))
    groups: tuple[str, ...] = ()
    if isinstance(lb.security_groups, Unknown):
        found = planned_groups.group_keys(lb.security_groups, plan)
        if isinstance(found, Unknown):
            built.wait(_GROUPS, f"{lb.address}: {found.describe()} is known only after apply")
        else:
            groups = tuple(found)
    else:
        groups = lb.security_groups
    enforce = lb.enforce_sg_on_privatelink
    if isinstance(enforce, Unknown):
        built.wait(_GROUPS, f"{lb.address}: {enforce.describe()} is known only after apply")
        enforce = ""
    return LoadBalancer(
        arn=lb.address,
        name=lb.address,
        lb_type=lb.lb_type if isinstance(lb.lb_type, str) else "",
        vpc_id="",
        state="",
        zones=tuple(lb_zones),
        security_groups=groups,
        enforce_sg_on_privatelink=enforce,
    )


def _planned_listeners(built: Built, lb: str, plan: TerraformPlan) -> Outcome[tuple[Listener, ...]]:
    """The plan's listeners on load balancer ``lb`` (a planned address or a live ARN)."""
    found: list[Listener] = []
    for listener in plan.listeners:
        target = listener.load_balancer_arn
        if isinstance(target, Unknown):
            if lb not in target.resources:
                if not target.resources:
                    for check in (_LISTENERS, _GROUPS):
                        built.wait(
                            check,
                            f"{listener.address}: {target.describe()} is known only after apply",
                        )
                continue
        elif target != lb:
            continue
        unknown = [
            v.describe() for v in (listener.port, listener.protocol) if isinstance(v, Unknown)
        ]
        if unknown:
            for check in (_LISTENERS, _GROUPS):
                built.wait(
                    check, f"{listener.address}: {', '.join(unknown)} known only after apply"
                )
            continue
        found.append(
            Listener(
                arn=listener.address,
                load_balancer_arn=lb,
                protocol=str(listener.protocol),
                port=listener.port if isinstance(listener.port, int) else 0,
                target_group_arns=tuple(
                    a for a in listener.target_group_arns if isinstance(a, str)
                ),
            )
        )
    return Outcome(value=tuple(found))


# -- judging --------------------------------------------------------------------------


def judge(built: Built) -> list[Finding]:
    """The service's ``plan`` checks; a check waiting for apply is one ``skip``."""
    from plcheck.checks import checks_for, framework

    facts = built.facts
    findings: list[Finding] = []
    address = facts.service.service_name
    for spec in checks_for("plan", "service"):
        why = built.pending.get(spec.id)
        found = [_waiting(spec, facts, why)] if why is not None else framework.apply(spec, facts)
        findings += [replace(f, details={**f.details, "address": address}) for f in found]
    return findings


def _waiting(spec: CheckSpec, facts: ServiceFacts, why: str) -> Finding:
    return after_apply.skip(
        spec,
        facts.resource,
        f"{facts.service.service_name}: not checked before apply: {why}",
        account=facts.account,
        region=facts.region,
    )
