"""private-dns-verification: the service's private DNS name is verified."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status
from plcheck.service_names import verification_domain

if TYPE_CHECKING:
    from plcheck.facts.provider import ServiceConfig, ServiceFacts

SPEC = CheckSpec(
    id="private-dns-verification",
    title="Private DNS name is verified",
    command="provider",
    subject="service",
    inspects="The verification state of each endpoint service's private DNS name.",
    why=(
        "Consumers can enable private DNS on their endpoints only once the provider has proved "
        "it owns the domain with a TXT record; until then the name stays in "
        "pendingVerification (or failed) and consumers must use the vpce-… DNS names."
    ),
    remediation=(
        "Publish the TXT record AWS asks for in the domain's public DNS, then restart "
        "verification: aws ec2 start-vpc-endpoint-service-private-dns-verification "
        "--service-id vpce-svc-…"
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html",
    aws_actions=("ec2:DescribeVpcEndpointServiceConfigurations",),
    details={
        "private_dns_name": "the service's private DNS name",
        "state": "its verification state",
        "txt_record_name": "the TXT record name AWS checks",
        "txt_record_value": "the value it expects",
    },
)


def evaluate(service: ServiceConfig, account: str = "") -> list[Finding]:
    """Skip without a private DNS name; pass when verified; fail otherwise with the record."""
    finding = SPEC.on(
        service.service_id,
        account=account,
        region=service.region,
        details={
            "private_dns_name": service.private_dns_name,
            "state": service.dns_state,
            "txt_record_name": service.txt_record_name,
            "txt_record_value": service.dns_txt_value,
        },
    )

    if not service.private_dns_name:
        return [finding(Status.SKIP, f"{service.service_id} has no private DNS name")]
    if service.dns_state == "verified":
        return [finding(Status.PASS, f"private DNS name {service.private_dns_name} is verified")]
    domain = verification_domain(service.private_dns_name)
    record = f'{service.txt_record_name} TXT "{service.dns_txt_value}"'
    return [
        finding(
            Status.FAIL,
            f"private DNS name {service.private_dns_name} is "
            f"{service.dns_state or 'not verified'}: consumers cannot enable private DNS; "
            f'AWS expects TXT {service.txt_record_name} = "{service.dns_txt_value}"',
            f"Publish {record} in the public DNS zone of {domain} (or the same label under a "
            "parent domain), then run: aws ec2 start-vpc-endpoint-service-private-dns-"
            f"verification --service-id {service.service_id} --region {service.region}",
        )
    ]


def judge(facts: ServiceFacts) -> list[Finding]:
    """The verification state of the service's private DNS name."""
    return evaluate(facts.service, facts.account)
