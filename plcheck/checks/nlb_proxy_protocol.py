"""nlb-proxy-protocol: targets behind proxy protocol v2 must expect its header."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Sequence

    from plcheck.facts.provider import ServiceFacts, TargetGroup

SPEC = CheckSpec(
    id="nlb-proxy-protocol",
    title="Proxy protocol v2 is on only where targets parse it",
    command="provider",
    subject="service",
    needs=("provider.load_balancers",),
    inspects=(
        "The proxy_protocol_v2.enabled attribute of each target group the service's listeners "
        "forward to."
    ),
    why=(
        "With proxy protocol v2 on, the load balancer sends a binary PROXY header (carrying the "
        "client address and the consumer's VPC endpoint ID) before the first byte of every "
        "connection. A target that does not parse it sees garbage where a TLS ClientHello or "
        "an HTTP request line should be and drops the connection; health checks do not send "
        "the header, so targets stay healthy."
    ),
    remediation=(
        "Make the targets parse PROXY v2 (e.g. nginx `listen 443 proxy_protocol;`), or turn it "
        "off: aws elbv2 modify-target-group-attributes --target-group-arn ARN --attributes "
        "Key=proxy_protocol_v2.enabled,Value=false (Terraform: proxy_protocol_v2 = false on "
        "aws_lb_target_group)."
    ),
    docs_url=(
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/"
        "edit-target-group-attributes.html#proxy-protocol"
    ),
    aws_actions=(
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
    ),
    details={
        "target_group": "the target group with proxy protocol v2 on",
        "target_group_arn": "its ARN",
        "target_groups": "the target groups judged (the pass)",
    },
    can_fail=False,
)


def evaluate(
    resource: str, groups: Sequence[TargetGroup], *, account: str = "", region: str = ""
) -> list[Finding]:
    """A warning per target group with proxy protocol v2 on; else one pass."""
    findings = [
        SPEC.finding(
            Status.WARN,
            resource,
            f"target group {g.name} has proxy protocol v2 on: its targets must parse the PROXY "
            "v2 header, or every endpoint connection breaks while health checks stay green",
            account=account,
            region=region,
            remediation=(
                "Confirm the targets parse PROXY v2, or turn it off: aws elbv2 "
                f"modify-target-group-attributes --target-group-arn {g.arn} --attributes "
                "Key=proxy_protocol_v2.enabled,Value=false."
            ),
            details={"target_group": g.name, "target_group_arn": g.arn},
        )
        for g in groups
        if g.proxy_protocol_v2
    ]
    if findings:
        return findings
    names = ", ".join(g.name for g in groups) or "no target group"
    return [
        SPEC.finding(
            Status.PASS,
            resource,
            f"proxy protocol v2 is off on {names}",
            account=account,
            region=region,
            details={"target_groups": [g.name for g in groups]},
        )
    ]


def judge(facts: ServiceFacts) -> list[Finding]:
    """The target groups the service's listeners forward to."""
    provider = facts.provider
    arns: dict[str, None] = {}
    for lb in facts.load_balancers:
        listeners = provider.listeners.get(lb.arn)
        if listeners is not None:
            arns.update(
                dict.fromkeys(a for item in listeners.get() for a in item.target_group_arns)
            )
    groups = [o.get() for arn in arns if (o := provider.target_groups.get(arn)) is not None]
    return evaluate(facts.resource, groups, account=facts.account, region=facts.region)
