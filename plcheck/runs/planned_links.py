"""Links inside one plan: a planned endpoint joined with the planned service it connects to.

When ``aws_vpc_endpoint.x``'s ``service_name`` comes from an ``aws_vpc_endpoint_service``
of the same plan (directly or through a module's output), both sides of the link are in
the plan, usually in two accounts through two aliased providers. The pair becomes a
:class:`~plcheck.facts.link.LinkFacts` and the ``link`` checks of ``plcheck check`` judge
it through :func:`plcheck.checks.framework.judge`'s per-check rule:

* the provider side is the service's facts as :mod:`plcheck.runs.planned_provider` built
  them, in the service's account (its zone names);
* the consumer side is a :class:`~plcheck.facts.consumer.ConsumerFacts` in the endpoint's
  account, from the facts :mod:`plcheck.runs.planned` gathered for it (no call of its
  own): that account's zone map for planned subnets' ``availability_zone``, live subnets
  for known IDs, the VPC's CIDRs (live, or the planned ``aws_vpc``'s ``cidr_block``).
  What the link checks do not read is an ``error`` outcome saying so, never an empty fact.

What apply decides is one ``skip`` per check saying what it waits for; an alias with no
profile is the usual skip naming it. Admission (link-principal) is judged by the link, at
the endpoint, so the provider's side is not also given the consumers' accounts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from plcheck.facts.consumer import ConsumerRequest
from plcheck.facts.link import LinkFacts
from plcheck.facts.outcome import Outcome
from plcheck.gate.tf_plan import TerraformPlan
from plcheck.gate.tf_resources import PlannedEndpoint, PlannedService
from plcheck.gate.tf_values import Unknown
from plcheck.model import Finding
from plcheck.runs import after_apply, planned_facts, planned_groups
from plcheck.runs import planned_subnets as subnets_of
from plcheck.runs.planned import LiveFacts
from plcheck.runs.planned_facts import service_from_plan
from plcheck.runs.planned_provider import Built

if TYPE_CHECKING:
    from plcheck.aws import AwsContext, Scope

#: A range of ports wider than this in the endpoint's groups says nothing about the port used.
_WIDEST_RANGE = 16

#: Link check → the provider check whose wait (known only after apply) it shares.
_WAITS_WITH = (
    ("link-zones", "nlb-az-coverage"),
    ("link-port", "nlb-listeners"),
    ("link-sources", "nlb-security-groups"),
    ("link-sources", "nlb-listeners"),
    ("link-principal", "service-allowed-principals"),
)


@dataclass(frozen=True)
class Pair:
    """A planned endpoint and the planned service its ``service_name`` comes from."""

    endpoint: PlannedEndpoint
    service: PlannedService


def pairs(plan: TerraformPlan) -> list[Pair]:
    """Every endpoint of the plan whose service the same plan creates, with that service."""
    by_address = {s.address: s for s in plan.services}
    found = []
    for endpoint in plan.endpoints:
        source = service_from_plan(endpoint, plan)
        if source is not None:
            found.append(Pair(endpoint, by_address[source]))
    return found


def run(
    ctx: AwsContext,
    default: Scope,
    plan: TerraformPlan,
    profiles: Mapping[str, Scope],
    consumers: Mapping[str, Outcome[LiveFacts]],
) -> list[Finding]:
    """The provider side's findings, then the link checks of every pair.

    ``consumers``: endpoint address → the facts its account yielded (the consumer side's).
    """
    from plcheck.runs import plan_accounts, planned_provider

    links = pairs(plan)
    regions: dict[str, set[str]] = {}
    for link in links:
        reach = plan_accounts.reach(link.endpoint, default, profiles)
        if reach.scope is not None:
            regions.setdefault(link.service.address, set()).add(ctx.region(reach.scope))
    # Regions only: each link judges its consumer's admission itself (link-principal).
    expected = {a: ((), tuple(sorted(r))) for a, r in regions.items()}
    findings, built = planned_provider.run(ctx, default, plan, profiles, expected)
    for link in links:
        findings += judge(link, plan, default, profiles, consumers, built)
    return findings


def judge(
    link: Pair,
    plan: TerraformPlan,
    default: Scope,
    profiles: Mapping[str, Scope],
    consumers: Mapping[str, Outcome[LiveFacts]],
    services: Mapping[str, Outcome[Built]],
) -> list[Finding]:
    """The ``plan`` checks of subject ``link`` on one pair, located at the endpoint."""
    from plcheck.checks import checks_for, framework
    from plcheck.runs import plan_accounts

    specs = checks_for("plan", "link")
    endpoint = link.endpoint
    for resource in (link.endpoint, link.service):
        reach = plan_accounts.reach(resource, default, profiles)
        if reach.scope is None:
            return _about(link, plan_accounts.unmapped_all(specs, resource, reach.provider))
    consumer, service = consumers.get(endpoint.address), services.get(link.service.address)
    for outcome in (consumer, service):
        if outcome is not None and outcome.error is not None:
            found = [
                spec.error(endpoint.address, outcome.error, region=endpoint.region)
                for spec in specs
            ]
            return _about(link, found)
    if consumer is None or service is None:
        return []  # not judged on either side: their own findings say why
    facts, pending = joined(link, plan, consumer.get(), service.get())
    findings: list[Finding] = []
    for spec in specs:
        why = pending.get(spec.id)
        if why is None:
            findings += framework.apply(spec, facts)
        else:
            findings.append(
                after_apply.skip(
                    spec,
                    endpoint.address,
                    f"{endpoint.address} → {link.service.address}: not checked before apply: {why}",
                    account=facts.account,
                    region=facts.region,
                )
            )
    return _about(link, findings)


def _about(link: Pair, findings: Sequence[Finding]) -> list[Finding]:
    """The findings filed under the endpoint (its ``.tf`` line), naming both resources."""
    address = link.endpoint.address
    return [
        replace(
            f,
            resource=address,
            details={**f.details, "address": address, "addresses": [address, link.service.address]},
        )
        for f in findings
    ]


# -- building the join --------------------------------------------------------------------


def joined(
    link: Pair, plan: TerraformPlan, live: LiveFacts, built: Built
) -> tuple[LinkFacts, dict[str, str]]:
    """The pair as :class:`LinkFacts`, and link check → what it waits for (after apply)."""
    endpoint, service = link.endpoint, link.service
    pending: dict[str, str] = {}
    for check, provider_check in _WAITS_WITH:
        if provider_check in built.pending:
            pending.setdefault(check, built.pending[provider_check])
    (vpc_side,) = planned_facts.sides(plan, live, [endpoint])
    side = vpc_side.endpoint(endpoint)
    built_consumer = side.facts.vpc
    vpc_label = built_consumer.request.vpc_id
    if "vpc" in side.waits:
        pending.setdefault("link-sources", side.waits["vpc"].reason or side.waits["vpc"].text)
    subnets = built_consumer.subnets
    known, _ = subnets_of.endpoint_subnets(endpoint)
    if "subnets" in side.waits:
        pending.setdefault("link-zones", f"the endpoint's subnets: {side.waits['subnets'].reason}")
    elif subnets.error is None and not isinstance(endpoint.vpc_id, str) and known:
        why = f"{', '.join(known)} outside a VPC read here"
        pending.setdefault("link-zones", f"the endpoint's subnets: {why}")
    chosen = side.facts.target.subnet_ids
    if subnets.value is not None:  # the endpoint's own: the link judges where it will be
        subnets = Outcome(value=tuple(s for s in subnets.value if s.subnet_id in chosen))
    ports = admitted_ports(plan, live, endpoint)
    if isinstance(ports, str):
        pending.setdefault("link-port", f"client port unknown: {ports}")
        if _enforced(built):
            pending.setdefault("link-sources", f"client port unknown: {ports}")
        ports = ()
    private_dns = endpoint.private_dns_enabled
    if isinstance(private_dns, Unknown):
        pending.setdefault(
            "link-private-dns", f"{private_dns.describe()} is known only after apply"
        )
    if isinstance(service.private_dns_name, Unknown):
        why = f"{service.private_dns_name.describe()} is known only after apply"
        pending.setdefault("link-private-dns", why)
    groups = planned_groups.group_keys(endpoint.security_group_ids, plan)
    request = ConsumerRequest(
        vpc_id=vpc_label,
        services=(service.address,),
        subnets=tuple(s.subnet_id for s in subnets.value or ()),
        security_groups=() if isinstance(groups, Unknown) else tuple(groups),
        ports=ports,
    )
    # The consumer side as the consumer checks see it (planned_facts), but with the planned
    # service as its one service: none to it exists yet, so the target is the planned one.
    consumer = replace(
        built_consumer,
        request=request,
        subnets=subnets,
        planned=None,
        services=planned_facts.not_read("the services the consumer account sees"),
        resolver_rules=planned_facts.not_read("the VPC's Resolver rules"),
    )
    # The service is created by this apply: no endpoint is connected to it yet.
    provider = replace(built.facts.provider, connections=Outcome(value=()))
    facts = LinkFacts(
        name=endpoint.address,
        service_name=service.address,
        provider=provider,
        service=built.facts.service,
        consumer=consumer,
        port=ports[0] if ports else 0,  # 0: unknown; the checks that need it wait (pending)
        ports=ports[1:],
        before_apply=True,
        private_dns_planned=None if isinstance(private_dns, Unknown) else private_dns,
    )
    return facts, pending


def admitted_ports(
    plan: TerraformPlan, live: LiveFacts, endpoint: PlannedEndpoint
) -> tuple[int, ...] | str:
    """The TCP ports the endpoint's groups admit (evidence of the clients' port), or why not.

    A plan does not say which port clients use; the endpoint's groups admit only the ports
    they can use. A group that admits every port or a wide range says nothing.
    """
    if live.network.groups.error is not None:
        return f"the endpoint's security groups: {live.network.groups.error.describe()}"
    groups = planned_groups.merged(plan, live.network.groups.value or [])
    keys = planned_groups.group_keys(endpoint.security_group_ids, plan)
    if isinstance(keys, Unknown):
        return f"{keys.describe()} is known only after apply"
    if not keys:
        return "no security_group_ids (the VPC's default group is not read for a plan)"
    ports: list[int] = []
    for key in keys:
        if key in groups.unknown:
            return groups.unknown[key]
        group = groups.by_key.get(key)
        if group is None:
            return f"security group {key} was not found"
        for rule in group.inbound:
            if rule.protocol not in ("tcp", "6", "-1"):
                continue
            low, high = rule.from_port, rule.to_port
            if rule.protocol == "-1" or low is None or high is None:
                return f"{key} admits every port"
            if high - low + 1 > _WIDEST_RANGE:
                return f"{key} admits ports {low}-{high}"
            ports += range(low, high + 1)
    if not ports:
        return "the endpoint's security groups admit no TCP port (see endpoint-security-groups)"
    return tuple(sorted(set(ports)))


def _enforced(built: Built) -> bool:
    """Whether a load balancer of the service evaluates its groups for PrivateLink traffic."""
    balancers = built.facts.provider.load_balancers.value or {}
    return any(
        lb.security_groups and lb.enforce_sg_on_privatelink != "off" for lb in balancers.values()
    )
