"""service-allowed-principals: the consumers are allowed to connect, and not everyone.

What each kind of allowed principal admits (AWS, "Manage permissions" of an endpoint
service): ``*`` every principal of every account; ``arn:aws:iam::A:root`` every principal
of account A; ``arn:aws:iam::A:role/R`` (or ``user/U``) that one role or user only; an
organization ARN (``arn:aws:organizations::MGMT:organization/o-…``) every account of the
organization; an OU ARN (``…:ou/o-…/ou-…``) every account under that OU. Membership is
read from the provider's account with Organizations (DescribeAccount, ListParents) when it
may; otherwise the finding says what could not be confirmed.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from plcheck.facts.org import OrgMembership
    from plcheck.facts.outcome import Outcome
    from plcheck.facts.provider import Principal, ServiceConfig, ServiceFacts

SPEC = CheckSpec(
    id="service-allowed-principals",
    title="Consumer accounts are allowed principals",
    command="provider",
    also_in=("plan",),
    subject="service",
    needs=("permissions",),
    inspects=(
        "The allowed principals of each endpoint service against the --consumer-account "
        "accounts and --consumer-principal roles: *, an account's root, one role or user, or "
        "an organization or OU, whose membership Organizations tells the provider's account."
    ),
    why=(
        "A consumer can see and connect to a service only if one of its principals is "
        "allowed; otherwise CreateVpcEndpoint fails with InvalidServiceName, which looks like "
        "a typo rather than a permission problem. A role ARN admits that role only, not its "
        "account. * lets any AWS account connect."
    ),
    remediation=(
        "Allow the consumer account: aws ec2 modify-vpc-endpoint-service-permissions "
        "--service-id vpce-svc-… --add-allowed-principals arn:aws:iam::<account>:root"
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#add-remove-permissions",
    aws_actions=(
        "ec2:DescribeVpcEndpointServicePermissions",
        "organizations:DescribeAccount",  # with an organization or OU principal
        "organizations:ListParents",
    ),
    # A planned service's principals are in the plan; an existing one's are read.
    plan_actions=("ec2:DescribeVpcEndpointServicePermissions",),
    details={
        "principals": "the allowed principals: principal, type",
        "consumer_account": "the consumer account judged",
        "consumer_principal": "the consumer principal judged (--consumer-principal)",
    },
    severity="high",
)

_IAM = re.compile(r"arn:[\w-]+:iam::(?P<account>\d{12}):(?P<what>root|(?:role|user)/.+)")
_ORG = re.compile(r"arn:[\w-]+:organizations::(?P<mgmt>\d{12}):organization/(?P<org>o-[a-z0-9]+)")
_OU = re.compile(
    r"arn:[\w-]+:organizations::(?P<mgmt>\d{12}):ou/(?P<org>o-[a-z0-9]+)/(?P<ou>ou-[a-z0-9-]+)"
)

#: A role or user that creates endpoints: what --consumer-principal takes.
CONSUMER_PRINCIPAL = re.compile(r"arn:[\w-]+:iam::\d{12}:(?:role|user)/[\w+=,.@/-]+")


class Admits(enum.IntEnum):
    """How far one allowed principal admits one consumer, worst first."""

    NO = 0
    ONLY_SOME = 1  # only some roles or users of the account
    UNKNOWN = 2  # organization membership not confirmed
    YES = 3


@dataclass(frozen=True)
class Judged:
    """One allowed principal's answer for one consumer, and why."""

    admits: Admits
    principal: str
    why: str = ""


def account_of(arn: str) -> str:
    """The account an IAM principal ARN is in ("" for anything else)."""
    match = _IAM.fullmatch(arn)
    return match.group("account") if match else ""


def organization_principals(principals: Sequence[Principal]) -> list[str]:
    """Allowed principals that are organizations or OUs (their members need Organizations)."""
    return [
        p.principal for p in principals if _ORG.fullmatch(p.principal) or _OU.fullmatch(p.principal)
    ]


