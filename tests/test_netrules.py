"""Security group and network ACL evaluation on plain data."""

from __future__ import annotations

from plcheck.facts.network import NaclEntry, NetworkAcl, SecurityGroup, SgRule
from plcheck.netrules import (
    EPHEMERAL_PORTS,
    acls_for_subnets,
    nacl_decision,
    sg_rules_admitting,
    sg_rules_for_port,
)


def group(*rules: SgRule) -> SecurityGroup:
    return SecurityGroup("sg-1", "g", "vpc-1", inbound=rules, outbound=())


def test_sg_admits_port_within_range_from_a_covering_cidr() -> None:
    rule = SgRule("sg-1", "tcp", 400, 500, cidrs=("10.0.0.0/8",))
    assert sg_rules_admitting([group(rule)], 443, "10.1.0.0/16") == [rule]
    assert sg_rules_admitting([group(rule)], 443, "192.168.0.0/16") == []
    assert sg_rules_admitting([group(rule)], 80, "10.1.0.0/16") == []


def test_sg_all_traffic_rule_and_udp_rule() -> None:
    everything = SgRule("sg-1", "-1", None, None, cidrs=("0.0.0.0/0",))
    udp = SgRule("sg-1", "udp", 443, 443, cidrs=("0.0.0.0/0",))
    assert sg_rules_admitting([group(everything)], 443, "10.0.0.0/16") == [everything]
    assert sg_rules_admitting([group(udp)], 443, "10.0.0.0/16") == []


def test_sg_partial_cidr_does_not_admit_the_whole_vpc() -> None:
    rule = SgRule("sg-1", "tcp", 443, 443, cidrs=("10.0.1.0/24",))
    assert sg_rules_admitting([group(rule)], 443, "10.0.0.0/16") == []
    assert sg_rules_for_port([group(rule)], 443) == [rule]


def test_sg_ipv6_sources_are_matched_by_family() -> None:
    rule = SgRule("sg-1", "tcp", 443, 443, cidrs=("::/0",))
    assert sg_rules_admitting([group(rule)], 443, "10.0.0.0/16") == []
    assert sg_rules_admitting([group(rule)], 443, "2600:1f18::/56") == [rule]


def acl(*entries: NaclEntry) -> NetworkAcl:
    return NetworkAcl("acl-1", "vpc-1", False, ("subnet-1",), entries)


DENY_ALL_IN = NaclEntry(32767, "-1", False, False, "0.0.0.0/0")
DENY_ALL_OUT = NaclEntry(32767, "-1", False, True, "0.0.0.0/0")


def test_nacl_lowest_matching_rule_decides() -> None:
    allow = NaclEntry(200, "6", True, False, "10.0.0.0/16", 443, 443)
    deny = NaclEntry(100, "6", False, False, "10.0.0.0/16", 443, 443)
    decision = nacl_decision(
        acl(allow, deny, DENY_ALL_IN), egress=False, ports=(443, 443), cidr="10.0.0.0/16"
    )
    assert not decision.allowed
    assert decision.entry == deny
    decision = nacl_decision(
        acl(allow, DENY_ALL_IN), egress=False, ports=(443, 443), cidr="10.0.0.0/16"
    )
    assert decision.allowed
    assert decision.entry == allow


def test_nacl_ephemeral_range_must_be_fully_allowed() -> None:
    narrow = NaclEntry(100, "6", True, True, "0.0.0.0/0", 32768, 60999)
    decision = nacl_decision(
        acl(narrow, DENY_ALL_OUT), egress=True, ports=EPHEMERAL_PORTS, cidr="10.0.0.0/16"
    )
    assert not decision.allowed
    wide = NaclEntry(100, "-1", True, True, "0.0.0.0/0")
    assert nacl_decision(
        acl(wide, DENY_ALL_OUT), egress=True, ports=EPHEMERAL_PORTS, cidr="10.0.0.0/16"
    ).allowed


def test_nacl_deny_overlapping_part_of_the_traffic_blocks() -> None:
    deny = NaclEntry(50, "6", False, False, "10.0.5.0/24", 0, 65535)
    allow = NaclEntry(100, "-1", True, False, "0.0.0.0/0")
    decision = nacl_decision(acl(deny, allow), egress=False, ports=(443, 443), cidr="10.0.0.0/16")
    assert not decision.allowed
    assert decision.entry == deny


def test_nacl_without_matching_rule_is_the_implicit_deny() -> None:
    decision = nacl_decision(acl(), egress=False, ports=(443, 443), cidr="10.0.0.0/16")
    assert not decision.allowed
    assert decision.entry is None


def test_subnets_without_an_association_use_the_default_acl() -> None:
    default = NetworkAcl("acl-default", "vpc-1", True, (), ())
    custom = NetworkAcl("acl-custom", "vpc-1", False, ("subnet-2",), ())
    mapping = acls_for_subnets([default, custom], ["subnet-1", "subnet-2"])
    assert mapping == {"subnet-1": default, "subnet-2": custom}
