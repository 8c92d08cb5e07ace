"""Planned endpoints' Route 53 Resolver rules, judged by ``resolver-rules`` before apply.

The rules that will apply to a planned endpoint's VPC after apply are the VPC's live
associations (an existing VPC: ListResolverRuleAssociations, ListResolverRules, read
by :func:`plcheck.aws.consumer.resolver_rule_index` as for ``plcheck consumer``) and the
plan's ``aws_route53_resolver_rule_association`` resources for it (an association to a
planned ``aws_vpc`` counts for the endpoints in that VPC). A planned association's
rule is an ``aws_route53_resolver_rule`` of the same plan or an existing rule, read
live. They become the endpoint's ``resolver_rules`` fact, judged by the check as live
rules are: the most specific domain decides. What apply decides (a rule's domain or
type, whether an association is for this VPC, whether a live association the plan may
delete stays) is a ``skip`` saying so, never a pass or a fail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from plcheck.checks import resolver_rules
from plcheck.errors import AwsCallError
from plcheck.facts.consumer import ResolverRule
from plcheck.facts.outcome import Outcome
from plcheck.gate.tf_plan import TerraformPlan
from plcheck.gate.tf_resources import (
    PlannedEndpoint,
    PlannedResolverRule,
    PlannedResolverRuleAssociation,
)
from plcheck.gate.tf_values import Unknown
from plcheck.model import Finding, Status
from plcheck.runs.planned_subnets import EndpointVpc, endpoint_vpc
from plcheck.service_names import verification_domain

if TYPE_CHECKING:
    from plcheck.aws import AwsContext, Scope
    from plcheck.aws.consumer import ResolverIndex

#: The Terraform types whose deletion may take a live rule away from a VPC.
RESOLVER_TYPES = ("aws_route53_resolver_rule", "aws_route53_resolver_rule_association")


def _empty() -> Outcome[ResolverIndex]:
    return Outcome(value=({}, {}))


@dataclass(frozen=True)
class ResolverFacts:
    """What the account yielded about Resolver rules for the plan's private DNS endpoints."""

    index: Outcome[ResolverIndex] = field(default_factory=_empty)
    """Existing VPC ID → the IDs of its associated rules, and every rule the account sees."""


def _users(endpoints: Sequence[PlannedEndpoint]) -> list[PlannedEndpoint]:
    return [e for e in endpoints if e.private_dns_enabled is True]


def gather(
    ctx: AwsContext, scope: Scope, plan: TerraformPlan, endpoints: Sequence[PlannedEndpoint]
) -> ResolverFacts:
    """Read the live rules the private DNS endpoints need (none when the plan alone decides).

    The existing VPCs' associations, and every rule when an existing VPC or a planned
    association names an existing rule: one pair of calls for all of them.
    """
    from plcheck.aws.consumer import resolver_rule_index

    vpcs = [v.live_id for e in _users(endpoints) if (v := endpoint_vpc(plan, e)) and v.live_id]
    named = any(
        isinstance(a.resolver_rule_id, str) and a.resolver_rule_id
        for a in plan.resolver_rule_associations
    )
    if not _users(endpoints) or not (vpcs or named):
        return ResolverFacts()
    (index,) = ctx.gather([lambda: resolver_rule_index(ctx, scope, vpcs)])
    return ResolverFacts(index)


@dataclass(frozen=True)
class _Brought:
    """The rule a planned association brings, as far as the plan knows it."""

    sources: tuple[str, ...]
    """The association's address, and the planned rule's."""
    rule: ResolverRule | None = None
    """None when its domain is known only after apply."""
    unknown: str = ""
    """What apply decides about it ("" when nothing)."""


