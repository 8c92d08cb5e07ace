"""target-security-groups: the targets' security groups admit the load balancer."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import ip_network
from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status
from plcheck.netrules import sg_rules_admitting_from, sg_rules_for_port

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from plcheck.facts.network import SecurityGroup, Subnet
    from plcheck.facts.provider import LoadBalancer, ServiceFacts, TargetGroup, TargetState

SPEC = CheckSpec(
    id="target-security-groups",
    title="Target security groups admit the load balancer",
    command="provider",
    subject="service",
    needs=(
        "provider.load_balancers",
        "provider.target_security_groups",
        "provider.target_group_rules",
        "provider.subnets",
    ),
    inspects=(
        "The security groups of each instance and IP target behind the service's load "
        "balancers: inbound rules for the traffic port and the health-check port from the load "
        "balancer (its security group when it has one, else its subnets' CIDRs)."
    ),
    why=(
        "PrivateLink traffic reaches a target from the load balancer's private addresses (or, "
        "with security groups on the load balancer, as a member of its group). A target group "
        "that admits only the health-check port keeps its targets healthy while every "
        "endpoint connection on the traffic port is dropped: the service looks fine and "
        "consumers time out."
    ),
    remediation=(
        "Admit the load balancer on the traffic and health-check ports in the targets' group: "
        "aws ec2 authorize-security-group-ingress --group-id sg-TARGET --protocol tcp --port "
        "PORT --source-group sg-NLB (or --cidr NLB_SUBNET_CIDR for a load balancer without "
        "security groups); in Terraform an aws_vpc_security_group_ingress_rule with "
        "referenced_security_group_id (or cidr_ipv4)."
    ),
    docs_url=(
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/"
        "target-group-register-targets.html#target-security-groups"
    ),
    aws_actions=(
        "ec2:DescribeInstances",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
    ),
    details={
        "load_balancer": "the load balancer's name",
        "source": "what targets see it as: its security group or subnet CIDRs",
        "target": "the refused target",
        "group_ids": "its security groups",
        "refused_ports": "ports they refuse the load balancer on",
        "traffic_port": "the port traffic reaches it on",
        "health_check_port": "the port health checks use",
        "unknown_targets": "targets whose security groups are unknown",
    },
)

#: Target types whose security groups the load balancer's traffic must pass.
JUDGED_TYPES = ("instance", "ip")


@dataclass(frozen=True)
class Source:
    """Where the load balancer's traffic to targets comes from.

    Its private addresses in its subnets; with security groups, also as a member of
    them, so a rule referencing one of its groups admits it as well as a CIDR rule does.
    """

    group_ids: tuple[str, ...] = ()
    """Its security groups (a rule referencing any of them admits it)."""
    cidrs: tuple[str, ...] = ()
    """Its subnets' IPv4 CIDRs."""

    def __str__(self) -> str:
        return (
            " / ".join(self.group_ids[:1]) or ", ".join(self.cidrs) or "its subnets (unknown CIDRs)"
        )

    @property
    def flag(self) -> str:
        """The source of an ``authorize-security-group-ingress`` that admits it."""
        if self.group_ids:
            return f"--source-group {self.group_ids[0]}"
        return f"--cidr {self.cidrs[0] if self.cidrs else 'NLB_SUBNET_CIDR'}"


def source_of(lb: LoadBalancer, subnets: Mapping[str, Subnet]) -> Source:
    """The load balancer as targets see it: its security groups and its subnets' CIDRs."""
    return Source(
        group_ids=lb.security_groups,
        cidrs=tuple(
            subnets[z.subnet_id].cidr
            for z in lb.zones
            if z.subnet_id in subnets and subnets[z.subnet_id].cidr
        ),
    )


def _protocols(group: TargetGroup) -> tuple[str, ...]:
    if group.protocol == "UDP":
        return ("udp",)
    if group.protocol == "TCP_UDP":
        return ("tcp", "udp")
    return ("tcp",)


#: What a target's groups are known to do with the load balancer's traffic on one port.
ADMITS, UNKNOWN, REFUSES = "admits", "unknown", "refuses"


@dataclass(frozen=True)
class Verdict:
    """Whether the read groups admit the load balancer on one port, and what is unknown."""

    outcome: str
    """``admits``, ``unknown`` or ``refuses``."""
    unknowns: tuple[str, ...] = ()
    """Why it could not be decided: the rules or groups that were not (or could not be) read."""


