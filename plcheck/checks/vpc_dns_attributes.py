"""vpc-dns-attributes: the VPC's DNS support and DNS hostnames, which private DNS needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Sequence

    from plcheck.facts.consumer import ConsumerFacts, VpcDnsAttributes

SPEC = CheckSpec(
    id="vpc-dns-attributes",
    title="The VPC has DNS support and DNS hostnames on",
    command="consumer",
    subject="vpc",
    needs=("dns",),
    also_in=("plan",),
    inspects="The VPC attributes enableDnsSupport and enableDnsHostnames.",
    why=(
        "Private DNS on an interface endpoint needs both attributes: with either off, "
        "CreateVpcEndpoint fails with 'Enabling private DNS requires both enableDnsSupport and "
        "enableDnsHostnames'. With DNS support off the VPC resolver does not answer at all."
    ),
    remediation=(
        "Turn both on, one attribute per call: aws ec2 modify-vpc-attribute --vpc-id VPC "
        "--enable-dns-support '{\"Value\":true}', then --enable-dns-hostnames "
        "'{\"Value\":true}' (Terraform: enable_dns_support / enable_dns_hostnames = true)."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html",
    aws_actions=("ec2:DescribeVpcAttribute",),
    details={
        "enableDnsSupport": "the VPC attribute",
        "enableDnsHostnames": "the VPC attribute",
        "private_dns_users": "endpoints that rely on private DNS",
    },
)

_FLAGS = {
    "enableDnsSupport": "--enable-dns-support",
    "enableDnsHostnames": "--enable-dns-hostnames",
}


def fix_command(vpc_id: str, attribute: str) -> str:
    """The exact CLI command that turns ``attribute`` on."""
    return (
        f"aws ec2 modify-vpc-attribute --vpc-id {vpc_id} {_FLAGS[attribute]} '{{\"Value\":true}}'"
    )


def evaluate(
    attrs: VpcDnsAttributes,
    private_dns_users: Sequence[str],
    *,
    account: str,
    region: str,
) -> list[Finding]:
    """``private_dns_users`` names the endpoints (or planned ones) that use private DNS."""
    off = [
        name
        for name, on in (
            ("enableDnsSupport", attrs.dns_support),
            ("enableDnsHostnames", attrs.dns_hostnames),
        )
        if not on
    ]
    details = {
        "enableDnsSupport": attrs.dns_support,
        "enableDnsHostnames": attrs.dns_hostnames,
        "private_dns_users": list(private_dns_users),
    }
    fixes = "; ".join(fix_command(attrs.vpc_id, name) for name in off)
    if not off:
        status, message, remediation = (
            Status.PASS,
            f"{attrs.vpc_id} has enableDnsSupport and enableDnsHostnames on",
            "",
        )
    elif private_dns_users:
        status = Status.FAIL
        message = (
            f"{attrs.vpc_id} has {' and '.join(off)} off, but private DNS needs both: "
            f"used by {', '.join(private_dns_users)}"
        )
        remediation = f"Run: {fixes}."
    elif "enableDnsSupport" in off:
        status = Status.WARN
        message = (
            f"{attrs.vpc_id} has enableDnsSupport off: the VPC resolver does not answer, so even "
            "the endpoints' vpce-… names do not resolve from the VPC"
        )
        remediation = f"Unless another resolver serves the VPC, run: {fixes}."
    else:
        status = Status.PASS
        message = (
            f"{attrs.vpc_id} has enableDnsHostnames off; no endpoint uses private DNS, "
            "so none needs it yet"
        )
        remediation = ""
    return [
        Finding(
            check=SPEC.id,
            status=status,
            resource=attrs.vpc_id,
            account=account,
            region=region,
            message=message,
            remediation=remediation,
            details=details,
        )
    ]


def judge(facts: ConsumerFacts) -> list[Finding]:
    """The VPC's DNS attributes against the endpoints that use (or will use) private DNS."""
    dns = facts.dns.get()
    if dns.dns_support and dns.dns_hostnames and not (facts.targets.ok and facts.services.ok):
        users: list[str] = []  # who uses private DNS matters only when a flag is off
    else:
        users = _private_dns_users(facts)  # raises when it cannot be told: an error finding
    return evaluate(dns, users, account=facts.account, region=facts.region)


def _private_dns_users(facts: ConsumerFacts) -> list[str]:
    users = []
    for target in facts.targets.get():
        if target.endpoint is not None:
            if target.endpoint.private_dns_enabled:
                users.append(target.endpoint.endpoint_id)
        elif target.private_dns_enabled is not None:  # a Terraform plan says
            if target.private_dns_enabled:
                users.append(target.resource)
        else:
            detail = facts.services.get().get(target.service_name)
            if detail is not None and detail.private_dns_name:
                users.append(f"the planned endpoint to {target.service_name}")
    return users
