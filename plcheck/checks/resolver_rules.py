"""resolver-rules: no Route 53 Resolver forwarding rule takes the private DNS name elsewhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.checks._shared import not_visible
from plcheck.model import CheckSpec, Finding, Status
from plcheck.service_names import verification_domain

if TYPE_CHECKING:
    from collections.abc import Sequence

    from plcheck.facts.consumer import EndpointFacts, ResolverRule

SPEC = CheckSpec(
    id="resolver-rules",
    title="No Resolver forwarding rule bypasses the endpoint's private DNS",
    command="consumer",
    also_in=("plan",),
    subject="endpoint",
    needs=("vpc.services", "vpc.resolver_rules"),
    inspects=(
        "The Route 53 Resolver rules associated with the VPC whose domain covers the service's "
        "private DNS name; the most specific domain wins, as Resolver chooses. With private "
        "DNS on, the endpoint's private hosted zone is associated with the VPC and Resolver "
        "adds an autodefined rule for it, so only a rule for the name itself or below it can "
        "take the name away (autodefined rules: https://docs.aws.amazon.com/Route53/latest/"
        "DeveloperGuide/resolver-overview-forward-vpc-to-network-autodefined-rules.html)."
    ),
    why=(
        "A FORWARD rule sends matching queries to other DNS servers (often on premises) before "
        "the VPC's private zones are consulted, so the endpoint's private DNS name never "
        "resolves to the endpoint: clients reach the public service or nothing. A SYSTEM rule "
        "for a more specific domain hands the name back to the VPC resolver."
    ),
    remediation=(
        "Add a SYSTEM rule for the private DNS name and associate it with the VPC (aws "
        "route53resolver create-resolver-rule --rule-type SYSTEM --domain-name NAME "
        "--creator-request-id ID, then associate-resolver-rule --resolver-rule-id ID --vpc-id "
        'VPC; Terraform: aws_route53_resolver_rule with rule_type = "SYSTEM" and an '
        "aws_route53_resolver_rule_association), or make the forwarding target answer the name "
        "with the endpoint's addresses."
    ),
    docs_url=(
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/"
        "resolver-overview-forward-vpc-to-network-domain-name-matches.html"
    ),
    aws_actions=(
        "route53resolver:ListResolverRuleAssociations",
        "route53resolver:ListResolverRules",
    ),
    details={
        "private_dns_name": "the service's private DNS name",
        "rules": "associated rules that cover it: id, domain, type, target IPs",
        "rules_from": "plan: where the VPC's rules come from (live, plan)",
        "endpoint": "plan: the planned endpoint judged",
    },
    severity="high",
)

#: Rule types that send queries away from the VPC resolver's private zones.
BYPASSING = ("FORWARD", "DELEGATE")


def covers(domain: str, name: str) -> bool:
    """Whether a rule for ``domain`` matches queries for ``name`` (equal, or a subdomain)."""
    domain = domain.strip(".").lower()
    name = name.strip(".").lower()
    return not domain or name == domain or name.endswith(f".{domain}")


#: ID of the autodefined rule Resolver adds for a private hosted zone associated with the VPC.
AUTODEFINED = "autodefined"


def _labels(domain: str) -> int:
    return len([p for p in domain.split(".") if p])


def deciding_rule(rules: Sequence[ResolverRule], name: str) -> ResolverRule | None:
    """The rule Resolver uses for ``name``: of those that match, the most specific domain.

    On a tie an associated rule beats the autodefined one: "If you want to override an
    autodefined rule, you can create a conditional forwarding rule for the same domain name"
    (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/
    resolver-overview-forward-vpc-to-network-autodefined-rules.html).
    """
    matching = [r for r in rules if covers(r.domain, name)]
    if not matching:
        return None
    return max(matching, key=lambda r: (_labels(r.domain), r.rule_id != AUTODEFINED))


def _describe(rule: ResolverRule) -> str:
    targets = f" to {', '.join(rule.target_ips)}" if rule.target_ips else ""
    if rule.rule_id == AUTODEFINED:
        return f"the autodefined rule for the endpoint's private hosted zone {rule.domain}"
    return f"{rule.rule_type} rule {rule.rule_id} for {rule.domain or '.'}{targets}"


def evaluate(
    resource: str,
    private_dns_name: str,
    rules: Sequence[ResolverRule],
    vpc_id: str,
    *,
    account: str = "",
    region: str = "",
) -> list[Finding]:
    """One finding: fail when the deciding rule forwards the name, else pass saying why.

    Called only with private DNS on (or planned), so the endpoint's private hosted zone for
    the name is associated with the VPC and Resolver's autodefined rule for it takes part.
    """
    from plcheck.facts.consumer import ResolverRule  # the catalog loads no facts module

    name = verification_domain(private_dns_name)
    zone_rule = ResolverRule(AUTODEFINED, name, "SYSTEM")
    decider = deciding_rule([*rules, zone_rule], name)
    matching = [r for r in rules if covers(r.domain, name)]
    # A wildcard name covers subdomains; rules below it take part of them away.
    below = (
        [
            r
            for r in rules
            if r.rule_type in BYPASSING and covers(name, r.domain) and r.domain != name
        ]
        if private_dns_name.startswith("*.")
        else []
    )
    details = {
        "private_dns_name": private_dns_name,
        "rules": [
            {
                "id": r.rule_id,
                "domain": r.domain,
                "type": r.rule_type,
                "target_ips": list(r.target_ips),
            }
            for r in matching
        ],
    }

    finding = SPEC.on(
        resource,
        account=account,
        region=region,
        details=details,
    )

    fix = (
        f"aws route53resolver create-resolver-rule --rule-type SYSTEM --domain-name {name} "
        f"--creator-request-id plcheck-{name} ; aws route53resolver associate-resolver-rule "
        f"--resolver-rule-id <new rule ID> --vpc-id {vpc_id}"
    )
    if decider is not None and decider.rule_type == "FORWARD":
        return [
            finding(
                Status.FAIL,
                f"{_describe(decider)} is associated with {vpc_id} and covers {name}: queries "
                "for it are forwarded there and the endpoint's private DNS is bypassed",
                f"{fix}; or remove the association (aws route53resolver "
                f"disassociate-resolver-rule --resolver-rule-id {decider.rule_id} --vpc-id "
                f"{vpc_id}) if nothing else needs it.",
            )
        ]
    if decider is not None and decider.rule_type == "DELEGATE":
        return [
            finding(
                Status.WARN,
                f"{_describe(decider)} covers {name}: queries are delegated away from the VPC "
                "resolver, so the endpoint's private DNS may be bypassed",
                fix,
            )
        ]
    if below:
        return [
            finding(
                Status.WARN,
                f"{'; '.join(_describe(r) for r in below)} take(s) part of {private_dns_name} "
                "away from the endpoint's private DNS",
                fix,
            )
        ]
    if decider is None or not matching:
        return [finding(Status.PASS, f"no Resolver rule associated with {vpc_id} covers {name}")]
    overridden = [r for r in matching if r.rule_type in BYPASSING and r is not decider]
    over = f", overriding {'; '.join(_describe(r) for r in overridden)}" if overridden else ""
    return [
        finding(
            Status.PASS,
            f"{_describe(decider)} decides {name}: the VPC resolver answers it{over}",
        )
    ]


def judge(facts: EndpointFacts) -> list[Finding]:
    """The VPC's Resolver rules against the service's private DNS name."""
    service = facts.service
    if service is None:
        return [not_visible(SPEC, facts)]
    endpoint = facts.target.endpoint
    if not service.private_dns_name:
        return [
            SPEC.finding(
                Status.SKIP,
                facts.resource,
                f"{service.service_name} has no private DNS name",
                account=facts.account,
                region=facts.region,
            )
        ]
    if endpoint is not None and not endpoint.private_dns_enabled:
        return [
            SPEC.finding(
                Status.SKIP,
                facts.resource,
                f"private DNS is off on {endpoint.endpoint_id}: Resolver rules do not affect it",
                account=facts.account,
                region=facts.region,
            )
        ]
    return evaluate(
        facts.resource,
        service.private_dns_name,
        facts.vpc.resolver_rules.get() or (),
        facts.vpc.request.vpc_id,
        account=facts.account,
        region=facts.region,
    )
