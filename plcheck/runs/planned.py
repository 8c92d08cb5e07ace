"""Judge a Terraform plan's interface endpoints against the live account, before apply.

What is known at plan time is checked with the consumer's own gatherers and
judges (service-visible, endpoint-az-coverage, vpc-dns-attributes,
endpoint-private-dns): planned subnet IDs against the AZ IDs the service is
offered in, ``private_dns_enabled`` against the VPC's DNS attributes (the
planned ``aws_vpc``'s when the plan creates or changes it), the service name's
visibility. Subnets created in the same plan are judged by their planned zone:
``availability_zone_id``, or ``availability_zone`` translated through this
account's own zone names. Whatever is known only after apply is a ``skip``
saying what it waits for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from plcheck.checks import (
    endpoint_az_coverage,
    endpoint_private_dns,
    service_visible,
    vpc_dns_attributes,
)
from plcheck.errors import AwsCallError
from plcheck.facts.consumer import ServiceDetail, VpcDnsAttributes
from plcheck.facts.network import Subnet
from plcheck.facts.outcome import Outcome
from plcheck.facts.zones import AccountZones
from plcheck.gate.terraform import (
    PlannedEndpoint,
    PlannedVpc,
    TerraformPlan,
    Unknown,
)
from plcheck.model import CheckSpec, Finding, View
from plcheck.runs import after_apply, planned_grid, planned_network
from plcheck.runs import planned_subnets as subnets_of
from plcheck.runs.planned_network import NetworkFacts
from plcheck.service_names import region_in_service_name

if TYPE_CHECKING:
    from plcheck.aws import AwsContext, Scope


@dataclass
class LiveFacts:
    """What the account yielded for the plan; each part a value or its failure."""

    account: str
    """Account ID of the scope."""
    region: str
    """Region of the scope."""
    zones: Outcome[AccountZones]
    """The region's zones in this account's names."""
    services: Outcome[dict[str, ServiceDetail]]
    """Visible services, by name, among those the plan's endpoints name."""
    subnets: dict[str, Outcome[list[Subnet]]] = field(default_factory=dict)
    """VPC ID → its subnets, for existing VPCs the endpoints are planned in."""
    dns: dict[str, Outcome[VpcDnsAttributes]] = field(default_factory=dict)
    """VPC ID → its DNS attributes, for existing VPCs the plan does not change."""
    network: NetworkFacts = field(default_factory=NetworkFacts)
    """The endpoints' VPCs, security groups and private hosted zones."""


def gather(
    ctx: AwsContext, scope: Scope, plan: TerraformPlan, endpoints: Sequence[PlannedEndpoint]
) -> LiveFacts:
    """Read, concurrently, everything ``endpoints`` (all in ``scope``) are judged against."""
    from plcheck.aws import consumer as live
    from plcheck.aws.network import subnets_in_vpcs
    from plcheck.runs import plan_accounts

    names = sorted({e.service_name for e in endpoints if isinstance(e.service_name, str)})
    regions = sorted(
        {
            (e.service_region if isinstance(e.service_region, str) else "")
            or region_in_service_name(str(e.service_name))
            for e in endpoints
            if isinstance(e.service_name, str)
        }
        - {""}
    )
    vpcs = sorted({e.vpc_id for e in endpoints if isinstance(e.vpc_id, str) and e.vpc_id})
    dns_vpcs = [v for v in vpcs if plan.vpc_by_id(v) is None]
    region = ctx.region(scope)
    thunks: list[Callable[[], Any]] = [
        lambda: plan_accounts.account_and_zones(ctx, scope),
        lambda: live.endpoint_services(ctx, scope, names, regions),
        lambda: subnets_in_vpcs(ctx, scope, vpcs),  # one call for every VPC
        lambda: planned_network.gather(ctx, scope, plan, endpoints),
    ]
    thunks += [partial(live.vpc_dns_attributes, ctx, scope, v) for v in dns_vpcs]
    read, services, subnets, network, *dns = ctx.gather(thunks)
    account_id, zones = read.get()  # account_and_zones keeps each failure in its outcome
    facts = LiveFacts(account_id, region, zones, services)
    facts.subnets = {
        v: Outcome(error=subnets.error)
        if subnets.error
        else Outcome(value=[s for s in subnets.value or [] if s.vpc_id == v])
        for v in vpcs
    }
    facts.dns = dict(zip(dns_vpcs, dns, strict=True))
    facts.network = (
        network.value
        if network.value is not None
        else NetworkFacts(groups=Outcome(error=network.error))
    )
    return facts


