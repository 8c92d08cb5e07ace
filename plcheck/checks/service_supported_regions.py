"""service-supported-regions: cross-region consumers are in a supported region."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Sequence

    from plcheck.facts.provider import ServiceConfig, ServiceFacts

SPEC = CheckSpec(
    id="service-supported-regions",
    title="Consumer regions are supported",
    command="provider",
    also_in=("plan",),
    subject="service",
    inspects=(
        "The SupportedRegions of each endpoint service (cross-region access), against the "
        "--consumer-region regions."
    ),
    why=(
        "A consumer in another region can connect only if the provider added that region to "
        "the service's supported regions and it is Available there; otherwise the service is "
        "invisible from that region."
    ),
    remediation=(
        "Add the region: aws ec2 modify-vpc-endpoint-service-configuration --service-id "
        "vpce-svc-… --add-supported-regions <region>"
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html",
    aws_actions=("ec2:DescribeVpcEndpointServiceConfigurations",),
    plan_actions=(),  # the planned service's supported_regions
    details={
        "supported_regions": "region → its state for cross-Region access",
    },
)


def evaluate(
    service: ServiceConfig, consumer_regions: Sequence[str] = (), account: str = ""
) -> list[Finding]:
    """Fail per consumer region (other than the service's) that is unsupported or not Available."""
    supported = {r.region: r.state for r in service.supported_regions}
    listed = ", ".join(f"{r} ({s})" for r, s in supported.items()) or service.region

    finding = SPEC.on(
        service.service_id,
        account=account,
        region=service.region,
        details={"supported_regions": supported},
    )

    findings: list[Finding] = []
    for consumer_region in consumer_regions:
        if consumer_region == service.region:
            continue
        state = supported.get(consumer_region)
        if state == "Available":
            continue
        problem = "is not a supported region" if state is None else f"is {state}, not Available"
        findings.append(
            finding(
                Status.FAIL,
                f"consumer region {consumer_region} {problem}: consumers there cannot see or "
                f"connect to {service.service_name} (supported: {listed})",
                "Add it: aws ec2 modify-vpc-endpoint-service-configuration --service-id "
                f"{service.service_id} --add-supported-regions {consumer_region} "
                f"--region {service.region}"
                if state is None
                else f"Wait for {consumer_region} to become Available, or remove and re-add it.",
                consumer_region=consumer_region,
            )
        )
    if findings:
        return findings
    others = [r for r in consumer_regions if r != service.region]
    checked = f"; consumers in {', '.join(others)} can connect" if others else ""
    return [finding(Status.PASS, f"supported regions: {listed}{checked}")]


def judge(facts: ServiceFacts) -> list[Finding]:
    """The service's supported Regions against the consumers' Regions."""
    return evaluate(facts.service, facts.consumer_regions, facts.account)