def _brought(
    plan: TerraformPlan, association: PlannedResolverRuleAssociation, facts: ResolverFacts
) -> _Brought | AwsCallError:
    address = association.address
    rule_id = association.resolver_rule_id
    if isinstance(rule_id, str):
        if facts.index.error is not None:
            return facts.index.error
        live = facts.index.get()[1].get(rule_id)
        if live is None:
            why = f"{address}: rule {rule_id} is not among the rules this account can see"
            return _Brought((address,), unknown=why)
        return _Brought((address,), live)
    refs = set(rule_id.resources)
    planned = [  # the rule itself, or every instance of a count/for_each rule
        r
        for r in plan.resolver_rules
        if r.address in refs or any(r.address.startswith(f"{ref}[") for ref in refs)
    ]
    if len(planned) != 1:
        return _Brought(
            (address,), unknown=f"{address}: {rule_id.describe()} is known only after apply"
        )
    return _planned_rule(planned[0], address)


def _planned_rule(rule: PlannedResolverRule, association: str) -> _Brought:
    sources = (association, rule.address)
    domain, kind = rule.domain_name, rule.rule_type
    if isinstance(domain, Unknown):
        return _Brought(sources, unknown=f"{rule.address}: domain_name is known only after apply")
    fact = ResolverRule(
        rule.existing_id or rule.address,
        domain.rstrip(".").lower(),
        kind.upper() if isinstance(kind, str) else "",
    )
    if isinstance(kind, Unknown):
        return _Brought(sources, fact, f"{rule.address}: rule_type is known only after apply")
    return _Brought(sources, fact)


def _member(
    plan: TerraformPlan, association: PlannedResolverRuleAssociation, vpc: EndpointVpc
) -> bool | None:
    """Whether the association is for ``vpc``; None when apply decides."""
    vpc_id = association.vpc_id
    if isinstance(vpc_id, str):
        return vpc_id in vpc.keys
    candidates = {v.address for r in vpc_id.resources for v in plan.vpc(r)}
    if not candidates:
        return None  # a data source, a variable: known only after apply
    if candidates <= vpc.keys:
        return True
    return False if not candidates & vpc.keys else None


def _matters(rule: ResolverRule, name: str, wildcard: bool) -> bool:
    """Whether a rule can take part in resolving the name (or, for a wildcard, part of it)."""
    return resolver_rules.covers(rule.domain, name) or (
        wildcard and resolver_rules.covers(name, rule.domain)
    )


def _deleted(plan: TerraformPlan) -> list[str]:
    """Resolver rules and associations the plan deletes or replaces (their old values unread)."""
    gone = [a for a, why in plan.skipped if why == "deleted by this plan"]
    gone += [r.address for r in plan.resources if "delete" in r.actions]
    return [a for a in gone if any(f".{t}." in f".{a}" for t in RESOLVER_TYPES)]


Sourced = tuple[ResolverRule, tuple[str, ...]]


@dataclass(frozen=True)
class VpcRules:
    """The Resolver rules a planned endpoint's VPC will have, or what apply decides of them."""

    rules: Outcome[tuple[ResolverRule, ...]] = field(default_factory=lambda: Outcome(value=()))
    """The rules (live associations and the plan's), or the call that failed to read them."""
    sources: Mapping[str, Sourced] = field(default_factory=dict)
    """Rule ID → the rule and the plan's addresses that bring it (none for a live one)."""
    pending: str = ""
    """What apply decides about them ("" when nothing); the check waits for it."""


def rules(
    plan: TerraformPlan, facts: ResolverFacts, endpoint: PlannedEndpoint, private_dns_name: str
) -> VpcRules:
    """The rules that will apply to the endpoint's VPC, for a service with that DNS name."""
    vpc = endpoint_vpc(plan, endpoint)
    if vpc is None:
        what = endpoint.vpc_id.describe() if isinstance(endpoint.vpc_id, Unknown) else "vpc_id"
        return VpcRules(pending=f"the VPC's Resolver rules: {what} is known only after apply")
    name = verification_domain(private_dns_name)
    gathered = _rules(plan, facts, vpc, name, wildcard=private_dns_name.startswith("*."))
    if isinstance(gathered, AwsCallError):
        return VpcRules(Outcome(error=gathered))
    found, pending = gathered
    if pending:
        return VpcRules(pending=f"Resolver rules not judged before apply: {'; '.join(pending)}")
    return VpcRules(Outcome(value=tuple(r for r, _ in found.values())), found)


