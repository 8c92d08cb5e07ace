"""Gather the accounts of an AWS Organization and the scopes that enter them."""

from __future__ import annotations

from collections.abc import Iterable

from plcheck.aws.context import AwsContext, Scope
from plcheck.errors import AwsCallError
from plcheck.facts.org import OrgAccount, Organization, OrgMembership
from plcheck.facts.outcome import Outcome

#: The role AWS Organizations creates in every account it creates.
DEFAULT_ORG_ROLE = "OrganizationAccountAccessRole"

#: ListAccounts returns at most 20 accounts per page.
PAGE_SIZE = 20


def organization(ctx: AwsContext, scope: Scope) -> Organization:
    """The organization's accounts (paginated ListAccounts) and who is listing them.

    ``scope`` must be the management account or a delegated administrator. The caller
    identity is read concurrently with the first page.
    """
    identity, listed = ctx.gather(
        [
            lambda: ctx.call(scope, "sts", "get_caller_identity"),
            lambda: ctx.paginate(
                scope, "organizations", "list_accounts", PaginationConfig={"PageSize": PAGE_SIZE}
            ),
        ]
    )
    caller = identity.get()
    accounts = tuple(
        OrgAccount(
            account_id=str(a["Id"]),
            name=str(a.get("Name") or a["Id"]),
            # Newer responses carry State as well; Status is the documented field.
            status=str(a.get("Status") or a.get("State") or "ACTIVE").upper(),
        )
        for a in listed.get().get("Accounts", [])
    )
    arn = str(caller.get("Arn", ""))
    partition = arn.split(":")[1] if arn.count(":") >= 2 and arn.split(":")[1] else "aws"
    return Organization(
        caller_account=str(caller["Account"]), partition=partition, accounts=accounts
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
