"""Gather the accounts of an AWS Organization and the scopes that enter them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from plcheck.aws.context import AwsContext, Scope
from plcheck.errors import AwsCallError
from plcheck.facts.org import OrgAccount, Organization, OrgMembership
from plcheck.facts.outcome import Outcome

#: The role AWS Organizations creates in every account it creates.
DEFAULT_ORG_ROLE = "OrganizationAccountAccessRole"

#: ListAccounts returns at most 20 accounts per page.
PAGE_SIZE = 20


def organization(
    ctx: AwsContext,
    scope: Scope,
    on_page: Callable[[Organization, tuple[OrgAccount, ...]], None] | None = None,
) -> Organization:
    """The organization's accounts (ListAccounts, page by page) and who is listing them.

    ``scope`` must be the management account or a delegated administrator. The caller
    identity is read concurrently with the first page. ``on_page`` hears each page's
    accounts as it arrives, with the organization listed so far, so that their reads can
    start while the next page is listed (the pages themselves can only come one by one).
    """
    identity, first = ctx.gather(
        [
            lambda: ctx.call(scope, "sts", "get_caller_identity"),
            lambda: _page(ctx, scope, ""),
        ]
    )
    caller = identity.get()
    arn = str(caller.get("Arn", ""))
    partition = arn.split(":")[1] if arn.count(":") >= 2 and arn.split(":")[1] else "aws"
    org = Organization(caller_account=str(caller["Account"]), partition=partition, accounts=())
    page = first.get()
    while True:
        accounts = tuple(_account(a) for a in page.get("Accounts", []))
        org = dataclasses.replace(org, accounts=org.accounts + accounts)
        if on_page is not None:
            on_page(org, accounts)
        token = str(page.get("NextToken") or "")
        if not token:
            return org
        page = _page(ctx, scope, token)


def _page(ctx: AwsContext, scope: Scope, token: str) -> dict[str, Any]:
    params: dict[str, Any] = {"MaxResults": PAGE_SIZE}
    if token:
        params["NextToken"] = token
    return ctx.call(scope, "organizations", "list_accounts", **params)


def _account(listed: Mapping[str, Any]) -> OrgAccount:
    return OrgAccount(
        account_id=str(listed["Id"]),
        name=str(listed.get("Name") or listed["Id"]),
        # Newer responses carry State as well; Status is the documented field.
        status=str(listed.get("Status") or listed.get("State") or "ACTIVE").upper(),
    )


def member_scope(
    base: Scope, org: Organization, account: OrgAccount, role: str = DEFAULT_ORG_ROLE
) -> Scope:
    """The scope that reads ``account``: its role on top of ``base``'s credentials.

    The caller's own account is read directly: the organization's role exists only in
    the accounts it created or invited.
    """
    if account.account_id == org.caller_account:
        return Scope(profile=base.profile, region=base.region)
    return Scope(
        profile=base.profile,
        region=base.region,
        role_arn=f"arn:{org.partition}:iam::{account.account_id}:role/{role}",
    )


#: Organizations nests OUs at most five deep under the root.
MAX_OU_DEPTH = 5


def memberships(
    ctx: AwsContext, scope: Scope, accounts: Iterable[str]
) -> dict[str, Outcome[OrgMembership]]:
    """Where each account sits in the organization ``scope`` belongs to, concurrently.

    Per account: DescribeAccount (its ARN names the organization; AccountNotFound means
    it is not in the caller's organization), then ListParents up to the root (one call per
    level: the API takes one child). AccessDenied (a member account that is not a delegated
    administrator) or no organization at all are each account's failure.
    """
    wanted = sorted(set(accounts))
    outcomes = ctx.gather(
        [lambda a=a: _membership(ctx, scope, a) for a in wanted]  # type: ignore[misc]
    )
    return dict(zip(wanted, outcomes, strict=True))


def _membership(ctx: AwsContext, scope: Scope, account_id: str) -> OrgMembership:
    caller = ctx.account_id(scope)
    try:
        described = ctx.call(scope, "organizations", "describe_account", AccountId=account_id)
    except AwsCallError as exc:
        if exc.code == "AccountNotFoundException":
            return OrgMembership(account_id, caller)
        raise
    arn = str(described.get("Account", {}).get("Arn", ""))
    # arn:aws:organizations::MGMT:account/o-…/ACCOUNT
    parts = arn.rsplit(":", maxsplit=1)[-1].split("/")
    organization = parts[1] if len(parts) == 3 else ""
    parents: list[str] = []
    child = account_id
    for _ in range(MAX_OU_DEPTH + 1):
        listed = ctx.call(scope, "organizations", "list_parents", ChildId=child)
        found = listed.get("Parents", [])
        if not found:
            break
        parent = found[0]
        parents.append(str(parent["Id"]))
        if parent.get("Type") == "ROOT":
            break
        child = str(parent["Id"])
    return OrgMembership(account_id, caller, organization, tuple(parents))
