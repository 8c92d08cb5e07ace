"""Pure tests of the link checks (``plcheck check`` joins), on hand-made facts of both sides."""

from __future__ import annotations

from dataclasses import replace

import pytest

from plcheck.checks import checks_for, framework, get
from plcheck.checks.link_principal import admission
from plcheck.errors import AwsCallError, AwsErrorKind
from plcheck.facts.consumer import ConsumerFacts, ConsumerRequest, ServiceDetail, Vpc
from plcheck.facts.endpoints import Endpoint
from plcheck.facts.link import LinkFacts
from plcheck.facts.network import SecurityGroup, SgRule, Subnet
from plcheck.facts.org import OrgMembership
from plcheck.facts.outcome import Outcome
from plcheck.facts.provider import (
    Connection,
    LbZone,
    Listener,
    LoadBalancer,
    Principal,
    ProviderFacts,
    ServiceConfig,
    TargetGroup,
    TargetState,
)
from plcheck.facts.zones import AccountZones, Zone
from plcheck.model import Finding, Status
from plcheck.netrules import uncovered

PROVIDER, CONSUMER, REGION = "111111111111", "222222222222", "us-east-1"
SID = "vpce-svc-0123456789abcdef0"
NAME = f"com.amazonaws.vpce.{REGION}.{SID}"
LB_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{PROVIDER}:loadbalancer/net/svc-nlb/1"
TG_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{PROVIDER}:targetgroup/svc-tg/1"
VPC_ID = "vpc-0aaaaaaaaaaaaaaaa"
ROLE = f"arn:aws:iam::{CONSUMER}:role/deployer"

# The provider's us-east-1a is use1-az1; the consumer's us-east-1b is.
PROVIDER_ZONES = AccountZones(
    "provider",
    PROVIDER,
    REGION,
    (
        Zone("us-east-1a", "use1-az1"),
        Zone("us-east-1b", "use1-az2"),
        Zone("us-east-1c", "use1-az3"),
    ),
)
CONSUMER_ZONES = AccountZones(
    "consumer",
    CONSUMER,
    REGION,
    (
        Zone("us-east-1a", "use1-az4"),
        Zone("us-east-1b", "use1-az1"),
        Zone("us-east-1c", "use1-az2"),
    ),
)
SUBNETS = (
    Subnet("subnet-a", VPC_ID, "us-east-1a", "use1-az4", "10.1.1.0/24", 250),
    Subnet("subnet-b", VPC_ID, "us-east-1b", "use1-az1", "10.1.2.0/24", 250),
    Subnet("subnet-c", VPC_ID, "us-east-1c", "use1-az2", "10.1.3.0/24", 250),
)
SERVICE = ServiceConfig(
    service_id=SID,
    service_name=NAME,
    region=REGION,
    state="Available",
    acceptance_required=False,
    load_balancer_arns=(LB_ARN,),
    zone_ids=("use1-az1", "use1-az2"),
    private_dns_name="api.example.com",
    dns_state="verified",
    dns_txt_name="_abc",
    dns_txt_value="vpce:xyz",
)
NLB = LoadBalancer(
    LB_ARN,
    "svc-nlb",
    "network",
    "vpc-p",
    "active",
    (LbZone("us-east-1a", "subnet-p1"), LbZone("us-east-1b", "subnet-p2")),
)
DENIED = AwsCallError(
    AwsErrorKind.ACCESS_DENIED, "ec2:DescribeSubnets", "AccessDenied", "not authorized"
)


def healthy(zone: str, state: str = "healthy") -> TargetState:
    return TargetState(f"10.0.{zone[-1]}.10", 443, zone, state)


def target_group(*targets: TargetState, cross_zone: bool = False) -> TargetGroup:
    return TargetGroup(TG_ARN, "svc-tg", "TCP", 443, "ip", cross_zone, "load balancer", targets)


TWO_HEALTHY = target_group(healthy("us-east-1a"), healthy("us-east-1b"))


