"""nlb-security-groups: the NLB's security groups admit PrivateLink traffic to its listeners."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from plcheck.checks._shared import failed
from plcheck.model import CheckSpec, Finding, Status
from plcheck.netrules import sg_rules_for_port, uncovered, wholly_uncovered

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from plcheck.facts.network import SecurityGroup
    from plcheck.facts.outcome import Outcome
    from plcheck.facts.provider import Listener, LoadBalancer, ServiceFacts, TargetGroup

SPEC = CheckSpec(
    id="nlb-security-groups",
    title="NLB security groups admit PrivateLink traffic",
    command="provider",
    also_in=("plan",),
    subject="service",
    needs=("provider.load_balancers",),
    inspects=(
        "For a Network Load Balancer with security groups and "
        "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic on: whether their inbound rules "
        "admit each listener port from the consumers' client CIDRs (--client-cidr; in "
        "plcheck check, link-sources judges each consumer VPC's CIDRs against the same "
        "rules). With security groups at all: whether their outbound rules admit the health "
        "checks to the targets."
    ),
    why=(
        "With enforcement on, PrivateLink traffic is checked against the NLB's inbound rules "
        "with the consumer client's private IP address as its source. Only CIDR (or prefix "
        "list) rules can match it; rules that reference security groups cannot match traffic "
        "from consumer VPCs. Traffic no rule admits is dropped silently. The outbound rules "
        "apply to health checks: targets the NLB cannot reach on the health-check port are "
        "marked unhealthy."
    ),
    remediation=(
        "Add inbound rules for each listener port from the consumers' client CIDRs, or turn "
        "enforcement off for PrivateLink traffic (aws elbv2 set-security-groups ... "
        "--enforce-security-group-inbound-rules-on-private-link-traffic off)."
    ),
    docs_url="https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html",
    aws_actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeTargetGroups",
        "ec2:DescribeSecurityGroups",
        # The health checks' ports and targets come from the target groups as read with
        # their health, attributes and instances (plcheck.aws.targets): without these a
        # group is unreadable and its health checks go unjudged.
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "ec2:DescribeInstances",
        "ec2:DescribeNetworkInterfaces",
    ),
    details={
        "load_balancer": "the NLB's name",
        "load_balancer_arn": "its ARN",
        "security_groups": "its security groups",
        "enforcement": "whether its groups apply to PrivateLink traffic (on/off)",
        "port": "the listener port judged",
        "transport": "tcp or udp",
        "cidrs": "CIDRs the groups admit on the port",
        "prefix_lists": "prefix lists they admit",
        "referenced_groups": "groups they admit",
        "client_cidrs": "client CIDRs judged (--client-cidr)",
        "left_out": "client CIDRs (or their parts) the inbound rules leave out",
        "target_group": "the target group whose health checks are judged",
        "health_check_port": "its health-check port",
        "health_check_destinations": "where the health checks go",
        "outbound_cidrs": "CIDRs the outbound rules admit on that port",
    },
)


def covers(rule_cidr: str, target: str) -> bool:
    """Whether CIDR ``rule_cidr`` holds every address of ``target`` (a CIDR or an address)."""
    outer = ipaddress.ip_network(rule_cidr, strict=False)
    inner = ipaddress.ip_network(target, strict=False)
    return outer.version == inner.version and inner.subnet_of(outer)  # type: ignore[arg-type]


#: Security group transports a listener protocol uses.
_TRANSPORTS = {"UDP": ("udp",), "TCP_UDP": ("tcp", "udp")}


def evaluate(
    lb: LoadBalancer,
    listeners: Sequence[Listener],
    groups: Mapping[str, SecurityGroup],
    account: str = "",
    region: str = "",
    resource: str = "",
    client_cidrs: Sequence[str] = (),
    target_groups: Mapping[str, Outcome[TargetGroup]] | None = None,
    vpc_cidrs: Sequence[str] = (),
    sources_by_link: bool = False,
) -> list[Finding]:
    """Inbound rules against the clients (with enforcement on), outbound against health checks.

    ``sources_by_link``: ``plcheck check``, where link-sources judges each consumer's
    addresses against the inbound rules; without client CIDRs they are left to it.

    ``resource`` names what findings are filed under (default: the load balancer ARN);
    ``client_cidrs`` are the sources PrivateLink traffic arrives from; ``target_groups``
    the listeners' groups (health-check ports and targets); ``vpc_cidrs`` the address
    ranges of the load balancer's VPC, where targets of unknown address sit.
    """
    finding = SPEC.on(
        resource or lb.arn,
        account=account,
        region=region,
        details={
            "load_balancer": lb.name,
            "load_balancer_arn": lb.arn,
            "security_groups": list(lb.security_groups),
        },
    )

    if not lb.security_groups:
        return [
            finding(
                Status.PASS,
                f"{lb.name} has no security groups: PrivateLink traffic reaches its listeners",
            )
        ]
    attached = [groups[g] for g in lb.security_groups if g in groups]
    names = ", ".join(lb.security_groups)
    findings: list[Finding] = []
    passes: list[str] = []
    if lb.enforce_sg_on_privatelink == "off":
        passes.append(
            f"{lb.name} does not evaluate its security groups ({names}) for PrivateLink "
            "traffic (enforcement off)"
        )
    else:
        findings += _inbound(
            lb, listeners, attached, client_cidrs, finding, passes, sources_by_link
        )
    findings += _health_checks(
        lb, listeners, attached, target_groups or {}, vpc_cidrs, finding, passes
    )
    if not findings:
        findings.append(
            finding(
                Status.PASS,
                "; ".join(passes),
                enforcement=lb.enforce_sg_on_privatelink or "on",
                client_cidrs=list(client_cidrs),
            )
        )
    return findings


def _inbound(
    lb: LoadBalancer,
    listeners: Sequence[Listener],
    attached: Sequence[SecurityGroup],
    client_cidrs: Sequence[str],
    finding: Any,
    passes: list[str],
    sources_by_link: bool = False,
) -> list[Finding]:
    names = ", ".join(lb.security_groups)
    findings: list[Finding] = []
    admitted: dict[str, list[str]] = {}
    for listener in sorted(listeners, key=lambda x: x.port):
        for transport in _TRANSPORTS.get(listener.protocol, ("tcp",)):
            port_text = f"{transport.upper()} {listener.port}"
            rules = sg_rules_for_port(attached, listener.port, transport)
            cidrs = sorted({c for r in rules for c in r.cidrs})
            prefix_lists = sorted({p for r in rules for p in r.prefix_lists})
            referenced = sorted({g for r in rules for g in r.groups})
            # Rules add up: several together may cover one client CIDR.
            missing = {c: uncovered(c, cidrs) for c in client_cidrs}
            left_out = [part for parts in missing.values() for part in parts]
            shut_out = [c for c, parts in missing.items() if parts and wholly_uncovered(c, parts)]
            port_details = {
                "enforcement": "on",
                "port": listener.port,
                "transport": transport,
                "cidrs": cidrs,
                "prefix_lists": prefix_lists,
                "referenced_groups": referenced,
                "client_cidrs": list(client_cidrs),
                "left_out": left_out,
            }

            def add_rule(cidr: str, port: int = listener.port, proto: str = transport) -> str:
                return (
                    f"aws ec2 authorize-security-group-ingress --group-id "
                    f"{lb.security_groups[0]} --ip-permissions IpProtocol={proto},"
                    f"FromPort={port},ToPort={port},IpRanges=[{{CidrIp={cidr}}}]"
                )

            if not cidrs and not prefix_lists:
                why = (
                    f"only from security groups {', '.join(referenced)}, which cannot match "
                    "traffic from consumer VPCs (its source is the client's private IP)"
                    if referenced
                    else "from no source"
                )
                findings.append(
                    finding(
                        Status.FAIL,
                        f"{lb.name}: security groups {names} admit {port_text} {why}; "
                        "PrivateLink traffic to that listener is dropped (enforcement on)",
                        f"Add an inbound rule for {port_text} from the consumers' client CIDRs "
                        f"({add_rule(client_cidrs[0] if client_cidrs else '<client CIDR>')}), "
                        "or turn enforcement off: aws elbv2 set-security-groups "
                        f"--load-balancer-arn {lb.arn} "
                        f"--security-groups {' '.join(lb.security_groups)} "
                        "--enforce-security-group-inbound-rules-on-private-link-traffic off",
                        **port_details,
                    )
                )
                continue
            if not client_cidrs and sources_by_link:
                findings.append(
                    finding(
                        Status.SKIP,
                        f"{lb.name} ({names}, enforcement on) admits {port_text} from "
                        f"{', '.join(cidrs + prefix_lists)}; link-sources judges each consumer "
                        "VPC's CIDRs and client_cidrs against these rules",
                        **port_details,
                    )
                )
                continue
            if not client_cidrs:
                findings.append(
                    finding(
                        Status.WARN,
                        f"{lb.name} ({names}, enforcement on) admits {port_text} from "
                        f"{', '.join(cidrs + prefix_lists)}; whether that covers the consumers' "
                        "clients cannot be judged without their addresses",
                        "Pass the consumers' client CIDRs: plcheck provider --client-cidr CIDR "
                        "(in plcheck check, link-sources judges each consumer VPC's CIDRs and "
                        "client_cidrs against these rules).",
                        **port_details,
                    )
                )
                continue
            if not left_out:
                admitted[port_text] = cidrs
                continue
            if prefix_lists:
                findings.append(
                    finding(
                        Status.WARN,
                        f"{lb.name} ({names}) admits {port_text} from "
                        f"{', '.join(cidrs) or 'no CIDR'} and prefix lists "
                        f"{', '.join(prefix_lists)}: {', '.join(left_out)} get through only "
                        "if the prefix lists hold them",
                        "Make sure the prefix lists hold those CIDRs, or add a rule: "
                        + "; ".join(add_rule(c) for c in left_out),
                        **port_details,
                    )
                )
                continue
            if not shut_out:
                findings.append(
                    finding(
                        Status.WARN,
                        f"{lb.name}: security groups {names} admit {port_text} from "
                        f"{', '.join(cidrs)}, which covers only part of the client CIDRs: "
                        f"PrivateLink traffic from {', '.join(left_out)} is dropped (clients "
                        "that live only in the admitted parts get through)",
                        "Add an inbound rule: " + "; ".join(add_rule(c) for c in left_out),
                        **port_details,
                    )
                )
                continue
            findings.append(
                finding(
                    Status.FAIL,
                    f"{lb.name}: security groups {names} admit {port_text} from "
                    f"{', '.join(cidrs)} but not from client CIDR {', '.join(left_out)}: "
                    "PrivateLink traffic from there is dropped (enforcement on, the source is "
                    "the client's private IP)",
                    "Add an inbound rule: " + "; ".join(add_rule(c) for c in left_out),
                    **port_details,
                )
            )
    if not findings:
        admitted_text = "; ".join(f"{p} from {', '.join(c)}" for p, c in admitted.items())
        passes.append(
            f"{lb.name} ({names}, enforcement on) admits {admitted_text or 'no listener'}, "
            f"covering client CIDRs {', '.join(client_cidrs)}"
        )
    return findings


def _outbound_rules(groups: Sequence[SecurityGroup], port: int) -> list[Any]:
    return [
        rule
        for group in groups
        for rule in group.outbound
        if rule.protocol in ("-1", "all", "tcp", "6")
        and (
            rule.protocol in ("-1", "all")
            or (rule.from_port or 0)
            <= port
            <= (rule.to_port if rule.to_port is not None else 65535)
        )
    ]


def _health_checks(
    lb: LoadBalancer,
    listeners: Sequence[Listener],
    attached: Sequence[SecurityGroup],
    target_groups: Mapping[str, Outcome[TargetGroup]],
    vpc_cidrs: Sequence[str],
    finding: Any,
    passes: list[str],
) -> list[Finding]:
    """The outbound rules against each target group's health checks."""
    names = ", ".join(lb.security_groups)
    findings: list[Finding] = []
    checked: list[str] = []
    arns = dict.fromkeys(a for listener in listeners for a in listener.target_group_arns)
    for arn in arns:
        read = target_groups.get(arn)
        if read is None or read.value is None:
            continue  # unreadable groups are nlb-target-health's error
        group = read.value
        if group.health_check_port.isdigit():
            ports: set[int] = {int(group.health_check_port)}
        else:
            found = {t.port or group.port for t in group.targets} or {group.port}
            ports = {p for p in found if p}
        by_address = group.target_type == "ip" and group.targets
        if by_address:
            destinations = [
                f"{t.target_id}/32" if ":" not in t.target_id else f"{t.target_id}/128"
                for t in group.targets
            ]
            where = "its targets"
        else:
            destinations = list(vpc_cidrs)
            where = f"the VPC {lb.vpc_id}"
        for port in sorted(ports):
            rules = _outbound_rules(attached, port)
            cidrs = sorted({c for r in rules for c in r.cidrs})
            others = sorted({x for r in rules for x in (*r.prefix_lists, *r.groups)})
            left_out = [d for d in destinations if not any(covers(c, d) for c in cidrs)]
            details = {
                "target_group": group.name,
                "health_check_port": port,
                "outbound_cidrs": cidrs,
                "health_check_destinations": destinations,
                "left_out": left_out,
            }
            fix = (
                f"aws ec2 authorize-security-group-egress --group-id {lb.security_groups[0]} "
                f"--ip-permissions IpProtocol=tcp,FromPort={port},ToPort={port},"
                f"IpRanges=[{{CidrIp={(left_out or destinations or ['<target CIDR>'])[0]}}}]"
            )
            if not rules:
                findings.append(
                    finding(
                        Status.FAIL,
                        f"{lb.name}: the outbound rules of {names} admit no TCP {port}: the "
                        f"health checks of {group.name} cannot reach its targets, which are "
                        "marked unhealthy",
                        f"Add an outbound rule: {fix}",
                        **details,
                    )
                )
            elif left_out and (others or not by_address):
                findings.append(
                    finding(
                        Status.WARN,
                        f"{lb.name}: the outbound rules of {names} admit TCP {port} to "
                        f"{', '.join(cidrs + others)}, which may not reach all of {where} "
                        f"({', '.join(left_out)} not covered): the health checks of "
                        f"{group.name} may fail",
                        f"Make sure they cover the targets, or add: {fix}",
                        **details,
                    )
                )
            elif left_out:
                findings.append(
                    finding(
                        Status.FAIL,
                        f"{lb.name}: the outbound rules of {names} admit TCP {port} to "
                        f"{', '.join(cidrs)}, not to targets {', '.join(left_out)} of "
                        f"{group.name}: their health checks fail",
                        f"Add an outbound rule: {fix}",
                        **details,
                    )
                )
            else:
                checked.append(f"{group.name} TCP {port}")
    if checked and not findings:
        passes.append(f"outbound rules admit the health checks ({', '.join(checked)})")
    return findings


def judge(facts: ServiceFacts) -> list[Finding]:
    """The security groups of each of the service's load balancers."""
    findings: list[Finding] = []
    groups = facts.provider.security_groups
    subnets = facts.provider.subnets.value or {}
    for lb in facts.load_balancers:
        listeners = facts.provider.listeners.get(lb.arn)
        if listeners is None:
            continue
        unread = listeners.error or (groups.error if lb.security_groups else None)
        if unread is not None:
            findings.append(failed(SPEC, facts, unread))
            continue
        listed = listeners.value or ()
        found = groups.value or {}
        vpc_cidrs = sorted({s.cidr for s in subnets.values() if s.vpc_id == lb.vpc_id and s.cidr})
        findings += evaluate(
            lb,
            listed,
            found,
            facts.account,
            facts.region,
            facts.resource,
            client_cidrs=facts.client_cidrs,
            target_groups=facts.provider.target_groups,
            vpc_cidrs=vpc_cidrs,
            sources_by_link=facts.sources_by_link,
        )
    return findings
