"""service-state: the endpoint service is Available."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from plcheck.facts.provider import ServiceConfig, ServiceFacts

SPEC = CheckSpec(
    id="service-state",
    title="Endpoint service is Available",
    command="provider",
    subject="service",
    inspects="The ServiceState of each endpoint service configuration the provider owns.",
    why=(
        "Consumers can create endpoints only to a service in the Available state; a Pending, "
        "Failed or Deleting service refuses new connections."
    ),
    remediation=(
        "Wait for a Pending service; for a Failed one check that its load balancers exist "
        "and are active, or recreate the service configuration."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/create-endpoint-service.html",
    aws_actions=("ec2:DescribeVpcEndpointServiceConfigurations", "sts:GetCallerIdentity"),
    details={
        "service_id": "the endpoint service",
        "service_name": "its name",
        "state": "its state",
        "exists": "whether it was found",
        "services": "the services the account owns (when none was named)",
    },
)


def evaluate(service: ServiceConfig, account: str = "") -> list[Finding]:
    """Pass when the service is Available; fail with its state otherwise."""
    available = service.state == "Available"
    return [
        Finding(
            check=SPEC.id,
            status=Status.PASS if available else Status.FAIL,
            resource=service.service_id,
            account=account,
            region=service.region,
            message=(
                f"{service.service_name} is Available"
                if available
                else f"{service.service_name} is {service.state or 'in no state'}, "
                "not Available: consumers cannot create endpoints to it"
            ),
            remediation=""
            if available
            else (
                f"Check the service's load balancers ({', '.join(service.load_balancer_arns)}) "
                "are active; a Pending service becomes Available on its own, a Failed one "
                "must be recreated."
            ),
            details={"service_name": service.service_name, "state": service.state},
        )
    ]


def missing(service_id: str, account: str, region: str) -> Finding:
    """The finding for a service ID the account does not own in the region."""
    return Finding(
        check=SPEC.id,
        status=Status.FAIL,
        resource=service_id,
        account=account,
        region=region,
        message=f"endpoint service {service_id} does not exist in account {account or '?'} "
        f"in {region}",
        remediation=(
            "Check the service ID, the provider account (--profile) and the region (--region); "
            "`aws ec2 describe-vpc-endpoint-service-configurations` lists the services you own."
        ),
        details={"service_id": service_id, "exists": False},
    )


def none_owned(account: str, region: str) -> Finding:
    """The finding when the account owns no endpoint service in the region."""
    return Finding(
        check=SPEC.id,
        status=Status.SKIP,
        resource=region,
        account=account,
        region=region,
        message=f"account {account or '?'} owns no endpoint services in {region}",
        details={"services": 0},
    )


def judge(facts: ServiceFacts) -> list[Finding]:
    """The service's state."""
    return evaluate(facts.service, facts.account)
