"""nlb-security-groups: the NLB's security groups admit PrivateLink traffic to its listeners."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from plcheck.checks._shared import failed
from plcheck.facts.network import SecurityGroup
from plcheck.facts.provider import Listener, LoadBalancer, ServiceFacts
from plcheck.model import CheckSpec, Finding, Status
from plcheck.netrules import sg_rules_for_port

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
        "admit each listener port from an address range."
    ),
    why=(
        "With enforcement on, PrivateLink traffic is checked against the NLB's inbound rules "
        "with the consumer client's private IP address as its source. Only CIDR (or prefix "
        "list) rules can match it; rules that reference security groups cannot match traffic "
        "from consumer VPCs. Traffic no rule admits is dropped silently."
    ),
    remediation=(
        "Add inbound rules for each listener port from the consumers' client CIDRs, or turn "
        "enforcement off for PrivateLink traffic (aws elbv2 set-security-groups ... "
        "--enforce-security-group-inbound-rules-on-private-link-traffic off)."
    ),
    docs_url="https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html",
    aws_actions=("elasticloadbalancing:DescribeLoadBalancers", "ec2:DescribeSecurityGroups"),
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
    },
)

#: Security group transports a listener protocol uses.
_TRANSPORTS = {"UDP": ("udp",), "TCP_UDP": ("tcp", "udp")}


def evaluate(
    lb: LoadBalancer,
    listeners: Sequence[Listener],
    groups: Mapping[str, SecurityGroup],
    account: str = "",
    region: str = "",
    resource: str = "",
) -> list[Finding]:
    """Pass without groups or enforcement; else one warn/fail per port not admitted.

    ``resource`` names what findings are filed under (default: the load balancer ARN).
    """

    def finding(status: Status, message: str, remediation: str = "", **details: Any) -> Finding:
        return Finding(
            check=SPEC.id,
            status=status,
            resource=resource or lb.arn,
            account=account,
            region=region,
            message=message,
            remediation=remediation,
            details={
                "load_balancer": lb.name,
                "load_balancer_arn": lb.arn,
                "security_groups": list(lb.security_groups),
                **details,
            },
        )

    if not lb.security_groups:
        return [
            finding(
                Status.PASS,
                f"{lb.name} has no security groups: PrivateLink traffic reaches its listeners",
            )
        ]
    if lb.enforce_sg_on_privatelink == "off":
        return [
            finding(
                Status.PASS,
                f"{lb.name} does not evaluate its security groups "
                f"({', '.join(lb.security_groups)}) for PrivateLink traffic (enforcement off)",
                enforcement="off",
            )
        ]
    attached = [groups[g] for g in lb.security_groups if g in groups]
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
            port_details = {
                "enforcement": "on",
                "port": listener.port,
                "transport": transport,
                "cidrs": cidrs,
                "prefix_lists": prefix_lists,
                "referenced_groups": referenced,
            }
            add_rule = (
                f"aws ec2 authorize-security-group-ingress --group-id {lb.security_groups[0]} "
                f"--ip-permissions IpProtocol={transport},FromPort={listener.port},"
                f"ToPort={listener.port},IpRanges=[{{CidrIp=<consumer client CIDR>}}]"
            )
            if cidrs:
                admitted[port_text] = cidrs
                continue
            if prefix_lists:
                findings.append(
                    finding(
                        Status.WARN,
                        f"{lb.name} ({names}) admits {port_text} only from prefix lists "
                        f"{', '.join(prefix_lists)}: PrivateLink clients get through only if "
                        "their private addresses are in them",
                        "Make sure the prefix lists hold the consumers' client CIDRs, or add "
                        f"a CIDR rule: {add_rule}",
                        **port_details,
                    )
                )
                continue
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
                    f"({add_rule}), or turn enforcement off: aws elbv2 set-security-groups "
                    f"--load-balancer-arn {lb.arn} "
                    f"--security-groups {' '.join(lb.security_groups)} "
                    "--enforce-security-group-inbound-rules-on-private-link-traffic off",
                    **port_details,
                )
            )
    if not findings:
        admitted_text = "; ".join(f"{p} from {', '.join(c)}" for p, c in admitted.items())
        findings.append(
            finding(
                Status.PASS,
                f"{lb.name} ({names}, enforcement on) admits {admitted_text or 'no listener'}: "
                "consumer clients in those ranges get through",
                enforcement="on",
                admitted=admitted,
            )
        )
    return findings


def judge(facts: ServiceFacts) -> list[Finding]:
    """The security groups of each of the service's load balancers."""
    findings: list[Finding] = []
    groups = facts.provider.security_groups
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
        findings += evaluate(lb, listed, found, facts.account, facts.region, facts.resource)
    return findings
