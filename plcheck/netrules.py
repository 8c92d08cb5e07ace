"""Evaluate security group and network ACL rules: pure functions, no AWS.

Security groups are stateful and allow-only: traffic is admitted when any rule
admits it. Network ACLs are stateless and ordered: the lowest-numbered rule
that matches decides, and return traffic needs its own outbound rule.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the check catalog loads this module; the facts only when judging
    from plcheck.facts.network import NaclEntry, NetworkAcl, SecurityGroup, SgRule

#: The ephemeral port range clients use for return traffic (Linux uses 32768-60999,
#: Windows 49152-65535, NAT devices 1024-65535); AWS recommends allowing 1024-65535.
EPHEMERAL_PORTS = (1024, 65535)

_TCP = "6"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _network(cidr: str) -> Network:
    return ipaddress.ip_network(cidr, strict=False)


def _covers(rule_cidr: str, source: str) -> bool:
    """Whether ``rule_cidr`` contains every address of ``source``."""
    outer, inner = _network(rule_cidr), _network(source)
    return outer.version == inner.version and inner.subnet_of(outer)  # type: ignore[arg-type]


def uncovered(source: str, cidrs: Sequence[str]) -> list[str]:
    """The parts of ``source`` no CIDR of ``cidrs`` contains, as CIDR blocks.

    Security groups admit traffic when any rule does, so several rules together may cover
    one source: 10.1.0.0/17 and 10.1.128.0/17 cover 10.1.0.0/16.
    """
    left = [_network(source)]
    for cidr in cidrs:
        rule = _network(cidr)
        kept: list[Network] = []
        for part in left:
            if part.version != rule.version or not part.overlaps(rule):
                kept.append(part)
            elif not part.subnet_of(rule):  # type: ignore[arg-type]
                kept.extend(part.address_exclude(rule))  # type: ignore[arg-type]
        left = kept
    v4 = [n for n in left if isinstance(n, ipaddress.IPv4Network)]
    v6 = [n for n in left if isinstance(n, ipaddress.IPv6Network)]
    merged = [*ipaddress.collapse_addresses(v4), *ipaddress.collapse_addresses(v6)]
    return [str(n) for n in merged]


def wholly_uncovered(source: str, parts: Sequence[str]) -> bool:
    """Whether ``parts`` (from :func:`uncovered`) are all of ``source``: nothing admits it."""
    return [_network(p) for p in parts] == [_network(source)]


#: Security group protocol spellings (name or IANA number) of the transports rules filter.
_SG_PROTOCOLS = {"tcp": ("tcp", "6"), "udp": ("udp", "17")}


def _rule_admits_port(rule: SgRule, port: int, protocol: str = "tcp") -> bool:
    if rule.protocol in ("-1", "all"):
        return True
    if rule.protocol not in _SG_PROTOCOLS[protocol]:
        return False
    low = rule.from_port if rule.from_port is not None else 0
    high = rule.to_port if rule.to_port is not None else 65535
    return low <= port <= high


def sg_rules_admitting(groups: Iterable[SecurityGroup], port: int, source: str) -> list[SgRule]:
    """Inbound rules of ``groups`` that admit TCP ``port`` from all of CIDR ``source``."""
    return [
        rule
        for group in groups
        for rule in group.inbound
        if _rule_admits_port(rule, port) and any(_covers(c, source) for c in rule.cidrs)
    ]


def sg_rules_admitting_from(
    groups: Iterable[SecurityGroup],
    port: int,
    *,
    cidr: str = "",
    group_id: str = "",
    protocol: str = "tcp",
) -> list[SgRule]:
    """Inbound rules of ``groups`` that admit ``port`` (``tcp`` or ``udp``) from a source.

    The source is all of CIDR ``cidr`` or members of security group ``group_id``
    (a rule admits them when it references that group).
    """
    return [
        rule
        for group in groups
        for rule in group.inbound
        if _rule_admits_port(rule, port, protocol)
        and (
            (cidr and any(_covers(c, cidr) for c in rule.cidrs))
            or (group_id and group_id in rule.groups)
        )
    ]


def sg_rules_for_port(
    groups: Iterable[SecurityGroup], port: int, protocol: str = "tcp"
) -> list[SgRule]:
    """Inbound rules of ``groups`` that admit ``port`` (``tcp`` or ``udp``) from any source."""
    return [
        rule
        for group in groups
        for rule in group.inbound
        if _rule_admits_port(rule, port, protocol)
    ]


@dataclass(frozen=True)
class NaclDecision:
    """How a network ACL treats one kind of traffic."""

    allowed: bool
    """Whether the traffic passes."""
    entry: NaclEntry | None
    """The rule that decided; None for the implicit final deny."""
    acl_id: str
    """The ACL evaluated."""


def _entry_matches(entry: NaclEntry, ports: tuple[int, int], cidr: str) -> bool:
    if entry.protocol not in ("-1", _TCP):
        return False
    if entry.protocol == _TCP:
        low = entry.port_from if entry.port_from is not None else 0
        high = entry.port_to if entry.port_to is not None else 65535
        if not (low <= ports[0] and ports[1] <= high):
            return False
    return _covers(entry.cidr, cidr)


def nacl_decision(
    acl: NetworkAcl, *, egress: bool, ports: tuple[int, int], cidr: str
) -> NaclDecision:
    """Whether ``acl`` passes TCP traffic on the whole port range to/from all of ``cidr``.

    The first matching rule by number decides. A rule that only partly covers the
    range or the CIDR does not count as a match, so the answer errs toward deny.
    """
    if _network(cidr).version == 6 and not any(_network(e.cidr).version == 6 for e in acl.entries):
        return NaclDecision(allowed=False, entry=None, acl_id=acl.acl_id)
    for entry in sorted(
        (e for e in acl.entries if e.egress == egress), key=lambda e: e.rule_number
    ):
        if _entry_matches(entry, ports, cidr):
            return NaclDecision(allowed=entry.allow, entry=entry, acl_id=acl.acl_id)
        if _blocks_part(entry, ports, cidr):
            return NaclDecision(allowed=False, entry=entry, acl_id=acl.acl_id)
    return NaclDecision(allowed=False, entry=None, acl_id=acl.acl_id)


def _blocks_part(entry: NaclEntry, ports: tuple[int, int], cidr: str) -> bool:
    """A deny rule that overlaps part of the traffic blocks that part."""
    if entry.allow or entry.protocol not in ("-1", _TCP):
        return False
    if entry.protocol == _TCP:
        low = entry.port_from if entry.port_from is not None else 0
        high = entry.port_to if entry.port_to is not None else 65535
        if high < ports[0] or low > ports[1]:
            return False
    outer, inner = _network(entry.cidr), _network(cidr)
    return outer.version == inner.version and outer.overlaps(inner)


def acls_for_subnets(
    acls: Sequence[NetworkAcl], subnet_ids: Iterable[str]
) -> dict[str, NetworkAcl]:
    """Subnet ID → its ACL (the VPC's default ACL where none is associated explicitly)."""
    by_subnet = {s: acl for acl in acls for s in acl.subnet_ids}
    default = {acl.vpc_id: acl for acl in acls if acl.is_default}
    result: dict[str, NetworkAcl] = {}
    for subnet_id in subnet_ids:
        if subnet_id in by_subnet:
            result[subnet_id] = by_subnet[subnet_id]
        elif len(default) == 1:
            result[subnet_id] = next(iter(default.values()))
    return result
