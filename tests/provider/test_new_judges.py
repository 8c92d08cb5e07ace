"""Judgements of target-security-groups, nlb-state, nlb-proxy-protocol, service-region-opt-in."""

from __future__ import annotations

from dataclasses import replace

from plcheck.checks import nlb_proxy_protocol, nlb_state, service_region_opt_in
from plcheck.checks import target_security_groups as tsg
from plcheck.checks.framework import apply
from plcheck.errors import AwsCallError, AwsErrorKind
from plcheck.facts.network import SecurityGroup, SgRule, Subnet
from plcheck.facts.outcome import Outcome
from plcheck.facts.provider import (
    LbZone,
    Listener,
    LoadBalancer,
    ProviderFacts,
    ServiceConfig,
    ServiceFacts,
    TargetGroup,
    TargetState,
)
from plcheck.model import Status

SID = "vpce-svc-0123456789abcdef0"
LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/api/1"
SUBNETS = {
    "subnet-a": Subnet("subnet-a", "vpc-1", "us-east-1a", "use1-az2", "10.0.1.0/24"),
    "subnet-b": Subnet("subnet-b", "vpc-1", "us-east-1b", "use1-az1", "10.0.2.0/24"),
}


def nlb(groups: tuple[str, ...] = (), state: str = "active") -> LoadBalancer:
    return LoadBalancer(
        arn=LB_ARN,
        name="api-nlb",
        lb_type="network",
        vpc_id="vpc-1",
        state=state,
        zones=(LbZone("us-east-1a", "subnet-a"), LbZone("us-east-1b", "subnet-b")),
        security_groups=groups,
    )


def tg(
    *targets: str,
    target_type: str = "ip",
    health_port: str = "traffic-port",
    protocol: str = "TCP",
    proxy: bool = False,
) -> TargetGroup:
    return TargetGroup(
        arn="arn:tg/api",
        name="api-tg",
        protocol=protocol,
        port=443,
        target_type=target_type,
        cross_zone=False,
        cross_zone_source="load balancer",
        targets=tuple(TargetState(t, None, "us-east-1a", "healthy") for t in targets),
        health_check_port=health_port,
        vpc_id="vpc-1",
        proxy_protocol_v2=proxy,
    )


def app(*rules: SgRule) -> dict[str, SecurityGroup]:
    return {"sg-app": SecurityGroup("sg-app", "app", "vpc-1", tuple(rules), ())}


def rule(port: int, *, cidrs: tuple[str, ...] = (), groups: tuple[str, ...] = ()) -> SgRule:
    return SgRule("sg-app", "tcp", port, port, cidrs=cidrs, groups=groups)


def judge_targets(
    lb: LoadBalancer, group: TargetGroup, rules: dict[str, SecurityGroup], sgs: object = None
) -> list[tsg.Finding]:
    found = {t.target_id: ("sg-app",) for t in group.targets} if sgs is None else sgs
    return tsg.evaluate(SID, lb, [group], found, rules, SUBNETS)  # type: ignore[arg-type]


# -- target-security-groups -------------------------------------------------------------


def test_referenced_load_balancer_group_passes() -> None:
    [finding] = judge_targets(nlb(("sg-nlb",)), tg("10.0.1.10"), app(rule(443, groups=("sg-nlb",))))
    assert finding.status is Status.PASS
    assert "sg-nlb" in finding.message


def test_subnet_cidrs_pass_without_load_balancer_groups() -> None:
    rules = app(rule(443, cidrs=("10.0.0.0/16",)))
    [finding] = judge_targets(nlb(), tg("i-1", target_type="instance"), rules)
    assert finding.status is Status.PASS
    # A CIDR rule admits a load balancer with groups too: its source is still its address.
    [finding] = judge_targets(nlb(("sg-nlb",)), tg("10.0.1.10"), rules)
    assert finding.status is Status.PASS


def test_cidr_covering_only_part_of_the_subnets_warns() -> None:
    # The load balancer's own addresses are not read: they may lie in the admitted part.
    for cidrs in (("10.0.1.0/24",), ("10.0.1.0/25", "10.0.2.0/24")):
        [finding] = judge_targets(nlb(), tg("10.0.1.10"), app(rule(443, cidrs=cidrs)))
        assert finding.status is Status.WARN, cidrs
        assert "may refuse" in finding.message
        assert "10.0.1.0/2" in finding.message
        assert "addresses were not read" in finding.message
        assert "--cidr 10.0.1.0/24" in finding.remediation


