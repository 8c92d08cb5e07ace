"""Judgements of resolver-rules, endpoint-ip-address-type and endpoint-region-opt-in."""

from __future__ import annotations

from plcheck.checks import endpoint_ip_address_type as ip_type
from plcheck.checks import (
    endpoint_network_acls,
    endpoint_region_opt_in,
    endpoint_security_groups,
    resolver_rules,
)
from plcheck.facts.consumer import ResolverRule, Vpc
from plcheck.facts.network import NaclEntry, NetworkAcl, SecurityGroup, SgRule, Subnet
from plcheck.model import Status

NAME = "api.example.com"


def forward(domain: str, rule_id: str = "rslvr-rr-1") -> ResolverRule:
    return ResolverRule(rule_id, domain, "FORWARD", target_ips=("10.9.0.53:53", "10.9.1.53:53"))


def system(domain: str, rule_id: str = "rslvr-rr-2") -> ResolverRule:
    return ResolverRule(rule_id, domain, "SYSTEM")


def judge_rules(*rules: ResolverRule, name: str = NAME) -> resolver_rules.Finding:
    [finding] = resolver_rules.evaluate("vpce-1", name, rules, "vpc-1")
    return finding


# -- resolver-rules ---------------------------------------------------------------------------


def test_forward_rule_for_the_name_itself_fails_naming_id_domain_and_targets() -> None:
    finding = judge_rules(forward("api.example.com."))
    assert finding.status is Status.FAIL
    for text in ("rslvr-rr-1", "api.example.com", "10.9.0.53:53", "10.9.1.53:53", "bypassed"):
        assert text in finding.message
    assert "--rule-type SYSTEM --domain-name api.example.com" in finding.remediation


def test_forward_rule_below_a_wildcard_name_fails() -> None:
    finding = judge_rules(forward("example.com"), name="*.example.com")
    assert finding.status is Status.FAIL


def test_forward_rule_for_a_parent_passes_the_private_zone_answers() -> None:
    # Resolver's autodefined rule for the endpoint's private hosted zone is more specific.
    for parent in ("example.com", ".", "com"):
        finding = judge_rules(forward(parent))
        assert finding.status is Status.PASS, parent
        assert "autodefined rule for the endpoint's private hosted zone" in finding.message
        assert "overriding FORWARD rule rslvr-rr-1" in finding.message


def test_more_specific_system_rule_overrides_the_forward_rule() -> None:
    finding = judge_rules(forward("example.com"), system("api.example.com"))
    assert finding.status is Status.PASS
    assert "overriding FORWARD rule rslvr-rr-1" in finding.message


def test_more_specific_forward_rule_beats_a_system_parent() -> None:
    finding = judge_rules(system("example.com"), forward("api.example.com", "rslvr-rr-3"))
    assert finding.status is Status.FAIL
    assert "rslvr-rr-3" in finding.message


def test_unrelated_and_system_rules_pass() -> None:
    assert judge_rules(forward("corp.internal")).status is Status.PASS
    assert judge_rules(forward("xample.com")).status is Status.PASS  # not a parent domain
    assert judge_rules(system("example.com")).status is Status.PASS
    assert judge_rules().status is Status.PASS
    # The account's built-in Internet Resolver rule for "." is RECURSIVE.
    assert judge_rules(ResolverRule("rslvr-autodefined", ".", "RECURSIVE")).status is Status.PASS


def test_delegate_and_rules_under_a_wildcard_warn() -> None:
    assert judge_rules(ResolverRule("r", "api.example.com", "DELEGATE")).status is Status.WARN
    assert judge_rules(ResolverRule("r", "example.com", "DELEGATE")).status is Status.PASS
    below = judge_rules(forward("eu.example.com"), name="*.example.com")
    assert below.status is Status.WARN
    assert "eu.example.com" in below.message


# -- endpoint-ip-address-type -------------------------------------------------------------------

V4 = Subnet("subnet-4", "vpc-1", "us-east-1a", "use1-az2", "10.0.1.0/24")
V6 = Subnet("subnet-6", "vpc-1", "us-east-1b", "use1-az1", "10.0.2.0/24", ipv6_cidrs=("2600::/64",))


def judge_ip(
    supported: tuple[str, ...], kind: str, record: str, *subnets: Subnet, planned: bool = False
) -> list[ip_type.Finding]:
    return ip_type.evaluate("vpce-1", supported, kind, record, subnets, planned=planned)


def test_supported_types_pass() -> None:
    [finding] = judge_ip(("ipv4",), "ipv4", "ipv4", V4)
    assert finding.status is Status.PASS
    [finding] = judge_ip(("ipv4", "ipv6"), "dualstack", "dualstack", V6)
    assert finding.status is Status.PASS
    [finding] = judge_ip(("ipv4", "ipv6"), "dualstack", "service-defined", V6)
    assert finding.status is Status.PASS
    [finding] = judge_ip(("ipv4", "ipv6"), "ipv6", "ipv6", V6)
    assert finding.status is Status.PASS


def test_dualstack_endpoint_with_ipv4_records_passes() -> None:
    [finding] = judge_ip(("ipv4", "ipv6"), "dualstack", "ipv4", V6)
    assert finding.status is Status.PASS


