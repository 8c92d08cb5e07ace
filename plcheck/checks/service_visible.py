"""service-visible: the consumer account can see the endpoint service in its region."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status
from plcheck.service_names import region_in_service_name

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from plcheck.facts.consumer import ConsumerFacts, ServiceDetail

SPEC = CheckSpec(
    id="service-visible",
    title="The endpoint service is visible to the consumer account",
    command="consumer",
    subject="vpc",
    needs=("targets", "services"),
    also_in=("plan",),
    inspects=(
        "DescribeVpcEndpointServices for each service name, from the consumer's account and "
        "region (with ServiceRegions for a service in another region)."
    ),
    why=(
        "An account can only create an endpoint to a service it can see: a misspelt name, the "
        "wrong region, or an account missing from the service's allowed principals all make "
        "CreateVpcEndpoint fail with InvalidServiceName."
    ),
    remediation=(
        "Check the service name and region with the provider; the provider must add this "
        "account (arn:aws:iam::ACCOUNT:root) or the deploying role to the service's allowed "
        "principals, and enable cross-region access for this region if the service runs in "
        "another."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html",
    aws_actions=("ec2:DescribeVpcEndpointServices",),
    details={
        "service_id": "the endpoint service",
        "service_name": "its name",
        "owner": "the provider account",
        "service_region": "its region",
        "zone_ids": "AZ IDs it is offered in",
        "acceptance_required": "whether connections need acceptance",
        "named_region": "the region the name names",
        "causes": "why it may not be visible",
    },
)


def evaluate(
    service_names: Sequence[str],
    services: Mapping[str, ServiceDetail],
    *,
    account: str,
    region: str,
) -> Iterator[Finding]:
    """One finding per service name: pass when visible, fail with the possible causes.

    Made one at a time: a plan's VPC may name thousands of services.
    """
    for name in service_names:
        detail = services.get(name)
        if detail is not None:
            yield _visible(detail, account, region)
        else:
            yield _invisible(name, account, region)


def _visible(detail: ServiceDetail, account: str, region: str) -> Finding:
    where = (
        f"cross-region from {detail.region}"
        if detail.region and detail.region != region
        else f"in {region}"
    )
    owner = f", owner {detail.owner}" if detail.owner else ""
    return Finding(
        check=SPEC.id,
        status=Status.PASS,
        resource=detail.service_name,
        account=account,
        region=region,
        message=f"{detail.service_name} is visible to {account} {where}{owner}",
        details={
            "service_id": detail.service_id,
            "owner": detail.owner,
            "service_region": detail.region,
            "zone_ids": sorted(detail.zone_ids),
            "acceptance_required": detail.acceptance_required,
        },
    )


def _invisible(name: str, account: str, region: str) -> Finding:
    named_region = region_in_service_name(name)
    causes = []
    if named_region and named_region != region:
        causes.append(
            f"the name is for {named_region} but this run is in {region}: run with --region "
            f"{named_region}, or the provider must enable cross-region access for {region}"
        )
    causes.append("the name is misspelt, or the service was deleted")
    causes.append(
        f"account {account} is not an allowed principal of the service: the provider must "
        f"add arn:aws:iam::{account}:root (or the role that deploys) to it"
    )
    return Finding(
        check=SPEC.id,
        status=Status.FAIL,
        resource=name,
        account=account,
        region=region,
        message=f"{account} cannot see {name} in {region}; possible causes: " + "; ".join(causes),
        remediation=(
            f"Confirm the service name and region with the provider, and ask them to allow "
            f"arn:aws:iam::{account}:root (aws ec2 modify-vpc-endpoint-service-permissions "
            f"--service-id … --add-allowed-principals arn:aws:iam::{account}:root)."
        ),
        details={"service_name": name, "named_region": named_region, "causes": causes},
    )


def judge(facts: ConsumerFacts) -> Iterator[Finding]:
    """Every service asked for or connected to; a skip when the VPC has nothing to check."""
    names = facts.service_names
    if not names:
        vpc_id = facts.request.vpc_id
        return iter(
            [
                SPEC.finding(
                    Status.SKIP,
                    vpc_id,
                    f"{vpc_id} has no interface endpoints; pass --service NAME to preflight "
                    "one before it exists",
                    account=facts.account,
                    region=facts.region,
                )
            ]
        )
    return evaluate(names, facts.services.get(), account=facts.account, region=facts.region)
