"""az-id-mapping: the same zone name means different physical zones in different accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Sequence

    from plcheck.facts.az_map import AzMapFacts
    from plcheck.facts.zones import AccountZones

SPEC = CheckSpec(
    id="az-id-mapping",
    title="AZ names map to the same AZ IDs across accounts",
    command="az-map",
    subject="accounts",
    inspects="The availability zone name → zone ID mapping of every given account and region.",
    why=(
        "In the Regions launched before November 2012 (us-east-1, us-west-1, us-west-2, "
        "eu-west-1, ap-northeast-1, ap-southeast-1, ap-southeast-2, sa-east-1), AWS maps zone "
        "names to physical zones independently for each account created before November "
        "2025: us-east-1a in the provider account can be a different zone than us-east-1a in "
        "the consumer account. Newer Regions, and accounts created since, map names the same "
        "way everywhere. PrivateLink attaches by physical zone, so plans written in zone "
        "names can put consumer subnets where the provider's load balancer is not; only AZ "
        "IDs name the same zone in every account."
    ),
    remediation=(
        "Plan and compare zones by AZ ID (use1-az1), never by name: in Terraform use "
        "`availability_zone_id` on subnets, and choose consumer subnets whose AZ IDs the "
        "endpoint service is offered in."
    ),
    docs_url="https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html",
    aws_actions=(
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeVpcEndpointServices",  # with --service
        "organizations:ListAccounts",  # with --org
        "sts:GetCallerIdentity",
    ),
    details={
        "zone_name": "the AZ name that maps to different zones",
        "zone_ids": "account ID → the AZ ID that name maps to there",
        "mapping": "account ID → {AZ name: AZ ID} (the summary finding)",
    },
    severity="low",
    can_fail=False,
)


def evaluate(accounts: Sequence[AccountZones]) -> list[Finding]:
    """One finding per zone name whose ID differs between accounts, or one pass per region."""
    findings: list[Finding] = []
    for region in sorted({a.region for a in accounts}):
        in_region = [a for a in accounts if a.region == region]
        mismatched = _mismatched_names(in_region)
        for name, by_account in mismatched.items():
            pairs = ", ".join(f"{zone_id} in {_who(a)}" for a, zone_id in by_account)
            findings.append(
                Finding(
                    check=SPEC.id,
                    status=Status.WARN,
                    resource=name,
                    account=",".join(a.account for a, _ in by_account),
                    region=region,
                    message=f"{name} is not the same zone everywhere: {pairs}",
                    remediation=_remediation(name, by_account),
                    details={
                        "zone_name": name,
                        "zone_ids": {a.account: zone_id for a, zone_id in by_account},
                    },
                )
            )
        if not mismatched:
            findings.append(_agreement(in_region, region))
    return findings


def _mismatched_names(
    accounts: Sequence[AccountZones],
) -> dict[str, list[tuple[AccountZones, str]]]:
    names = sorted({name for a in accounts for name in a.name_to_id})
    mismatched: dict[str, list[tuple[AccountZones, str]]] = {}
    for name in names:
        by_account = [(a, a.name_to_id[name]) for a in accounts if name in a.name_to_id]
        if len({zone_id for _, zone_id in by_account}) > 1:
            mismatched[name] = by_account
    return mismatched


def _remediation(name: str, by_account: Sequence[tuple[AccountZones, str]]) -> str:
    first, first_id = by_account[0]
    others = "; ".join(
        f"{_who(a)} calls {first_id} {a.id_to_name.get(first_id, '(no such zone)')}"
        for a, _ in by_account[1:]
    )
    return (
        f"Plan zones by AZ ID, not by name (Terraform: availability_zone_id): {name} in "
        f"{_who(first)} is {first_id}; {others}."
    )


def _agreement(accounts: Sequence[AccountZones], region: str) -> Finding:
    if len({a.account for a in accounts}) < 2:
        only = accounts[0]
        message = (
            f"one account ({_who(only)}): {len(only.name_to_id)} zones; "
            "compare with another account by passing a second --profile"
        )
    else:
        message = f"{len(accounts)} accounts use the same zone names for the same AZ IDs"
    return Finding(
        check=SPEC.id,
        status=Status.PASS,
        resource=region,
        account=",".join(a.account for a in accounts),
        region=region,
        message=message,
        details={"mapping": {a.account: a.name_to_id for a in accounts}},
    )


def _who(account: AccountZones) -> str:
    if account.label and account.label != account.account:
        return f"{account.account} ({account.label})"
    return account.account


def judge(facts: AzMapFacts) -> list[Finding]:
    """Zone names across every account read, plus an error per account that was not."""
    readable = [r.zones for r in facts.results if r.zones is not None]
    findings = evaluate(readable) if readable else []
    for result in facts.results:
        if result.error is not None:
            findings.append(
                SPEC.error(result.label, result.error, account=result.account, region=result.region)
            )
    return findings