def judge_one(
    allowed: str,
    account: str,
    principal: str,
    membership: Outcome[OrgMembership] | None,
) -> Judged:
    """Whether ``allowed`` admits ``principal`` (or, with "", any principal) of ``account``."""
    if allowed == "*":
        return Judged(Admits.YES, allowed, "* admits everyone")
    iam = _IAM.fullmatch(allowed)
    if iam is not None:
        if iam.group("account") != account:
            return Judged(Admits.NO, allowed)
        if iam.group("what") == "root" or allowed == principal:
            return Judged(Admits.YES, allowed)
        if principal:
            return Judged(Admits.NO, allowed)
        return Judged(Admits.ONLY_SOME, allowed, iam.group("what"))
    org, ou = _ORG.fullmatch(allowed), _OU.fullmatch(allowed)
    found = org or ou
    if found is None:
        return Judged(Admits.NO, allowed)
    org_id, mgmt = found.group("org"), found.group("mgmt")
    if membership is None:
        return Judged(Admits.UNKNOWN, allowed, f"membership of {account} not read")
    if membership.error is not None:
        return Judged(Admits.UNKNOWN, allowed, membership.error.describe())
    place = membership.get()
    if place.organization_id == org_id:
        if ou is None or ou.group("ou") in place.parents:
            return Judged(
                Admits.YES, allowed, f"{account} is in {ou.group('ou') if ou else org_id}"
            )
        return Judged(
            Admits.NO, allowed, f"{account} is in {org_id} but not under {ou.group('ou')}"
        )
    if place.organization_id or place.caller_account == mgmt:
        # In another organization, or not in this one as its management account sees it.
        return Judged(Admits.NO, allowed, f"{account} is not in {org_id}")
    return Judged(
        Admits.UNKNOWN,
        allowed,
        f"{account} is not in the organization of {place.caller_account}, which is not "
        f"{org_id}'s management account ({mgmt})",
    )


def consumers(
    consumer_accounts: Sequence[str], consumer_principals: Sequence[str]
) -> list[tuple[str, str]]:
    """``(account, principal)`` pairs judged: each principal exactly, each other account whole."""
    pairs = [(account_of(p), p) for p in consumer_principals]
    covered = {a for a, _ in pairs}
    return pairs + [(a, "") for a in consumer_accounts if a not in covered]


def admits(
    listed: Sequence[str],
    account: str,
    principal: str,
    membership: Outcome[OrgMembership] | None,
) -> tuple[Admits, list[Judged]]:
    """How far the allowed principals ``listed`` admit one consumer, and each one's answer."""
    answers = [judge_one(p, account, principal, membership) for p in listed]
    return max((a.admits for a in answers), default=Admits.NO), answers