def judge(
    plan: TerraformPlan, facts: LiveFacts, endpoints: Sequence[PlannedEndpoint] | None = None
) -> list[Finding]:
    """Every finding for ``endpoints`` (default: the plan's); ``skip`` for what apply decides."""
    endpoints = plan.endpoints if endpoints is None else endpoints
    findings: list[Finding] = []
    findings += _visibility(plan, facts, endpoints)
    for endpoint in endpoints:
        findings += _coverage(endpoint, plan, facts)
        if endpoint.private_dns_enabled is not False:
            findings += _private_dns(endpoint, facts)
    findings += _dns_attributes(plan, facts, endpoints)
    findings += planned_network.judge(
        plan,
        facts.network,
        partial(_service, facts=facts),
        endpoints,
        planned_network.Where(facts.account, facts.region),
    )
    return findings


@dataclass
class ConsumerSide:
    """The consumer side of a plan: findings, zone grids, and each account's facts."""

    findings: list[Finding] = field(default_factory=list)
    grids: list[View] = field(default_factory=list)
    facts: dict[str, Outcome[LiveFacts]] = field(default_factory=dict)
    """Endpoint address → the facts of its account (for the links, :mod:`planned_links`)."""


def run(
    ctx: AwsContext,
    scope: Scope,
    plan: TerraformPlan,
    profiles: Mapping[str, Scope] | None = None,
) -> ConsumerSide:
    """Gather and judge each account's endpoints with that account's facts, concurrently.

    Returns the findings, the zone grid of every endpoint whose zones are known, and the
    facts each endpoint was judged with. ``scope`` reaches the default ``aws`` provider;
    ``profiles`` the aliased ones (see :mod:`plcheck.runs.plan_accounts`). A plan without
    endpoints needs no call.
    """
    from plcheck.checks import checks_for
    from plcheck.runs import plan_accounts

    side = ConsumerSide()
    findings = side.findings
    specs = [s for s in checks_for("plan") if s.subject in ("vpc", "endpoint")]
    by_scope: dict[Scope, list[PlannedEndpoint]] = {}
    for endpoint in plan.endpoints:
        reach = plan_accounts.reach(endpoint, scope, profiles or {})
        if reach.scope is None:
            findings += plan_accounts.unmapped_all(specs, endpoint, reach.provider)
        else:
            by_scope.setdefault(reach.scope, []).append(endpoint)
    groups = list(by_scope.items())
    outcomes = ctx.gather(
        [partial(_one_account, ctx, s, plan, endpoints) for s, endpoints in groups]
    )
    for (_, endpoints), outcome in zip(groups, outcomes, strict=True):
        if outcome.error is not None:  # the account could not be read at all
            findings += [
                spec.error(e.address, outcome.error, region=e.region)
                for e in endpoints
                for spec in specs
            ]
            side.facts.update((e.address, Outcome(error=outcome.error)) for e in endpoints)
        elif outcome.value is not None:
            found, grids, facts = outcome.value
            findings += found
            side.grids += grids
            side.facts.update((e.address, Outcome(value=facts)) for e in endpoints)
    return side


def _one_account(
    ctx: AwsContext, scope: Scope, plan: TerraformPlan, endpoints: Sequence[PlannedEndpoint]
) -> tuple[list[Finding], list[View], LiveFacts]:
    facts = gather(ctx, scope, plan, endpoints)
    views = [
        grid
        for endpoint in endpoints
        if (
            grid := planned_grid.grid(
                endpoint, plan, _service(endpoint, facts), facts.zones.value, facts.subnets
            )
        )
        is not None
    ]
    return judge(plan, facts, endpoints), views, facts


# -- the checks ------------------------------------------------------------------------------


def _with(findings: Sequence[Finding], **details: Any) -> list[Finding]:
    """The findings with the plan's context added to their details."""
    return [replace(f, details={**f.details, **details}) for f in findings]


def _skip(
    spec: CheckSpec, resource: str, facts: LiveFacts, message: str, **details: Any
) -> Finding:
    return after_apply.skip(
        spec, resource, message, account=facts.account, region=facts.region, **details
    )


def _error(spec: CheckSpec, resource: str, error: AwsCallError, facts: LiveFacts) -> Finding:
    return spec.error(resource, error, account=facts.account, region=facts.region)


