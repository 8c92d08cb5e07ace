"""link-principal: the consumer is an allowed principal, and its connections are accepted.

The consumer is its account, or the role declared as ``principal`` on the consumer.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from plcheck.checks._link import DETAILS, finding, not_owned
from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Sequence

    from plcheck.facts.link import LinkFacts
    from plcheck.facts.provider import Principal

SPEC = CheckSpec(
    id="link-principal",
    title="The consumer is allowed and its connection accepted",
    command="check",
    subject="link",
    needs=(
        "provider.services",
        "permissions",
        "provider.connections",
        "consumer.targets",
    ),
    inspects=(
        "The service's allowed principals against the consumer account (its root ARN, or *) "
        "or the role declared as `principal` on the [[link.consumer]] (its exact ARN); and "
        "the provider's DescribeVpcEndpointConnections for the consumer's endpoints."
    ),
    why=(
        "Only an allowed principal can create an endpoint to the service; anyone else gets "
        "InvalidServiceName. A role ARN admits only that role, an account root ARN the whole "
        "account. An endpoint the provider has not accepted carries no traffic. The provider "
        "cannot tell which account or role is its consumer, and the consumer cannot read the "
        "principals or the connections: only the link can."
    ),
    remediation=(
        "In the provider account: aws ec2 modify-vpc-endpoint-service-permissions --service-id "
        "vpce-svc-… --add-allowed-principals arn:aws:iam::ACCOUNT:root (or the role's ARN); "
        "aws ec2 accept-vpc-endpoint-connections --service-id vpce-svc-… --vpc-endpoint-ids "
        "vpce-…"
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html",
    aws_actions=(
        "ec2:DescribeVpcEndpointServicePermissions",
        "ec2:DescribeVpcEndpointConnections",
        "ec2:DescribeVpcEndpoints",
    ),
    details={
        **DETAILS,
        "principals": "the service's allowed principals",
        "declared_principal": 'the `principal` role declared on the consumer ("" if none)',
        "endpoint": "the consumer's endpoint",
        "connection_state": "its connection's state, as the provider lists it",
    },
    severity="high",
)

_ROOT = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):root")
_IAM = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):(role|user)/(.+)")
_ORGANIZATIONS = re.compile(r"arn:aws[a-z-]*:organizations::\d{12}:(organization|ou)/.+")

#: Connection states in which the endpoint carries no traffic, and why.
_NOT_FLOWING = {
    "pendingAcceptance": "waits for the provider to accept it",
    "rejected": "was rejected by the provider",
    "expired": "expired before the provider accepted it",
    "failed": "failed",
    "deleted": "was deleted",
}


def admission(
    principals: Sequence[Principal], account: str, role: str = ""
) -> tuple[Status, str, str]:
    """``(status, what admits it or not, the principal to allow)`` for ``account`` or ``role``."""
    listed = [p.principal for p in principals]
    who = f"role {role}" if role else f"account {account}"
    for principal in listed:
        root = _ROOT.fullmatch(principal)
        if principal == "*" or (root and root.group(1) == account) or (role and principal == role):
            return Status.PASS, f"{who} is admitted by {principal}", ""
    add = role or f"arn:aws:iam::{account}:root"
    same_account = [p for p in listed if (m := _IAM.fullmatch(p)) and m.group(1) == account]
    if same_account and not role:
        return (
            Status.WARN,
            f"only {', '.join(same_account)} of account {account} may create the endpoint; "
            "another principal of the account gets InvalidServiceName (declare the creating "
            "role as `principal` on the consumer to judge it exactly)",
            add,
        )
    organizations = [p for p in listed if _ORGANIZATIONS.fullmatch(p)]
    if organizations:
        return (
            Status.WARN,
            f"{who} is admitted only if account {account} is in {', '.join(organizations)}, "
            "which could not be confirmed here",
            add,
        )
    allowed = ", ".join(listed) or "no principal"
    return (
        Status.FAIL,
        f"{who} is not an allowed principal (allowed: {allowed}): its CreateVpcEndpoint fails "
        "with InvalidServiceName",
        add,
    )


def judge(facts: LinkFacts) -> list[Finding]:
    """The consumer against the allowed principals, then its endpoints' connections."""
    if facts.service is None:
        return not_owned(SPEC, facts)
    service_id, provider = facts.service_id, facts.provider.account
    principals = facts.permissions.get()
    status, what, add = admission(principals, facts.consumer.account, facts.principal)
    details: dict[str, Any] = {
        "principals": [p.principal for p in principals],
        "declared_principal": facts.principal,
    }
    findings = []
    if status is not Status.PASS:
        findings.append(
            finding(
                SPEC,
                facts,
                status,
                f"{facts.sides}: {what}",
                f"In provider account {provider}: aws ec2 "
                f"modify-vpc-endpoint-service-permissions --service-id {service_id} "
                f"--add-allowed-principals {add}",
                **details,
            )
        )
    connections = {c.endpoint_id: c for c in facts.provider.connections.get()}
    accepted = []
    for target in facts.targets:
        endpoint = target.endpoint
        if endpoint is None:
            continue
        connection = connections.get(endpoint.endpoint_id)
        if connection is None:
            findings.append(
                finding(
                    SPEC,
                    facts,
                    Status.WARN,
                    f"{facts.sides}: endpoint {endpoint.endpoint_id} ({endpoint.state}) is not "
                    f"among the connections provider {provider} lists for {service_id}: the "
                    "two accounts disagree about it",
                    "Check that the link's service and provider account are the ones the "
                    "endpoint connects to.",
                    endpoint=endpoint.endpoint_id,
                    **details,
                )
            )
            continue
        why = _NOT_FLOWING.get(connection.state)
        if why is None:
            accepted.append(f"{endpoint.endpoint_id} ({connection.state})")
            continue
        accept = (
            f"In provider account {provider}: aws ec2 accept-vpc-endpoint-connections "
            f"--service-id {service_id} --vpc-endpoint-ids {endpoint.endpoint_id}"
            if connection.state == "pendingAcceptance"
            else f"In consumer account {facts.consumer.account}: delete "
            f"{endpoint.endpoint_id} and create it again once the provider agrees to accept it."
        )
        findings.append(
            finding(
                SPEC,
                facts,
                Status.FAIL,
                f"{facts.sides}: the connection of endpoint {endpoint.endpoint_id} "
                f"{why} ({connection.state}): it carries no traffic",
                accept,
                endpoint=endpoint.endpoint_id,
                connection_state=connection.state,
                **details,
            )
        )
    if findings:
        return findings
    connected = f"; connections {', '.join(accepted)}" if accepted else ""
    return [finding(SPEC, facts, Status.PASS, f"{facts.sides}: {what}{connected}", **details)]
