"""Which credentials reach each planned resource: its provider's alias and Region → a scope.

Terraform applies each resource with the provider block its ``provider_config_key``
leads to (``aws``, ``aws.consumer``, ``module.x:aws``). plcheck reads that block's
account through the scope mapped to its alias (``--provider-profile ALIAS=PROFILE``
or ``[plan.providers.ALIAS]`` in plcheck.toml), and the default ``aws`` block through
``--profile``. A resource under any other block without a mapping is not judged
with the default account's map: its checks are ``skip`` naming the alias to map.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from plcheck.gate.tf_resources import PlannedResource
from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from plcheck.aws import AwsContext, Scope
    from plcheck.facts.outcome import Outcome
    from plcheck.facts.zones import AccountZones

#: The provider configuration ``--profile`` reaches.
DEFAULT_PROVIDER = "aws"


@dataclass(frozen=True)
class Reach:
    """How to reach one resource's account: a scope, or why there is none."""

    provider: str
    """The provider configuration, as a user maps it (``consumer`` or ``module.x:aws``)."""
    scope: Scope | None
    """The scope to read its account through; None when the alias is not mapped."""


def provider_name(resource: PlannedResource) -> str:
    """The name a mapping uses for the resource's provider: its alias, else its key."""
    if resource.provider_alias:
        return resource.provider_alias
    return resource.provider_key or DEFAULT_PROVIDER


def reach(resource: PlannedResource, default: Scope, profiles: Mapping[str, Scope]) -> Reach:
    """The scope that reads the account and Region Terraform applies ``resource`` in.

    An explicit Region (``--region``, or the mapping's ``region``) wins over the
    provider block's; the block's applies when none is given.
    """
    name = provider_name(resource)
    mapped = profiles.get(resource.provider_key) or profiles.get(name)
    if mapped is None:
        if name != DEFAULT_PROVIDER:
            return Reach(name, None)
        mapped = default
    if mapped.region is None and resource.region:
        mapped = replace(mapped, region=resource.region)
    return Reach(name, mapped)


def account_and_zones(ctx: AwsContext, scope: Scope) -> tuple[str, Outcome[AccountZones]]:
    """The scope's account ID ("" when unreadable) and its zones, read concurrently.

    The zones are in this account's names, so they need its ID; DescribeAvailabilityZones is
    read alongside it and the zones are built from the context's call cache.
    """
    from plcheck.aws.zones import account_zones
    from plcheck.facts.outcome import Outcome

    account, listed = ctx.gather(
        [
            lambda: ctx.account_id(scope),
            lambda: ctx.call(scope, "ec2", "describe_availability_zones"),
        ]
    )
    account_id = str(account.value or "")
    if listed.error is not None:
        return account_id, Outcome(error=listed.error)
    return account_id, Outcome(value=account_zones(ctx, scope, account_id))  # from the cache


def unmapped(spec: CheckSpec, resource: PlannedResource, provider: str) -> Finding:
    """The ``skip`` of one check on a resource whose provider alias has no credentials."""
    return spec.finding(
        Status.SKIP,
        resource.address,
        f"{resource.address}: not checked: its provider {resource.provider_key or provider} "
        f"has no profile (map alias {provider!r}); the default account's zone map would be "
        "the wrong one",
        region=resource.region,
        remediation=_remediation(provider),
        details={
            "address": resource.address,
            "provider": provider,
            "provider_key": resource.provider_key,
            "needs_profile": True,
        },
    )


def unmapped_all(
    specs: Sequence[CheckSpec], resource: PlannedResource, provider: str
) -> list[Finding]:
    """:func:`unmapped` for each of ``specs``, sharing one message and one details map.

    A plan with thousands of resources behind an unmapped alias has a skip per check per
    resource; what they say differs only by check, so the text is not repeated in memory.
    """
    if not specs:
        return []
    first = unmapped(specs[0], resource, provider)
    return [first, *(replace(first, check=spec.id) for spec in specs[1:])]


@functools.lru_cache(maxsize=64)
def _remediation(provider: str) -> str:
    """The one text for every unmapped resource of ``provider`` (shared, not repeated)."""
    return (
        f"Pass --provider-profile {provider}=PROFILE, or map it in plcheck.toml: "
        f'[plan.providers.{_toml_key(provider)}] profile = "PROFILE"'
    )


def _toml_key(name: str) -> str:
    return name if name.replace("_", "").replace("-", "").isalnum() else f'"{name}"'


def parse_mapping(values: Sequence[str]) -> dict[str, str]:
    """``ALIAS=PROFILE`` options → alias → profile; a malformed one is a usage error."""
    from plcheck.errors import UsageError

    found: dict[str, str] = {}
    for value in values:
        alias, sep, profile = value.partition("=")
        alias, profile = alias.strip(), profile.strip()
        if alias.startswith("aws."):
            alias = alias[4:]
        if not sep or not alias or not profile:
            raise UsageError(
                f"--provider-profile {value!r}: write ALIAS=PROFILE (e.g. consumer=prod)"
            )
        found[alias] = profile
    return found