def _overlaps(rule_cidr: str, cidr: str) -> bool:
    try:
        a, b = ip_network(rule_cidr, strict=False), ip_network(cidr, strict=False)
    except ValueError:
        return False
    return a.version == b.version and a.overlaps(b)


def _admits(
    groups: Sequence[SecurityGroup],
    port: int,
    source: Source,
    protocol: str = "tcp",
    unread: Sequence[str] = (),
) -> Verdict:
    """Whether ``groups`` admit ``source`` on ``port``; unknown where a fact is missing."""
    by_group = any(
        sg_rules_admitting_from(groups, port, group_id=g, protocol=protocol)
        for g in source.group_ids
    )
    by_cidr = bool(source.cidrs) and all(
        sg_rules_admitting_from(groups, port, cidr=c, protocol=protocol) for c in source.cidrs
    )
    if by_group or by_cidr:
        return Verdict(ADMITS)
    unknowns: list[str] = []
    on_port = sg_rules_for_port(groups, port, protocol)
    # The load balancer's own addresses are not read: a rule admitting part of a subnet
    # may admit them, or not.
    partial = sorted(
        {
            f"{c} (part of {subnet})"
            for rule in on_port
            for c in rule.cidrs
            for subnet in source.cidrs
            if _overlaps(c, subnet)
        }
    )
    if partial:
        unknowns.append(
            f"a rule admits only {', '.join(partial)}; the load balancer's own addresses "
            "were not read"
        )
    lists = sorted({pl for rule in on_port for pl in rule.prefix_lists})
    if lists:
        unknowns.append(
            f"a rule admits prefix list(s) {', '.join(lists)}, whose entries were not read"
        )
    if unread:
        unknowns.append(f"security group(s) {', '.join(unread)} could not be read")
    return Verdict(UNKNOWN, tuple(unknowns)) if unknowns else Verdict(REFUSES)


def _worst(verdicts: Sequence[Verdict]) -> Verdict:
    for outcome in (REFUSES, UNKNOWN):
        found = [v for v in verdicts if v.outcome == outcome]
        if found:
            return Verdict(outcome, tuple(dict.fromkeys(u for v in found for u in v.unknowns)))
    return Verdict(ADMITS)


@dataclass(frozen=True)
class Problem:
    """One target whose groups refuse the load balancer on some port, or may."""

    target: TargetState
    group_ids: tuple[str, ...]
    traffic_port: int
    health_port: int | None
    traffic: Verdict
    health: Verdict
    protocols: tuple[str, ...] = ("tcp",)
    """The target group's protocols on the traffic port, as authorize-security-group-ingress
    names them."""

    @property
    def status(self) -> Status:
        """Fail only when the traffic port is certainly refused.

        A refused health-check port is a warn: when every target of a group is unhealthy,
        the load balancer fails open and routes to all of them (NLB health checks,
        https://docs.aws.amazon.com/elasticloadbalancing/latest/network/
        target-group-health-checks.html).
        """
        return Status.FAIL if self.traffic.outcome == REFUSES else Status.WARN


def evaluate(
    resource: str,
    lb: LoadBalancer,
    target_groups: Sequence[TargetGroup],
    target_sgs: Mapping[str, tuple[str, ...]],
    rules: Mapping[str, SecurityGroup],
    subnets: Mapping[str, Subnet],
    *,
    account: str = "",
    region: str = "",
) -> list[Finding]:
    """Findings for one load balancer's instance and IP targets."""
    source = source_of(lb, subnets)
    judged = [g for g in target_groups if g.target_type in JUDGED_TYPES]

    finding = SPEC.on(
        resource,
        account=account,
        region=region,
        details={"load_balancer": lb.name, "source": str(source)},
    )

    if not judged or not any(g.targets for g in judged):
        return [
            finding(
                Status.SKIP,
                f"{lb.name} has no instance or IP targets whose security groups could be judged",
            )
        ]
    problems: list[Problem] = []
    unknown: list[str] = []
    checked = 0
    for group in judged:
        for target in group.targets:
            group_ids = target_sgs.get(target.target_id)
            traffic_port = target.port if target.port is not None else group.port
            if group_ids is None or traffic_port is None:
                unknown.append(target.target_id)
                continue
            checked += 1
            sgs = [rules[g] for g in group_ids if g in rules]
            unread = [g for g in group_ids if g not in rules]
            health_port = group.health_port(target)
            protocols = _protocols(group)
            traffic = _worst([_admits(sgs, traffic_port, source, p, unread) for p in protocols])
            health = (
                Verdict(ADMITS)
                if health_port is None
                else _admits(sgs, health_port, source, "tcp", unread)
            )
            if traffic.outcome != ADMITS or health.outcome != ADMITS:
                problems.append(
                    Problem(
                        target, group_ids, traffic_port, health_port, traffic, health, protocols
                    )
                )
    findings = []
    for problem in problems:
        message, remediation, details = _failure(problem, lb, source)
        findings.append(finding(problem.status, message, remediation, **details))
    if unknown:
        findings.append(
            finding(
                Status.WARN,
                f"no instance or network interface in the target groups' VPC holds "
                f"{', '.join(unknown)}, or no port is known for it: their security groups "
                "cannot be judged (a peered VPC or on-premises address?)",
                f"Check by hand that whatever guards {', '.join(unknown)} admits {source}.",
                unknown_targets=unknown,
            )
        )
    if findings:
        return findings
    return [
        finding(
            Status.PASS,
            f"the security groups of {checked} target(s) behind {lb.name} admit {source} on "
            "the traffic and health-check ports",
        )
    ]


