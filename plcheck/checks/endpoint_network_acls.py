"""endpoint-network-acls: the endpoint subnets' network ACLs pass requests and replies."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from plcheck.checks.endpoint_az_coverage import recommended
from plcheck.checks.endpoint_ip_address_type import client_families
from plcheck.model import CheckSpec, Finding, Status
from plcheck.netrules import EPHEMERAL_PORTS, acls_for_subnets, nacl_decision

if TYPE_CHECKING:
    from collections.abc import Sequence

    from plcheck.facts.consumer import EndpointFacts, Vpc
    from plcheck.facts.network import NaclEntry, NetworkAcl

SPEC = CheckSpec(
    id="endpoint-network-acls",
    title="Network ACLs of the endpoint subnets allow the port and the replies",
    command="consumer",
    subject="endpoint",
    needs=("vpc.vpc", "vpc.acls"),
    inspects=(
        "The network ACL of each endpoint subnet: inbound TCP on each port from the VPC's IPv4 "
        "CIDR blocks (and IPv6 ones for dualstack and IPv6 endpoints), and outbound TCP on "
        "ephemeral ports (1024-65535) back to them."
    ),
    why=(
        "Network ACLs are stateless: the reply from the endpoint to a client's ephemeral port "
        "needs its own outbound rule. A missing rule drops traffic silently, so connections "
        "hang."
    ),
    remediation=(
        "Add, below any deny that matches, an inbound allow for TCP on the port from the VPC "
        "CIDR and an outbound allow for TCP 1024-65535 to it (aws ec2 "
        "create-network-acl-entry)."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
    aws_actions=("ec2:DescribeNetworkAcls", "ec2:DescribeVpcs"),
    details={
        "acl_ids": "the network ACLs of the endpoint's subnets",
        "subnet_ids": "the endpoint's subnets",
        "acl_id": "the ACL that denies",
        "rule_number": "its denying rule",
        "endpoint": "the endpoint (or planned endpoint)",
    },
)


def _cidr_flag(cidr: str) -> str:
    version = ipaddress.ip_network(cidr, strict=False).version
    return f"--ipv6-cidr-block {cidr}" if version == 6 else f"--cidr-block {cidr}"


def _rule(entry: NaclEntry | None) -> str:
    return "the final deny (*)" if entry is None else f"rule {entry.rule_number}"


def _free_rule_number(acl: NetworkAcl, egress: bool, below: NaclEntry | None) -> int:
    used = {e.rule_number for e in acl.entries if e.egress == egress}
    start = below.rule_number - 1 if below is not None and below.rule_number < 32767 else 100
    for number in range(start, 0, -1):
        if number not in used:
            return number
    return 1


def evaluate(
    resource: str,
    subnet_ids: Sequence[str],
    acls: Sequence[NetworkAcl],
    vpc: Vpc,
    ports: Sequence[int],
    *,
    account: str,
    region: str,
    families: tuple[int, ...] = (4,),
) -> list[Finding]:
    """A fail per blocked direction per ACL; one pass when every subnet's ACL passes."""
    cidrs = [
        c for c in vpc.cidr_blocks if ipaddress.ip_network(c, strict=False).version in families
    ]
    by_subnet = acls_for_subnets(acls, subnet_ids)
    findings = []
    seen: set[str] = set()
    for subnet_id in subnet_ids:
        acl = by_subnet.get(subnet_id)
        if acl is None or acl.acl_id in seen:
            continue
        seen.add(acl.acl_id)
        subnets = [s for s in subnet_ids if by_subnet.get(s) is acl]
        for cidr in cidrs:
            for port in ports:
                inbound = nacl_decision(acl, egress=False, ports=(port, port), cidr=cidr)
                if not inbound.allowed:
                    number = _free_rule_number(acl, False, inbound.entry)
                    findings.append(
                        _blocked(
                            acl,
                            subnets,
                            resource,
                            f"{_rule(inbound.entry)} blocks inbound TCP {port} from {cidr}",
                            f"aws ec2 create-network-acl-entry --network-acl-id {acl.acl_id} "
                            f"--ingress --rule-number {number} --protocol tcp --port-range "
                            f"From={port},To={port} {_cidr_flag(cidr)} --rule-action allow",
                            inbound.entry,
                            account,
                            region,
                        )
                    )
            outbound = nacl_decision(acl, egress=True, ports=EPHEMERAL_PORTS, cidr=cidr)
            if not outbound.allowed:
                low, high = EPHEMERAL_PORTS
                number = _free_rule_number(acl, True, outbound.entry)
                findings.append(
                    _blocked(
                        acl,
                        subnets,
                        resource,
                        f"{_rule(outbound.entry)} blocks outbound TCP {low}-{high} (replies to "
                        f"clients' ephemeral ports) to {cidr}",
                        f"aws ec2 create-network-acl-entry --network-acl-id {acl.acl_id} "
                        f"--egress --rule-number {number} --protocol tcp --port-range "
                        f"From={low},To={high} {_cidr_flag(cidr)} --rule-action allow",
                        outbound.entry,
                        account,
                        region,
                    )
                )
    if findings:
        return findings
    return [
        Finding(
            check=SPEC.id,
            status=Status.PASS,
            resource=resource,
            account=account,
            region=region,
            message=(
                f"network ACLs {', '.join(sorted(seen)) or '(none found)'} of {resource} pass TCP "
                f"{', '.join(str(p) for p in ports)} in and ephemeral replies out for "
                f"{', '.join(cidrs)}"
            ),
            details={"acl_ids": sorted(seen), "subnet_ids": list(subnet_ids)},
        )
    ]


def _blocked(
    acl: NetworkAcl,
    subnets: Sequence[str],
    resource: str,
    what: str,
    fix: str,
    entry: NaclEntry | None,
    account: str,
    region: str,
) -> Finding:
    return Finding(
        check=SPEC.id,
        status=Status.FAIL,
        resource=acl.acl_id,
        account=account,
        region=region,
        message=f"network ACL {acl.acl_id} of {', '.join(subnets)} ({resource}): {what}",
        remediation=f"{fix}.",
        details={
            "acl_id": acl.acl_id,
            "subnet_ids": list(subnets),
            "rule_number": entry.rule_number if entry else None,
            "endpoint": resource,
        },
    )


def judge(facts: EndpointFacts) -> list[Finding]:
    """The network ACLs of the endpoint's subnets; a plan without --subnet: those recommended."""
    vpc, target = facts.vpc, facts.target
    subnet_ids = target.subnet_ids
    if not target.chosen:
        subnet_ids = recommended(facts) or subnet_ids
    return evaluate(
        facts.resource,
        subnet_ids,
        vpc.acls.get(),
        vpc.vpc.get(),
        vpc.request.ports,
        account=facts.account,
        region=facts.region,
        families=client_families(facts),
    )
