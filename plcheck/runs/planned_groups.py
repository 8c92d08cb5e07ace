"""Security groups as they will be after apply: live groups with the plan's rules merged in.

Terraform declares rules three ways: inline ``ingress``/``egress`` blocks of
``aws_security_group`` (authoritative: they replace the group's rules),
``aws_vpc_security_group_{ingress,egress}_rule`` and ``aws_security_group_rule``
(each adds one rule to a group). All three arrive as
:class:`~plcheck.gate.tf_consumer.PlannedSgRule`; here they become
:class:`~plcheck.facts.network.SgRule` on :class:`~plcheck.facts.network.SecurityGroup`,
so the same checks judge planned groups and live ones. A group the plan creates is
keyed by its address (its ID is known only after apply); an existing one by its ID.
A rule with a part known only after apply is not guessed: the group is listed in
``unknown`` with what is missing, and a judge reports a ``skip``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from plcheck.facts.network import SecurityGroup, SgRule
from plcheck.gate.tf_plan import TerraformPlan
from plcheck.gate.tf_resources import PlannedRuleResource, PlannedSecurityGroup, PlannedSgRule
from plcheck.gate.tf_values import Planned, Unknown


@dataclass(frozen=True)
class Groups:
    """Groups by ID (existing) or address (planned), and those not known before apply."""

    by_key: Mapping[str, SecurityGroup] = field(default_factory=dict)
    """Group ID or planned address → the group as it will be after apply."""
    unknown: Mapping[str, str] = field(default_factory=dict)
    """Group key → what about its rules is known only after apply."""
    planned: frozenset[str] = frozenset()
    """Keys the plan creates or whose rules it changes."""


def group_keys(value: Planned[tuple[str, ...]], plan: TerraformPlan) -> list[str] | Unknown:
    """An attribute naming groups (``security_group_ids``) → group keys, or what is unknown."""
    if not isinstance(value, Unknown):
        return list(value)
    planned = [a for a in value.resources if isinstance(plan.resource(a), PlannedSecurityGroup)]
    if planned and not value.sensitive:
        return planned
    return value


def _key(value: Planned[str], plan: TerraformPlan) -> str | None:
    if not isinstance(value, Unknown):
        return value or None
    planned = [a for a in value.resources if isinstance(plan.resource(a), PlannedSecurityGroup)]
    return planned[0] if len(planned) == 1 else None


def _rule(rule: PlannedSgRule, key: str, plan: TerraformPlan) -> SgRule | str:
    """The rule as a live one, or what in it is known only after apply."""
    unknown = [
        name
        for name, value in (
            ("protocol", rule.protocol),
            ("from_port", rule.from_port),
            ("to_port", rule.to_port),
            ("cidrs", rule.cidrs),
            ("prefix_lists", rule.prefix_lists),
        )
        if isinstance(value, Unknown)
    ]
    referenced = group_keys(rule.groups, plan)
    if isinstance(referenced, Unknown):
        unknown.append("source security groups")
        referenced = []
    if unknown:
        return f"{rule.source}: {', '.join(unknown)} known only after apply"
    protocol = str(rule.protocol)
    every_port = protocol in ("-1", "all")
    return SgRule(
        group_id=key,
        protocol="-1" if every_port else protocol,
        from_port=None if every_port else _port(rule.from_port),
        to_port=None if every_port else _port(rule.to_port),
        cidrs=tuple(rule.cidrs) if not isinstance(rule.cidrs, Unknown) else (),
        prefix_lists=tuple(rule.prefix_lists) if not isinstance(rule.prefix_lists, Unknown) else (),
        groups=tuple(referenced) + ((key,) if rule.self_ref else ()),
    )


def _port(value: Planned[int | None]) -> int | None:
    return value if isinstance(value, int) and value >= 0 else None


def merged(plan: TerraformPlan, live: Iterable[SecurityGroup] = ()) -> Groups:
    """Every group the plan creates or adds rules to, merged with the ``live`` groups."""
    by_key: dict[str, SecurityGroup] = {g.group_id: g for g in live}
    unknown: dict[str, str] = {}
    planned: set[str] = set()
    for planned_group in plan.security_groups:
        group = planned_group
        key = group.existing_id or group.address
        planned.add(key)
        inline: list[SgRule] = []
        outbound: list[SgRule] = []
        blocks = (group.ingress, group.egress)
        for rules, into in zip(blocks, (inline, outbound), strict=True):
            if isinstance(rules, Unknown):
                unknown.setdefault(
                    key, f"{group.address}: {rules.describe()} known only after apply"
                )
                continue
            for rule in rules:
                found = _rule(rule, key, plan)
                if isinstance(found, str):
                    unknown.setdefault(key, found)
                else:
                    into.append(found)
        name = group.group_name if isinstance(group.group_name, str) else group.address
        vpc_id = group.vpc_id if isinstance(group.vpc_id, str) else ""
        # Inline blocks are authoritative: they replace an existing group's rules.
        by_key[key] = SecurityGroup(
            key, name or group.address, vpc_id, tuple(inline), tuple(outbound)
        )
    for resource in plan.of(PlannedRuleResource):
        rule = resource.rule
        target = _key(rule.group_id, plan)
        if target is None:
            continue  # its group is known only after apply and not planned here
        planned.add(target)
        found = _rule(rule, target, plan)
        if isinstance(found, str):
            unknown.setdefault(target, found)
            continue
        current = by_key.get(target) or SecurityGroup(target, target, "", (), ())
        if rule.egress:
            by_key[target] = replace(current, outbound=(*current.outbound, found))
        else:
            by_key[target] = replace(current, inbound=(*current.inbound, found))
    return Groups(by_key, unknown, frozenset(planned))


def live_ids(keys: Sequence[str]) -> list[str]:
    """The keys that are group IDs, to read from the account."""
    return sorted({k for k in keys if k.startswith("sg-")})
