"""endpoint-security-groups: the endpoint's security groups admit the service port from the VPC."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from plcheck.checks.endpoint_ip_address_type import client_families
from plcheck.model import CheckSpec, Finding, Status
from plcheck.netrules import sg_rules_admitting, sg_rules_for_port

if TYPE_CHECKING:
    from collections.abc import Sequence

    from plcheck.facts.consumer import EndpointFacts, Vpc
    from plcheck.facts.network import SecurityGroup, SgRule

SPEC = CheckSpec(
    id="endpoint-security-groups",
    title="Endpoint security groups admit the service port from the VPC",
    command="consumer",
    also_in=("plan",),
    subject="endpoint",
    needs=("vpc.vpc", "vpc.groups"),
    inspects=(
        "Inbound rules of the endpoint's security groups (or of the planned ones; the VPC's "
        "default group when none is named) for TCP on each port from the VPC's IPv4 CIDR "
        "blocks (and IPv6 ones for dualstack and IPv6 endpoints)."
    ),
    why=(
        "An interface endpoint's network interfaces carry its security groups. If no rule "
        "admits the port from the clients, connections to the endpoint time out although "
        "everything else is right."
    ),
    remediation=(
        "Add an inbound rule for TCP on the port from the VPC CIDR (aws ec2 "
        "authorize-security-group-ingress --group-id SG --protocol tcp --port 443 --cidr CIDR)."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
    aws_actions=("ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"),
    details={
        "group_ids": "the endpoint's security groups",
        "ports": "the TCP ports clients use",
        "cidrs": "the VPC's CIDR blocks clients come from",
        "refused": "ports no group admits",
        "partial": "ports admitted from only part of the VPC",
        "missing_group_ids": "named groups that do not exist",
    },
)


def _describe(rule: SgRule) -> str:
    sources = [*rule.cidrs, *rule.groups, *rule.prefix_lists]
    ports = "all" if rule.from_port is None else f"{rule.from_port}-{rule.to_port}"
    return f"{rule.group_id} {rule.protocol} {ports} from {', '.join(sources) or 'nothing'}"


def _authorize(group_id: str, port: int, cidr: str) -> str:
    """The CLI that admits TCP ``port`` from ``cidr`` (``--cidr`` takes only IPv4)."""
    if ipaddress.ip_network(cidr, strict=False).version == 6:
        return (
            f"aws ec2 authorize-security-group-ingress --group-id {group_id} --ip-permissions "
            f"IpProtocol=tcp,FromPort={port},ToPort={port},Ipv6Ranges=[{{CidrIpv6={cidr}}}]"
        )
    return (
        f"aws ec2 authorize-security-group-ingress --group-id {group_id} --protocol tcp "
        f"--port {port} --cidr {cidr}"
    )


def evaluate(
    resource: str,
    group_ids: Sequence[str],
    vpc_groups: Sequence[SecurityGroup],
    vpc: Vpc,
    ports: Sequence[int],
    *,
    account: str,
    region: str,
    families: tuple[int, ...] = (4,),
) -> list[Finding]:
    """One finding for the groups of one endpoint (or plan)."""
    by_id = {g.group_id: g for g in vpc_groups}
    groups = [by_id[g] for g in group_ids if g in by_id]
    missing = [g for g in group_ids if g not in by_id]
    names = ", ".join(f"{g.group_id} ({g.name})" for g in groups) or "no groups"
    cidrs = [
        c for c in vpc.cidr_blocks if ipaddress.ip_network(c, strict=False).version in families
    ]
    details: dict[str, object] = {
        "group_ids": list(group_ids),
        "ports": list(ports),
        "cidrs": cidrs,
    }

    make = SPEC.on(resource, account=account, region=region, details=details)

    def finding(status: Status, message: str, remediation: str = "") -> list[Finding]:
        return [make(status, message, remediation)]

    if missing:
        details["missing_group_ids"] = missing
        return finding(
            Status.FAIL,
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not a security group "
            f"of {vpc.vpc_id}: an endpoint's groups must be in its VPC",
            f"Name security groups of {vpc.vpc_id}.",
        )
    refused: list[str] = []
    partial: list[str] = []
    for port in ports:
        uncovered = [c for c in cidrs if not sg_rules_admitting(groups, port, c)]
        if not uncovered:
            continue
        some = sg_rules_for_port(groups, port)
        if some:
            partial.append(
                f"TCP {port} only from {'; '.join(_describe(r) for r in some)}, not all of "
                f"{', '.join(uncovered)}"
            )
        else:
            refused.append(f"TCP {port}")
    details["refused"] = refused
    details["partial"] = partial
    target = groups[0].group_id if groups else "SG"
    cidr = cidrs[0] if cidrs else "VPC_CIDR"
    if refused:
        fixes = "; ".join(_authorize(target, int(p.split()[-1]), cidr) for p in refused)
        return finding(
            Status.FAIL,
            f"security groups {names} of {resource} admit no {', '.join(refused)} "
            f"from {', '.join(cidrs)}: clients' connections will time out",
            f"{fixes}.",
        )
    if partial:
        return finding(
            Status.WARN,
            f"security groups {names} of {resource} admit {'; '.join(partial)}: other clients "
            "in the VPC are refused",
            f"If clients elsewhere in {', '.join(cidrs)} need it, admit the port from the "
            "VPC CIDR.",
        )
    listed = ", ".join(str(p) for p in ports)
    return finding(
        Status.PASS,
        f"security groups {names} of {resource} admit TCP {listed} from {', '.join(cidrs)}",
    )


def judge(facts: EndpointFacts) -> list[Finding]:
    """The endpoint's (or plan's) security groups against the client ports."""
    vpc = facts.vpc
    return evaluate(
        facts.resource,
        facts.target.group_ids,
        vpc.groups.get(),
        vpc.vpc.get(),
        vpc.request.ports,
        account=facts.account,
        region=facts.region,
        families=client_families(facts),
    )
