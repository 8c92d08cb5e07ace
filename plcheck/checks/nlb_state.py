"""nlb-state: the service's load balancers are active and within PrivateLink's listener limit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Sequence

    from plcheck.facts.provider import Listener, LoadBalancer, ServiceFacts

#: Most listeners a Network Load Balancer behind PrivateLink may have, per the page below.
MAX_PRIVATELINK_LISTENERS = 50

#: Where that limit is stated.
LISTENER_LIMIT_SOURCE = (
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/"
    "load-balancer-vpc-endpoints.html"
)

SPEC = CheckSpec(
    id="nlb-state",
    title="Load balancers are active and within PrivateLink's limits",
    command="provider",
    subject="service",
    needs=("provider.load_balancers",),
    inspects=(
        "The State.Code of each load balancer behind the service (active, provisioning, "
        "active_impaired, failed) and its number of listeners."
    ),
    why=(
        "Endpoint connections reach the service only through an active load balancer: one "
        "still provisioning carries no traffic yet, an impaired one cannot scale or route in "
        "every zone, and a failed one never will. AWS PrivateLink does not support Network "
        "Load Balancers with more than 50 listeners."
    ),
    remediation=(
        "Wait for provisioning to finish; for failed or impaired load balancers read the "
        "State.Reason (aws elbv2 describe-load-balancers --load-balancer-arns ARN) and recreate "
        "the load balancer if it stays failed; move listeners beyond 50 to another load "
        "balancer and endpoint service (aws elbv2 delete-listener --listener-arn ARN)."
    ),
    docs_url=LISTENER_LIMIT_SOURCE,
    aws_actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
    ),
    details={
        "load_balancer": "the load balancer's name",
        "state": "its State.Code",
        "listeners": "how many listeners it has (null when unread)",
    },
)

#: What each state other than ``active`` means, and how bad it is
#: (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerState.html).
STATES = {
    "provisioning": (Status.WARN, "is still provisioning: it carries no traffic yet"),
    "active_impaired": (
        Status.WARN,
        "is active_impaired: it routes traffic but cannot scale",
    ),
    "failed": (Status.FAIL, "failed to set up: endpoint connections will go nowhere"),
}


def evaluate(
    resource: str,
    lb: LoadBalancer,
    listeners: Sequence[Listener] | None,
    *,
    account: str = "",
    region: str = "",
) -> list[Finding]:
    """The state of one load balancer and (when known) its listener count."""
    count = None if listeners is None else len(listeners)
    details = {"load_balancer": lb.name, "state": lb.state, "listeners": count}

    finding = SPEC.on(
        resource,
        account=account,
        region=region,
        details=details,
    )

    findings = []
    if lb.state != "active":
        status, what = STATES.get(lb.state, (Status.WARN, f"is in state {lb.state or 'unknown'}"))
        findings.append(
            finding(
                status,
                f"load balancer {lb.name} {what}",
                "Wait for provisioning to finish."
                if lb.state == "provisioning"
                else f"Read the reason: aws elbv2 describe-load-balancers --load-balancer-arns "
                f"{lb.arn} --query 'LoadBalancers[].State'; if it stays {lb.state}, create a "
                "new load balancer and aws ec2 modify-vpc-endpoint-service-configuration "
                f"--service-id {resource} --add-network-load-balancer-arns NEW_ARN "
                f"--remove-network-load-balancer-arns {lb.arn}.",
            )
        )
    if count is not None and count > MAX_PRIVATELINK_LISTENERS:
        # A warn, not a fail: the limit is one "Limit" note on the ELB user guide's page about
        # reaching the ELB API through an interface endpoint, not in the PrivateLink or NLB
        # quotas, so it is unclear whether AWS enforces it on endpoint services.
        findings.append(
            finding(
                Status.WARN,
                f"load balancer {lb.name} has {count} listeners: a note in the Elastic Load "
                "Balancing user guide says PrivateLink does not support Network Load Balancers "
                f"with more than {MAX_PRIVATELINK_LISTENERS} ({LISTENER_LIMIT_SOURCE}); endpoint "
                "connections may fail on some of them",
                f"Remove {count - MAX_PRIVATELINK_LISTENERS} listener(s) (aws elbv2 "
                "delete-listener --listener-arn ARN) and serve those ports from another load "
                "balancer behind another endpoint service.",
            )
        )
    if findings:
        return findings
    listed = "" if count is None else f" with {count} listener(s)"
    return [finding(Status.PASS, f"load balancer {lb.name} is active{listed}")]


def judge(facts: ServiceFacts) -> list[Finding]:
    """Each of the service's load balancers."""
    findings: list[Finding] = []
    for lb in facts.load_balancers:
        listeners = facts.provider.listeners.get(lb.arn)
        findings += evaluate(
            facts.resource,
            lb,
            # .get(): a failed DescribeListeners raises, and the framework reports an error.
            None if listeners is None else listeners.get(),
            account=facts.account,
            region=facts.region,
        )
    return findings
