"""Accounts of an AWS Organization, as plain facts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OrgAccount:
    """One account of the organization."""

    account_id: str
    """The 12-digit account ID."""
    name: str
    """The account's name in the organization."""
    status: str
    """``ACTIVE``, ``SUSPENDED`` or ``PENDING_CLOSURE``."""


@dataclass(frozen=True)
class Organization:
    """The organization's accounts as the management (or delegated admin) account lists them."""

    caller_account: str
    """The account the listing ran in (read directly, not through a role)."""
    partition: str
    """The AWS partition (``aws``, ``aws-cn``, ``aws-us-gov``), for role ARNs."""
    accounts: tuple[OrgAccount, ...]
    """Every account, in the order AWS lists them."""

    @property
    def active(self) -> tuple[OrgAccount, ...]:
        """The accounts that can be entered (``ACTIVE``)."""
        return tuple(a for a in self.accounts if a.status == "ACTIVE")


@dataclass(frozen=True)
class OrgMembership:
    """Where one account sits in the caller's organization (DescribeAccount, ListParents).

    Read from the account that answers (the provider's): the management account or a
    delegated administrator sees every member; an account outside its organization is
    not found there.
    """

    account_id: str
    """The account asked about."""
    caller_account: str
    """The account that answered."""
    organization_id: str = ""
    """``o-…`` when the account is in the caller's organization; "" when it is not."""
    parents: tuple[str, ...] = ()
    """Its parents, nearest first: ``ou-…`` IDs up to the ``r-…`` root."""
