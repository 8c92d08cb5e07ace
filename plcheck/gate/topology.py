"""The gate's topology: links between a provider's service and its consumers' VPCs.

Plain, validated data read from ``plcheck.toml`` by :mod:`plcheck.gate.config`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from plcheck.model import Location
from plcheck.paths import repo_relative
from plcheck.service_names import service_id_in_name


@dataclass(frozen=True)
class Account:
    """Where to reach one side of a link: a profile, a region, maybe a role."""

    profile: str | None = None
    """AWS profile; None means the default credential chain."""
    region: str | None = None
    """Region; None means the profile's."""
    role_arn: str | None = None
    """Role to assume on top of the profile's credentials."""
    external_id: str | None = None
    """External ID for ``role_arn``."""
    resolver: str | None = None
    """Provider only: ``IP[:PORT]`` of the resolver for the verification TXT lookups."""
    dns_timeout: float = 5.0
    """Provider only: seconds for each TXT lookup."""

    @property
    def label(self) -> str:
        """How to name it in messages."""
        return self.profile or self.role_arn or "default credentials"


@dataclass(frozen=True)
class Probe:
    """``probe = { host = ..., port = ... }``: DNS, TCP and TLS to the link's name."""

    host: str
    """The name clients use."""
    port: int = 443
    """TCP port (in ``plcheck.toml``, the link's port unless given)."""
    resolver: str | None = None
    """``IP[:PORT]`` of the resolver to ask instead of the system's."""
    endpoint: str | None = None
    """An interface endpoint (``vpce-…``) to compare answers with (read in the consumer account)."""
    sni: str | None = None
    """Server name to send, instead of ``host``."""
    insecure: bool = False
    """Report certificate problems as warnings."""
    ca_bundle: Path | None = None
    """PEM file of CAs (relative paths are relative to the config file)."""
    timeout: float = 5.0
    """Seconds per lookup, connect and handshake."""


@dataclass(frozen=True)
class Consumer:
    """One ``[[link.consumer]]``: a VPC that has, or will have, an endpoint to the service."""

    account: Account
    """Where the VPC is."""
    vpc: str
    """``vpc-…``."""
    subnets: tuple[str, ...] | None = None
    """Planned endpoint subnets; None when not given (the existing endpoint's, or advice)."""
    security_groups: tuple[str, ...] = ()
    """Planned endpoint security groups (empty: the VPC's default group)."""
    ports: tuple[int, ...] = (443,)
    """TCP ports clients use (default: the probe's port, else the link's port)."""
    probe: Probe | None = None
    """DNS/TCP/TLS probe to run, when asked."""
    line: int = 0
    """Line of the ``[[link.consumer]]`` header."""
    client_cidrs: tuple[str, ...] = ()
    """CIDRs of clients outside the VPC that use its endpoint (on-premises, peered VPCs)."""
    principal: str | None = None
    """The IAM role ARN that creates the endpoint, when it is not the account's root."""

    @property
    def label(self) -> str:
        """``consumer vpc-…`` for messages and details."""
        return f"{self.account.label} {self.vpc}"


@dataclass(frozen=True)
class Link:
    """One ``[[link]]``: a service and the VPCs that consume it."""

    name: str
    """The link's name (in every finding's details)."""
    service: str
    """The endpoint service name."""
    provider: Account | None
    """The provider's account, when the gate can read it."""
    consumers: tuple[Consumer, ...]
    """The consumer VPCs."""
    line: int = 0
    """Line of the ``[[link]]`` header."""
    port: int = 443
    """TCP port the consumers connect to (a listener of the service's load balancers)."""

    @property
    def service_id(self) -> str | None:
        """``vpce-svc-…`` from the service name (None for AWS services)."""
        return service_id_in_name(self.service)


@dataclass(frozen=True)
class Ignore:
    """One ``[[ignore]]``: findings of a check that are known and accepted."""

    check: str
    """Check id."""
    reason: str
    """Why: shown on every ignored finding."""
    resource: str | None = None
    """Only findings on this resource (an ID, or the last part of an ARN or service name)."""
    link: str | None = None
    """Only findings of this link."""
    until: dt.date | None = None
    """Last day the ignore applies; afterwards the findings count again, with a warning."""
    line: int = 0
    """Line of the ``[[ignore]]`` header."""

    def expired(self, today: dt.date) -> bool:
        """Whether ``today`` is after ``until``."""
        return self.until is not None and today > self.until

    def describe(self) -> str:
        """``nlb-az-coverage on vpce-svc-…`` for messages."""
        parts = [self.check]
        if self.resource:
            parts.append(f"on {self.resource}")
        if self.link:
            parts.append(f"in link {self.link!r}")
        return " ".join(parts)


@dataclass(frozen=True)
class GateConfig:
    """A whole ``plcheck.toml``."""

    path: Path
    """The file read (as given, for messages and SARIF locations)."""
    links: tuple[Link, ...]
    """Every link, in file order."""
    ignores: tuple[Ignore, ...] = field(default_factory=tuple)
    """Every ignore, in file order."""
    plan_providers: Mapping[str, Account] = field(default_factory=dict)
    """``[plan.providers]``: provider alias → the account ``plcheck plan`` reads it through."""

    def location(self, line: int) -> Location:
        """``line`` of this file as a finding's location (SARIF shows the alert there)."""
        return Location(self._uri, line)

    @cached_property
    def _uri(self) -> str:
        return repo_relative(self.path)
