"""Pieces the ``link`` checks share; not a check itself (no ``SPEC``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from plcheck.facts.link import LinkFacts
    from plcheck.facts.provider import Listener, LoadBalancer

#: Listener protocols a TCP client reaches (UDP listeners take only UDP).
TCP_PROTOCOLS = ("TCP", "TLS", "TCP_UDP")

#: The ``details`` keys :func:`finding` gives every link finding, for the checks' specs.
DETAILS = {
    "service_id": "the link's endpoint service",
    "provider_account": "the provider's account",
    "consumer_account": "the consumer's account",
    "consumer_vpc": "the consumer's VPC",
    "port": "the port the consumer connects to",
}


def finding(
    spec: CheckSpec,
    facts: LinkFacts,
    status: Status,
    message: str,
    remediation: str = "",
    /,
    **details: Any,
) -> Finding:
    """A finding of ``spec`` on the join, naming both accounts in its details."""
    return spec.finding(
        status,
        facts.resource,
        message,
        account=facts.account,
        region=facts.region,
        remediation=remediation,
        details={
            "service_id": facts.service_id,
            "provider_account": facts.provider.account,
            "consumer_account": facts.consumer.account,
            "consumer_vpc": facts.consumer.request.vpc_id,
            "port": facts.port,
            **details,
        },
    )


def not_owned(spec: CheckSpec, facts: LinkFacts) -> list[Finding]:
    """The skip when the provider does not own the link's service (service-state fails)."""
    return [
        finding(
            spec,
            facts,
            Status.SKIP,
            f"{facts.sides}: provider {facts.provider.account or '?'} has no service "
            f"{facts.service_id} in {facts.provider.region} (see service-state), so there is "
            "nothing to join",
        )
    ]


def no_load_balancer(spec: CheckSpec, facts: LinkFacts) -> list[Finding]:
    """The skip when the service has no network load balancer to join with."""
    return [
        finding(
            spec,
            facts,
            Status.SKIP,
            f"{facts.sides}: {facts.service_id} has no network load balancer that could be "
            "described (see nlb-listeners)",
        )
    ]


def load_balancers(facts: LinkFacts) -> list[LoadBalancer]:
    """The service's network load balancers that could be described."""
    assert facts.service is not None
    found = facts.provider.load_balancers.get()
    return [
        found[arn]
        for arn in facts.service.load_balancer_arns
        if arn in found and found[arn].lb_type == "network"
    ]


def listeners(facts: LinkFacts, lb: LoadBalancer) -> tuple[Listener, ...]:
    """The load balancer's listeners (raises when they could not be read)."""
    outcome = facts.provider.listeners.get(lb.arn)
    return outcome.get() or () if outcome is not None else ()


def on_port(facts: LinkFacts, lb: LoadBalancer) -> list[Listener]:
    """The load balancer's listeners a TCP client reaches on the link's port."""
    return [
        item
        for item in listeners(facts, lb)
        if item.port == facts.port and item.protocol in TCP_PROTOCOLS
    ]


def on_evidence(facts: LinkFacts, status: Status) -> Status:
    """``status``, but a fail resting on a plan's port evidence is a warn (not certain)."""
    return Status.WARN if facts.before_apply and status is Status.FAIL else status


def port_evidence(facts: LinkFacts) -> str:
    """What the ports judged are, for a message: empty unless joined from a plan."""
    if not facts.before_apply:
        return ""
    return (
        " (a plan does not say which port clients use: these are the ports the endpoint's "
        "planned security groups admit)"
    )
