"""az-map-service-visible: the service ``az-map --service`` marks is visible to the accounts read.

Without it az-map printed a pass and a legend saying the service was offered when no
account could see it at all, so a misspelt name or a missing allowed principal went
unnoticed until CreateVpcEndpoint refused it.

Status: when not one of the accounts read sees the name, no endpoint to it can be made
with these identities (CreateVpcEndpoint fails with InvalidServiceName, as
``service-visible`` fails in the consumer run): that is certain, so it fails. When some
accounts see it and others do not, the others may simply not be consumers (``--org``
maps every account), so it warns and names them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from plcheck.facts.az_map import AzMapFacts, ScopeResult

SPEC = CheckSpec(
    id="az-map-service-visible",
    title="The --service of az-map is visible to the accounts mapped",
    command="az-map",
    subject="accounts",
    inspects=(
        "DescribeVpcEndpointServices for the --service name in every account and region "
        "az-map reads (with ServiceRegions for a service in another region)."
    ),
    why=(
        "An account can only create an endpoint to a service it can see. A service no account "
        "sees is misspelt, in another region, or does not allow these principals: its zones "
        "cannot be marked, and every CreateVpcEndpoint fails with InvalidServiceName."
    ),
    remediation=(
        "Check the service name and region with the provider; the provider must add each "
        "consumer account (arn:aws:iam::ACCOUNT:root) or its deploying role to the service's "
        "allowed principals (aws ec2 modify-vpc-endpoint-service-permissions "
        "--add-allowed-principals)."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html",
    aws_actions=("ec2:DescribeVpcEndpointServices",),
    details={
        "service_name": "the --service name",
        "visible_to": "accounts (and regions) that see it",
        "not_visible_to": "accounts (and regions) that do not",
    },
)


def _who(result: ScopeResult) -> str:
    account = result.zones.account if result.zones else result.account
    if account and result.label and result.label != account:
        return f"{account} ({result.label}, {result.region})"
    return f"{account or result.label} ({result.region})"


def judge(facts: AzMapFacts) -> list[Finding]:
    """Which accounts read can see ``--service``; nothing to judge without it."""
    name = facts.service
    if not name:
        return []
    # Accounts that could not be read are az-id-mapping's errors; only the read ones count.
    read = [r for r in facts.results if r.error is None and r.zones is not None]
    if not read:
        return []
    # An account whose service lookup failed is this check's error, and it is not judged.
    errors = [
        SPEC.error(
            name,
            r.service_error,
            account=r.zones.account if r.zones else r.account,
            region=r.region,
        )
        for r in read
        if r.service_error is not None
    ]
    unread = [r for r in read if r.service_error is not None]
    read = [r for r in read if r.service_error is None]
    if not read:
        return errors
    blind = [r for r in read if r.service is None]
    seeing = [r for r in read if r.service is not None]
    details = {
        "service_name": name,
        "visible_to": [_who(r) for r in seeing],
        "not_visible_to": [_who(r) for r in blind],
    }
    accounts = ",".join(dict.fromkeys(r.zones.account for r in read if r.zones))
    if not blind:
        zones = sorted({z for r in seeing if r.service for z in r.service.zone_ids})
        return [
            SPEC.finding(
                Status.PASS,
                name,
                f"{name} is visible to every account read ({len(seeing)}), offered in "
                f"{', '.join(zones) or 'no zone'}"
                + (
                    f"; the lookup failed in {', '.join(_who(r) for r in unread)}" if unread else ""
                ),
                account=accounts,
                details=details,
            ),
            *errors,
        ]
    names = ", ".join(_who(r) for r in blind)
    remediation = (
        "Check the name and region with the provider; it must allow each consumer: aws ec2 "
        "modify-vpc-endpoint-service-permissions --service-id "
        f"{name.rsplit('.', 1)[-1]} --add-allowed-principals "
        + " ".join(f"arn:aws:iam::{r.zones.account}:root" for r in blind if r.zones)
    )
    if not seeing:
        # Certain only when every account's lookup answered: an unread one may see it.
        return [
            SPEC.finding(
                Status.WARN if unread else Status.FAIL,
                name,
                f"{name} is not visible to any account read ({names}): it is misspelt, in "
                "another region, or does not allow these principals; its zones are unknown and "
                "CreateVpcEndpoint from these accounts fails with InvalidServiceName",
                account=accounts,
                remediation=remediation,
                details=details,
            ),
            *errors,
        ]
    return [
        SPEC.finding(
            Status.WARN,
            name,
            f"{name} is not visible to {names} (visible to "
            f"{', '.join(_who(r) for r in seeing)}): those accounts cannot create an endpoint "
            "to it (fine only if they are not consumers)",
            account=accounts,
            remediation=remediation,
            details=details,
        ),
        *errors,
    ]
