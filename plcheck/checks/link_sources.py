"""link-sources: the load balancer's security groups admit the consumer's clients on the port."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from plcheck.checks._link import (
    DETAILS,
    finding,
    load_balancers,
    no_load_balancer,
    not_owned,
    on_evidence,
    on_port,
    port_evidence,
)
from plcheck.model import CheckSpec, Finding, Status
from plcheck.netrules import sg_rules_for_port, uncovered, wholly_uncovered

if TYPE_CHECKING:
    from plcheck.facts.link import LinkFacts
    from plcheck.facts.provider import LoadBalancer

SPEC = CheckSpec(
    id="link-sources",
    title="The load balancer admits the consumer's clients",
    command="check",
    also_in=("plan",),
    subject="link",
    needs=(
        "provider.services",
        "provider.load_balancers",
        "provider.security_groups",
        "consumer.vpc",
    ),
    inspects=(
        "With security groups on the load balancer and "
        "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic on: the consumer VPC's IPv4 "
        "CIDR blocks and the link's declared client_cidrs against the CIDR sources of the "
        "inbound rules that admit the link's port. In `plcheck plan` the port is one the "
        "endpoint's planned security groups admit (evidence, so a range left out is a warn), "
        "the VPC's CIDRs the live VPC's or the planned aws_vpc's cidr_block."
    ),
    why=(
        "With enforcement on, the load balancer evaluates its inbound rules for PrivateLink "
        "traffic with the client's private IP address as the source, not the endpoint's. "
        "Only both sides together say whether the consumer's addresses are admitted: a range "
        "left out has its connections dropped at the provider's load balancer."
    ),
    remediation=(
        "In the provider account, add an inbound rule for the port from each consumer CIDR "
        "(aws ec2 authorize-security-group-ingress --group-id sg-… --ip-permissions "
        "IpProtocol=tcp,FromPort=PORT,ToPort=PORT,IpRanges=[{CidrIp=CIDR}]), or turn "
        "enforcement off for PrivateLink traffic."
    ),
    docs_url="https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html",
    aws_actions=("ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"),
    details={
        **DETAILS,
        "load_balancer": "the load balancer's name",
        "security_groups": "its security groups",
        "sources": "the consumer's client CIDRs: VPC blocks and client_cidrs",
        "admitted_cidrs": "CIDRs its rules admit on the port",
        "prefix_lists": "prefix lists its rules admit on the port",
        "missing": "per client CIDR, the parts no rule admits",
    },
)


def sources(facts: LinkFacts) -> list[str]:
    """The consumer VPC's IPv4 CIDR blocks, then the declared client CIDRs."""
    vpc = facts.consumer.vpc.get()
    ipv4 = [c for c in vpc.cidr_blocks if ipaddress.ip_network(c, strict=False).version == 4]
    return list(dict.fromkeys([*ipv4, *facts.client_cidrs]))


def judge(facts: LinkFacts) -> list[Finding]:
    """One finding per load balancer: every client source admitted on the port, or which not."""
    if facts.service is None:
        return not_owned(SPEC, facts)
    balancers = load_balancers(facts)
    if not balancers:
        return no_load_balancer(SPEC, facts)
    return [f for lb in balancers for f in _judge_lb(facts, lb)]


def _judge_lb(facts: LinkFacts, lb: LoadBalancer) -> list[Finding]:
    base: dict[str, Any] = {"load_balancer": lb.name, "security_groups": list(lb.security_groups)}
    if not lb.security_groups:
        return [
            finding(
                SPEC,
                facts,
                Status.PASS,
                f"{facts.sides}: {lb.name} has no security groups, so every client reaches "
                "its listeners",
                **base,
            )
        ]
    if lb.enforce_sg_on_privatelink == "off":
        return [
            finding(
                SPEC,
                facts,
                Status.PASS,
                f"{facts.sides}: {lb.name} does not evaluate its security groups for "
                "PrivateLink traffic (enforcement off)",
                **base,
            )
        ]
    if not on_port(facts, lb):
        return [
            finding(
                SPEC,
                facts,
                Status.SKIP,
                f"{facts.sides}: {lb.name} has no listener on port {facts.port} (see link-port)",
                **base,
            )
        ]
    groups = facts.provider.security_groups.get()
    attached = [groups[g] for g in lb.security_groups if g in groups]
    rules = sg_rules_for_port(attached, facts.port)
    cidrs = sorted({c for r in rules for c in r.cidrs})
    prefix_lists = sorted({p for r in rules for p in r.prefix_lists})
    wanted = sources(facts)
    missing = {s: uncovered(s, cidrs) for s in wanted}
    missing = {s: parts for s, parts in missing.items() if parts}
    details: dict[str, Any] = {
        **base,
        "sources": wanted,
        "admitted_cidrs": cidrs,
        "prefix_lists": prefix_lists,
    }
    names = ", ".join(lb.security_groups)
    if not missing:
        return [
            finding(
                SPEC,
                facts,
                Status.PASS,
                f"{facts.sides}: {lb.name} ({names}, enforcement on) admits TCP {facts.port} "
                f"from every client source of the consumer ({', '.join(wanted)})",
                **details,
            )
        ]
    left_out = "; ".join(
        source if parts == [source] else f"{', '.join(parts)} of {source}"
        for source, parts in missing.items()
    )
    add = " ".join(
        f"IpProtocol=tcp,FromPort={facts.port},ToPort={facts.port},IpRanges=[{{CidrIp={s}}}]"
        for s in missing
    )
    remediation = (
        f"In provider account {facts.provider.account}: aws ec2 "
        f"authorize-security-group-ingress --group-id {lb.security_groups[0]} "
        f"--ip-permissions {add}; or turn enforcement off: aws elbv2 set-security-groups "
        f"--load-balancer-arn {lb.arn} --security-groups {' '.join(lb.security_groups)} "
        "--enforce-security-group-inbound-rules-on-private-link-traffic off"
    )
    if prefix_lists:
        return [
            finding(
                SPEC,
                facts,
                Status.WARN,
                f"{facts.sides}: {lb.name} ({names}, enforcement on) admits TCP {facts.port} "
                f"from CIDRs that leave out {left_out}, and from prefix lists "
                f"{', '.join(prefix_lists)} whose entries are not read here: those clients "
                "get through only if the prefix lists hold their addresses",
                remediation,
                missing=missing,
                **details,
            )
        ]
    admitted = ", ".join(cidrs) or "no CIDR"
    # Clients may live only in the admitted part of a range: a fail needs a range no rule
    # admits any of.
    shut_out = [source for source, parts in missing.items() if wholly_uncovered(source, parts)]
    if not shut_out:
        return [
            finding(
                SPEC,
                facts,
                Status.WARN,
                f"{facts.sides}: {lb.name} ({names}, enforcement on) admits TCP {facts.port} "
                f"from {admitted}, leaving out {left_out}: PrivateLink traffic from clients in "
                "those parts is dropped at the load balancer (clients that live only in the "
                "admitted parts get through)",
                remediation,
                missing=missing,
                **details,
            )
        ]
    return [
        finding(
            SPEC,
            facts,
            on_evidence(facts, Status.FAIL),
            f"{facts.sides}: {lb.name} ({names}, enforcement on) admits TCP {facts.port} from "
            f"{admitted}, leaving out {left_out}: PrivateLink traffic from "
            f"{', '.join(shut_out)} is dropped at the load balancer{port_evidence(facts)}",
            remediation,
            missing=missing,
            **details,
        )
    ]