def test_cidr_outside_the_subnets_fails() -> None:
    [finding] = judge_targets(nlb(), tg("10.0.1.10"), app(rule(443, cidrs=("10.9.0.0/16",))))
    assert finding.status is Status.FAIL


def test_prefix_list_rule_is_unknown_and_warns() -> None:
    rules = app(SgRule("sg-app", "tcp", 443, 443, prefix_lists=("pl-123",)))
    [finding] = judge_targets(nlb(("sg-nlb",)), tg("10.0.1.10"), rules)
    assert finding.status is Status.WARN
    assert "pl-123" in finding.message
    assert finding.details["refused_ports"] == [443]


def test_unread_security_group_is_unknown_and_warns() -> None:
    sgs = {"10.0.1.10": ("sg-app", "sg-gone")}
    [finding] = judge_targets(nlb(("sg-nlb",)), tg("10.0.1.10"), app(), sgs=sgs)
    assert finding.status is Status.WARN
    assert "sg-gone could not be read" in finding.message
    # A read group that admits it decides, whatever the unread one says.
    rules = app(rule(443, groups=("sg-nlb",)))
    [finding] = judge_targets(nlb(("sg-nlb",)), tg("10.0.1.10"), rules, sgs=sgs)
    assert finding.status is Status.PASS


def test_target_without_a_port_is_unknown_and_not_counted() -> None:
    group = replace(tg("10.0.1.10", "10.0.1.11"), port=None)
    rules = app(rule(443, groups=("sg-nlb",)))
    [finding] = judge_targets(nlb(("sg-nlb",)), group, rules)
    assert finding.status is Status.WARN
    assert finding.details["unknown_targets"] == ["10.0.1.10", "10.0.1.11"]


def test_pass_counts_only_judged_targets() -> None:
    rules = app(rule(443, groups=("sg-nlb",)))
    [finding] = judge_targets(nlb(("sg-nlb",)), tg("10.0.1.10", "10.0.1.11"), rules)
    assert finding.status is Status.PASS
    assert "of 2 target(s)" in finding.message


def test_health_port_only_says_traffic_is_dropped_while_checks_stay_green() -> None:
    rules = app(rule(8080, groups=("sg-nlb",)))
    [finding] = judge_targets(nlb(("sg-nlb",)), tg("10.0.1.10", health_port="8080"), rules)
    assert finding.status is Status.FAIL
    assert "health checks stay green while PrivateLink traffic is dropped" in finding.message
    assert finding.details["refused_ports"] == [443]
    assert "--port 443 --source-group sg-nlb" in finding.remediation


def test_traffic_port_only_warns_the_health_checks_fail_open() -> None:
    # When every target is unhealthy the NLB fails open, so traffic may still flow: a warn.
    rules = app(rule(443, groups=("sg-nlb",)))
    [finding] = judge_targets(nlb(("sg-nlb",)), tg("10.0.1.10", health_port="8080"), rules)
    assert finding.status is Status.WARN
    assert "health-check port 8080" in finding.message
    assert "fails open" in finding.message
    assert finding.details["refused_ports"] == [8080]
    assert "--protocol tcp --port 8080 --source-group sg-nlb" in finding.remediation
    assert "--port 443" not in finding.remediation


def test_nothing_admitted_fails_both_ports() -> None:
    [finding] = judge_targets(nlb(("sg-nlb",)), tg("10.0.1.10", health_port="8080"), app())
    assert finding.status is Status.FAIL
    assert finding.details["refused_ports"] == [443, 8080]


def test_udp_target_group_needs_a_udp_rule() -> None:
    rules = app(rule(443, groups=("sg-nlb",)))
    [finding] = judge_targets(nlb(("sg-nlb",)), tg("10.0.1.10", protocol="UDP"), rules)
    assert finding.status is Status.FAIL
    assert "--protocol udp --port 443 --source-group sg-nlb" in finding.remediation
    assert "--protocol tcp" not in finding.remediation  # the TCP health check is admitted
    [both] = judge_targets(nlb(("sg-nlb",)), tg("10.0.1.10", protocol="TCP_UDP"), app())
    assert "--protocol tcp --port 443" in both.remediation
    assert "--protocol udp --port 443" in both.remediation


