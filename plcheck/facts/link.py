"""A link joined: one consumer VPC's facts beside its provider's, for the ``link`` checks.

Only ``plcheck check`` reads both sides of a link (the provider's account and
each consumer's), so only it can compare them: the port the consumer uses
against the listeners, the consumer's zones against the provider's healthy
targets, its CIDRs against the load balancer's security groups, its account
against the allowed principals, its private DNS against the name's verification.
A link with two consumer VPCs is two joins, one :class:`LinkFacts` each. ``plcheck plan``
joins an endpoint with a service of the same plan the same way (``before_apply``).
"""

from __future__ import annotations

from dataclasses import dataclass

from plcheck.facts.consumer import ConsumerFacts, Target
from plcheck.facts.outcome import Outcome
from plcheck.facts.provider import Principal, ProviderFacts, ServiceConfig


@dataclass(frozen=True)
class LinkFacts:
    """The ``link`` subject: a link's service, as its provider reads it, and one consumer VPC."""

    name: str
    """The link's name in ``plcheck.toml``."""
    service_name: str
    """The endpoint service name the link declares."""
    provider: ProviderFacts
    """Everything read in the provider's account."""
    service: ServiceConfig | None
    """The link's service among the provider's; None when the provider does not own it."""
    consumer: ConsumerFacts
    """Everything read for the consumer VPC (asked about the link's service)."""
    port: int = 443
    """TCP port the consumer's clients connect to."""
    client_cidrs: tuple[str, ...] = ()
    """Declared CIDRs of clients outside the VPC that use the endpoint."""
    principal: str = ""
    """Declared IAM role ARN that creates the endpoint ("" for the account)."""
    admission_judged: bool = False
    """Whether service-allowed-principals judges this consumer's (account, principal) in
    the same report (``plcheck check`` passes the consumers to the provider's side), so
    link-principal does not fail it a second time."""
    ports: tuple[int, ...] = ()
    """The consumer's declared ``ports`` (clients' ports); :attr:`port` is always judged too."""
    before_apply: bool = False
    """Joined from a Terraform plan (``plcheck plan``): nothing is connected yet, no target is
    registered, and the clients' port is not declared: :attr:`port` and :attr:`ports` are
    only the ports the endpoint's security groups admit (evidence, so no fail rests on them)."""
    private_dns_planned: bool | None = None
    """The planned endpoint's ``private_dns_enabled`` (from a plan; None otherwise)."""

    @property
    def all_ports(self) -> tuple[int, ...]:
        """Every port the consumer's clients connect to: the link's, then the consumer's."""
        return tuple(dict.fromkeys((self.port, *self.ports)))

    @property
    def service_id(self) -> str:
        """``vpce-svc-…`` (from the service name when the provider does not own it)."""
        if self.service is not None:
            return self.service.service_id
        return self.service_name.rsplit(".", 1)[-1]

    @property
    def resource(self) -> str:
        """``vpce-svc-…/vpc-…``: an ignore may name either part."""
        return f"{self.service_id}/{self.consumer.request.vpc_id}"

    @property
    def account(self) -> str:
        """The consumer account (the provider's is in every finding's message and details)."""
        return self.consumer.account

    @property
    def region(self) -> str:
        """The consumer VPC's region."""
        return self.consumer.region

    @property
    def permissions(self) -> Outcome[tuple[Principal, ...]]:
        """The service's allowed principals."""
        return self.provider.permissions.get(self.service_id, Outcome(value=()))

    @property
    def targets(self) -> tuple[Target, ...]:
        """The consumer's endpoints to the service, or its planned one (raises when unread)."""
        return tuple(t for t in self.consumer.targets.get() if t.service_name == self.service_name)

    @property
    def sides(self) -> str:
        """``provider 111111111111 → consumer 222222222222 (vpc-…)`` for messages."""
        provider = self.provider.account or "the provider"
        consumer = self.consumer.account or "the consumer"
        return f"provider {provider} → consumer {consumer} ({self.consumer.request.vpc_id})"
