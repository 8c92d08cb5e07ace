"""endpoint-ip-address-type: the endpoint's IP address types fit the service and its subnets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.checks._shared import not_visible
from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Sequence

    from plcheck.facts.consumer import EndpointFacts
    from plcheck.facts.network import Subnet

SPEC = CheckSpec(
    id="endpoint-ip-address-type",
    title="Endpoint IP address types are supported by the service and the subnets",
    command="consumer",
    subject="endpoint",
    needs=("vpc.services", "vpc.subnets"),
    also_in=("plan",),
    inspects=(
        "The endpoint's IpAddressType and DnsOptions.DnsRecordIpType (for a planned endpoint "
        "the ones its plan sets, else ipv4, the default) against the service's "
        "SupportedIpAddressTypes, and the IPv6 CIDRs of its subnets."
    ),
    why=(
        "An endpoint can only use the address families the service supports: AWS refuses an "
        "IPv4 endpoint to an IPv6-only service and an IPv6 or dualstack endpoint to an "
        "IPv4-only one, and DNS records of a family the endpoint lacks never answer. Dualstack "
        "and IPv6 endpoints need every subnet to have an IPv6 CIDR block."
    ),
    remediation=(
        "Choose an address type the service supports (aws ec2 modify-vpc-endpoint "
        "--vpc-endpoint-id vpce-… --ip-address-type ipv4|dualstack|ipv6 --dns-options "
        "DnsRecordIpType=…; Terraform: ip_address_type and dns_options.dns_record_ip_type on "
        "aws_vpc_endpoint), and give IPv6 subnets a block (aws ec2 "
        "associate-subnet-cidr-block --subnet-id subnet-… --ipv6-cidr-block …)."
    ),
    docs_url=(
        "https://docs.aws.amazon.com/vpc/latest/privatelink/"
        "privatelink-share-your-services.html#endpoint-service-ip-address-type"
    ),
    aws_actions=(
        "ec2:DescribeVpcEndpoints",
        "ec2:DescribeVpcEndpointServices",
        "ec2:DescribeSubnets",
    ),
    # A planned endpoint's address types are in the plan.
    plan_actions=("ec2:DescribeVpcEndpointServices", "ec2:DescribeSubnets"),
    details={
        "supported_ip_address_types": "the service's SupportedIpAddressTypes",
        "ip_address_type": "the endpoint's IpAddressType",
        "dns_record_ip_type": "its DnsRecordIpType",
    },
)

#: Address families each endpoint IP address type needs from the service.
NEEDS = {"ipv4": ("ipv4",), "dualstack": ("ipv4", "ipv6"), "ipv6": ("ipv6",)}

#: For each DNS record IP type, the endpoint IP address types it is valid with: ipv4 records
#: need an IPv4 or dualstack endpoint, ipv6 records an IPv6 or dualstack one, dualstack and
#: service-defined records a dualstack one (DnsRecordIpType,
#: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DnsOptionsSpecification.html;
#: the constraints per value: https://docs.aws.amazon.com/cdk/api/v2/docs/
#: aws-cdk-lib.aws_ec2.VpcEndpointDnsRecordIpType.html).
DNS_RECORDS_FOR = {
    "ipv4": ("ipv4", "dualstack"),
    "ipv6": ("ipv6", "dualstack"),
    "dualstack": ("dualstack",),
    "service-defined": ("dualstack",),
}


def uses_ipv6(ip_address_type: str) -> bool:
    """Whether an endpoint of this IP address type has IPv6 addresses."""
    return ip_address_type in ("dualstack", "ipv6")


def evaluate(
    resource: str,
    supported: Sequence[str],
    ip_address_type: str,
    dns_record_ip_type: str,
    subnets: Sequence[Subnet],
    *,
    planned: bool = False,
    account: str = "",
    region: str = "",
    terraform: bool = False,
) -> list[Finding]:
    """Every mismatch as a fail; one pass when none.

    ``planned``: the endpoint does not exist and its address type is the default, a guess
    (a mismatch warns). ``terraform``: a Terraform plan's endpoint, fixed in its attributes.
    """
    details = {
        "supported_ip_address_types": list(supported),
        "ip_address_type": ip_address_type,
        "dns_record_ip_type": dns_record_ip_type,
    }

    finding = SPEC.on(
        resource,
        account=account,
        region=region,
        details=details,
    )

    if not supported:
        return [finding(Status.SKIP, "the service reports no SupportedIpAddressTypes")]
    offered = ", ".join(supported)
    choices = [t for t, needed in NEEDS.items() if set(needed) <= set(supported)]
    what = "a planned endpoint (IPv4, the default)" if planned else "the endpoint"
    if terraform and not planned:
        what = resource  # the address type its plan sets
    findings = []
    missing = [f for f in NEEDS.get(ip_address_type, ()) if f not in supported]
    if missing:
        # A plan names no address type yet: warn about the default rather than fail.
        findings.append(
            finding(
                Status.WARN if planned else Status.FAIL,
                f"{what} is {ip_address_type} but the service supports only {offered}: AWS "
                "refuses it",
                f"Use --ip-address-type {choices[0] if choices else 'ipv4'}"
                + (
                    " with subnets that have IPv6 CIDR blocks"
                    if choices and uses_ipv6(choices[0])
                    else ""
                )
                + (
                    f" (aws ec2 modify-vpc-endpoint --vpc-endpoint-id {resource} "
                    f"--ip-address-type {choices[0] if choices else 'ipv4'})."
                    if not (planned or terraform)
                    else " when creating the endpoint (Terraform: ip_address_type)."
                ),
            )
        )
    record_ok = ip_address_type in DNS_RECORDS_FOR.get(dns_record_ip_type, ())
    if not record_ok:
        findings.append(
            finding(
                Status.FAIL,
                f"DNS records of type {dns_record_ip_type} on a {ip_address_type} endpoint: "
                "the endpoint has no addresses of that family to answer with",
                f"Set dns_options.dns_record_ip_type = {ip_address_type} on {resource}."
                if terraform
                else f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {resource} --dns-options "
                f"DnsRecordIpType={ip_address_type}.",
            )
        )
    if uses_ipv6(ip_address_type):
        without = [s.subnet_id for s in subnets if not s.ipv6_cidrs]
        if without:
            findings.append(
                finding(
                    Status.FAIL,
                    f"{ip_address_type} endpoint in subnet(s) without an IPv6 CIDR block: "
                    f"{', '.join(without)}",
                    "; ".join(
                        f"aws ec2 associate-subnet-cidr-block --subnet-id {s} "
                        "--ipv6-cidr-block <a /64 of the VPC's IPv6 block>"
                        if s.startswith("subnet-")
                        else f"set ipv6_cidr_block on {s}"  # a subnet a plan creates
                        for s in without
                    )
                    + ".",
                )
            )
    if findings:
        return findings
    return [
        finding(
            Status.PASS,
            f"{what} uses {ip_address_type} with {dns_record_ip_type} DNS records; the service "
            f"supports {offered}",
        )
    ]


def judge(facts: EndpointFacts) -> list[Finding]:
    """The endpoint (or plan) against its service's address types and its subnets."""
    service = facts.service
    if service is None:
        return [not_visible(SPEC, facts)]
    target = facts.target
    endpoint = target.endpoint
    by_id = {s.subnet_id: s for s in facts.vpc.subnets.get()}
    subnets = [by_id[s] for s in target.subnet_ids if s in by_id]
    kind = ip_address_type(facts)
    if endpoint is not None:
        records = endpoint.dns_record_ip_type
    else:  # a record type the plan does not set cannot contradict the address type
        records = target.dns_record_ip_type or kind
    return evaluate(
        facts.resource,
        service.supported_ip_address_types,
        kind,
        records,
        subnets,
        # Only the default is a guess; an address type a plan sets is what AWS is asked for.
        planned=endpoint is None and not target.ip_address_type,
        account=facts.account,
        region=facts.region,
        terraform=bool(target.address),
    )


def ip_address_type(facts: EndpointFacts) -> str:
    """The endpoint's IP address type: its own, a plan's, or ipv4 (the default)."""
    endpoint = facts.target.endpoint
    if endpoint is not None:
        return endpoint.ip_address_type
    return facts.target.ip_address_type or "ipv4"


def client_families(facts: EndpointFacts) -> tuple[int, ...]:
    """The IP versions clients reach the endpoint with: IPv6 too on dualstack and IPv6 ones."""
    return {"dualstack": (4, 6), "ipv6": (6,)}.get(ip_address_type(facts), (4,))
