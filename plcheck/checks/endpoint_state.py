"""endpoint-state: an interface endpoint is available, or says who must act."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from plcheck.facts.consumer import EndpointFacts, ServiceDetail
    from plcheck.facts.endpoints import Endpoint

SPEC = CheckSpec(
    id="endpoint-state",
    title="The interface endpoint is available",
    command="consumer",
    subject="endpoint",
    inspects="The State, LastError and FailureReason of each interface endpoint.",
    why=(
        "Only an available endpoint carries traffic. pendingAcceptance waits for the service "
        "owner; rejected, failed and expired endpoints never will, and say why in LastError."
    ),
    remediation=(
        "pendingAcceptance: ask the service owner to accept the connection. rejected, failed, "
        "expired: fix the cause in LastError, delete the endpoint and create it again."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
    aws_actions=("ec2:DescribeVpcEndpoints",),
    details={
        "service_name": "the endpoint service",
        "planned": "true when the endpoint does not exist yet",
        "state": "the endpoint's state",
        "last_error": "AWS's last error for the endpoint",
        "failure_reason": "why the endpoint failed",
    },
)

_FAILED = {
    "rejected": "the service owner rejected the connection",
    "failed": "AWS could not create it",
    "expired": "the service owner did not accept the connection in time",
    "deleted": "it was deleted",
}


def evaluate(
    endpoint: Endpoint, service: ServiceDetail | None, *, account: str, region: str
) -> list[Finding]:
    """One finding for the endpoint's state."""
    state = endpoint.state
    owner = service.owner if service is not None and service.owner else "the service owner"
    why = "; ".join(
        x
        for x in (endpoint.last_error, endpoint.failure_reason and f"{endpoint.failure_reason}")
        if x
    )
    details = {
        "state": state,
        "service_name": endpoint.service_name,
        "last_error": endpoint.last_error,
        "failure_reason": endpoint.failure_reason,
    }
    name = f"{endpoint.endpoint_id} to {endpoint.service_name}"
    if state == "available":
        status, message, remediation = Status.PASS, f"{name} is available", ""
    elif state == "pendingAcceptance":
        status = Status.WARN
        message = f"{name} is pendingAcceptance: {owner} must accept the connection"
        remediation = (
            f"Ask {owner} to accept it: aws ec2 accept-vpc-endpoint-connections --service-id "
            f"{service.service_id if service and service.service_id else 'vpce-svc-…'} "
            f"--vpc-endpoint-ids {endpoint.endpoint_id}."
        )
    elif state == "pending":
        status = Status.WARN
        message = f"{name} is pending: AWS is still creating it"
        remediation = "Wait a few minutes and run again."
    elif state in _FAILED:
        status = Status.FAIL
        message = f"{name} is {state}: {_FAILED[state]}" + (f" ({why})" if why else "")
        remediation = "Fix the cause, delete the endpoint and create it again" + (
            f"; AWS says: {why}." if why else "."
        )
    else:
        status = Status.WARN
        message = f"{name} is {state}" + (f" ({why})" if why else "")
        remediation = "Wait for the endpoint to settle and run again."
    return [
        Finding(
            check=SPEC.id,
            status=status,
            resource=endpoint.endpoint_id,
            account=account,
            region=region,
            message=message,
            remediation=remediation,
            details=details,
        )
    ]


def planned(service_name: str, *, account: str, region: str) -> Finding:
    """The skip for a service that has no endpoint in the VPC yet."""
    return Finding(
        check=SPEC.id,
        status=Status.SKIP,
        resource=service_name,
        account=account,
        region=region,
        message=f"no endpoint to {service_name} in the VPC yet (pre-deploy: the plan is checked)",
        details={"service_name": service_name, "planned": True},
    )


def judge(facts: EndpointFacts) -> list[Finding]:
    """The endpoint's state; a skip for a planned endpoint."""
    target = facts.target
    if target.endpoint is None:
        return [planned(target.service_name, account=facts.account, region=facts.region)]
    services = facts.vpc.services.value or {}
    return evaluate(
        target.endpoint,
        services.get(target.service_name),
        account=facts.account,
        region=facts.region,
    )
