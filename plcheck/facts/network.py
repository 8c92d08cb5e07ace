"""Security groups and network ACLs, as plain facts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Subnet:
    """A subnet with its zone in the owning account's names and as an AZ ID."""

    subnet_id: str
    """``subnet-…``."""
    vpc_id: str
    """The VPC it belongs to."""
    zone_name: str
    """This account's zone name, e.g. ``us-east-1a``."""
    zone_id: str
    """The physical zone ID, e.g. ``use1-az4``."""
    cidr: str
    """The IPv4 CIDR block ("" for IPv6-only subnets)."""
    available_ips: int = 0
    """Free IPv4 addresses; an endpoint needs one per subnet."""
    name: str = ""
    """The ``Name`` tag, when there is one."""
    ipv6_cidrs: tuple[str, ...] = ()
    """Associated IPv6 CIDR blocks; dualstack and IPv6 endpoints need one."""


@dataclass(frozen=True)
class SgRule:
    """One security group rule (one permission, all its sources)."""

    group_id: str
    """The group the rule belongs to."""
    protocol: str
    """``tcp``, ``udp``, ``icmp``, ``icmpv6`` or ``-1`` for all."""
    from_port: int | None
    """First port; None when the protocol has none (``-1``)."""
    to_port: int | None
    """Last port; None when the protocol has none (``-1``)."""
    cidrs: tuple[str, ...] = ()
    """IPv4 and IPv6 CIDR sources (inbound) or destinations (outbound)."""
    prefix_lists: tuple[str, ...] = ()
    """Managed prefix list IDs."""
    groups: tuple[str, ...] = ()
    """Referenced security group IDs."""


@dataclass(frozen=True)
class SecurityGroup:
    """A security group with its rules."""

    group_id: str
    """``sg-…``."""
    name: str
    """The group name."""
    vpc_id: str
    """The VPC it belongs to."""
    inbound: tuple[SgRule, ...]
    """Ingress rules."""
    outbound: tuple[SgRule, ...]
    """Egress rules."""


@dataclass(frozen=True)
class NaclEntry:
    """One numbered network ACL rule."""

    rule_number: int
    """Evaluation order, lowest first; 32767 is the final implicit deny."""
    protocol: str
    """IANA protocol number as text (``6`` for TCP) or ``-1`` for all."""
    allow: bool
    """True for ``allow``, False for ``deny``."""
    egress: bool
    """True for outbound rules."""
    cidr: str
    """IPv4 or IPv6 CIDR block the rule matches."""
    port_from: int | None = None
    """First port for TCP/UDP; None for all."""
    port_to: int | None = None
    """Last port for TCP/UDP; None for all."""


@dataclass(frozen=True)
class NetworkAcl:
    """A network ACL and the subnets it is associated with."""

    acl_id: str
    """``acl-…``."""
    vpc_id: str
    """The VPC it belongs to."""
    is_default: bool
    """Whether it is the VPC's default ACL."""
    subnet_ids: tuple[str, ...]
    """Subnets associated with it."""
    entries: tuple[NaclEntry, ...]
    """Its rules, in any order."""
