"""Gather the accounts of an AWS Organization and the scopes that enter them."""

from __future__ import annotations

from plcheck.aws.context import AwsContext, Scope
from plcheck.facts.org import OrgAccount, Organization

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
