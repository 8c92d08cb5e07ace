"""vpc-dhcp-resolver: the VPC's instances ask the VPC resolver, which knows private DNS."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from plcheck.facts.consumer import ConsumerFacts, DhcpOptions, Vpc

SPEC = CheckSpec(
    id="vpc-dhcp-resolver",
    title="The VPC's DHCP options use the VPC resolver",
    command="consumer",
    subject="vpc",
    needs=("vpc", "dhcp"),
    inspects="The domain-name-servers of the DHCP options set associated with the VPC.",
    why=(
        "An endpoint's private DNS name exists only in the VPC resolver (AmazonProvidedDNS). "
        "Instances told by DHCP to use other name servers resolve the name publicly or not at "
        "all, and so miss the endpoint, unless those servers forward to the VPC resolver."
    ),
    remediation=(
        "Use domain-name-servers=AmazonProvidedDNS, or make the custom name servers forward "
        "the service's domain to the VPC resolver (the VPC CIDR base + 2, or 169.254.169.253), "
        "e.g. through a Route 53 Resolver inbound endpoint."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/userguide/DHCPOptionSet.html",
    aws_actions=("ec2:DescribeVpcs", "ec2:DescribeDhcpOptions"),
    details={
        "dhcp_options_id": "the VPC's DHCP options set",
        "name_servers": "its domain name servers",
        "custom_name_servers": "those that are not the Amazon resolver",
        "vpc_resolver": "the Amazon resolver's addresses",
    },
    can_fail=False,
)

#: The VPC resolver's link-local addresses, reachable from every VPC.
LINK_LOCAL_RESOLVERS = ("169.254.169.253", "fd00:ec2::253")


def vpc_resolver_addresses(vpc: Vpc) -> tuple[str, ...]:
    """Addresses of the VPC resolver: base of the primary IPv4 CIDR + 2, and link-local."""
    base = [
        str(ipaddress.ip_network(c, strict=False).network_address + 2)
        for c in vpc.cidr_blocks[:1]
        if ipaddress.ip_network(c, strict=False).version == 4
    ]
    return (*base, *LINK_LOCAL_RESOLVERS)


def evaluate(vpc: Vpc, dhcp: DhcpOptions, *, account: str, region: str) -> list[Finding]:
    """Pass on the VPC resolver; warn naming every other name server."""
    from plcheck.facts.consumer import AMAZON_PROVIDED_DNS  # the catalog loads no facts module

    resolvers = vpc_resolver_addresses(vpc)
    custom = [s for s in dhcp.name_servers if s != AMAZON_PROVIDED_DNS and s not in resolvers]
    details = {
        "dhcp_options_id": dhcp.options_id,
        "name_servers": list(dhcp.name_servers),
        "custom_name_servers": custom,
        "vpc_resolver": list(resolvers),
    }
    which = "no DHCP options set" if dhcp.options_id == "default" else dhcp.options_id
    if not custom:
        return [
            Finding(
                check=SPEC.id,
                status=Status.PASS,
                resource=vpc.vpc_id,
                account=account,
                region=region,
                message=f"{vpc.vpc_id} ({which}) resolves through the VPC resolver",
                details=details,
            )
        ]
    also = " (besides AmazonProvidedDNS)" if AMAZON_PROVIDED_DNS in dhcp.name_servers else ""
    return [
        Finding(
            check=SPEC.id,
            status=Status.WARN,
            resource=vpc.vpc_id,
            account=account,
            region=region,
            message=(
                f"{vpc.vpc_id} hands out name servers {', '.join(custom)}{also} "
                f"(DHCP options {dhcp.options_id}): they bypass endpoint private DNS unless "
                f"they forward to the VPC resolver {resolvers[0]}"
            ),
            remediation=(
                f"Make {', '.join(custom)} forward the service's domain to {resolvers[0]} "
                "(or a Route 53 Resolver inbound endpoint), or associate DHCP options with "
                "domain-name-servers=AmazonProvidedDNS."
            ),
            details=details,
        )
    ]


def judge(facts: ConsumerFacts) -> list[Finding]:
    """The DHCP options of the VPC."""
    return evaluate(facts.vpc.get(), facts.dhcp.get(), account=facts.account, region=facts.region)
