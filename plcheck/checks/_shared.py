"""Pieces several checks share; not a check itself (no ``SPEC``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from plcheck.errors import AwsCallError
    from plcheck.facts.consumer import EndpointFacts


def not_visible(spec: CheckSpec, facts: EndpointFacts) -> Finding:
    """The skip for a target whose service this account cannot see (service-visible fails)."""
    return spec.finding(
        Status.SKIP,
        facts.resource,
        f"{facts.target.service_name} is not visible to this account (see service-visible)",
        account=facts.account,
        region=facts.region,
    )


class Located(Protocol):
    """Facts that say which resource, account and region they are about."""

    @property
    def resource(self) -> str: ...
    @property
    def account(self) -> str: ...
    @property
    def region(self) -> str: ...


def failed(spec: CheckSpec, facts: Located, error: AwsCallError) -> Finding:
    """``spec``'s error finding on the subject of ``facts`` (for one part that failed)."""
    return spec.error(facts.resource, error, account=facts.account, region=facts.region)