def _rules(
    plan: TerraformPlan, facts: ResolverFacts, vpc: EndpointVpc, name: str, *, wildcard: bool
) -> tuple[dict[str, Sourced], list[str]] | AwsCallError:
    """The rules that will apply to ``vpc`` after apply, and what apply decides about them.

    Rule ID → the rule and the plan's addresses that bring it (none for a live association).
    """
    rules: dict[str, Sourced] = {}
    if vpc.live_id:
        if facts.index.error is not None:
            return facts.index.error
        associated, by_id = facts.index.get()
        for rule_id in associated.get(vpc.live_id, ()):
            if rule_id in by_id:
                rules[rule_id] = (by_id[rule_id], ())
    pending: list[str] = []
    for association in plan.resolver_rule_associations:
        member = _member(plan, association, vpc)
        if member is False:
            continue
        brought = _brought(plan, association, facts)
        if isinstance(brought, AwsCallError):
            return brought
        if brought.rule is not None and not _matters(brought.rule, name, wildcard):
            continue
        if member is None:
            assert isinstance(association.vpc_id, Unknown)
            pending.append(
                f"whether {association.address} is for {vpc.label}: "
                f"{association.vpc_id.describe()} is known only after apply"
            )
        elif brought.unknown or brought.rule is None:
            pending.append(brought.unknown)
        else:
            rules[brought.rule.rule_id] = (brought.rule, brought.sources)
    live = [r.rule_id for r, src in rules.values() if not src and _matters(r, name, wildcard)]
    deleted = _deleted(plan)
    if live and deleted:
        more = " and more" if len(deleted) > 3 else ""
        pending.append(
            f"whether {', '.join(live)} stay(s) associated with {vpc.label}: the plan deletes "
            f"or replaces {', '.join(deleted[:3])}{more}"
        )
    return rules, pending


def _causes(rules: Mapping[str, Sourced], name: str) -> list[Sourced]:
    """The rules that take the name away: the deciding one, or those below a wildcard."""
    autodefined = ResolverRule(resolver_rules.AUTODEFINED, name, "SYSTEM")
    decider = resolver_rules.deciding_rule([*(r for r, _ in rules.values()), autodefined], name)
    if decider is not None and decider.rule_type in resolver_rules.BYPASSING:
        return [rules[decider.rule_id]]
    return [
        (r, sources)
        for r, sources in rules.values()
        if r.rule_type in resolver_rules.BYPASSING and resolver_rules.covers(name, r.domain)
    ]


def placed(
    finding: Finding, endpoint: str, rules: Mapping[str, Sourced], private_dns_name: str, vpc: str
) -> Finding:
    """The finding with the plan's context: where the cause is, and how to fix it in the plan."""
    name = verification_domain(private_dns_name)
    sources = [s for _, s in rules.values()]
    origin = sorted({"plan" if s else "live" for s in sources}) or ["none"]
    details = {**finding.details, "address": endpoint, "endpoint": endpoint}
    details["rules_from"] = " and ".join(origin)
    if finding.status in (Status.PASS, Status.SKIP):
        return replace(finding, details=details)
    planned = [(r, s) for r, s in _causes(rules, name) if s]
    if not planned:  # a live rule: evaluate's fix (disassociate it, or a SYSTEM rule) stands
        return replace(finding, details=details)
    rule, (association, *_) = planned[0]
    # The .tf location is the association's block: that is where the plan changes.
    details["address"] = association
    details["addresses"] = [*dict.fromkeys(a for _, s in planned for a in s), endpoint]
    other = (
        f'add an aws_route53_resolver_rule with rule_type = "SYSTEM" and domain_name = '
        f'"{name}" and associate it with {vpc}, so the VPC resolver answers {name}'
        if rule.domain != name
        else f"have the rule's targets answer {name} with the endpoint's addresses"
    )
    fix = (
        f"Drop {association} from the plan (or associate {rule.rule_id} with another VPC) "
        f"if {vpc} does not need it; or {other}."
    )
    return replace(finding, details=details, remediation=fix)
