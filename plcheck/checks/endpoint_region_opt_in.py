"""endpoint-region-opt-in: a cross-Region endpoint's service Region is enabled for the consumer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.checks._shared import not_visible
from plcheck.model import CheckSpec, Finding, Status
from plcheck.service_names import region_in_service_name

if TYPE_CHECKING:
    from collections.abc import Mapping

    from plcheck.facts.consumer import EndpointFacts

#: ``OptInStatus`` values of an enabled Region (DescribeRegions).
ENABLED = ("opt-in-not-required", "opted-in")

#: The permission-only IAM action AWS requires for cross-Region endpoints.
MULTI_REGION_ACTION = "vpce:AllowMultiRegion"

SPEC = CheckSpec(
    id="endpoint-region-opt-in",
    title="Cross-Region endpoints: the Region is enabled and the permission granted",
    command="consumer",
    subject="endpoint",
    needs=("vpc.services", "vpc.region_opt_in"),
    inspects=(
        "For an endpoint (or plan) to a service in another Region: the consumer account's "
        "OptInStatus of the service's Region (DescribeRegions with AllRegions). The VPC's own "
        "Region is enabled, or reading it would have failed."
    ),
    why=(
        "Cross-Region PrivateLink works only between Regions enabled for both accounts, and "
        "creating or managing a cross-Region endpoint needs the permission-only IAM action "
        "vpce:AllowMultiRegion besides ec2:CreateVpcEndpoint; without it (or with a service "
        "control policy denying it) CreateVpcEndpoint is refused."
    ),
    remediation=(
        "Enable the Region (aws account enable-region --region-name REGION) and grant the "
        "deploying role vpce:AllowMultiRegion next to ec2:CreateVpcEndpoint (Terraform: add it "
        "to the aws_iam_policy_document that allows ec2:CreateVpcEndpoint)."
    ),
    docs_url=(
        "https://docs.aws.amazon.com/vpc/latest/privatelink/"
        "privatelink-share-your-services.html#endpoint-service-cross-region"
    ),
    # vpce:AllowMultiRegion is permission-only: no API reads with it, but AWS gates
    # cross-Region PrivateLink (DescribeVpcEndpointServices with ServiceRegions among it)
    # on it; see plcheck.iam.PERMISSION_ONLY_ACTIONS.
    aws_actions=("ec2:DescribeRegions", MULTI_REGION_ACTION),
    details={
        "service_region": "the service's Region",
        "opt_in_status": "the consumer account's OptInStatus per Region",
        "permission": "the IAM action cross-Region endpoints need",
    },
)


def evaluate(
    resource: str,
    region: str,
    service_region: str,
    statuses: Mapping[str, str],
    *,
    account: str = "",
    planned: bool = False,
) -> list[Finding]:
    """One finding: pass in-Region; for a cross-Region endpoint the service Region's status."""
    finding = SPEC.on(
        resource,
        account=account,
        region=region,
        details={
            "service_region": service_region,
            "opt_in_status": dict(statuses),
            "permission": MULTI_REGION_ACTION,
        },
    )

    if not service_region or service_region == region:
        return [finding(Status.PASS, f"the service is in {region}, as the VPC: not cross-Region")]
    status = statuses.get(service_region, "")
    if status and status not in ENABLED:
        return [
            finding(
                Status.FAIL,
                f"cross-Region endpoint to a service in {service_region}: Region "
                f"{service_region} is {status} for account {account}",
                f"aws account enable-region --account-id {account} --region-name "
                f"{service_region}; the role creating the endpoint also needs "
                f"{MULTI_REGION_ACTION}.",
            )
        ]
    known = (
        f"{service_region} is {status} for account {account}"
        if status
        else f"{service_region} not listed"
    )
    verb = "creating" if planned else "managing"
    return [
        finding(
            Status.PASS if status else Status.WARN,
            f"cross-Region endpoint to a service in {service_region}: {known}; {verb} it needs "
            f"{MULTI_REGION_ACTION} besides the ec2 actions",
            f"Grant the deploying role {MULTI_REGION_ACTION} (and make sure no service control "
            "policy denies it).",
        )
    ]


def judge(facts: EndpointFacts) -> list[Finding]:
    """The endpoint's (or plan's) service Region against this account's enabled Regions."""
    target = facts.target
    service = facts.service
    if service is None:
        return [not_visible(SPEC, facts)]
    service_region = (
        (target.endpoint.service_region if target.endpoint else "")
        or service.region
        or region_in_service_name(target.service_name)
        or facts.region
    )
    return evaluate(
        facts.resource,
        facts.region,
        service_region,
        facts.vpc.region_opt_in.get() or {},
        account=facts.account,
        planned=target.endpoint is None,
    )
