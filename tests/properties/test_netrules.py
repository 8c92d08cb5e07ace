"""Security group and network ACL evaluation against brute force.

The reference evaluates one packet at a time, the way AWS does: a network ACL's
lowest-numbered matching rule decides (an implicit deny at the end); a security
group admits a packet when any rule admits it. Queries cover a port range and a
CIDR; the reference tries every port and a sample of addresses of the CIDR (all
of them for small blocks).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from plcheck.facts.network import NaclEntry, NetworkAcl, SecurityGroup, SgRule
from plcheck.netrules import nacl_decision, sg_rules_admitting

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# A small address and port space, so random rules overlap often.
PORTS = st.integers(0, 40)


@st.composite
def cidrs(draw: st.DrawFn) -> str:
    prefix = draw(st.integers(24, 32))
    base = draw(st.integers(0, 255))
    network = ipaddress.ip_network(f"10.0.0.{base}/{prefix}", strict=False)
    return str(draw(st.sampled_from([network, ipaddress.ip_network("0.0.0.0/0")])))


@st.composite
def nacl_entries(draw: st.DrawFn, egress: bool) -> NaclEntry:
    protocol = draw(st.sampled_from(["-1", "6", "17"]))
    low = draw(PORTS)
    high = draw(st.integers(low, 45))
    return NaclEntry(
        rule_number=draw(st.integers(1, 200)),
        protocol=protocol,
        allow=draw(st.booleans()),
        egress=egress,
        cidr=draw(cidrs()),
        port_from=low if protocol != "-1" else None,
        port_to=high if protocol != "-1" else None,
    )


@st.composite
def acls(draw: st.DrawFn) -> NetworkAcl:
    entries = draw(st.lists(nacl_entries(egress=draw(st.booleans())), max_size=6))
    unique = {e.rule_number: e for e in entries}  # rule numbers are unique per direction
    return NetworkAcl("acl-1", "vpc-1", True, (), tuple(unique.values()))


def addresses(cidr: str) -> Iterator[Address]:
    network = ipaddress.ip_network(cidr)
    if network.num_addresses <= 256:
        yield from network
    else:  # first, last and a stride through the block
        step = network.num_addresses // 64
        for i in range(0, network.num_addresses, step):
            yield network[i]
        yield network[-1]


def packet_allowed(acl: NetworkAcl, egress: bool, port: int, address: Address) -> bool:
    for entry in sorted(acl.entries, key=lambda e: e.rule_number):
        if entry.egress != egress or entry.protocol not in ("-1", "6"):
            continue
        if entry.protocol == "6":
            low = entry.port_from if entry.port_from is not None else 0
            high = entry.port_to if entry.port_to is not None else 65535
            if not low <= port <= high:
                continue
        if address in ipaddress.ip_network(entry.cidr):
            return entry.allow
    return False


@settings(max_examples=400, deadline=None)
@given(acls(), st.booleans(), PORTS, st.integers(0, 8), cidrs())
def test_an_allowed_nacl_decision_allows_every_packet(
    acl: NetworkAcl, egress: bool, low: int, width: int, cidr: str
) -> None:
    ports = (low, low + width)
    decision = nacl_decision(acl, egress=egress, ports=ports, cidr=cidr)
    everything = all(
        packet_allowed(acl, egress, port, address)
        for port in range(ports[0], ports[1] + 1)
        for address in addresses(cidr)
    )
    if decision.allowed:
        assert everything  # sound: never says allowed when some packet is dropped
        assert decision.entry is not None
        assert decision.entry.allow
    if decision.entry is not None:
        assert decision.entry in acl.entries
        assert decision.entry.egress == egress


@settings(max_examples=400, deadline=None)
@given(acls(), st.booleans(), PORTS, st.integers(0, 255))
def test_for_one_packet_the_nacl_decision_is_exact(
    acl: NetworkAcl, egress: bool, port: int, last_octet: int
) -> None:
    address = ipaddress.ip_address(f"10.0.0.{last_octet}")
    decision = nacl_decision(acl, egress=egress, ports=(port, port), cidr=f"{address}/32")
    assert decision.allowed == packet_allowed(acl, egress, port, address)


@st.composite
def sg_rules(draw: st.DrawFn) -> SgRule:
    protocol = draw(st.sampled_from(["-1", "tcp", "6", "udp", "17", "icmp"]))
    low = draw(PORTS)
    high = draw(st.integers(low, 45))
    ports = protocol not in ("-1", "icmp")
    return SgRule(
        group_id=draw(st.sampled_from(["sg-1", "sg-2"])),
        protocol=protocol,
        from_port=low if ports else None,
        to_port=high if ports else None,
        cidrs=tuple(draw(st.lists(cidrs(), max_size=3))),
    )


def rule_admits_packet(rule: SgRule, port: int, address: Address) -> bool:
    if rule.protocol not in ("-1", "tcp", "6"):
        return False
    if rule.protocol != "-1":
        low = rule.from_port if rule.from_port is not None else 0
        high = rule.to_port if rule.to_port is not None else 65535
        if not low <= port <= high:
            return False
    return any(address in ipaddress.ip_network(c) for c in rule.cidrs)


@settings(max_examples=400, deadline=None)
@given(st.lists(sg_rules(), max_size=6), PORTS, cidrs())
def test_sg_rules_admitting_are_exactly_those_admitting_every_address(
    rules: list[SgRule], port: int, source: str
) -> None:
    group = SecurityGroup("sg-1", "g", "vpc-1", tuple(rules), ())
    found = sg_rules_admitting([group], port, source)
    # A rule counts when one of its CIDRs holds the whole source block.
    network = ipaddress.ip_network(source)
    reference = [
        r
        for r in rules
        if rule_admits_packet(r, port, network[0])
        and any(network.subnet_of(ipaddress.ip_network(c)) for c in r.cidrs)  # type: ignore[arg-type]
    ]
    assert found == reference
    for rule in found:  # and so it admits every sampled packet
        assert all(any(a in ipaddress.ip_network(c) for c in rule.cidrs) for a in addresses(source))
