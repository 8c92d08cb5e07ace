"""link-port: each port the consumer connects to has a listener on the service's load balancers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plcheck.checks._link import (
    DETAILS,
    TCP_PROTOCOLS,
    finding,
    listeners,
    load_balancers,
    no_load_balancer,
    not_owned,
    on_evidence,
    port_evidence,
)
from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from plcheck.facts.link import LinkFacts

SPEC = CheckSpec(
    id="link-port",
    title="The consumer's port has a listener",
    command="check",
    also_in=("plan",),
    subject="link",
    needs=("provider.services", "provider.load_balancers"),
    inspects=(
        "The link's port (`port` on the [[link]], default 443) and the consumer's `ports` "
        "against the TCP, TLS and TCP_UDP listeners of every network load balancer behind "
        "the link's service. In `plcheck plan` (an endpoint to a service of the same plan) "
        "the clients' port is not declared: the ports the endpoint's security groups admit "
        "are judged instead, and a port without a listener is a warn, not a fail; without "
        "such evidence (no groups, every port or a wide range admitted) the check is a skip "
        "saying the port is unknown."
    ),
    why=(
        "An interface endpoint forwards the consumer's connection to the same port on the "
        "service's load balancer. A port without a listener there is refused on the provider's "
        "side although the endpoint is available and its security groups admit it: neither "
        "account's own checks can see it, because only the link says which port is used."
    ),
    remediation=(
        "Add a listener on the port to each load balancer (aws elbv2 create-listener "
        "--load-balancer-arn … --protocol TCP --port PORT --default-actions "
        "Type=forward,TargetGroupArn=…), or correct `port` on the link if clients use another."
    ),
    docs_url="https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-listeners.html",
    aws_actions=("elasticloadbalancing:DescribeListeners",),
    details={
        **DETAILS,
        "load_balancer": "the load balancer's name",
        "load_balancer_arn": "its ARN",
        "listeners": "its listeners, as PROTOCOL:PORT",
        "ports": "every port the consumer connects to: the link's, then the consumer's `ports`",
        "unserved": "those ports without a TCP listener",
    },
)


def judge(facts: LinkFacts) -> list[Finding]:
    """One finding per load balancer: a TCP listener on each port, or which ports lack one."""
    if facts.service is None:
        return not_owned(SPEC, facts)
    balancers = load_balancers(facts)
    if not balancers:
        return no_load_balancer(SPEC, facts)
    ports = facts.all_ports
    findings = []
    for lb in balancers:
        found = sorted(listeners(facts, lb), key=lambda x: x.port)
        listening = [f"{x.protocol}:{x.port}" for x in found]
        tcp = {p: [x for x in found if x.port == p and x.protocol in TCP_PROTOCOLS] for p in ports}
        unserved = [p for p in ports if not tcp[p]]
        details: dict[str, Any] = {
            "load_balancer": lb.name,
            "load_balancer_arn": lb.arn,
            "listeners": listening,
            "ports": list(ports),
            "unserved": unserved,
        }
        if not unserved:
            served = ", ".join(f"{x.protocol}:{x.port}" for p in ports for x in tcp[p])
            findings.append(
                finding(
                    SPEC,
                    facts,
                    Status.PASS,
                    f"{facts.sides}: the consumer's port{'s' if len(ports) > 1 else ''} "
                    f"{', '.join(map(str, ports))} "
                    f"{'have listeners' if len(ports) > 1 else 'has a listener'} on {lb.name} "
                    f"({served}){port_evidence(facts)}",
                    **details,
                )
            )
            continue
        whys = []
        for port in unserved:
            udp = [x for x in found if x.port == port]
            whys.append(
                f"only a UDP listener on {port}, which TCP connections do not reach"
                if udp
                else f"no listener on {port}"
            )
        add = "; ".join(
            f"aws elbv2 create-listener --load-balancer-arn {lb.arn} --protocol TCP --port {p} "
            "--default-actions Type=forward,TargetGroupArn=<target group ARN>"
            for p in unserved
        )
        findings.append(
            finding(
                SPEC,
                facts,
                on_evidence(facts, Status.FAIL),
                f"{facts.sides}: the consumer connects to port "
                f"{', '.join(map(str, unserved))}, but {lb.name} of provider "
                f"{facts.provider.account} has {'; '.join(whys)} (it listens on "
                f"{', '.join(listening) or 'nothing'}): those connections are refused"
                f"{port_evidence(facts)}",
                f"In provider account {facts.provider.account}: {add}; or correct the link's "
                f"port or the consumer's ports to ones {lb.name} listens on.",
                **details,
            )
        )
    return findings
