"""endpoint-private-dns: the service's private DNS name is verified and used by the endpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.checks._shared import not_visible
from plcheck.checks.private_dns_conflict import is_conflicting, private_dns_in_use
from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Sequence

    from plcheck.facts.consumer import EndpointFacts, HostedZone, ServiceDetail
    from plcheck.facts.endpoints import Endpoint

SPEC = CheckSpec(
    id="endpoint-private-dns",
    title="Private DNS is verified and enabled on the endpoint",
    command="consumer",
    subject="endpoint",
    needs=("vpc.services",),
    also_in=("plan",),
    inspects=(
        "The service's private DNS name and its verification state, and PrivateDnsEnabled on "
        "each interface endpoint to it."
    ),
    why=(
        "With private DNS the service's own name (api.example.com) resolves to the endpoint "
        "inside the VPC, so clients and TLS certificates work unchanged. Without it clients "
        "must use the endpoint's vpce-… names, which the service's certificate does not cover. "
        "AWS uses a private DNS name only after the provider has verified the domain."
    ),
    remediation=(
        "Enable private DNS on the endpoint (aws ec2 modify-vpc-endpoint --private-dns-enabled; "
        "Terraform private_dns_enabled = true). An unverified name must be verified by the "
        "provider (TXT record, then StartVpcEndpointServicePrivateDnsVerification)."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html",
    aws_actions=("ec2:DescribeVpcEndpointServices", "ec2:DescribeVpcEndpoints"),
    plan_actions=("ec2:DescribeVpcEndpointServices",),  # private_dns_enabled is planned
    details={
        "service_name": "the endpoint service",
        "private_dns_name": "the service's private DNS name",
        "verification_state": "the provider's domain verification state",
        "private_dns_enabled": "whether the endpoint enables private DNS (null: not known yet)",
    },
)


def evaluate(
    resource: str,
    service: ServiceDetail,
    endpoint: Endpoint | None,
    *,
    account: str,
    region: str,
    conflicting: Sequence[HostedZone] = (),
) -> list[Finding]:
    """One finding for an endpoint (or, with ``endpoint`` None, a planned one) to ``service``.

    ``conflicting``: private hosted zones of the VPC with the name's own name (not the
    endpoint's): AWS refuses private DNS while they are associated, so the name does not
    answer from the endpoint; private-dns-conflict fails on them, and this check does not
    claim otherwise.
    """
    name = service.private_dns_name
    details: dict[str, object] = {
        "service_name": service.service_name,
        "private_dns_name": name,
        "verification_state": service.private_dns_verification,
        "private_dns_enabled": endpoint.private_dns_enabled if endpoint else None,
    }

    make = SPEC.on(resource, account=account, region=region, details=details)

    def finding(status: Status, message: str, remediation: str = "") -> list[Finding]:
        return [make(status, message, remediation)]

    if not name:
        return finding(
            Status.SKIP,
            f"{service.service_name} has no private DNS name: clients use the endpoint's "
            "vpce-… names",
        )
    if service.private_dns_verification != "verified":
        state = service.private_dns_verification or "unknown"
        owner = service.owner or "the provider"
        return finding(
            Status.FAIL,
            f"the private DNS name {name} of {service.service_name} is not verified ({state}): "
            "AWS will not resolve it to the endpoint",
            f"{owner} must publish the verification TXT record for {name} and run aws ec2 "
            f"start-vpc-endpoint-service-private-dns-verification --service-id "
            f"{service.service_id or 'vpce-svc-…'}; until then clients must use vpce-… names.",
        )
    if conflicting and (endpoint is None or endpoint.private_dns_enabled):
        zones = ", ".join(f"{z.zone_id} {z.name}" for z in conflicting)
        subject = (
            f"{endpoint.endpoint_id} does not answer" if endpoint else "the endpoint cannot answer"
        )
        details["conflicting_zones"] = [z.zone_id for z in conflicting]
        return finding(
            Status.SKIP,
            f"{name} is verified, but {subject} for it while private hosted zone {zones} of "
            "the same name is associated with the VPC (see private-dns-conflict)",
        )
    if endpoint is None:
        return finding(
            Status.PASS,
            f"{name} is verified: create the endpoint with private DNS enabled",
        )
    if endpoint.private_dns_enabled:
        return finding(Status.PASS, f"{endpoint.endpoint_id} answers for {name} in its VPC")
    regional = next((n for n in endpoint.dns_names if n != name), "its vpce-… name")
    return finding(
        Status.WARN,
        f"private DNS is off on {endpoint.endpoint_id}: {name} does not resolve to it; clients "
        f"must use {regional}, and TLS certificates for {name} will not match that name",
        f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {endpoint.endpoint_id} "
        "--private-dns-enabled",
    )


def judge(facts: EndpointFacts) -> list[Finding]:
    """Private DNS of the endpoint (or plan) against its service's name."""
    service = facts.service
    if service is None:
        return [not_visible(SPEC, facts)]
    name = service.private_dns_name
    in_use = private_dns_in_use(facts)
    zones = facts.vpc.hosted_zones.value or ()  # unread zones: private-dns-conflict's error
    return evaluate(
        facts.resource,
        service,
        facts.target.endpoint,
        account=facts.account,
        region=facts.region,
        conflicting=[z for z in zones if name and is_conflicting(z, name, in_use)],
    )