def test_ipv4_endpoint_with_dualstack_or_service_defined_records_fails() -> None:
    for records in ("dualstack", "service-defined"):
        [finding] = judge_ip(("ipv4", "ipv6"), "ipv4", records, V4)
        assert finding.status is Status.FAIL, records
        assert f"DNS records of type {records} on a ipv4 endpoint" in finding.message
        assert "DnsRecordIpType=ipv4" in finding.remediation
    [finding] = judge_ip(("ipv4", "ipv6"), "ipv6", "service-defined", V6)
    assert finding.status is Status.FAIL


def test_type_the_service_lacks_fails_and_a_plan_warns() -> None:
    [finding] = judge_ip(("ipv4",), "dualstack", "dualstack", V6)
    assert finding.status is Status.FAIL
    assert "supports only ipv4" in finding.message
    assert "--ip-address-type ipv4" in finding.remediation
    [planned] = judge_ip(("ipv6",), "ipv4", "ipv4", V6, planned=True)
    assert planned.status is Status.WARN
    assert "ipv6" in planned.remediation


def test_dns_records_of_a_missing_family_fail() -> None:
    [finding] = judge_ip(("ipv4", "ipv6"), "ipv4", "ipv6", V4)
    assert finding.status is Status.FAIL
    assert "DnsRecordIpType=ipv4" in finding.remediation


def test_dualstack_needs_ipv6_subnets() -> None:
    [finding] = judge_ip(("ipv4", "ipv6"), "dualstack", "dualstack", V4, V6)
    assert finding.status is Status.FAIL
    assert "subnet-4" in finding.message
    assert "subnet-6" not in finding.message


def test_unreported_types_skip() -> None:
    [finding] = judge_ip((), "ipv4", "ipv4", V4)
    assert finding.status is Status.SKIP


def test_ipv6_rules_are_judged_when_ipv6_is_in_use() -> None:
    vpc = Vpc("vpc-1", "2", ("10.0.0.0/16", "2600:1f18::/56"), "default")
    v4_only = SecurityGroup(
        "sg-1", "ep", "vpc-1", (SgRule("sg-1", "tcp", 443, 443, cidrs=("10.0.0.0/16",)),), ()
    )
    kwargs = {"account": "2", "region": "us-east-1"}
    [ok] = endpoint_security_groups.evaluate("vpce-1", ["sg-1"], [v4_only], vpc, [443], **kwargs)
    assert ok.status is Status.PASS
    [refused] = endpoint_security_groups.evaluate(
        "vpce-1", ["sg-1"], [v4_only], vpc, [443], families=(4, 6), **kwargs
    )
    assert refused.status is Status.WARN  # 443 admitted, but not from the IPv6 block
    assert "2600:1f18::/56" in refused.message
    dual = SecurityGroup(
        "sg-1", "ep", "vpc-1", (SgRule("sg-1", "tcp", 443, 443, cidrs=("0.0.0.0/0", "::/0")),), ()
    )
    [ok] = endpoint_security_groups.evaluate(
        "vpce-1", ["sg-1"], [dual], vpc, [443], families=(4, 6), **kwargs
    )
    assert ok.status is Status.PASS
    acl = NetworkAcl(
        "acl-1",
        "vpc-1",
        True,
        ("subnet-6",),
        (
            NaclEntry(100, "-1", True, False, "0.0.0.0/0"),
            NaclEntry(100, "-1", True, True, "0.0.0.0/0"),
        ),
    )
    [v4] = endpoint_network_acls.evaluate("vpce-1", ["subnet-6"], [acl], vpc, [443], **kwargs)
    assert v4.status is Status.PASS
    blocked = endpoint_network_acls.evaluate(
        "vpce-1", ["subnet-6"], [acl], vpc, [443], families=(4, 6), **kwargs
    )
    assert {f.status for f in blocked} == {Status.FAIL}
    assert all("2600:1f18::/56" in f.message for f in blocked)
    assert any("--ipv6-cidr-block 2600:1f18::/56" in f.remediation for f in blocked)


# -- endpoint-region-opt-in ------------------------------------------------------------------------


def test_region_opt_in() -> None:
    evaluate = endpoint_region_opt_in.evaluate
    [same] = evaluate("vpce-1", "us-east-1", "us-east-1", {})
    assert same.status is Status.PASS
    both = {"us-east-1": "opt-in-not-required", "eu-west-1": "opt-in-not-required"}
    [ok] = evaluate("vpce-1", "us-east-1", "eu-west-1", both)
    assert ok.status is Status.PASS
    assert "eu-west-1 is opt-in-not-required" in ok.message
    assert "vpce:AllowMultiRegion" in ok.message
    # The service's Region is judged, not the VPC's own (enabled, or nothing could be read).
    [failed] = evaluate(
        "vpce-1",
        "us-east-1",
        "ap-east-1",
        {"us-east-1": "opt-in-not-required", "ap-east-1": "not-opted-in"},
        account="2",
    )
    assert failed.status is Status.FAIL
    assert "Region ap-east-1 is not-opted-in" in failed.message
    assert "aws account enable-region --account-id 2 --region-name ap-east-1" in failed.remediation
    assert "vpce:AllowMultiRegion" in failed.remediation
    [unknown] = evaluate("vpce-1", "us-east-1", "eu-west-1", {"us-east-1": "opt-in-not-required"})
    assert unknown.status is Status.WARN
    assert "eu-west-1 not listed" in unknown.message
