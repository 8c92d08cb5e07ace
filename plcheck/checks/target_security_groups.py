"""target-security-groups: the targets' security groups admit the load balancer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status
from plcheck.netrules import sg_rules_admitting_from

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


def _admits(
    groups: Sequence[SecurityGroup], port: int, source: Source, protocol: str = "tcp"
) -> bool:
    by_group = any(
        sg_rules_admitting_from(groups, port, group_id=g, protocol=protocol)
        for g in source.group_ids
    )
    by_cidr = bool(source.cidrs) and all(
        sg_rules_admitting_from(groups, port, cidr=c, protocol=protocol) for c in source.cidrs
    )
    return by_group or by_cidr


@dataclass(frozen=True)
class Problem:
    """One target whose groups refuse the load balancer on some port."""

    target: TargetState
    group_ids: tuple[str, ...]
    traffic_port: int
    health_port: int | None
    traffic_ok: bool
    health_ok: bool


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
            if group_ids is None:
                unknown.append(target.target_id)
                continue
            checked += 1
            sgs = [rules[g] for g in group_ids if g in rules]
            traffic_port = target.port if target.port is not None else group.port
            if traffic_port is None:
                unknown.append(target.target_id)
                continue
            health_port = group.health_port(target)
            traffic_ok = all(_admits(sgs, traffic_port, source, p) for p in _protocols(group))
            health_ok = health_port is None or _admits(sgs, health_port, source)
            if not (traffic_ok and health_ok):
                problems.append(
                    Problem(target, group_ids, traffic_port, health_port, traffic_ok, health_ok)
                )
    findings = []
    for problem in problems:
        message, remediation, details = _failure(problem, lb, source)
        findings.append(finding(Status.FAIL, message, remediation, **details))
    if unknown:
        findings.append(
            finding(
                Status.WARN,
                f"no instance or network interface in the target groups' VPC holds "
                f"{', '.join(unknown)}: their security groups are unknown (a peered VPC or "
                "on-premises address?)",
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
    """The message, remediation and details of one refused target."""
    target = problem.target
    groups = ", ".join(problem.group_ids) or "no security group"
    ports = {problem.traffic_port} if not problem.traffic_ok else set()
    if not problem.health_ok and problem.health_port is not None:
        ports.add(problem.health_port)
    refused = sorted(ports)
    if not problem.traffic_ok and problem.health_ok:
        what = (
            f"admit {source} on health-check port {problem.health_port} but not on traffic "
            f"port {problem.traffic_port}: health checks stay green while PrivateLink "
            "traffic is dropped"
        )
    elif problem.traffic_ok:
        what = (
            f"refuse {source} on health-check port {problem.health_port}: the target fails "
            "its health checks and gets no traffic"
        )
    else:
        what = f"refuse {source} on port(s) {', '.join(str(p) for p in refused)}"
    target_group = problem.group_ids[0] if problem.group_ids else "sg-TARGET"
    flag = source.flag
    fixes = "; ".join(
        f"aws ec2 authorize-security-group-ingress --group-id {target_group} --protocol tcp "
        f"--port {port} {flag}"
        for port in refused
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