def _failure(
    problem: Problem, lb: LoadBalancer, source: Source
) -> tuple[str, str, dict[str, object]]:
    """The message, remediation and details of one refused (or possibly refused) target."""
    target = problem.target
    groups = ", ".join(problem.group_ids) or "no security group"
    traffic, health = problem.traffic.outcome, problem.health.outcome
    ports = {problem.traffic_port} if traffic != ADMITS else set()
    if health != ADMITS and problem.health_port is not None:
        ports.add(problem.health_port)
    refused = sorted(ports)
    if traffic == REFUSES and health == ADMITS:
        what = (
            f"admit {source} on health-check port {problem.health_port} but not on traffic "
            f"port {problem.traffic_port}: health checks stay green while PrivateLink "
            "traffic is dropped"
        )
    elif traffic == ADMITS and health == REFUSES:
        what = (
            f"refuse {source} on health-check port {problem.health_port}: the target fails "
            "its health checks and gets no traffic, unless every target of its group is "
            "unhealthy and the load balancer fails open"
        )
    elif traffic == REFUSES and health == REFUSES:
        what = f"refuse {source} on port(s) {', '.join(str(p) for p in refused)}"
    else:
        what = f"may refuse {source} on port(s) {', '.join(str(p) for p in refused)}: " + "; ".join(
            dict.fromkeys([*problem.traffic.unknowns, *problem.health.unknowns])
        )
    target_group = problem.group_ids[0] if problem.group_ids else "sg-TARGET"
    flag = source.flag
    # The health check is TCP, HTTP or HTTPS even on a UDP target group.
    commands = [(p, problem.traffic_port) for p in problem.protocols] if traffic != ADMITS else []
    if health != ADMITS and problem.health_port is not None:
        commands.append(("tcp", problem.health_port))
    commands.sort(key=lambda command: (command[1], command[0]))
    fixes = "; ".join(
        f"aws ec2 authorize-security-group-ingress --group-id {target_group} --protocol "
        f"{protocol} --port {port} {flag}"
        for protocol, port in dict.fromkeys(commands)
    )
    return (
        f"security groups {groups} of target {target.target_id} ({lb.name}) {what}",
        f"{fixes}.",
        {
            "target": target.target_id,
            "group_ids": list(problem.group_ids),
            "refused_ports": refused,
            "traffic_port": problem.traffic_port,
            "health_check_port": problem.health_port,
        },
    )


def judge(facts: ServiceFacts) -> list[Finding]:
    """Each of the service's load balancers' instance and IP targets."""
    provider = facts.provider
    target_sgs = provider.target_security_groups.get() or {}
    rules = provider.target_group_rules.get() or {}
    subnets = provider.subnets.get() or {}
    findings: list[Finding] = []
    for lb in facts.load_balancers:
        listeners = provider.listeners.get(lb.arn)
        if listeners is None:
            continue
        arns = dict.fromkeys(a for item in listeners.get() for a in item.target_group_arns)
        groups = [outcome.get() for arn in arns if (outcome := provider.target_groups.get(arn))]
        findings += evaluate(
            facts.resource,
            lb,
            groups,
            target_sgs,
            rules,
            subnets,
            account=facts.account,
            region=facts.region,
        )
    if not findings:
        findings.append(
            SPEC.finding(
                Status.SKIP,
                facts.resource,
                "no listener forwards to a target group: nothing to judge",
                account=facts.account,
                region=facts.region,
            )
        )
    return findings
