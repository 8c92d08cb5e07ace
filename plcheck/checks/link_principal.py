"""link-principal: the consumer is an allowed principal, and its connections are accepted.

The consumer is its account, or the role declared as ``principal`` on the consumer. Whether
the allowed principals admit it is judged by the same rules as service-allowed-principals
(:func:`~plcheck.checks.service_allowed_principals.admits`, organization membership
included), so the two checks cannot disagree.

``plcheck check`` also runs service-allowed-principals on the provider's side with every
consumer account and declared principal, so the same missing permission would fail twice
in one report. When :attr:`LinkFacts.admission_judged` says the provider's side judged this
consumer's (account, principal) pair, link-principal keeps only what only the join sees: the
connection state of this consumer's endpoints, and which principal this VPC declared
(named in its message and details). A consumer not admitted then gets a skip pointing to
service-allowed-principals, unless a connection finding says more. Judged on its own (its
pair not judged elsewhere: another consumer in the account declares a principal, or plain
LinkFacts), the admission is its own finding, capped at warn when one of the consumer's
endpoints is already connected (``available``): removing a principal does not cut existing
connections, only a new endpoint would be refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plcheck.checks._link import DETAILS, finding, not_owned
from plcheck.checks.service_allowed_principals import Admits, admits
from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from plcheck.facts.link import LinkFacts
    from plcheck.facts.org import OrgMembership
    from plcheck.facts.outcome import Outcome
    from plcheck.facts.provider import Connection, Principal

SPEC = CheckSpec(
    id="link-principal",
    title="The consumer is allowed and its connection accepted",
    command="check",
    also_in=("plan",),
    subject="link",
    needs=(
        "provider.services",
        "permissions",
        "provider.connections",
        "consumer.targets",
    ),
    inspects=(
        "The service's allowed principals against the consumer account or the role declared "
        "as `principal` on the [[link.consumer]], by service-allowed-principals' rules (*, "
        "root, role or user, organization or OU membership), unless that check judges the "
        "same consumer in the report; and the provider's DescribeVpcEndpointConnections for "
        "the consumer's endpoints. In `plcheck plan` (an endpoint to a service of the same "
        "plan): the endpoint's account, from its provider alias, against the planned allowed "
        "principals; nothing is connected yet."
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
    # In a plan: the planned principals, or an existing service's; no connection exists yet.
    plan_actions=("ec2:DescribeVpcEndpointServicePermissions",),
    details={
        **DETAILS,
        "principals": "the service's allowed principals",
        "declared_principal": 'the `principal` role declared on the consumer ("" if none)',
        "endpoint": "the consumer's endpoint",
        "connection_state": "its connection's state, as the provider lists it",
    },
    severity="high",
)

#: Connection states in which the endpoint carries no traffic, and why.
_NOT_FLOWING = {
    "pendingAcceptance": "waits for the provider to accept it",
    "rejected": "was rejected by the provider",
    "expired": "expired before the provider accepted it",
    "failed": "failed",
    "deleted": "was deleted",
}


def admission(
    principals: Sequence[Principal],
    account: str,
    role: str = "",
    membership: Outcome[OrgMembership] | None = None,
) -> tuple[Status, str, str]:
    """``(status, what admits it or not, the principal to allow)`` for ``account`` or ``role``."""
    listed = [p.principal for p in principals]
    who = f"role {role}" if role else f"account {account}"
    best, answers = admits(listed, account, role, membership)
    add = role or f"arn:aws:iam::{account}:root"
    if best is Admits.YES:
        via = next(a for a in answers if a.admits is Admits.YES)
        return Status.PASS, f"{who} is admitted by {via.principal}", ""
    if best is Admits.UNKNOWN:
        unsure = [a for a in answers if a.admits is Admits.UNKNOWN]
        return (
            Status.WARN,
            f"{who} is admitted only if account {account} is in "
            f"{', '.join(a.principal for a in unsure)}, which could not be confirmed here ("
            + "; ".join(dict.fromkeys(a.why for a in unsure))
            + ")",
            add,
        )
    if best is Admits.ONLY_SOME:
        some = [a.principal for a in answers if a.admits is Admits.ONLY_SOME]
        return (
            Status.WARN,
            f"only {', '.join(some)} of account {account} may create the endpoint; "
            "another principal of the account gets InvalidServiceName (declare the creating "
            "role as `principal` on the consumer to judge it exactly)",
            add,
        )
    reasons = "; ".join(a.why for a in answers if a.why)
    allowed = ", ".join(listed) or "no principal"
    return (
        Status.FAIL,
        f"{who} is not an allowed principal (allowed: {allowed}"
        + (f"; {reasons}" if reasons else "")
        + "): its CreateVpcEndpoint fails with InvalidServiceName",
        add,
    )


def judge(facts: LinkFacts) -> list[Finding]:
    """The consumer's endpoints' connections, and its admission unless judged elsewhere."""
    if facts.service is None:
        return not_owned(SPEC, facts)
    service_id, provider, account = facts.service_id, facts.provider.account, facts.account
    principals = facts.permissions.get()
    details: dict[str, Any] = {
        "principals": [p.principal for p in principals],
        "declared_principal": facts.principal,
    }
    if not account:
        return [
            finding(
                SPEC,
                facts,
                Status.SKIP,
                f"{facts.sides}: the consumer's account is not known, so whether the allowed "
                "principals admit it cannot be judged",
                **details,
            )
        ]
    status, what, add = admission(
        principals, account, facts.principal, facts.provider.memberships.get(account)
    )
    if status is not Status.PASS and account == provider:
        # The service's own account connects without being an allowed principal (as
        # service-allowed-principals judges it).
        status, what = Status.PASS, f"account {account} owns the service"
    connections = {c.endpoint_id: c for c in facts.provider.connections.get()}
    findings, accepted = _connections(facts, connections, details)
    connected = [e for e, state in accepted if state == "available"]
    if status is not Status.PASS and facts.admission_judged:
        if findings:
            return findings
        return [
            finding(
                SPEC,
                facts,
                Status.SKIP,
                f"{facts.sides}: {what}. service-allowed-principals judges this in the "
                f"provider's side of this report; no endpoint of the consumer is connected",
                **details,
            )
        ]
    if status is not Status.PASS:
        remediation = (
            f"In provider account {provider}: aws ec2 modify-vpc-endpoint-service-permissions "
            f"--service-id {service_id} --add-allowed-principals {add}"
        )
        if connected and status is Status.FAIL:
            status = Status.WARN
            what += (
                f"; endpoint {', '.join(connected)} stays connected (available): removing a "
                "principal does not cut existing connections, only a new endpoint is refused"
            )
        findings.insert(
            0, finding(SPEC, facts, status, f"{facts.sides}: {what}", remediation, **details)
        )
    if findings:
        return findings
    listed = f"; connections {', '.join(f'{e} ({s})' for e, s in accepted)}" if accepted else ""
    return [finding(SPEC, facts, Status.PASS, f"{facts.sides}: {what}{listed}", **details)]


def _connections(
    facts: LinkFacts, connections: Mapping[str, Connection], details: dict[str, Any]
) -> tuple[list[Finding], list[tuple[str, str]]]:
    """Findings on the consumer's endpoints' connections, and the ones that carry traffic."""
    service_id, provider = facts.service_id, facts.provider.account
    findings: list[Finding] = []
    accepted: list[tuple[str, str]] = []
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
            accepted.append((endpoint.endpoint_id, connection.state))
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
    return findings, accepted