def provider(
    *,
    lb: LoadBalancer = NLB,
    listeners: tuple[Listener, ...] = (Listener("l-1", LB_ARN, "TCP", 443, (TG_ARN,)),),
    group: TargetGroup = TWO_HEALTHY,
    groups: dict[str, SecurityGroup] | None = None,
    principals: tuple[str, ...] = (f"arn:aws:iam::{CONSUMER}:root",),
    connections: tuple[Connection, ...] = (),
    service: ServiceConfig = SERVICE,
) -> ProviderFacts:
    return ProviderFacts(
        account=PROVIDER,
        region=REGION,
        services=Outcome(value=(service,)),
        zones=Outcome(value=PROVIDER_ZONES),
        load_balancers=Outcome(value={LB_ARN: lb}),
        listeners={LB_ARN: Outcome(value=listeners)},
        target_groups={TG_ARN: Outcome(value=group)},
        security_groups=Outcome(value=groups or {}),
        connections=Outcome(value=connections),
        permissions={SID: Outcome(value=tuple(Principal(p) for p in principals))},
    )


def endpoint(**changes: object) -> Endpoint:
    fields: dict[str, object] = {
        "endpoint_id": "vpce-0123456789abcdef0",
        "vpc_id": VPC_ID,
        "service_name": NAME,
        "state": "available",
        "subnet_ids": ("subnet-b", "subnet-c"),
        "group_ids": ("sg-1",),
        "private_dns_enabled": True,
    }
    fields.update(changes)
    return Endpoint(**fields)  # type: ignore[arg-type]


def consumer(
    *, subnets: tuple[str, ...] = ("subnet-b", "subnet-c"), endpoints: tuple[Endpoint, ...] = ()
) -> ConsumerFacts:
    return ConsumerFacts(
        request=ConsumerRequest(VPC_ID, (NAME,), subnets),
        account=CONSUMER,
        region=REGION,
        vpc=Outcome(value=Vpc(VPC_ID, CONSUMER, ("10.1.0.0/16", "2600:1f18::/56"), "dopt-1")),
        dns=Outcome(),
        dhcp=Outcome(),
        zones=Outcome(value=CONSUMER_ZONES),
        subnets=Outcome(value=SUBNETS),
        endpoints=Outcome(value=endpoints),
        services=Outcome(value={NAME: ServiceDetail(NAME, SID, PROVIDER, REGION)}),
        groups=Outcome(value=()),
        acls=Outcome(value=()),
        hosted_zones=Outcome(value=()),
    )


