"""service-region-opt-in: the consumers' Regions are enabled for the provider's account."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from plcheck.facts.provider import ServiceFacts

#: ``OptInStatus`` values of an enabled Region (DescribeRegions).
ENABLED = ("opt-in-not-required", "opted-in")

SPEC = CheckSpec(
    id="service-region-opt-in",
    title="Consumer Regions are enabled for the provider's account",
    command="provider",
    subject="service",
    needs=("provider.region_opt_in",),
    inspects=(
        "The provider account's OptInStatus (DescribeRegions with AllRegions) of each "
        "--consumer-region other than the service's own."
    ),
    why=(
        "Cross-Region PrivateLink works only between Regions enabled for both accounts: a "
        "consumer Region that is an opt-in Region the provider's account has not enabled "
        "cannot be added to the service's supported Regions, and its consumers cannot connect."
    ),
    remediation=(
        "Enable the Region for the provider's account: aws account enable-region "
        "--region-name REGION (then add it with aws ec2 "
        "modify-vpc-endpoint-service-configuration --add-supported-regions REGION, which needs "
        "the permission-only IAM action vpce:AllowMultiRegion)."
    ),
    docs_url=(
        "https://docs.aws.amazon.com/vpc/latest/privatelink/"
        "privatelink-share-your-services.html#endpoint-service-cross-region"
    ),
    aws_actions=("ec2:DescribeRegions",),
    details={
        "opt_in_status": "the provider account's OptInStatus per Region",
        "consumer_region": "the consumer Region judged",
    },
)


def evaluate(
    resource: str,
    service_region: str,
    consumer_regions: Sequence[str],
    statuses: Mapping[str, str],
    *,
    account: str = "",
) -> list[Finding]:
    """A fail per consumer Region not enabled for the provider; else one pass (or skip)."""
    remote = sorted({r for r in consumer_regions if r and r != service_region})

    finding = SPEC.on(
        resource,
        account=account,
        region=service_region,
        details={"opt_in_status": dict(statuses)},
    )

    if not remote:
        return [
            finding(
                Status.SKIP,
                "no consumer Region other than the service's own was given (--consumer-region)",
            )
        ]
    findings = []
    for region in remote:
        status = statuses.get(region, "")
        if status in ENABLED:
            continue
        if not status:
            findings.append(
                finding(
                    Status.WARN,
                    f"DescribeRegions does not list {region} for account {account}: whether "
                    "consumers there can connect is unknown",
                    f"Check the Region name {region}.",
                    consumer_region=region,
                )
            )
            continue
        findings.append(
            finding(
                Status.FAIL,
                f"consumer Region {region} is {status} for provider account {account}: "
                "cross-Region endpoints from it cannot connect",
                f"aws account enable-region --account-id {account} --region-name {region}; "
                f"then aws ec2 modify-vpc-endpoint-service-configuration --service-id "
                f"{resource} --add-supported-regions {region} --region {service_region} "
                "(the caller needs vpce:AllowMultiRegion).",
                consumer_region=region,
            )
        )
    if findings:
        return findings
    return [
        finding(
            Status.PASS,
            f"consumer Region(s) {', '.join(remote)} enabled for provider account {account}",
        )
    ]


def judge(facts: ServiceFacts) -> list[Finding]:
    """The consumers' Regions against the provider's opt-in status."""
    return evaluate(
        facts.resource,
        facts.service.region or facts.region,
        facts.consumer_regions,
        facts.provider.region_opt_in.get() or {},
        account=facts.account,
    )