def evaluate(
    service: ServiceConfig,
    principals: Sequence[Principal],
    consumer_accounts: Sequence[str] = (),
    account: str = "",
    consumer_principals: Sequence[str] = (),
    memberships: Mapping[str, Outcome[OrgMembership]] | None = None,
) -> list[Finding]:
    """Warn on ``*``; per consumer (principal, or account): pass, warn or fail; else pass."""
    listed = [p.principal for p in principals]
    details = {
        "principals": [{"principal": p.principal, "type": p.principal_type} for p in principals]
    }
    known = memberships or {}

    finding = SPEC.on(service.service_id, account=account, region=service.region, details=details)

    def allow(arn: str) -> str:
        return (
            f"Allow it: aws ec2 modify-vpc-endpoint-service-permissions --service-id "
            f"{service.service_id} --add-allowed-principals {arn} --region {service.region}"
        )

    findings: list[Finding] = []
    if "*" in listed:
        findings.append(
            finding(
                Status.WARN,
                "allowed principals include *: any AWS account can find the service and "
                + (
                    "request a connection"
                    if service.acceptance_required
                    else "connect without acceptance"
                ),
                "Replace * with the consumer accounts: aws ec2 "
                f"modify-vpc-endpoint-service-permissions --service-id {service.service_id} "
                "--remove-allowed-principals '*' --add-allowed-principals "
                "arn:aws:iam::<account>:root",
            )
        )
    # Each consumer principal judged exactly; each other consumer account as a whole.
    admitted = []
    for consumer_account, principal in consumers(consumer_accounts, consumer_principals):
        if account and consumer_account == account:
            # The service's own account connects without being an allowed principal (the
            # AWS provider's acceptance test testAccVPCEndpointConfig_interfaceNonAWSService
            # creates an endpoint to its own service with none allowed).
            admitted.append(f"{principal or consumer_account} (the service's owner account)")
            continue
        best, answers = admits(listed, consumer_account, principal, known.get(consumer_account))
        who = principal or f"consumer account {consumer_account}"
        extra = {"consumer_account": consumer_account, "consumer_principal": principal}
        if best is Admits.YES:
            via = next(a for a in answers if a.admits is Admits.YES)
            admitted.append(f"{who} (by {via.principal})")
            continue
        if best is Admits.UNKNOWN:
            unsure = [a for a in answers if a.admits is Admits.UNKNOWN]
            some = [a for a in answers if a.admits is Admits.ONLY_SOME]
            also = f"; otherwise only {_only(some, consumer_account)}" if some else ""
            findings.append(
                finding(
                    Status.WARN,
                    f"{who} is allowed only through "
                    + ", ".join(a.principal for a in unsure)
                    + ", whose membership could not be confirmed ("
                    + "; ".join(dict.fromkeys(a.why for a in unsure))
                    + f"){also}",
                    "Run plcheck provider with a profile of the organization's management "
                    "account or a delegated administrator (organizations:DescribeAccount, "
                    "organizations:ListParents) to confirm it, or allow the account itself: "
                    + allow(_root(consumer_account)).removeprefix("Allow it: "),
                    unconfirmed=[a.principal for a in unsure],
                    **extra,
                )
            )
            continue
        if best is Admits.ONLY_SOME:
            some = [a for a in answers if a.admits is Admits.ONLY_SOME]
            findings.append(
                finding(
                    Status.WARN,
                    f"{who} is not allowed as a whole: only {_only(some, consumer_account)} can "
                    "create the endpoint; any other principal's CreateVpcEndpoint fails with "
                    "InvalidServiceName",
                    "Create the endpoint as that principal (pass it with --consumer-principal "
                    "to confirm), or allow the account: "
                    + allow(_root(consumer_account)).removeprefix("Allow it: "),
                    only=[a.principal for a in some],
                    **extra,
                )
            )
            continue
        reasons = "; ".join(a.why for a in answers if a.why and a.admits is Admits.NO)
        findings.append(
            finding(
                Status.FAIL,
                f"{who} is not an allowed principal"
                + (f" ({reasons})" if reasons else "")
                + ": its CreateVpcEndpoint fails with InvalidServiceName",
                allow(principal or _root(consumer_account)),
                **extra,
            )
        )
    if findings:
        return findings
    if not listed and admitted:
        return [finding(Status.PASS, f"no principals allowed; admits {', '.join(admitted)}")]
    if not listed:
        return [
            finding(
                Status.WARN,
                "no principals are allowed: no other account can connect to the service",
                "Allow each consumer account: aws ec2 modify-vpc-endpoint-service-permissions "
                f"--service-id {service.service_id} --add-allowed-principals "
                "arn:aws:iam::<account>:root",
            )
        ]
    checked = f"; admits {', '.join(admitted)}" if admitted else ""
    return [finding(Status.PASS, f"allowed principals: {', '.join(listed)}{checked}")]


def _root(account: str) -> str:
    return f"arn:aws:iam::{account}:root"


def _only(some: Sequence[Judged], account: str) -> str:
    return ", ".join(f"{a.why.replace('/', ' ', 1)} of {account}" for a in some)


def judge(facts: ServiceFacts) -> list[Finding]:
    """The allowed principals against the consumer accounts and principals expected."""
    principals = facts.permissions.get()
    return evaluate(
        facts.service,
        principals,
        facts.consumer_accounts,
        facts.account,
        facts.consumer_principals,
        facts.provider.memberships,
    )