def test_unknown_ip_target_warns_and_alb_targets_skip() -> None:
    [finding] = judge_targets(nlb(("sg-nlb",)), tg("192.168.9.9"), app(), sgs={})
    assert finding.status is Status.WARN
    assert "192.168.9.9" in finding.message
    [finding] = judge_targets(nlb(), tg("arn:alb", target_type="alb"), app())
    assert finding.status is Status.SKIP


# -- nlb-state ---------------------------------------------------------------------------


def listeners(n: int) -> list[Listener]:
    return [Listener(f"arn:l/{i}", LB_ARN, "TCP", 1000 + i) for i in range(n)]


def test_active_within_limit_passes() -> None:
    [finding] = nlb_state.evaluate(SID, nlb(), listeners(50))
    assert finding.status is Status.PASS
    assert "50 listener(s)" in finding.message


def test_states_other_than_active() -> None:
    for state, status in (
        ("provisioning", Status.WARN),
        ("active_impaired", Status.WARN),
        ("failed", Status.FAIL),
    ):
        [finding] = nlb_state.evaluate(SID, nlb(state=state), listeners(1))
        assert finding.status is status, state
        assert state.split("_")[0] in finding.message


def test_more_than_50_listeners_warns_citing_the_page() -> None:
    # The limit is one note on an ELB user guide page: not certain enough for a fail.
    [finding] = nlb_state.evaluate(SID, nlb(), listeners(51))
    assert finding.status is Status.WARN
    assert "51 listeners" in finding.message
    assert "more than 50" in finding.message
    assert nlb_state.LISTENER_LIMIT_SOURCE in finding.message


def test_unread_listeners_are_the_checks_error_not_a_pass() -> None:
    denied = AwsCallError(AwsErrorKind.ACCESS_DENIED, "DescribeListeners", "AccessDenied", "no")
    config = ServiceConfig(
        SID, f"com.amazonaws.vpce.us-east-1.{SID}", "us-east-1", "Available", False, (LB_ARN,)
    )
    provider = ProviderFacts(
        account="111111111111",
        region="us-east-1",
        services=Outcome(value=(config,)),
        load_balancers=Outcome(value={LB_ARN: nlb()}),
        listeners={LB_ARN: Outcome(error=denied)},
    )
    [finding] = apply(nlb_state.SPEC, ServiceFacts(provider, config))
    assert finding.status is Status.ERROR
    assert "DescribeListeners" in finding.message


# -- nlb-proxy-protocol --------------------------------------------------------------------


def test_proxy_protocol() -> None:
    [finding] = nlb_proxy_protocol.evaluate(SID, [tg("10.0.1.10")])
    assert finding.status is Status.PASS
    [finding] = nlb_proxy_protocol.evaluate(SID, [tg("10.0.1.10", proxy=True)])
    assert finding.status is Status.WARN
    assert "must parse the PROXY v2 header" in finding.message
    assert "--target-group-arn arn:tg/api" in finding.remediation


# -- service-region-opt-in -----------------------------------------------------------------


def test_region_opt_in() -> None:
    evaluate = service_region_opt_in.evaluate
    [skip] = evaluate(SID, "us-east-1", ["us-east-1"], {}, account="1")
    assert skip.status is Status.SKIP
    [ok] = evaluate(SID, "us-east-1", ["eu-west-1"], {"eu-west-1": "opt-in-not-required"})
    assert ok.status is Status.PASS
    [failed] = evaluate(
        SID, "us-east-1", ["eu-south-1"], {"eu-south-1": "not-opted-in"}, account="1"
    )
    assert failed.status is Status.FAIL
    assert "eu-south-1 is not-opted-in" in failed.message
    assert "aws account enable-region" in failed.remediation
    assert "vpce:AllowMultiRegion" in failed.remediation
    [unknown] = evaluate(SID, "us-east-1", ["xx-nowhere-1"], {})
    assert unknown.status is Status.WARN
