"""service-allowed-principals: the consumer accounts are allowed to connect, and not everyone."""

from __future__ import annotations

from collections.abc import Sequence

from plcheck.facts.provider import Principal, ServiceConfig, ServiceFacts
from plcheck.model import CheckSpec, Finding, Status

SPEC = CheckSpec(
    id="service-allowed-principals",
    title="Consumer accounts are allowed principals",
    command="provider",
    also_in=("plan",),
    subject="service",
    needs=("permissions",),
    inspects=(
        "The allowed principals of each endpoint service, against the --consumer-account "
        "accounts: an account root ARN, a role or user ARN in the account, or * admits it."
    ),
    why=(
        "A consumer can see and connect to a service only if one of its principals is "
        "allowed; otherwise CreateVpcEndpoint fails with InvalidServiceName, which looks like "
        "a typo rather than a permission problem. * lets any AWS account connect."
    ),
    remediation=(
        "Allow the consumer account: aws ec2 modify-vpc-endpoint-service-permissions "
        "--service-id vpce-svc-… --add-allowed-principals arn:aws:iam::<account>:root"
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html",
    aws_actions=("ec2:DescribeVpcEndpointServicePermissions",),
    details={
        "principals": "the allowed principals: principal, type",
    },
    severity="high",
)


def _account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" else ""


def admitting(principals: Sequence[Principal], account: str) -> list[str]:
    """Principals that admit ``account``: ``*``, its root, or a role/user ARN in it."""
    return [
        p.principal
        for p in principals
        if p.principal == "*"
        or (_account_of(p.principal) == account and ":organization/" not in p.principal)
    ]


def evaluate(
    service: ServiceConfig,
    principals: Sequence[Principal],
    consumer_accounts: Sequence[str] = (),
    account: str = "",
) -> list[Finding]:
    """Warn on ``*``; fail per consumer account no principal admits; else pass."""
    listed = [p.principal for p in principals]
    details = {
        "principals": [{"principal": p.principal, "type": p.principal_type} for p in principals]
    }

    def finding(status: Status, message: str, remediation: str = "", **extra: object) -> Finding:
        return Finding(
            check=SPEC.id,
            status=status,
            resource=service.service_id,
            account=account,
            region=service.region,
            message=message,
            remediation=remediation,
            details={**details, **extra},
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
    organizations = [p for p in listed if ":organization/" in p]
    for consumer in consumer_accounts:
        if admitting(principals, consumer):
            continue
        via_org = (
            f" (unless it is in {', '.join(organizations)}, which is not checked)"
            if organizations
            else ""
        )
        findings.append(
            finding(
                Status.WARN if organizations else Status.FAIL,
                f"consumer account {consumer} is not an allowed principal{via_org}: "
                "its CreateVpcEndpoint fails with InvalidServiceName",
                "Allow it: aws ec2 modify-vpc-endpoint-service-permissions --service-id "
                f"{service.service_id} --add-allowed-principals arn:aws:iam::{consumer}:root "
                f"--region {service.region}",
                consumer_account=consumer,
            )
        )
    if findings:
        return findings
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
    checked = f"; admits {', '.join(consumer_accounts)}" if consumer_accounts else ""
    return [finding(Status.PASS, f"allowed principals: {', '.join(listed)}{checked}")]


def judge(facts: ServiceFacts) -> list[Finding]:
    """The allowed principals against the consumer accounts expected."""
    principals = facts.permissions.get()
    return evaluate(facts.service, principals, facts.consumer_accounts, facts.account)
