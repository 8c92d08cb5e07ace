"""Judge a Terraform plan's interface endpoints against the live account, before apply.

Each account's facts are read once for all its planned endpoints (:func:`gather`); each
VPC's endpoints and each endpoint then become the facts the consumer's checks take
(:mod:`plcheck.runs.planned_facts`), and the checks of ``plcheck consumer`` that also run
in ``plan`` judge them through :mod:`plcheck.checks.framework`, unchanged: planned subnets
against the AZ IDs the service is offered in, ``private_dns_enabled`` against the VPC's
DNS attributes (the planned ``aws_vpc``'s when the plan creates or changes it), security
groups with the plan's rules, hosted zones, Resolver rules, IP address types. Whatever is
known only after apply is a ``skip`` saying what it waits for; findings name the planned
resource (``address``/``addresses``) so that the report locates its ``.tf`` block.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from plcheck.checks import (
    checks_for,
    framework,
    resolver_rules,
    service_visible,
    vpc_dns_attributes,
)
from plcheck.facts.consumer import (
    ConsumerFacts,
    EndpointFacts,
    ServiceDetail,
    Target,
    VpcDnsAttributes,
)
from plcheck.facts.network import Subnet
from plcheck.facts.outcome import Outcome
from plcheck.facts.zones import AccountZones
from plcheck.gate.terraform import PlannedEndpoint, TerraformPlan, Unknown
from plcheck.model import CheckSpec, Finding, Status, View
from plcheck.runs import after_apply, planned_facts, planned_grid, planned_network, planned_resolver
from plcheck.runs.planned_network import NetworkFacts
from plcheck.service_names import region_in_service_name
from plcheck.spool import FindingSpool

if TYPE_CHECKING:
    from plcheck.aws import AwsContext, Scope
    from plcheck.checks.framework import Subject


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


class Member(NamedTuple):
    """What the ``vpc`` checks need of an endpoint once its own checks judged it."""

    address: str
    target: Target
    service_wait: planned_facts.Wait | None
    """What apply decides of its service (service-visible's skip), if anything."""


def judge(
    plan: TerraformPlan, facts: LiveFacts, endpoints: Sequence[PlannedEndpoint] | None = None
) -> FindingSpool:
    """Every finding for ``endpoints`` (default: the plan's); ``skip`` for what apply decides.

    Each VPC's planned endpoints are judged by the ``plan`` checks of subject ``vpc``, then
    each endpoint by those of subject ``endpoint`` (:mod:`plcheck.runs.planned_facts` builds
    their facts), as ``plcheck consumer`` judges a VPC and its endpoints. Each endpoint's
    facts are built, judged and dropped in turn (the ``vpc`` checks keep its target), and
    its findings spooled: a plan's memory does not grow with a copy of every endpoint's
    facts and findings.
    """
    endpoints = plan.endpoints if endpoints is None else endpoints
    once = _OnePerService()
    judged = FindingSpool()
    for vpc in planned_facts.sides(plan, facts, endpoints):
        own = FindingSpool()
        members = []
        for endpoint in vpc.members:
            side = vpc.endpoint(endpoint)
            own.extend(_judged_endpoint(side))
            members.append(Member(endpoint.address, side.target, side.waits.get("service")))
        # Reported before its endpoints' findings, as the consumer run reports a VPC.
        judged.extend(f for f in _judged_vpc(vpc, members) if once.keeps(f))
        judged.extend(own)
    return once.merged(judged)


@dataclass
class ConsumerSide:
    """The consumer side of a plan: findings, zone grids, and each account's facts."""

    findings: FindingSpool = field(default_factory=FindingSpool)
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
            findings.extend(plan_accounts.unmapped_all(specs, endpoint, reach.provider))
        else:
            by_scope.setdefault(reach.scope, []).append(endpoint)
    groups = list(by_scope.items())
    outcomes = ctx.gather(
        [partial(_one_account, ctx, s, plan, endpoints) for s, endpoints in groups]
    )
    for (_, endpoints), outcome in zip(groups, outcomes, strict=True):
        if outcome.error is not None:  # the account could not be read at all
            findings.extend(
                spec.error(e.address, outcome.error, region=e.region)
                for e in endpoints
                for spec in specs
            )
            failed: Outcome[LiveFacts] = Outcome(error=outcome.error)
            side.facts.update((e.address, failed) for e in endpoints)
        elif outcome.value is not None:
            found, grids, facts = outcome.value
            findings.extend(found)
            side.grids += grids
            read = Outcome(value=facts)  # one for the account's endpoints
            side.facts.update((e.address, read) for e in endpoints)
    return side


def _one_account(
    ctx: AwsContext, scope: Scope, plan: TerraformPlan, endpoints: Sequence[PlannedEndpoint]
) -> tuple[FindingSpool, list[View], LiveFacts]:
    facts = gather(ctx, scope, plan, endpoints)
    views = planned_grid.grids(
        endpoints, plan, lambda e: _service(e, facts), facts.zones.value, facts.subnets
    )
    return judge(plan, facts, endpoints), views, facts


def _service(endpoint: PlannedEndpoint, facts: LiveFacts) -> ServiceDetail | None:
    if isinstance(endpoint.service_name, Unknown) or facts.services.error is not None:
        return None
    return (facts.services.value or {}).get(endpoint.service_name)


# -- judging --------------------------------------------------------------------------------


def _checked(
    subject: str,
    facts: Subject,
    waits: Mapping[str, planned_facts.Wait],
    quiet: frozenset[str] = frozenset(),
) -> Iterator[tuple[CheckSpec, Iterable[Finding]]]:
    """Each ``plan`` check of ``subject``: its findings, or its skip for what apply decides.

    The findings are made as they are read (:func:`~plcheck.checks.framework.each`).
    """
    for spec in checks_for("plan", subject):
        if spec.id in quiet:
            continue
        inputs = planned_facts.INPUTS.get(spec.id, ())
        wait = next((waits[i] for i in inputs if i in waits), None)
        yield spec, framework.each(spec, facts) if wait is None else [_skip(spec, wait, facts)]


def _skip(spec: CheckSpec, wait: planned_facts.Wait, facts: Subject) -> Finding:
    resource = wait.resource or facts.resource
    return after_apply.skip(
        spec,
        resource,
        f"{resource}: {wait.text}",
        account=facts.account,
        region=facts.region,
        unknown=list(wait.unknown),
    )


def _judged_vpc(vpc: planned_facts.VpcSide, members: Sequence[Member]) -> Iterator[Finding]:
    """The ``vpc`` checks on one VPC's planned endpoints, naming the endpoints they concern.

    One at a time: a VPC of thousands of endpoints to as many services has as many
    service-visible findings, each made, named and spooled in turn.
    """
    facts = vpc.with_targets([m.target for m in members])
    addresses = [m.address for m in members]
    quiet = _quiet_vpc(facts)
    users: dict[str, list[str]] = {}  # service name → the addresses of its endpoints
    for member in members:
        users.setdefault(member.target.service_name, []).append(member.address)
    for spec, found in _checked("vpc", facts, vpc.vpc_waits, quiet):
        for finding in found:
            if spec.id == service_visible.SPEC.id:
                yield _named(finding, users, addresses)
            elif spec.id == vpc_dns_attributes.SPEC.id:
                yield _dns_placed(finding, vpc, addresses)
            else:
                yield replace(finding, details={**finding.details, "addresses": addresses})
    # An endpoint whose service apply decides: service-visible's skip of its own.
    for member in members:
        if member.service_wait is not None:
            own = EndpointFacts(facts, member.target, (member.target,))
            skipped = _skip(service_visible.SPEC, member.service_wait, own)
            yield _about(skipped, member.address)


def _quiet_vpc(facts: ConsumerFacts) -> frozenset[str]:
    """service-visible has nothing to judge when apply decides every endpoint's service."""
    if all(t.service_name == "" for t in facts.planned or ()):
        return frozenset({service_visible.SPEC.id})
    return frozenset()


def _named(finding: Finding, users: Mapping[str, list[str]], addresses: list[str]) -> Finding:
    """service-visible's finding on a service, naming the planned endpoints that use it."""
    named = users.get(finding.resource) or addresses
    return replace(finding, details={**finding.details, "addresses": named})


def _dns_placed(finding: Finding, vpc: planned_facts.VpcSide, addresses: list[str]) -> Finding:
    """vpc-dns-attributes with where the attributes come from, and the plan's fix."""
    details: dict[str, Any] = {**finding.details, "addresses": addresses}
    planned = vpc.planned_vpc
    if finding.details.get("known_after_apply") or finding.status is Status.ERROR:
        return replace(finding, details=details)
    details["attributes_from"] = f"plan ({planned.address})" if planned else "live"
    off = [
        name
        for name, on in (
            ("enable_dns_support", finding.details.get("enableDnsSupport", True)),
            ("enable_dns_hostnames", finding.details.get("enableDnsHostnames", True)),
        )
        if not on
    ]
    if planned is not None and off and finding.remediation:
        # The plan is where to fix it, not the CLI.
        fix = f"Set {' and '.join(f'{n} = true' for n in off)} on {planned.address}."
        return replace(finding, details=details, remediation=fix)
    return replace(finding, details=details)


def _judged_endpoint(side: planned_facts.EndpointSide) -> list[Finding]:
    """The ``endpoint`` checks on one planned endpoint, located at its block."""
    address = side.endpoint.address
    facts = side.facts
    findings: list[Finding] = []
    for spec, found in _checked("endpoint", facts, side.waits, side.quiet):
        extra = side.details.get(spec.id, {})
        for one in found:
            finding = replace(one, details={**one.details, "address": address, **extra})
            if spec.id == resolver_rules.SPEC.id and not finding.details.get("known_after_apply"):
                service = facts.service if facts.vpc.services.ok else None
                finding = planned_resolver.placed(
                    finding,
                    address,
                    side.rules.sources,
                    service.private_dns_name if service else "",
                    facts.vpc.request.vpc_id,
                )
            findings.append(finding)
    return findings


def _about(finding: Finding, address: str) -> Finding:
    return replace(finding, details={**finding.details, "address": address})


class _OnePerService:
    """service-visible once per service name (and message) in the account.

    The first VPC's finding is kept and names every endpoint using the service, the later
    VPCs' are dropped. Only a digest of each kept finding's key is held, and the spool is
    read again only when a later VPC added addresses.
    """

    def __init__(self) -> None:
        self._first: set[bytes] = set()
        self._more: dict[bytes, list[str]] = {}

    @staticmethod
    def _key(finding: Finding) -> bytes | None:
        if finding.check != service_visible.SPEC.id or "address" in finding.details:
            return None  # another check, or an endpoint's own skip
        text = f"{finding.resource}\x1f{finding.message}".encode()
        return hashlib.blake2b(text, digest_size=16).digest()

    def keeps(self, finding: Finding) -> bool:
        """Whether the finding is reported (False: its addresses join the first one's)."""
        key = self._key(finding)
        if key is None or key not in self._first:
            if key is not None:
                self._first.add(key)
            return True
        self._more.setdefault(key, []).extend(finding.details.get("addresses", []))
        return False

    def merged(self, findings: FindingSpool) -> FindingSpool:
        """``findings`` with each kept finding naming the later VPCs' endpoints too."""
        if not self._more:
            return findings
        out = FindingSpool()
        for finding in findings:
            key = self._key(finding)
            more = self._more.get(key) if key is not None else None
            if more:
                addresses = [*finding.details.get("addresses", []), *more]
                out.append(replace(finding, details={**finding.details, "addresses": addresses}))
            else:
                out.append(finding)
        return out