def link(
    provider_facts: ProviderFacts | None = None,
    consumer_facts: ConsumerFacts | None = None,
    **changes: object,
) -> LinkFacts:
    facts = LinkFacts(
        name="svc",
        service_name=NAME,
        provider=provider_facts or provider(),
        service=SERVICE,
        consumer=consumer_facts or consumer(),
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


def judge(check: str, facts: LinkFacts) -> list[Finding]:
    return framework.apply(get(check), facts)


def one(check: str, facts: LinkFacts) -> Finding:
    (found,) = judge(check, facts)
    return found


LINK_CHECKS = [spec.id for spec in checks_for("check", "link")]


def test_the_link_checks_are_catalogued() -> None:
    assert LINK_CHECKS == [
        "link-port",
        "link-principal",
        "link-private-dns",
        "link-sources",
        "link-zones",
    ]


@pytest.mark.parametrize("check", LINK_CHECKS)
def test_a_healthy_link_passes_naming_both_accounts(check: str) -> None:
    found = one(check, link())
    assert found.status is Status.PASS, found.message
    assert PROVIDER in found.message
    assert CONSUMER in found.message
    assert found.resource == f"{SID}/{VPC_ID}"
    assert found.details["provider_account"] == PROVIDER
    assert found.details["consumer_account"] == CONSUMER


@pytest.mark.parametrize("check", LINK_CHECKS)
def test_a_failed_fact_on_either_side_is_an_error(check: str) -> None:
    failed_provider = replace(provider(), services=Outcome(error=DENIED))
    assert one(check, link(failed_provider)).status is Status.ERROR
    spec = get(check)
    consumer_needs = [n.split(".", 1)[1] for n in spec.needs if n.startswith("consumer.")]
    for need in consumer_needs:
        broken = consumer()
        if need == "targets":
            broken = replace(broken, endpoints=Outcome(error=DENIED))
        else:
            broken = replace(broken, **{need: Outcome(error=DENIED)})
        found = one(check, link(consumer_facts=broken))
        assert found.status is Status.ERROR, need
        assert found.details["action"] == "ec2:DescribeSubnets"


@pytest.mark.parametrize("check", LINK_CHECKS)
def test_a_service_the_provider_does_not_own_is_skipped(check: str) -> None:
    found = one(check, link(service=None))
    assert found.status is Status.SKIP
    assert "service-state" in found.message


# ---------------------------------------------------------------- link-port


def test_port_without_a_listener_fails() -> None:
    found = one("link-port", link(port=8443))
    assert found.status is Status.FAIL
    assert "port 8443" in found.message
    assert "TCP:443" in found.message
    assert "--port 8443" in found.remediation
    assert f"provider account {PROVIDER}" in found.remediation


def test_every_consumer_port_is_judged() -> None:
    found = one("link-port", link(ports=(443, 8443, 9443)))
    assert found.status is Status.FAIL
    assert found.details["unserved"] == [8443, 9443]
    assert "port 8443, 9443" in found.message
    assert "--port 8443" in found.remediation
    assert "--port 9443" in found.remediation
    served = one("link-port", link(ports=(443,)))
    assert served.status is Status.PASS
    assert served.details["ports"] == [443]


def test_port_with_only_a_udp_listener_fails() -> None:
    udp = (Listener("l-1", LB_ARN, "UDP", 443, (TG_ARN,)),)
    found = one("link-port", link(provider(listeners=udp)))
    assert found.status is Status.FAIL
    assert "only a UDP listener" in found.message


def test_port_with_unreadable_listeners_is_an_error() -> None:
    broken = replace(provider(), listeners={LB_ARN: Outcome(error=DENIED)})
    assert one("link-port", link(broken)).status is Status.ERROR


# ---------------------------------------------------------------- link-zones


def test_zone_without_a_healthy_target_fails_naming_it_in_both_accounts() -> None:
    group = target_group(healthy("us-east-1a"), healthy("us-east-1b", "unhealthy"))
    found = one("link-zones", link(provider(group=group)))
    assert found.status is Status.FAIL
    # use1-az2 is the provider's us-east-1b and the consumer's us-east-1c.
    assert (
        f"use1-az2 (provider {PROVIDER}'s us-east-1b, consumer {CONSUMER}'s us-east-1c)"
        in found.message
    )
    assert "subnet-c" in found.message
    assert "use1-az1" not in found.message.split("healthy per zone")[0]
    assert "load_balancing.cross_zone.enabled,Value=true" in found.remediation


def test_zone_with_no_target_at_all_fails() -> None:
    found = one("link-zones", link(provider(group=target_group(healthy("us-east-1a")))))
    assert found.status is Status.FAIL
    assert "use1-az2" in found.message


def test_zones_pass_with_cross_zone_on() -> None:
    group = target_group(healthy("us-east-1a"), cross_zone=True)
    found = one("link-zones", link(provider(group=group)))
    assert found.status is Status.PASS
    assert "cross-zone load balancing is on" in found.message


def test_zones_of_an_endpoint_only_where_targets_are_healthy_pass() -> None:
    group = target_group(healthy("us-east-1a"), healthy("us-east-1b", "unhealthy"))
    only_az1 = consumer(endpoints=(endpoint(subnet_ids=("subnet-b",)),))
    assert one("link-zones", link(provider(group=group), only_az1)).status is Status.PASS


def test_targets_still_registering_warn() -> None:
    group = target_group(healthy("us-east-1a"), healthy("us-east-1b", "initial"))
    found = one("link-zones", link(provider(group=group)))
    assert found.status is Status.WARN
    assert "still registering" in found.message


def test_no_healthy_target_anywhere_fails_open_and_warns() -> None:
    group = target_group(healthy("us-east-1a", "unhealthy"), healthy("us-east-1b", "unhealthy"))
    found = one("link-zones", link(provider(group=group)))
    assert found.status is Status.WARN
    assert "fails open" in found.message


def test_zones_skip_without_a_listener_on_the_port() -> None:
    found = one("link-zones", link(port=8443))
    assert found.status is Status.SKIP
    assert "link-port" in found.message


def test_zones_with_unreadable_target_groups_are_an_error() -> None:
    broken = replace(provider(), target_groups={TG_ARN: Outcome(error=DENIED)})
    assert one("link-zones", link(broken)).status is Status.ERROR


# ---------------------------------------------------------------- link-sources


def sg(*rules: SgRule) -> dict[str, SecurityGroup]:
    return {"sg-nlb": SecurityGroup("sg-nlb", "nlb", "vpc-p", rules, ())}


def rule(*cidrs: str, port: int = 443, **others: tuple[str, ...]) -> SgRule:
    return SgRule("sg-nlb", "tcp", port, port, cidrs, **others)  # type: ignore[arg-type]


GUARDED = replace(NLB, security_groups=("sg-nlb",), enforce_sg_on_privatelink="on")


def sources(*rules: SgRule, lb: LoadBalancer = GUARDED, **changes: object) -> Finding:
    return one("link-sources", link(provider(lb=lb, groups=sg(*rules)), **changes))


def test_sources_admitted_by_a_wider_cidr_pass() -> None:
    found = sources(rule("10.0.0.0/8"))
    assert found.status is Status.PASS
    assert "10.1.0.0/16" in found.message


def test_sources_pass_without_enforcement() -> None:
    off = replace(GUARDED, enforce_sg_on_privatelink="off")
    assert sources(lb=off).status is Status.PASS


def test_a_vpc_cidr_partly_admitted_warns_naming_what_is_left_out() -> None:
    # Clients may live only in the admitted half: the fail would not be certain.
    found = sources(rule("10.1.0.0/17"), rule("10.1.1.0/24", port=80))
    assert found.status is Status.WARN
    assert "leaving out 10.1.128.0/17 of 10.1.0.0/16" in found.message
    assert "CidrIp=10.1.0.0/16" in found.remediation
    assert found.details["missing"] == {"10.1.0.0/16": ["10.1.128.0/17"]}


def test_rules_from_security_groups_only_fail() -> None:
    found = sources(rule(groups=("sg-app",)))
    assert found.status is Status.FAIL
    assert "from no CIDR" in found.message


def test_declared_client_cidrs_must_be_admitted_too() -> None:
    found = sources(rule("10.0.0.0/8"), client_cidrs=("192.168.10.0/24",))
    assert found.status is Status.FAIL
    assert "leaving out 192.168.10.0/24" in found.message
    assert "traffic from 192.168.10.0/24 is dropped" in found.message
    assert "10.1.0.0/16" not in found.details["missing"]


def test_a_range_left_out_wholly_fails_beside_one_partly_admitted() -> None:
    found = sources(rule("10.1.0.0/17"), client_cidrs=("192.168.10.0/24",))
    assert found.status is Status.FAIL
    assert "traffic from 192.168.10.0/24 is dropped" in found.message
    assert found.details["missing"] == {
        "10.1.0.0/16": ["10.1.128.0/17"],
        "192.168.10.0/24": ["192.168.10.0/24"],
    }


def test_sources_skip_without_a_listener_on_the_port() -> None:
    found = sources(rule("10.0.0.0/8"), port=8443)
    assert found.status is Status.SKIP
    assert "no listener on port 8443" in found.message
    assert "link-port" in found.message


def test_prefix_lists_warn() -> None:
    found = sources(rule(prefix_lists=("pl-1",)))
    assert found.status is Status.WARN
    assert "pl-1" in found.message


def test_sources_with_unreadable_security_groups_are_an_error() -> None:
    broken = replace(provider(lb=GUARDED), security_groups=Outcome(error=DENIED))
    assert one("link-sources", link(broken)).status is Status.ERROR


def test_uncovered() -> None:
    assert uncovered("10.1.0.0/16", ["10.0.0.0/8"]) == []
    assert uncovered("10.1.0.0/16", ["10.1.0.0/17", "10.1.128.0/17"]) == []
    assert uncovered("10.1.0.0/16", ["10.1.0.0/17"]) == ["10.1.128.0/17"]
    assert uncovered("10.1.0.0/16", ["2600::/16"]) == ["10.1.0.0/16"]


# ---------------------------------------------------------------- link-principal


@pytest.mark.parametrize(
    ("principals", "role", "status"),
    [
        (("*",), "", Status.PASS),
        ((f"arn:aws:iam::{CONSUMER}:root",), ROLE, Status.PASS),
        ((ROLE,), ROLE, Status.PASS),
        ((ROLE,), "", Status.WARN),
        ((f"arn:aws:iam::{CONSUMER}:role/other",), ROLE, Status.FAIL),
        (("arn:aws:organizations::333333333333:organization/o-abc",), "", Status.WARN),
        (("arn:aws:organizations::333333333333:ou/o-abc/ou-ab-12345678",), ROLE, Status.WARN),
        (("arn:aws:iam::999999999999:root",), "", Status.FAIL),
        ((), "", Status.FAIL),
    ],
)
def test_admission(principals: tuple[str, ...], role: str, status: Status) -> None:
    assert admission([Principal(p) for p in principals], CONSUMER, role)[0] is status


def test_an_account_not_allowed_fails_with_the_principal_to_add() -> None:
    found = one("link-principal", link(provider(principals=("arn:aws:iam::999999999999:root",))))
    assert found.status is Status.FAIL
    assert "InvalidServiceName" in found.message
    assert f"--service-id {SID} --add-allowed-principals arn:aws:iam::{CONSUMER}:root" in (
        found.remediation
    )


def test_only_a_role_allowed_warns_and_names_it() -> None:
    found = one("link-principal", link(provider(principals=(ROLE,))))
    assert found.status is Status.WARN
    assert f"only {ROLE} of account {CONSUMER}" in found.message
    declared = one("link-principal", link(provider(principals=(ROLE,)), principal=ROLE))
    assert declared.status is Status.PASS


def test_an_organization_warns_that_membership_is_unconfirmed() -> None:
    org = ("arn:aws:organizations::333333333333:organization/o-abc",)
    found = one("link-principal", link(provider(principals=org)))
    assert found.status is Status.WARN
    assert "could not be confirmed" in found.message


def test_a_connection_pending_acceptance_fails() -> None:
    pending = Connection(SID, "vpce-0123456789abcdef0", CONSUMER, "pendingAcceptance")
    facts = link(
        provider(connections=(pending,)),
        consumer(endpoints=(endpoint(state="pendingAcceptance"),)),
    )
    found = one("link-principal", facts)
    assert found.status is Status.FAIL
    assert "waits for the provider to accept it" in found.message
    assert "accept-vpc-endpoint-connections" in found.remediation
    assert "--vpc-endpoint-ids vpce-0123456789abcdef0" in found.remediation


def test_a_rejected_connection_fails() -> None:
    rejected = Connection(SID, "vpce-0123456789abcdef0", CONSUMER, "rejected")
    facts = link(provider(connections=(rejected,)), consumer(endpoints=(endpoint(),)))
    found = one("link-principal", facts)
    assert found.status is Status.FAIL
    assert "rejected" in found.message


def test_an_accepted_connection_passes_and_an_unlisted_one_warns() -> None:
    available = Connection(SID, "vpce-0123456789abcdef0", CONSUMER, "available")
    ok = one(
        "link-principal",
        link(provider(connections=(available,)), consumer(endpoints=(endpoint(),))),
    )
    assert ok.status is Status.PASS
    assert "vpce-0123456789abcdef0 (available)" in ok.message
    unlisted = one("link-principal", link(consumer_facts=consumer(endpoints=(endpoint(),))))
    assert unlisted.status is Status.WARN
    assert "disagree" in unlisted.message


@pytest.mark.parametrize("state", ["expired", "failed", "deleted"])
def test_an_expired_failed_or_deleted_connection_fails_asking_for_a_new_endpoint(
    state: str,
) -> None:
    gone = Connection(SID, "vpce-0123456789abcdef0", CONSUMER, state)
    facts = link(provider(connections=(gone,)), consumer(endpoints=(endpoint(state=state),)))
    found = one("link-principal", facts)
    assert found.status is Status.FAIL
    assert f"({state}): it carries no traffic" in found.message
    assert found.details["connection_state"] == state
    delete = f"In consumer account {CONSUMER}: delete vpce-0123456789abcdef0"
    assert delete in found.remediation


ORG = "arn:aws:organizations::333333333333:organization/o-abc"


def test_an_organization_the_consumer_is_confirmed_in_passes() -> None:
    # The same rules as service-allowed-principals: the membership read is used.
    member = OrgMembership(CONSUMER, "333333333333", "o-abc", ("r-1",))
    facts = replace(provider(principals=(ORG,)), memberships={CONSUMER: Outcome(value=member)})
    found = one("link-principal", link(facts))
    assert found.status is Status.PASS
    assert f"admitted by {ORG}" in found.message
    outside = OrgMembership(CONSUMER, "333333333333")
    facts = replace(provider(principals=(ORG,)), memberships={CONSUMER: Outcome(value=outside)})
    assert one("link-principal", link(facts)).status is Status.FAIL


def test_a_principal_removed_from_a_connected_consumer_warns() -> None:
    # Removing a principal does not cut an existing connection: only a new endpoint fails.
    available = Connection(SID, "vpce-0123456789abcdef0", CONSUMER, "available")
    facts = link(
        provider(principals=("arn:aws:iam::999999999999:root",), connections=(available,)),
        consumer(endpoints=(endpoint(),)),
    )
    found = one("link-principal", facts)
    assert found.status is Status.WARN
    assert "stays connected (available)" in found.message
    assert "--add-allowed-principals" in found.remediation


def test_an_unknown_consumer_account_is_skipped() -> None:
    unknown = replace(consumer(), account="")
    found = one("link-principal", link(consumer_facts=unknown))
    assert found.status is Status.SKIP
    assert "account is not known" in found.message


def test_admission_judged_by_service_allowed_principals_is_not_failed_twice() -> None:
    refused = provider(principals=("arn:aws:iam::999999999999:root",))
    found = one("link-principal", link(refused, admission_judged=True))
    assert found.status is Status.SKIP
    assert "service-allowed-principals" in found.message
    assert "InvalidServiceName" in found.message
    # What only the join sees still fails: this consumer's pending connection.
    pending = Connection(SID, "vpce-0123456789abcdef0", CONSUMER, "pendingAcceptance")
    facts = link(
        replace(refused, connections=Outcome(value=(pending,))),
        consumer(endpoints=(endpoint(state="pendingAcceptance"),)),
        admission_judged=True,
    )
    (only,) = judge("link-principal", facts)
    assert only.status is Status.FAIL
    assert "pendingAcceptance" in only.message
    # Admitted, it still passes naming the principal that admits it.
    assert one("link-principal", link(admission_judged=True)).status is Status.PASS


def test_unreadable_permissions_are_an_error() -> None:
    broken = replace(provider(), permissions={SID: Outcome(error=DENIED)})
    assert one("link-principal", link(broken)).status is Status.ERROR


# ---------------------------------------------------------------- link-private-dns

PENDING = replace(SERVICE, dns_state="pendingVerification")


def test_a_planned_endpoint_with_an_unverified_name_warns_saying_what_is_assumed() -> None:
    # Private DNS is on by default for CreateVpcEndpoint, off for Terraform: not certain.
    found = one("link-private-dns", link(provider(service=PENDING), service=PENDING))
    assert found.status is Status.WARN
    assert "planned endpoint" in found.message
    assert "assumed on" in found.message
    assert "pendingVerification" in found.message
    assert "TXT _abc.api.example.com = vpce:xyz" in found.remediation


def test_an_endpoint_with_private_dns_on_and_an_unverified_name_fails() -> None:
    facts = link(provider(service=PENDING), consumer(endpoints=(endpoint(),)), service=PENDING)
    found = one("link-private-dns", facts)
    assert found.status is Status.FAIL
    assert "endpoint vpce-0123456789abcdef0 (private DNS on)" in found.message


def test_an_unknown_verification_state_warns() -> None:
    unknown = replace(SERVICE, dns_state="")
    facts = link(provider(service=unknown), consumer(endpoints=(endpoint(),)), service=unknown)
    found = one("link-private-dns", facts)
    assert found.status is Status.WARN
    assert "not known" in found.message
    planned = one("link-private-dns", link(provider(service=unknown), service=unknown))
    assert planned.status is Status.WARN


def test_an_endpoint_with_private_dns_off_passes() -> None:
    off = consumer(endpoints=(endpoint(private_dns_enabled=False),))
    found = one("link-private-dns", link(provider(service=PENDING), off, service=PENDING))
    assert found.status is Status.PASS


def test_a_service_without_a_private_dns_name_passes() -> None:
    plain = replace(SERVICE, private_dns_name="", dns_state="")
    found = one("link-private-dns", link(provider(service=plain), service=plain))
    assert found.status is Status.PASS
    assert "no private DNS name" in found.message


def test_zones_skip_a_plan_without_subnets() -> None:
    # Without `subnets`, every subnet of the VPC is only a candidate: no zone is judged.
    found = one("link-zones", link(provider(group=target_group()), consumer(subnets=())))
    assert found.status is Status.SKIP
    assert "plans no subnets" in found.message


@pytest.mark.parametrize("check", ["link-port", "link-sources", "link-zones"])
def test_a_service_without_a_network_load_balancer_is_skipped(check: str) -> None:
    gateway = replace(NLB, lb_type="gateway")
    found = one(check, link(provider(lb=gateway)))
    assert found.status is Status.SKIP
    assert "no network load balancer" in found.message
