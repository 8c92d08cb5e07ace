"""plan-nothing-checked: a plan with no PrivateLink resource, so nothing in it was judged."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from plcheck.facts.plan import PlanCoverage

SPEC = CheckSpec(
    id="plan-nothing-checked",
    title="The plan has PrivateLink resources to check",
    command="plan",
    subject="plan",
    inspects=(
        "Whether the plan creates or changes an interface endpoint or an endpoint service "
        "plcheck judges (subnets, VPCs, security groups, load balancers or hosted zones "
        "alone are judged only through one), and which types it does not read."
    ),
    why=(
        "A gate that checks nothing passes silently: a pipeline that hands plcheck the wrong "
        "plan (another workspace, a state file, a plan of another stack) looks green. "
        "It is a warning; --fail-on warn makes it fail the pipeline, so a mis-wired one "
        "is noticed."
    ),
    remediation=(
        "Pass the JSON of the plan that holds the PrivateLink resources "
        "(terraform show -json tfplan), or do not run plcheck plan on this stack."
    ),
    # The plan's format: https://developer.hashicorp.com/terraform/internals/json-format
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
    details={
        "read": "resource types read, with counts",
        "not_read": "resource types not read, with counts",
        "read_not_judged": "resource types read but judged only through an endpoint or service",
    },
    severity="low",
    can_fail=False,
)


def judge(facts: PlanCoverage) -> list[Finding]:
    """Pass naming what was judged; warn when nothing was (``--fail-on`` decides the exit)."""
    details = {
        "read": dict(facts.read),
        "not_read": dict(facts.unread),
        "read_not_judged": dict(facts.unjudged),
    }
    if facts.read:
        count = sum(n for _, n in facts.read)
        kinds = ", ".join(f"{n} {t}" for t, n in facts.read)
        return [
            SPEC.finding(
                Status.PASS,
                facts.resource,
                f"{count} PrivateLink resource{'s' if count != 1 else ''} checked ({kinds})",
                details=details,
            )
        ]
    others = sum(n for _, n in (*facts.unread, *facts.unjudged))
    return [
        SPEC.finding(
            Status.WARN,
            facts.resource,
            f"nothing checked: the plan has no PrivateLink resource ({others} other "
            f"resource{'s' if others != 1 else ''})",
            remediation=SPEC.remediation,
            details=details,
        )
    ]
