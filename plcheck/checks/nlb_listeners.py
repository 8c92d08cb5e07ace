"""nlb-listeners: each load balancer behind a service has a listener."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Sequence

    from plcheck.facts.provider import Listener, LoadBalancer, ServiceFacts

SPEC = CheckSpec(
    id="nlb-listeners",
    title="Load balancers have listeners",
    command="provider",
    also_in=("plan",),
    subject="service",
    needs=("provider.load_balancers",),
    inspects="The listeners (protocol and port) of each load balancer behind an endpoint service.",
    why=(
        "Endpoint traffic arrives at the load balancer's listeners; a load balancer without a "
        "listener accepts the endpoint connection but drops every packet, which looks like a "
        "timeout from the consumer side."
    ),
    remediation=(
        "Create a listener on the port consumers connect to, forwarding to the target group "
        "(`aws elbv2 create-listener --protocol TCP --port 443 ...`)."
    ),
    docs_url="https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-listeners.html",
    aws_actions=("elasticloadbalancing:DescribeListeners",),
    details={
        "load_balancer": "the NLB's name",
        "load_balancer_arn": "its ARN",
        "listeners": "its listeners: protocol, port, target groups",
    },
)


def evaluate(
    lb: LoadBalancer,
    listeners: Sequence[Listener],
    account: str = "",
    region: str = "",
    resource: str = "",
) -> list[Finding]:
    """Pass listing protocol:port of each listener; fail when there is none.

    ``resource`` names what the finding is filed under (default: the load balancer ARN).
    """
    ports = [f"{item.protocol}:{item.port}" for item in sorted(listeners, key=lambda x: x.port)]
    details = {
        "load_balancer": lb.name,
        "load_balancer_arn": lb.arn,
        "listeners": [
            {
                "protocol": item.protocol,
                "port": item.port,
                "target_groups": list(item.target_group_arns),
            }
            for item in listeners
        ],
    }
    if listeners:
        return [
            Finding(
                check=SPEC.id,
                status=Status.PASS,
                resource=resource or lb.arn,
                account=account,
                region=region,
                message=f"{lb.name} listens on {', '.join(ports)}",
                details=details,
            )
        ]
    return [
        Finding(
            check=SPEC.id,
            status=Status.FAIL,
            resource=resource or lb.arn,
            account=account,
            region=region,
            message=f"{lb.name} has no listeners: endpoint connections reach it and go nowhere",
            remediation=(
                f"Create a listener on {lb.name} for the port consumers use: aws elbv2 "
                f"create-listener --load-balancer-arn {lb.arn} --protocol TCP --port 443 "
                "--default-actions Type=forward,TargetGroupArn=<target group ARN>"
            ),
            details=details,
        )
    ]


def judge(facts: ServiceFacts) -> list[Finding]:
    """The listeners of each of the service's load balancers."""
    findings: list[Finding] = []
    for lb in facts.load_balancers:
        listeners = facts.provider.listeners.get(lb.arn)
        if listeners is None:
            continue
        if listeners.error is not None:
            findings.append(
                SPEC.error(
                    facts.resource, listeners.error, account=facts.account, region=facts.region
                )
            )
            continue
        findings += evaluate(lb, listeners.value or (), facts.account, facts.region, facts.resource)
    return findings
