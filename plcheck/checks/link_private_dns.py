"""link-private-dns: a consumer that turns private DNS on needs the provider's name verified."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.checks._link import DETAILS, finding, not_owned
from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from plcheck.facts.link import LinkFacts

SPEC = CheckSpec(
    id="link-private-dns",
    title="Private DNS the consumer uses is verified by the provider",
    command="check",
    also_in=("plan",),
    subject="link",
    needs=("provider.services", "consumer.targets"),
    inspects=(
        "Whether the consumer's endpoint has private DNS on, against the verification state "
        "of the name in the provider's account. A planned endpoint's setting is not known "
        "here (CreateVpcEndpoint turns private DNS on by default, Terraform's "
        "private_dns_enabled defaults to false), so it can only warn. In `plcheck plan` "
        "(an endpoint to a service of the same plan): the endpoint's planned "
        "private_dns_enabled against the planned service's private DNS name, which can be "
        "verified only after apply creates the service."
    ),
    why=(
        "AWS answers a service's private DNS name with the endpoint's addresses only once the "
        "provider has verified the domain. Until then, clients in the consumer VPC that use "
        "the name do not reach the endpoint. The consumer cannot see why, and the provider "
        "does not know who relies on the name: only the link joins the two."
    ),
    remediation=(
        "In the provider account: publish the verification TXT record and run aws ec2 "
        "start-vpc-endpoint-service-private-dns-verification --service-id vpce-svc-…; until "
        "it is verified, consumers must use the endpoint's vpce-… DNS names."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html",
    aws_actions=(
        "ec2:DescribeVpcEndpointServiceConfigurations",
        "ec2:DescribeVpcEndpoints",
    ),
    plan_actions=(),  # both sides are planned: the name is verified only after apply
    details={
        **DETAILS,
        "private_dns_name": "the service's private DNS name",
        "verification_state": "its verification state",
    },
)


def judge(facts: LinkFacts) -> list[Finding]:
    """Fail for endpoints with private DNS on while the name is not verified; warn for a plan."""
    if facts.service is None:
        return not_owned(SPEC, facts)
    service = facts.service
    name, state = service.private_dns_name, service.dns_state or "unknown"
    details = {"private_dns_name": name, "verification_state": state}
    if not name:
        return [
            finding(
                SPEC,
                facts,
                Status.PASS,
                f"{facts.sides}: {service.service_id} has no private DNS name; the consumer "
                "uses the endpoint's vpce-… names",
                **details,
            )
        ]
    if facts.before_apply and facts.private_dns_planned is not None:
        return [_planned(facts, name, state)]
    users = [
        f"endpoint {t.endpoint.endpoint_id} (private DNS on)"
        for t in facts.targets
        if t.endpoint is not None and t.endpoint.private_dns_enabled
    ]
    # A planned endpoint's setting is not known: the API turns private DNS on by default
    # for a service with a private DNS name, Terraform's private_dns_enabled defaults to false.
    planned = any(t.endpoint is None for t in facts.targets)
    if not users and not planned:
        return [
            finding(
                SPEC,
                facts,
                Status.PASS,
                f"{facts.sides}: the consumer's endpoints have private DNS off, so the "
                f"verification of {name} ({state}) does not affect them",
                **details,
            )
        ]
    if service.dns_state == "verified":
        relies = ", ".join(users) or "the planned endpoint"
        return [
            finding(
                SPEC,
                facts,
                Status.PASS,
                f"{facts.sides}: {name} is verified by the provider, and {relies} may use it",
                **details,
            )
        ]
    verify = (
        f"In provider account {facts.provider.account}: publish TXT "
        f"{service.txt_record_name or '_….' + name} = {service.dns_txt_value or 'vpce:…'} "
        "and run aws ec2 start-vpc-endpoint-service-private-dns-verification --service-id "
        f"{service.service_id}. Until then the consumer must use the endpoint's vpce-… names."
    )
    if not service.dns_state:
        who = ", ".join(users) or "the planned endpoint"
        return [
            finding(
                SPEC,
                facts,
                Status.WARN,
                f"{facts.sides}: {who} may rely on {name}, whose verification state in "
                f"provider {facts.provider.account} is not known: if it is not verified, the "
                "name does not resolve to the endpoint",
                verify,
                **details,
            )
        ]
    if users:
        return [
            finding(
                SPEC,
                facts,
                Status.FAIL,
                f"{facts.sides}: {', '.join(users)} relies on {name}, which provider "
                f"{facts.provider.account} has not verified ({state}): the name does not "
                "resolve to the endpoint, and clients that use it fail",
                verify,
                **details,
            )
        ]
    return [
        finding(
            SPEC,
            facts,
            Status.WARN,
            f"{facts.sides}: the planned endpoint would rely on {name}, which provider "
            f"{facts.provider.account} has not verified ({state}), if it turns private DNS on; "
            "assumed on, as CreateVpcEndpoint does by default (Terraform's "
            "private_dns_enabled defaults to false): with it on, the name does not resolve to "
            "the endpoint and clients that use it fail",
            verify,
            **details,
        )
    ]


def _planned(facts: LinkFacts, name: str, state: str) -> Finding:
    """A plan's join: the planned endpoint's private_dns_enabled and the planned service's name.

    A service created by the apply starts with its name unverified: its TXT value is known
    only once it exists, so the name cannot be verified before the endpoint is created.
    Whether the provider verifies it soon after is not in the plan: a warn, not a fail.
    """
    details = {"private_dns_name": name, "verification_state": state}
    if not facts.private_dns_planned:
        return finding(
            SPEC,
            facts,
            Status.PASS,
            f"{facts.sides}: the planned endpoint turns private DNS off, so the verification "
            f"of {name} does not affect it",
            **details,
        )
    return finding(
        SPEC,
        facts,
        Status.WARN,
        f"{facts.sides}: the planned endpoint turns private DNS on for {name}, which provider "
        f"{facts.provider.account} can verify only after apply creates the service (its TXT "
        "value is known only then): until it is verified, the name does not resolve to the "
        "endpoint and clients that use it fail",
        f"In provider account {facts.provider.account}, after apply: publish the TXT record "
        "the service's private_dns_name_configuration gives and verify the name (aws ec2 "
        "start-vpc-endpoint-service-private-dns-verification, or an "
        "aws_vpc_endpoint_service_private_dns_verification resource); or plan the endpoint "
        "with private_dns_enabled = false until then.",
        **details,
    )