def _failed(
    spec: CheckSpec, resource: str, facts: LiveFacts, thunk: Callable[[], list[Finding]]
) -> list[Finding]:
    try:
        return thunk()
    except AwsCallError as exc:
        return [_error(spec, resource, exc, facts)]


def service_from_plan(endpoint: PlannedEndpoint, plan: TerraformPlan) -> str | None:
    """The planned service the endpoint's unknown service name comes from, if any."""
    if not isinstance(endpoint.service_name, Unknown):
        return None
    unknown = endpoint.service_name
    for ref in (*unknown.resources, *unknown.references):
        for service in plan.services:
            # A reference to the resource itself, or to an output of the module holding it.
            if service.address == ref or service.address.startswith((f"{ref}.", f"{ref}[")):
                return service.address
    return None


def _unknown_service(
    spec: CheckSpec, endpoint: PlannedEndpoint, plan: TerraformPlan, facts: LiveFacts
) -> Finding:
    assert isinstance(endpoint.service_name, Unknown)
    source = service_from_plan(endpoint, plan)
    why = (
        f"its service is {source}, created in this plan (the link checks join the two)"
        if source
        else f"service_name is known only after apply: {endpoint.service_name.describe()}"
    )
    return _skip(
        spec,
        endpoint.address,
        facts,
        f"{endpoint.address}: not checked before apply: {why}",
        address=endpoint.address,
        unknown=["service_name"],
    )


def _visibility(
    plan: TerraformPlan, facts: LiveFacts, endpoints: Sequence[PlannedEndpoint]
) -> list[Finding]:
    """service-visible once per service name, naming the endpoints that use it."""
    spec = service_visible.SPEC
    findings: list[Finding] = []
    by_name: dict[str, list[str]] = {}
    for endpoint in endpoints:
        if isinstance(endpoint.service_name, Unknown):
            findings.append(_unknown_service(spec, endpoint, plan, facts))
        else:
            by_name.setdefault(endpoint.service_name, []).append(endpoint.address)
    for name, addresses in by_name.items():
        findings += _with(
            _failed(
                spec,
                name,
                facts,
                lambda name=name: service_visible.evaluate(  # type: ignore[misc]
                    [name], facts.services.get(), account=facts.account, region=facts.region
                ),
            ),
            addresses=addresses,
        )
    return findings


def _service(endpoint: PlannedEndpoint, facts: LiveFacts) -> ServiceDetail | None:
    if isinstance(endpoint.service_name, Unknown) or facts.services.error is not None:
        return None
    return (facts.services.value or {}).get(endpoint.service_name)


def _coverage(endpoint: PlannedEndpoint, plan: TerraformPlan, facts: LiveFacts) -> list[Finding]:
    spec = endpoint_az_coverage.SPEC
    address = endpoint.address
    if isinstance(endpoint.service_name, Unknown):
        return [_unknown_service(spec, endpoint, plan, facts)]
    if facts.services.error is not None:
        return [_error(spec, address, facts.services.error, facts)]
    if facts.zones.error is not None:
        return [_error(spec, address, facts.zones.error, facts)]
    service = _service(endpoint, facts)
    if service is None:
        return [
            _skip(
                spec,
                address,
                facts,
                f"{address}: {endpoint.service_name} is not visible (see service-visible), so "
                "its zones cannot be compared",
                address=address,
            )
        ]
    zones = facts.zones.get()
    vpc_id = endpoint.vpc_id
    live: list[Subnet] = []
    if isinstance(vpc_id, str) and vpc_id:
        outcome = facts.subnets.get(vpc_id)
        if outcome is not None and outcome.error is not None:
            return [_error(spec, address, outcome.error, facts)]
        live = list(outcome.value or []) if outcome else []
    vpc_label = vpc_id if isinstance(vpc_id, str) else subnets_of.vpc_label(vpc_id, plan)
    known_ids, unknown = subnets_of.endpoint_subnets(endpoint)
    subnet_ids: list[str] = list(known_ids)
    source = "live"
    if unknown is not None:
        resolved = subnets_of.planned_subnets(unknown, plan, zones, vpc_label)
        if isinstance(resolved, str):
            return [
                _skip(
                    spec,
                    address,
                    facts,
                    f"{address}: subnets not checked before apply: {resolved}",
                    address=address,
                    unknown=["subnet_ids"],
                )
            ]
        live += resolved
        subnet_ids += [s.subnet_id for s in resolved if s.subnet_id not in subnet_ids]
        source = "plan" if not known_ids else "plan and live"
    found = endpoint_az_coverage.evaluate(
        address,
        service,
        subnet_ids,
        live,
        zones,
        vpc_id=vpc_label,
        chosen=bool(subnet_ids),
        existing=False,
    )
    return _with(found, address=address, subnets_from=source)


