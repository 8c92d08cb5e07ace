"""service-acceptance: no endpoint connection waits for acceptance, was rejected or expired."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Sequence

    from plcheck.facts.provider import Connection, ServiceConfig, ServiceFacts

SPEC = CheckSpec(
    id="service-acceptance",
    title="Endpoint connections are accepted",
    command="provider",
    subject="service",
    needs=("provider.connections",),
    inspects=(
        "Whether the service requires acceptance, and its endpoint connections that are "
        "pendingAcceptance, rejected or expired."
    ),
    why=(
        "With acceptance required, a consumer's endpoint stays pendingAcceptance and carries "
        "no traffic until the provider accepts it; after some days unanswered it expires, "
        "and a rejected endpoint never works: the consumer must create a new one."
    ),
    remediation=(
        "Accept pending connections (aws ec2 accept-vpc-endpoint-connections --service-id … "
        "--vpc-endpoint-ids …); ask owners of rejected or expired endpoints to recreate them."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html",
    aws_actions=("ec2:DescribeVpcEndpointConnections",),
    details={
        "service_id": "the endpoint service",
        "acceptance_required": "whether connections need acceptance",
        "connections": "how many endpoint connections it has",
        "endpoint_id": "a connection's endpoint",
        "owner": "its account",
        "state": "its state",
        "age": "how long it has waited",
        "created": "when it was created",
    },
    can_fail=False,
)

_STUCK = ("pendingacceptance", "rejected", "expired", "failed")


def _age(created: datetime | None, now: datetime) -> str:
    if created is None:
        return "unknown age"
    seconds = max(0, int((now - created).total_seconds()))
    if seconds >= 86400:
        return f"{seconds // 86400} d"
    if seconds >= 3600:
        return f"{seconds // 3600} h"
    return f"{seconds // 60} min" if seconds >= 60 else "under a minute"


def evaluate(
    service: ServiceConfig, connections: Sequence[Connection], now: datetime, account: str = ""
) -> list[Finding]:
    """One warn per stuck connection, or a pass for the service."""
    mine = [c for c in connections if c.service_id == service.service_id]
    acceptance = "required" if service.acceptance_required else "not required"
    findings: list[Finding] = []
    for connection in sorted(mine, key=lambda c: c.endpoint_id):
        state = connection.state.lower()
        if state not in _STUCK:
            continue
        age = _age(connection.created, now)
        who = f"{connection.endpoint_id} of account {connection.owner}"
        if state == "pendingacceptance":
            message = f"{who} has waited {age} for acceptance: it carries no traffic until accepted"
            remediation = (
                f"If {connection.owner} is expected, accept it: aws ec2 "
                f"accept-vpc-endpoint-connections --service-id {service.service_id} "
                f"--vpc-endpoint-ids {connection.endpoint_id} --region {service.region}"
            )
        else:
            message = f"{who} is {connection.state} ({age} old): it will never carry traffic"
            remediation = (
                f"Ask account {connection.owner} to delete {connection.endpoint_id} and create "
                "a new endpoint" + (", then accept it." if service.acceptance_required else ".")
            )
        findings.append(
            Finding(
                check=SPEC.id,
                status=Status.WARN,
                resource=service.service_id,
                account=account,
                region=service.region,
                message=message,
                remediation=remediation,
                details={
                    "service_id": service.service_id,
                    "acceptance_required": service.acceptance_required,
                    "endpoint_id": connection.endpoint_id,
                    "owner": connection.owner,
                    "state": connection.state,
                    "age": age,
                    "created": connection.created.isoformat() if connection.created else "",
                },
            )
        )
    if findings:
        return findings
    states: dict[str, int] = {}
    for connection in mine:
        states[connection.state] = states.get(connection.state, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(states.items())) or "none yet"
    return [
        Finding(
            check=SPEC.id,
            status=Status.PASS,
            resource=service.service_id,
            account=account,
            region=service.region,
            message=f"acceptance {acceptance}; no connection waits or was refused "
            f"(connections: {summary})",
            details={
                "acceptance_required": service.acceptance_required,
                "connections": states,
            },
        )
    ]


def judge(facts: ServiceFacts) -> list[Finding]:
    """The service's endpoint connections and its acceptance setting."""
    connections = facts.provider.connections.get()
    return evaluate(facts.service, connections, facts.now or _now(), facts.account)


def _now() -> datetime:
    return datetime.now(timezone.utc)
