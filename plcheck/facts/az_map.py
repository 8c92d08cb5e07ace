"""Zone maps of several accounts, as ``plcheck az-map`` reads them."""

from __future__ import annotations

from dataclasses import dataclass

from plcheck.errors import AwsCallError
from plcheck.facts.consumer import ServiceDetail
from plcheck.facts.zones import AccountZones


@dataclass(frozen=True)
class ScopeResult:
    """What one account and region yielded."""

    label: str
    """How the user named the account."""
    region: str
    """The region read."""
    zones: AccountZones | None
    """Its zones, when they could be read."""
    service: ServiceDetail | None
    """The endpoint service as it sees it, with --service; None when it cannot see it."""
    error: AwsCallError | None
    """Why it could not be read."""
    account: str = ""
    """The account ID when known beforehand (``--org``)."""
    service_error: AwsCallError | None = None
    """Why the --service lookup (DescribeVpcEndpointServices) failed, the zones being read:
    az-map-service-visible's error for this account, not az-id-mapping's."""


@dataclass(frozen=True)
class AzMapFacts:
    """Every account read: the ``accounts`` subject of az-id-mapping."""

    results: tuple[ScopeResult, ...]
    """One per account and region, in the order asked."""
    service: str | None = None
    """The endpoint service asked about (``--service``)."""

    resource = "accounts"
    account = ""
    region = ""