def _private_dns(endpoint: PlannedEndpoint, facts: LiveFacts) -> list[Finding]:
    spec = endpoint_private_dns.SPEC
    if isinstance(endpoint.private_dns_enabled, Unknown):
        return [
            _skip(
                spec,
                endpoint.address,
                facts,
                f"{endpoint.address}: private_dns_enabled is known only after apply",
                address=endpoint.address,
                unknown=["private_dns_enabled"],
            )
        ]
    service = _service(endpoint, facts)
    if service is None:
        return []  # service-visible / the unknown service name already say why
    return _with(
        endpoint_private_dns.evaluate(
            endpoint.address, service, None, account=facts.account, region=facts.region
        ),
        address=endpoint.address,
    )


def _dns_attributes(
    plan: TerraformPlan, facts: LiveFacts, endpoints: Sequence[PlannedEndpoint]
) -> list[Finding]:
    """vpc-dns-attributes once per VPC, naming the planned endpoints that use private DNS."""
    spec = vpc_dns_attributes.SPEC
    by_vpc: dict[str, list[PlannedEndpoint]] = {}
    findings: list[Finding] = []
    for endpoint in endpoints:
        if isinstance(endpoint.vpc_id, Unknown):
            planned = subnets_of.planned_vpc(plan, endpoint.vpc_id)
            key = planned.address if planned else ""
            if not key:
                findings.append(
                    _skip(
                        spec,
                        endpoint.address,
                        facts,
                        f"{endpoint.address}: the VPC's DNS attributes are not checked before "
                        f"apply: {endpoint.vpc_id.describe()} is known only after apply",
                        address=endpoint.address,
                        unknown=["vpc_id"],
                    )
                )
                continue
        else:
            key = endpoint.vpc_id
        by_vpc.setdefault(key, []).append(endpoint)
    for key, in_vpc in by_vpc.items():
        users = [e.address for e in in_vpc if e.private_dns_enabled is True]
        addresses = [e.address for e in in_vpc]
        planned_vpc = plan.vpc_by_id(key) or next(iter(plan.vpc(key)), None)
        if planned_vpc is not None:
            findings += _planned_dns(planned_vpc, key, users, addresses, facts)
            continue
        outcome = facts.dns.get(key)
        if outcome is None:
            continue
        if outcome.error is not None:
            findings.append(_error(spec, key, outcome.error, facts))
            continue
        findings += _with(
            vpc_dns_attributes.evaluate(
                outcome.get(), users, account=facts.account, region=facts.region
            ),
            addresses=addresses,
            attributes_from="live",
        )
    return findings


def _planned_dns(
    vpc: PlannedVpc, key: str, users: list[str], addresses: list[str], facts: LiveFacts
) -> list[Finding]:
    spec = vpc_dns_attributes.SPEC
    unknown = [
        name
        for name, value in (
            ("enable_dns_support", vpc.dns_support),
            ("enable_dns_hostnames", vpc.dns_hostnames),
        )
        if isinstance(value, Unknown)
    ]
    if unknown:
        return [
            _skip(
                spec,
                vpc.address,
                facts,
                f"{vpc.address}: {' and '.join(unknown)} known only after apply",
                addresses=addresses,
                unknown=unknown,
            )
        ]
    attrs = VpcDnsAttributes(
        vpc_id=key, dns_support=bool(vpc.dns_support), dns_hostnames=bool(vpc.dns_hostnames)
    )
    off = [
        name
        for name, on in (
            ("enable_dns_support", attrs.dns_support),
            ("enable_dns_hostnames", attrs.dns_hostnames),
        )
        if not on
    ]
    found = vpc_dns_attributes.evaluate(attrs, users, account=facts.account, region=facts.region)
    if off:
        # The plan is where to fix it, not the CLI.
        fix = f"Set {' and '.join(f'{n} = true' for n in off)} on {vpc.address}."
        found = [replace(f, remediation=fix) if f.remediation else f for f in found]
    return _with(found, addresses=addresses, attributes_from=f"plan ({vpc.address})")
