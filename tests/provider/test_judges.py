"""The provider checks' judgements on plain dataclasses: no AWS, no DNS."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from plcheck.checks import (
    nlb_az_coverage,
    nlb_listeners,
    nlb_security_groups,
    nlb_target_health,
    private_dns_txt_record,
    private_dns_verification,
    service_acceptance,
    service_allowed_principals,
    service_state,
    service_supported_regions,
)
from plcheck.errors import AwsCallError, AwsErrorKind
from plcheck.facts.network import SecurityGroup, SgRule, Subnet
from plcheck.facts.org import OrgMembership
from plcheck.facts.outcome import Outcome
from plcheck.facts.provider import (
    Connection,
    LbZone,
    Listener,
    LoadBalancer,
    Principal,
    RegionSupport,
    ServiceConfig,
    TargetGroup,
    TargetState,
    TxtLookup,
    TxtLookups,
)
from plcheck.facts.zones import AccountZones, Zone
from plcheck.model import Finding, Status

SID = "vpce-svc-0123456789abcdef0"
LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/api/1"
TG_ARN = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/api/2"


def service(**changes: object) -> ServiceConfig:
    base: dict[str, object] = {
        "service_id": SID,
        "service_name": f"com.amazonaws.vpce.us-east-1.{SID}",
        "region": "us-east-1",
        "state": "Available",
        "acceptance_required": True,
        "load_balancer_arns": (LB_ARN,),
        "private_dns_name": "api.example.com",
        "dns_state": "pendingVerification",
        "dns_txt_name": "_abc",
        "dns_txt_value": "vpce:xyz",
        "supported_regions": (RegionSupport("us-east-1", "Available"),),
    }
    base.update(changes)
    return ServiceConfig(**base)  # type: ignore[arg-type]


ZONES = AccountZones(
    label="provider",
    account="111111111111",
    region="us-east-1",
    zones=(
        Zone("us-east-1a", "use1-az2"),
        Zone("us-east-1b", "use1-az1"),
        Zone("us-east-1c", "use1-az3"),
        Zone("us-east-1-bos-1a", "use1-bos1-az1", "local-zone"),
    ),
)
SUBNETS = {
    "subnet-a": Subnet("subnet-a", "vpc-1", "us-east-1a", "use1-az2", "10.0.1.0/24"),
    "subnet-b": Subnet("subnet-b", "vpc-1", "us-east-1b", "use1-az1", "10.0.2.0/24"),
    "subnet-c": Subnet("subnet-c", "vpc-1", "us-east-1c", "use1-az3", "10.0.3.0/24"),
}


def nlb(*subnets: str, groups: tuple[str, ...] = (), enforce: str = "") -> LoadBalancer:
    return LoadBalancer(
        arn=LB_ARN,
        name="api-nlb",
        lb_type="network",
        vpc_id="vpc-1",
        state="active",
        zones=tuple(LbZone(SUBNETS[s].zone_name, s) for s in subnets),
        security_groups=groups,
        enforce_sg_on_privatelink=enforce,
    )


# -- service-state --------------------------------------------------------------------


def test_service_state() -> None:
    assert service_state.evaluate(service())[0].status is Status.PASS
    [failed] = service_state.evaluate(service(state="Failed"))
    assert failed.status is Status.FAIL
    assert "Failed" in failed.message
    assert service_state.missing(SID, "1", "us-east-1").status is Status.FAIL


# -- nlb-az-coverage ------------------------------------------------------------------


def test_coverage_of_every_standard_zone_passes() -> None:
    [finding] = nlb_az_coverage.evaluate(
        service(), [nlb("subnet-a", "subnet-b", "subnet-c")], SUBNETS, ZONES
    )
    assert finding.status is Status.PASS  # the local zone does not count


def test_missing_zone_warns_by_id_and_by_name() -> None:
    [finding] = nlb_az_coverage.evaluate(service(), [nlb("subnet-a", "subnet-b")], SUBNETS, ZONES)
    assert finding.status is Status.WARN
    assert "use1-az3 (your us-east-1c)" in finding.message
    assert "cannot attach" in finding.message
    assert finding.details["missing_zone_ids"] == ["use1-az3"]
    # The VPC has subnet-c in that zone: add it, keeping the others.
    assert "--subnets subnet-a subnet-b subnet-c" in finding.remediation
    assert "cannot be removed" in finding.remediation


def test_several_missing_zones_make_one_set_subnets_per_load_balancer() -> None:
    # set-subnets replaces the subnet list: one call per zone would undo the previous one.
    [finding] = nlb_az_coverage.evaluate(service(), [nlb("subnet-a")], SUBNETS, ZONES)
    assert finding.details["missing_zone_ids"] == ["use1-az1", "use1-az3"]
    assert finding.remediation.count("aws elbv2 set-subnets") == 1
    assert "--subnets subnet-a subnet-b subnet-c" in finding.remediation


def test_a_missing_zone_without_a_subnet_of_the_vpc_says_to_create_one_first() -> None:
    subnets = {k: v for k, v in SUBNETS.items() if k != "subnet-c"}
    [finding] = nlb_az_coverage.evaluate(service(), [nlb("subnet-a", "subnet-b")], subnets, ZONES)
    assert finding.status is Status.WARN
    assert "vpc-1 of api-nlb has no subnet there; create one first" in finding.remediation
    assert "--availability-zone-id use1-az3" in finding.remediation
    assert "set-subnets --load-balancer-arn" not in finding.remediation


def test_the_zones_the_service_reports_are_judged_too() -> None:
    # The load balancer covers every zone, but the service reports only two of them.
    reported = service(zone_ids=("use1-az1", "use1-az2"))
    [finding] = nlb_az_coverage.evaluate(
        reported, [nlb("subnet-a", "subnet-b", "subnet-c")], SUBNETS, ZONES
    )
    assert finding.status is Status.WARN
    assert finding.details["missing_zone_ids"] == ["use1-az3"]
    assert "does not report offering" in finding.message


# -- nlb-listeners ----------------------------------------------------------------------


def test_listeners() -> None:
    listener = Listener("arn:l", LB_ARN, "TLS", 8443, (TG_ARN,))
    [ok] = nlb_listeners.evaluate(nlb("subnet-a"), [listener])
    assert ok.status is Status.PASS
    assert "TLS:8443" in ok.message
    [none] = nlb_listeners.evaluate(nlb("subnet-a"), [])
    assert none.status is Status.FAIL
    assert "create-listener" in none.remediation


# -- nlb-target-health -----------------------------------------------------------------


def group(*targets: TargetState, cross_zone: bool = False) -> TargetGroup:
    return TargetGroup(
        TG_ARN, "api-tg", "TCP", 443, "ip", cross_zone, "load balancer", tuple(targets)
    )


def target(ip: str, zone: str, state: str = "healthy") -> TargetState:
    return TargetState(ip, 443, zone, state, "" if state == "healthy" else "Target.Timeout")


IDS = ZONES.name_to_id


def test_healthy_in_every_zone_passes() -> None:
    lb = nlb("subnet-a", "subnet-b")
    g = group(target("10.0.1.9", "us-east-1a"), target("10.0.2.9", "us-east-1b"))
    [finding] = nlb_target_health.evaluate(lb, [g], IDS)
    assert finding.status is Status.PASS
    assert "us-east-1a (use1-az2) 1/1" in finding.message


def test_empty_zone_with_cross_zone_off_warns() -> None:
    lb = nlb("subnet-a", "subnet-b")
    g = group(target("10.0.1.9", "us-east-1a"), target("10.0.2.9", "us-east-1b", "unhealthy"))
    [finding] = nlb_target_health.evaluate(lb, [g], IDS)
    assert finding.status is Status.WARN
    assert "no healthy target in us-east-1b (use1-az1)" in finding.message
    assert "load_balancing.cross_zone.enabled,Value=true" in finding.remediation


def test_empty_zone_with_cross_zone_on_passes() -> None:
    lb = nlb("subnet-a", "subnet-b")
    g = group(target("10.0.1.9", "us-east-1a"), cross_zone=True)
    assert nlb_target_health.evaluate(lb, [g], IDS)[0].status is Status.PASS


def test_target_in_all_zones_counts_everywhere() -> None:
    lb = nlb("subnet-a", "subnet-b")
    g = group(target("192.168.0.9", "all"))
    assert nlb_target_health.evaluate(lb, [g], IDS)[0].status is Status.PASS


@pytest.mark.parametrize(
    ("targets", "words"),
    [
        ((), "no targets registered"),
        ((target("10.0.1.9", "us-east-1a", "unhealthy"),), "no healthy target (1 registered"),
    ],
)
def test_no_healthy_target_fails(targets: tuple[TargetState, ...], words: str) -> None:
    [finding] = nlb_target_health.evaluate(nlb("subnet-a"), [group(*targets)], IDS)
    assert finding.status is Status.FAIL
    assert words in finding.message


def test_no_target_group_fails() -> None:
    [finding] = nlb_target_health.evaluate(nlb("subnet-a"), [], IDS)
    assert finding.status is Status.FAIL


# -- nlb-security-groups ---------------------------------------------------------------


def sg(*rules: SgRule) -> dict[str, SecurityGroup]:
    return {"sg-1": SecurityGroup("sg-1", "nlb", "vpc-1", rules, ())}


def rule(port: int, protocol: str = "tcp", **sources: tuple[str, ...]) -> SgRule:
    return SgRule("sg-1", protocol, port, port, **sources)


TCP_443 = [Listener("arn:l", LB_ARN, "TCP", 443)]


def test_no_groups_or_enforcement_off_passes() -> None:
    assert nlb_security_groups.evaluate(nlb("subnet-a"), TCP_443, {})[0].status is Status.PASS
    [off] = nlb_security_groups.evaluate(
        nlb("subnet-a", groups=("sg-1",), enforce="off"), TCP_443, sg()
    )
    assert off.status is Status.PASS
    assert "enforcement off" in off.message


CLIENTS = ("10.20.0.0/16",)


def test_cidr_rules_covering_the_client_cidrs_pass() -> None:
    lb = nlb("subnet-a", groups=("sg-1",), enforce="on")
    [finding] = nlb_security_groups.evaluate(
        lb, TCP_443, sg(rule(443, cidrs=("10.0.0.0/8",))), client_cidrs=CLIENTS
    )
    assert finding.status is Status.PASS
    assert "TCP 443 from 10.0.0.0/8" in finding.message
    assert "10.20.0.0/16" in finding.message


def test_a_client_cidr_the_rules_leave_out_fails_naming_it() -> None:
    lb = nlb("subnet-a", groups=("sg-1",), enforce="on")
    [finding] = nlb_security_groups.evaluate(
        lb,
        TCP_443,
        sg(rule(443, cidrs=("10.20.0.0/16",))),
        client_cidrs=("10.20.0.0/16", "172.16.0.0/12"),
    )
    assert finding.status is Status.FAIL
    assert "not from client CIDR 172.16.0.0/12" in finding.message
    assert finding.details["left_out"] == ["172.16.0.0/12"]
    assert "CidrIp=172.16.0.0/12" in finding.remediation


def test_client_cidrs_covered_by_several_rules_together_pass() -> None:
    # As link-sources: security groups admit what any rule admits, so rules add up.
    lb = nlb("subnet-a", groups=("sg-1",), enforce="on")
    halves = sg(rule(443, cidrs=("10.20.0.0/17",)), rule(443, cidrs=("10.20.128.0/17",)))
    [finding] = nlb_security_groups.evaluate(lb, TCP_443, halves, client_cidrs=("10.20.0.0/16",))
    assert finding.status is Status.PASS


def test_a_client_cidr_partly_admitted_warns_naming_the_part_left_out() -> None:
    lb = nlb("subnet-a", groups=("sg-1",), enforce="on")
    half = sg(rule(443, cidrs=("10.20.0.0/17",)))
    [finding] = nlb_security_groups.evaluate(lb, TCP_443, half, client_cidrs=("10.20.0.0/16",))
    assert finding.status is Status.WARN
    assert finding.details["left_out"] == ["10.20.128.0/17"]
    assert "CidrIp=10.20.128.0/17" in finding.remediation


def test_without_client_cidrs_a_cidr_rule_cannot_be_judged() -> None:
    lb = nlb("subnet-a", groups=("sg-1",), enforce="on")
    [finding] = nlb_security_groups.evaluate(lb, TCP_443, sg(rule(443, cidrs=("10.0.0.0/8",))))
    assert finding.status is Status.WARN
    assert "cannot be judged" in finding.message
    assert "--client-cidr" in finding.remediation
    assert "link-sources judges" in finding.remediation


def test_in_a_check_run_the_consumers_addresses_are_left_to_link_sources() -> None:
    lb = nlb("subnet-a", groups=("sg-1",), enforce="on")
    rules = sg(rule(443, cidrs=("10.0.0.0/8",)))
    [finding] = nlb_security_groups.evaluate(lb, TCP_443, rules, sources_by_link=True)
    # Not a warning a --fail-on warn gate would stop on: link-sources judges each consumer.
    assert finding.status is Status.SKIP
    assert "link-sources judges each consumer VPC's CIDRs" in finding.message
    # Declared client CIDRs are still judged here.
    [judged] = nlb_security_groups.evaluate(
        lb, TCP_443, rules, client_cidrs=CLIENTS, sources_by_link=True
    )
    assert judged.status is Status.PASS


def egress(port: int | None, *cidrs: str, protocol: str = "tcp") -> SgRule:
    return SgRule("sg-1", protocol, port, port, cidrs=cidrs)


def with_egress(*out: SgRule) -> dict[str, SecurityGroup]:
    inbound = (rule(443, cidrs=("10.0.0.0/8",)),)
    return {"sg-1": SecurityGroup("sg-1", "nlb", "vpc-1", inbound, out)}


def health_group(
    target_type: str = "ip", port: str = "traffic-port"
) -> dict[str, Outcome[TargetGroup]]:
    targets = (TargetState("10.1.1.10", 8443, "us-east-1a", "healthy"),)
    group = TargetGroup(
        "arn:tg", "app", "TCP", 8443, target_type, False, "load balancer", targets, port
    )
    return {"arn:tg": Outcome(value=group)}


def test_outbound_rules_must_admit_the_health_checks() -> None:
    lb = nlb("subnet-a", groups=("sg-1",), enforce="on")
    listeners = [Listener("arn:l", LB_ARN, "TCP", 443, ("arn:tg",))]

    def judge(groups: dict[str, SecurityGroup], **kw: Any) -> list[Finding]:
        return nlb_security_groups.evaluate(
            lb, listeners, groups, client_cidrs=CLIENTS, vpc_cidrs=("10.1.0.0/16",), **kw
        )

    everything = with_egress(egress(None, "0.0.0.0/0", protocol="-1"))
    [ok] = judge(everything, target_groups=health_group())
    assert ok.status is Status.PASS
    assert "health checks (app TCP 8443)" in ok.message
    [none] = judge(with_egress(egress(443, "0.0.0.0/0")), target_groups=health_group())
    assert none.status is Status.FAIL
    assert "admit no TCP 8443" in none.message
    # The health-check port, when set, is the one that counts.
    [port] = judge(with_egress(egress(443, "0.0.0.0/0")), target_groups=health_group(port="443"))
    assert port.status is Status.PASS
    # IP targets: their addresses; one left out fails.
    [ip] = judge(with_egress(egress(8443, "10.9.0.0/16")), target_groups=health_group())
    assert ip.status is Status.FAIL
    assert "10.1.1.10/32" in ip.message
    # Instance targets: addresses unknown, judged against the VPC: a narrower rule warns.
    narrow = with_egress(egress(8443, "10.1.1.0/24"))
    [instance] = judge(narrow, target_groups=health_group("instance"))
    assert instance.status is Status.WARN
    assert "10.1.0.0/16" in instance.message


def test_group_reference_cannot_match_privatelink_traffic() -> None:
    lb = nlb("subnet-a", groups=("sg-1",))  # empty setting: AWS's default, on
    [finding] = nlb_security_groups.evaluate(
        lb, TCP_443, sg(rule(443, groups=("sg-app",)), rule(80, cidrs=("10.0.0.0/8",)))
    )
    assert finding.status is Status.FAIL
    assert "sg-1" in finding.message
    assert "TCP 443" in finding.message
    assert "sg-app" in finding.message
    assert "enforce-security-group-inbound-rules-on-private-link-traffic off" in (
        finding.remediation
    )


def test_prefix_list_only_warns() -> None:
    lb = nlb("subnet-a", groups=("sg-1",), enforce="on")
    [finding] = nlb_security_groups.evaluate(
        lb, TCP_443, sg(rule(443, prefix_lists=("pl-1",))), client_cidrs=CLIENTS
    )
    assert finding.status is Status.WARN
    assert "10.20.0.0/16" in finding.message


def test_udp_half_of_a_tcp_udp_listener_is_checked() -> None:
    lb = nlb("subnet-a", groups=("sg-1",), enforce="on")
    listeners = [Listener("arn:l", LB_ARN, "TCP_UDP", 53)]
    findings = nlb_security_groups.evaluate(
        lb, listeners, sg(rule(53, cidrs=("10.0.0.0/8",))), client_cidrs=CLIENTS
    )
    assert [(f.status, f.details["transport"]) for f in findings] == [(Status.FAIL, "udp")]


# -- private-dns-verification -----------------------------------------------------------


def test_private_dns_verification() -> None:
    assert private_dns_verification.evaluate(service(private_dns_name=""))[0].status is Status.SKIP
    assert private_dns_verification.evaluate(service(dns_state="verified"))[0].status is Status.PASS
    for state in ("pendingVerification", "failed"):
        [finding] = private_dns_verification.evaluate(service(dns_state=state))
        assert finding.status is Status.FAIL
        assert '_abc.api.example.com = "vpce:xyz"' in finding.message
        assert f"--service-id {SID}" in finding.remediation


def test_wildcard_private_dns_name_verifies_the_domain() -> None:
    assert service(private_dns_name="*.example.com").txt_record_name == "_abc.example.com"


# -- private-dns-txt-record --------------------------------------------------------------


def lookups(*found: TxtLookup) -> TxtLookups:
    return TxtLookups("127.0.0.1:53", found)


def test_candidate_names_stop_before_the_public_suffix() -> None:
    names = private_dns_txt_record.candidate_names(service(private_dns_name="a.b.example.co.uk"))
    assert names == ["_abc.a.b.example.co.uk", "_abc.b.example.co.uk", "_abc.example.co.uk"]
    assert private_dns_txt_record.lookup_names(service())[-1] == "api.example.com"


@pytest.mark.parametrize(
    ("text", "value"),
    [('"vpce:xyz"', "vpce:xyz"), ('"vpce:" "xyz"', "vpce:xyz"), ("vpce:xyz", "vpce:xyz")],
)
def test_txt_values_are_normalised(text: str, value: str) -> None:
    assert private_dns_txt_record.normalise_txt(text) == value


def test_txt_found_under_a_parent_passes() -> None:
    [finding] = private_dns_txt_record.evaluate(
        service(),
        lookups(TxtLookup("_abc.api.example.com", error="NXDOMAIN"), TxtLookup(
            "_abc.example.com", values=('"vpce:xyz"',)
        )),
    )  # fmt: skip
    assert finding.status is Status.PASS
    assert "_abc.example.com" in finding.message


def test_txt_missing_or_different_fails_showing_each_name() -> None:
    [finding] = private_dns_txt_record.evaluate(
        service(),
        lookups(
            TxtLookup("_abc.api.example.com", values=("vpce:old",)),
            TxtLookup("_abc.example.com", error="NO_ANSWER"),
        ),
    )
    assert finding.status is Status.FAIL
    assert '_abc.api.example.com has "vpce:old"' in finding.message
    assert "_abc.example.com has no TXT record" in finding.message


def test_txt_unreachable_dns_is_an_error_and_verified_skips() -> None:
    timeout = lookups(TxtLookup("_abc.api.example.com", error="TIMEOUT"))
    assert private_dns_txt_record.evaluate(service(), timeout)[0].status is Status.ERROR
    verified = service(dns_state="verified")
    assert private_dns_txt_record.evaluate(verified, timeout)[0].status is Status.SKIP
    assert (
        private_dns_txt_record.evaluate(service(private_dns_name=""), None)[0].status is Status.SKIP
    )


# -- service-acceptance ------------------------------------------------------------------

NOW = datetime(2025, 1, 10, tzinfo=timezone.utc)


def connection(state: str, days: int = 2) -> Connection:
    return Connection(SID, "vpce-0aaa", "222222222222", state, NOW - timedelta(days=days))


def test_acceptance() -> None:
    [ok] = service_acceptance.evaluate(service(), [connection("available")], NOW)
    assert ok.status is Status.PASS
    assert "1 available" in ok.message
    [pending] = service_acceptance.evaluate(service(), [connection("pendingAcceptance", 3)], NOW)
    assert pending.status is Status.WARN
    assert "vpce-0aaa of account 222222222222 has waited 3 d" in pending.message
    assert "accept-vpc-endpoint-connections" in pending.remediation
    for state in ("rejected", "expired"):
        [stuck] = service_acceptance.evaluate(service(), [connection(state)], NOW)
        assert stuck.status is Status.WARN
        assert state in stuck.message


# -- service-allowed-principals -----------------------------------------------------------


ROLE = "arn:aws:iam::333333333333:role/app"
ORG = "arn:aws:organizations::999999999999:organization/o-abc123"
OU = "arn:aws:organizations::999999999999:ou/o-abc123/ou-ab12-cd34ef56"


def principals_of(*arns: str) -> list[Principal]:
    return [Principal(arn) for arn in arns]


def test_principals_admit_by_root_or_star_and_a_role_only_itself() -> None:
    principals = principals_of("arn:aws:iam::222222222222:root", ROLE)
    [ok] = service_allowed_principals.evaluate(service(), principals, ["222222222222"])
    assert ok.status is Status.PASS
    [missing] = service_allowed_principals.evaluate(service(), principals, ["444444444444"])
    assert missing.status is Status.FAIL
    assert "arn:aws:iam::444444444444:root" in missing.remediation
    [star] = service_allowed_principals.evaluate(
        service(), [Principal("*", "All")], ["444444444444"]
    )
    assert star.status is Status.WARN
    assert "any AWS account" in star.message
    [none] = service_allowed_principals.evaluate(service(), [])
    assert none.status is Status.WARN


def test_a_role_arn_admits_that_role_not_its_account() -> None:
    principals = principals_of(ROLE)
    [only_role] = service_allowed_principals.evaluate(service(), principals, ["333333333333"])
    assert only_role.status is Status.WARN
    assert "only role app of 333333333333 can create the endpoint" in only_role.message
    assert only_role.details["only"] == [ROLE]
    # --consumer-principal judges exactly: that role passes, another role fails.
    [exact] = service_allowed_principals.evaluate(
        service(), principals, ["333333333333"], consumer_principals=[ROLE]
    )
    assert exact.status is Status.PASS
    other = "arn:aws:iam::333333333333:role/deployer"
    [refused] = service_allowed_principals.evaluate(
        service(), principals, consumer_principals=[other]
    )
    assert refused.status is Status.FAIL
    assert other in refused.message
    assert f"--add-allowed-principals {other}" in refused.remediation
    # The account's root admits every role of it.
    [root] = service_allowed_principals.evaluate(
        service(), principals_of("arn:aws:iam::333333333333:root"), consumer_principals=[other]
    )
    assert root.status is Status.PASS


def member(account: str, org: str = "o-abc123", *parents: str) -> Outcome[OrgMembership]:
    return Outcome(value=OrgMembership(account, "999999999999", org, parents))


def test_organization_and_ou_principals_use_the_membership_read() -> None:
    def judge(arn: str, place: Outcome[OrgMembership] | None) -> Finding:
        [found] = service_allowed_principals.evaluate(
            service(),
            principals_of(arn),
            ["333333333333"],
            memberships={"333333333333": place} if place else {},
        )
        return found

    assert judge(ORG, member("333333333333", "o-abc123", "r-root")).status is Status.PASS
    assert judge(ORG, member("333333333333", "")).status is Status.FAIL  # not in o-abc123
    assert judge(ORG, member("333333333333", "o-other")).status is Status.FAIL
    under = member("333333333333", "o-abc123", "ou-ab12-cd34ef56", "r-root")
    assert judge(OU, under).status is Status.PASS
    beside = judge(OU, member("333333333333", "o-abc123", "ou-ab12-00000000", "r-root"))
    assert beside.status is Status.FAIL
    assert "not under ou-ab12-cd34ef56" in beside.message
    # An OU ARN names the management account, but does not admit it.
    assert judge(OU, member("999999999999", "o-abc123", "r-root")).status is Status.FAIL
    # Membership unknown: not read, denied, or answered by another organization's account.
    unread = judge(OU, None)
    assert unread.status is Status.WARN
    assert "could not be confirmed" in unread.message
    denied = AwsCallError(
        AwsErrorKind.ACCESS_DENIED, "organizations:DescribeAccount", "AccessDenied", "no"
    )
    refused = judge(ORG, Outcome(error=denied))
    assert refused.status is Status.WARN
    assert "organizations:DescribeAccount" in refused.message
    elsewhere = Outcome(value=OrgMembership("333333333333", "555555555555"))
    assert judge(ORG, elsewhere).status is Status.WARN


# -- service-supported-regions -----------------------------------------------------------


def test_supported_regions() -> None:
    cross = service(
        supported_regions=(
            RegionSupport("us-east-1", "Available"),
            RegionSupport("eu-west-1", "Available"),
            RegionSupport("ap-south-1", "Pending"),
        )
    )
    assert service_supported_regions.evaluate(cross, ["us-east-1", "eu-west-1"])[0].status is (
        Status.PASS
    )
    [pending] = service_supported_regions.evaluate(cross, ["ap-south-1"])
    assert pending.status is Status.FAIL
    assert "Pending" in pending.message
    [unsupported] = service_supported_regions.evaluate(cross, ["eu-central-1"])
    assert unsupported.status is Status.FAIL
    assert "--add-supported-regions eu-central-1" in unsupported.remediation
