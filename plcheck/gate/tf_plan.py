"""A read plan: its PrivateLink resources, its provider configurations, what it left out.

Built by :mod:`plcheck.gate.terraform`; resources are typed in
:mod:`plcheck.gate.tf_resources`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from plcheck.gate.tf_resources import (
    PlannedAllowedPrincipal,
    PlannedEndpoint,
    PlannedHostedZone,
    PlannedListener,
    PlannedLoadBalancer,
    PlannedResolverRule,
    PlannedResolverRuleAssociation,
    PlannedResource,
    PlannedRuleResource,
    PlannedSecurityGroup,
    PlannedService,
    PlannedSgRule,
    PlannedSubnet,
    PlannedSubnetAssociation,
    PlannedTargetGroup,
    PlannedVpc,
)
from plcheck.gate.tf_values import Unknown

R = TypeVar("R", bound=PlannedResource)


@dataclass(frozen=True)
class ProviderConfig:
    """One ``provider`` block of the configuration."""

    key: str
    """Its key in ``provider_config`` (``aws``, ``aws.consumer``, ``module.x:aws``)."""
    name: str
    """Provider name without alias: ``aws``."""
    alias: str = ""
    """The alias ("" for the default configuration)."""
    module_address: str = ""
    """The module that declares it ("" for the root module)."""
    region: str = ""
    """Its Region: a constant, or a variable's value from the plan; "" when neither."""
    region_from: str = ""
    """Where the Region comes from: ``constant``, ``var.region``, or why it is unknown."""


@dataclass(frozen=True)
class TerraformPlan:
    """The PrivateLink-related parts of one plan."""

    path: Path
    """The file read (``-`` for standard input)."""
    format_version: str
    terraform_version: str
    region: str | None
    """The default ``aws`` provider's Region in the root module, when known."""
    resources: tuple[PlannedResource, ...]
    """Every resource read, in plan order (all types below)."""
    providers: Mapping[str, ProviderConfig] = field(default_factory=dict)
    """Provider configurations by key."""
    skipped: tuple[tuple[str, str], ...] = ()
    """(address, why) of relevant resources left out: deletes, other endpoint types."""
    unread: tuple[tuple[str, int], ...] = ()
    """(type, instances) of managed resources plcheck does not read, most frequent first."""
    data_sources: tuple[tuple[str, int], ...] = ()
    """(type, instances) of data sources in the plan (never judged)."""
    module_sources: Mapping[str, str] = field(default_factory=dict)
    """Configuration module address (``module.a.module.b``) → its call's ``source``."""

    def of(self, kind: type[R]) -> tuple[R, ...]:
        """The resources of one class, e.g. ``plan.of(PlannedLoadBalancer)``.

        Computed once per class: judging asks for them once per endpoint, and a pass over
        every resource each time made a large plan quadratic.
        """
        cached: dict[type[Any], tuple[Any, ...]] | None = self.__dict__.get("_kinds")
        if cached is None:
            cached = {}
            object.__setattr__(self, "_kinds", cached)
        found = cached.get(kind)
        if found is None:
            found = cached[kind] = tuple(r for r in self.resources if isinstance(r, kind))
        return found

    @property
    def endpoints(self) -> tuple[PlannedEndpoint, ...]:
        """Interface endpoints created or updated, with their subnet associations."""
        return self.of(PlannedEndpoint)

    @property
    def services(self) -> tuple[PlannedService, ...]:
        return self.of(PlannedService)

    @property
    def subnets(self) -> tuple[PlannedSubnet, ...]:
        return self.of(PlannedSubnet)

    @property
    def vpcs(self) -> tuple[PlannedVpc, ...]:
        return self.of(PlannedVpc)

    @property
    def subnet_associations(self) -> tuple[PlannedSubnetAssociation, ...]:
        return self.of(PlannedSubnetAssociation)

    @property
    def security_groups(self) -> tuple[PlannedSecurityGroup, ...]:
        return self.of(PlannedSecurityGroup)

    @property
    def sg_rules(self) -> tuple[PlannedSgRule, ...]:
        """Every planned rule: inline blocks and rule resources alike."""
        rules: list[PlannedSgRule] = []
        for resource in self.resources:
            if isinstance(resource, PlannedSecurityGroup):
                for blocks in (resource.ingress, resource.egress):
                    if not isinstance(blocks, Unknown):
                        rules += blocks
            elif isinstance(resource, PlannedRuleResource):
                rules.append(resource.rule)
        return tuple(rules)

    @property
    def hosted_zones(self) -> tuple[PlannedHostedZone, ...]:
        return self.of(PlannedHostedZone)

    @property
    def resolver_rules(self) -> tuple[PlannedResolverRule, ...]:
        return self.of(PlannedResolverRule)

    @property
    def resolver_rule_associations(self) -> tuple[PlannedResolverRuleAssociation, ...]:
        return self.of(PlannedResolverRuleAssociation)

    @property
    def allowed_principals(self) -> tuple[PlannedAllowedPrincipal, ...]:
        return self.of(PlannedAllowedPrincipal)

    @property
    def load_balancers(self) -> tuple[PlannedLoadBalancer, ...]:
        return self.of(PlannedLoadBalancer)

    @property
    def listeners(self) -> tuple[PlannedListener, ...]:
        return self.of(PlannedListener)

    @property
    def target_groups(self) -> tuple[PlannedTargetGroup, ...]:
        return self.of(PlannedTargetGroup)

    def resource(self, address: str) -> PlannedResource | None:
        """The planned resource at an instance address."""
        return self._by_address.get(address)

    @property
    def _by_address(self) -> dict[str, PlannedResource]:
        cached: dict[str, PlannedResource] | None = self.__dict__.get("_index")
        if cached is None:
            cached = {r.address: r for r in self.resources}
            object.__setattr__(self, "_index", cached)
        return cached

    def subnet(self, address: str) -> list[PlannedSubnet]:
        """The planned subnets at ``address``: one instance, or every instance of a resource."""
        return [s for s in self._at(address) if isinstance(s, PlannedSubnet)]

    def vpc(self, address: str) -> list[PlannedVpc]:
        """The planned VPCs at ``address``."""
        return [v for v in self._at(address) if isinstance(v, PlannedVpc)]

    def vpc_by_id(self, vpc_id: str) -> PlannedVpc | None:
        """The planned change of an existing VPC, if the plan changes it."""
        return next((v for v in self.vpcs if v.existing_id == vpc_id), None)

    def _at(self, address: str) -> list[PlannedResource]:
        exact = self._by_address.get(address)
        if exact is not None:
            return [exact]
        return [r for r in self.resources if r.address.startswith(address + "[")]
