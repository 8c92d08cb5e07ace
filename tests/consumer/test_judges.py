"""Pure tests of each consumer check's judge, on hand-made facts."""

from __future__ import annotations

from plcheck.checks import (
    endpoint_az_coverage,
    endpoint_network_acls,
    endpoint_private_dns,
    endpoint_security_groups,
    endpoint_state,
    private_dns_conflict,
    service_visible,
    vpc_dhcp_resolver,
    vpc_dns_attributes,
)
from plcheck.errors import AwsCallError, AwsErrorKind
from plcheck.facts.consumer import (
    DhcpOptions,
    HostedZone,
    ServiceDetail,
    Vpc,
    VpcDnsAttributes,
    ZoneRecord,
)
from plcheck.facts.endpoints import Endpoint
from plcheck.facts.network import NaclEntry, NetworkAcl, SecurityGroup, SgRule, Subnet
from plcheck.facts.outcome import Outcome
from plcheck.facts.zones import AccountZones, Zone
from plcheck.model import Finding, Status
from plcheck.service_names import region_in_service_name

ACCOUNT, REGION, VPC_ID = "222222222222", "us-east-1", "vpc-0aaaaaaaaaaaaaaaa"
WHERE = {"account": ACCOUNT, "region": REGION}
NAME = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
SERVICE = ServiceDetail(
    service_name=NAME,
    service_id="vpce-svc-0123456789abcdef0",
    owner="111111111111",
    region=REGION,
    zone_ids=frozenset({"use1-az1", "use1-az2"}),
    private_dns_name="api.example.com",
    private_dns_verification="verified",
)
ZONES = AccountZones(
    label="consumer",
    account=ACCOUNT,
    region=REGION,
    zones=(
        Zone("us-east-1a", "use1-az4"),
        Zone("us-east-1b", "use1-az1"),
        Zone("us-east-1c", "use1-az2"),
    ),
)
SUBNETS = (
    Subnet("subnet-a", VPC_ID, "us-east-1a", "use1-az4", "10.1.1.0/24", 250),
    Subnet("subnet-b", VPC_ID, "us-east-1b", "use1-az1", "10.1.2.0/24", 250),
    Subnet("subnet-b2", VPC_ID, "us-east-1b", "use1-az1", "10.1.4.0/24", 10),
    Subnet("subnet-c", VPC_ID, "us-east-1c", "use1-az2", "10.1.3.0/24", 250),
)
VPC = Vpc(VPC_ID, ACCOUNT, ("10.1.0.0/16",), "dopt-1")


def endpoint(**changes: object) -> Endpoint:
    fields: dict[str, object] = {
        "endpoint_id": "vpce-0123456789abcdef0",
        "vpc_id": VPC_ID,
        "service_name": NAME,
        "state": "available",
        "subnet_ids": ("subnet-b", "subnet-c"),
        "group_ids": ("sg-1",),
        "private_dns_enabled": True,
        "dns_names": ("vpce-0123-abc.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com",),
    }
    fields.update(changes)
    return Endpoint(**fields)  # type: ignore[arg-type]


# ---------------------------------------------------------------- service-visible


def test_service_visible() -> None:
    [ok] = service_visible.evaluate([NAME], {NAME: SERVICE}, **WHERE)
    assert ok.status is Status.PASS
    [bad] = service_visible.evaluate([NAME], {}, **WHERE)
    assert bad.status is Status.FAIL
    assert "arn:aws:iam::222222222222:root" in bad.message
    west = NAME.replace("us-east-1", "us-west-2")
    [other] = service_visible.evaluate([west], {}, **WHERE)
    assert "--region us-west-2" in other.message


def test_region_in_service_name() -> None:
    assert region_in_service_name(NAME) == "us-east-1"
    assert region_in_service_name("com.amazonaws.eu-west-1.s3") == "eu-west-1"
    assert region_in_service_name("com.amazonaws.iam") == ""


# ---------------------------------------------------------------- vpc-dns-attributes


def test_vpc_dns_attributes() -> None:
    on = VpcDnsAttributes(VPC_ID, True, True)
    assert vpc_dns_attributes.evaluate(on, ["vpce-1"], **WHERE)[0].status is Status.PASS
    off = VpcDnsAttributes(VPC_ID, True, False)
    [fail] = vpc_dns_attributes.evaluate(off, ["vpce-1"], **WHERE)
    assert fail.status is Status.FAIL
    assert fail.remediation == (
        f"Run: aws ec2 modify-vpc-attribute --vpc-id {VPC_ID} "
        "--enable-dns-hostnames '{\"Value\":true}'."
    )
    assert vpc_dns_attributes.evaluate(off, [], **WHERE)[0].status is Status.PASS
    no_support = VpcDnsAttributes(VPC_ID, False, False)
    [warn] = vpc_dns_attributes.evaluate(no_support, [], **WHERE)
    assert warn.status is Status.WARN
    [both] = vpc_dns_attributes.evaluate(no_support, ["vpce-1"], **WHERE)
    assert "--enable-dns-support" in both.remediation
    assert "--enable-dns-hostnames" in both.remediation


# ---------------------------------------------------------------- vpc-dhcp-resolver


def test_vpc_dhcp_resolver() -> None:
    default = DhcpOptions("default")
    assert vpc_dhcp_resolver.evaluate(VPC, default, **WHERE)[0].status is Status.PASS
    forwarding = DhcpOptions("dopt-1", ("10.1.0.2", "169.254.169.253"))
    assert vpc_dhcp_resolver.evaluate(VPC, forwarding, **WHERE)[0].status is Status.PASS
    custom = DhcpOptions("dopt-1", ("10.9.9.9",))
    [warn] = vpc_dhcp_resolver.evaluate(VPC, custom, **WHERE)
    assert warn.status is Status.WARN
    assert "10.9.9.9" in warn.message
    assert "10.1.0.2" in warn.message


# ---------------------------------------------------------------- endpoint-state


def test_endpoint_state() -> None:
    def status(**changes: object) -> Status:
        return endpoint_state.evaluate(endpoint(**changes), SERVICE, **WHERE)[0].status

    assert status() is Status.PASS
    assert status(state="pendingAcceptance") is Status.WARN
    assert status(state="pending") is Status.WARN
    for state in ("rejected", "failed", "expired", "deleted"):
        assert status(state=state) is Status.FAIL
    [failed] = endpoint_state.evaluate(
        endpoint(state="failed", last_error="Code: boom", failure_reason="no capacity"),
        SERVICE,
        **WHERE,
    )
    assert "Code: boom" in failed.message
    assert "no capacity" in failed.message
    assert endpoint_state.planned(NAME, **WHERE).status is Status.SKIP


# ---------------------------------------------------------------- endpoint-az-coverage


def test_az_coverage_existing_endpoint() -> None:
    [ok] = endpoint_az_coverage.evaluate(
        "vpce-1", SERVICE, ("subnet-b", "subnet-c"), SUBNETS, ZONES, vpc_id=VPC_ID
    )
    assert ok.status is Status.PASS
    [single] = endpoint_az_coverage.evaluate(
        "vpce-1", SERVICE, ("subnet-b",), SUBNETS, ZONES, vpc_id=VPC_ID
    )
    assert single.status is Status.WARN
    [bad] = endpoint_az_coverage.evaluate(
        "vpce-1", SERVICE, ("subnet-a", "subnet-b"), SUBNETS, ZONES, vpc_id=VPC_ID
    )
    assert bad.status is Status.FAIL
    assert bad.resource == "subnet-a"
    assert "us-east-1a (use1-az4)" in bad.message
    assert "us-east-1b (use1-az1), us-east-1c (use1-az2)" in bad.message
    # subnet-b already covers use1-az1: the replacement is the other served zone's subnet.
    assert "Replace it with subnet-c (us-east-1c, use1-az2)" in bad.remediation
    assert "--remove-subnet-ids subnet-a --add-subnet-ids subnet-c" in bad.remediation
    assert "subnet-b" not in bad.remediation


def test_az_coverage_plan_says_which_subnet_to_drop_or_replace_and_with_which() -> None:
    def fix(*planned: str, subnets: tuple[Subnet, ...] = SUBNETS) -> list[str]:
        found = endpoint_az_coverage.evaluate(
            NAME, SERVICE, planned, subnets, ZONES, vpc_id=VPC_ID, existing=False
        )
        return [f.remediation for f in found if f.status is Status.FAIL]

    [replace] = fix("subnet-a", "subnet-b")
    assert replace.startswith("Replace subnet-a with subnet-c (us-east-1c, use1-az2)")
    assert "keep subnet-b" in replace
    assert "--subnet subnet-b --subnet subnet-c" in replace
    # Both served zones already planned: drop the bad subnet, no replacement.
    [drop] = fix("subnet-a", "subnet-b", "subnet-c")
    assert drop.startswith("Drop subnet-a from the plan")
    # No subnet of the VPC in the uncovered served zone: replace with a new one.
    [new] = fix("subnet-a", "subnet-b", subnets=SUBNETS[:2])
    assert "Replace subnet-a with a new subnet in us-east-1c (use1-az2)" in new
    assert "--availability-zone-id use1-az2" in new


def test_az_coverage_plan() -> None:
    [dup, *_] = endpoint_az_coverage.evaluate(
        NAME, SERVICE, ("subnet-b", "subnet-b2"), SUBNETS, ZONES, vpc_id=VPC_ID, existing=False
    )
    assert dup.status is Status.FAIL
    assert "one subnet per zone" in dup.message
    [foreign] = endpoint_az_coverage.evaluate(
        NAME, SERVICE, ("subnet-x",), SUBNETS, ZONES, vpc_id=VPC_ID, existing=False
    )
    assert foreign.status is Status.FAIL
    all_ids = tuple(s.subnet_id for s in SUBNETS)
    [candidates] = endpoint_az_coverage.evaluate(
        NAME, SERVICE, all_ids, SUBNETS, ZONES, vpc_id=VPC_ID, chosen=False, existing=False
    )
    assert candidates.status is Status.PASS
    # One per served zone, the one with the most free addresses.
    assert candidates.details["recommended_subnets"] == ["subnet-b", "subnet-c"]
    assert candidates.details["unsupported_subnets"] == ["subnet-a"]
    only_a = SUBNETS[:1]
    [none] = endpoint_az_coverage.evaluate(
        NAME, SERVICE, ("subnet-a",), only_a, ZONES, vpc_id=VPC_ID, chosen=False, existing=False
    )
    assert none.status is Status.FAIL
    assert "--availability-zone-id use1-az1" in none.remediation
    [one_zone] = endpoint_az_coverage.evaluate(
        NAME, SERVICE, (), SUBNETS[:2], ZONES, vpc_id=VPC_ID, chosen=False, existing=False
    )
    assert one_zone.status is Status.WARN


def test_az_coverage_cross_region_skips() -> None:
    west = ServiceDetail(NAME, region="us-west-2", zone_ids=frozenset({"usw2-az1"}))
    [skip] = endpoint_az_coverage.evaluate(
        "vpce-1", west, ("subnet-a",), SUBNETS, ZONES, vpc_id=VPC_ID
    )
    assert skip.status is Status.SKIP


# ---------------------------------------------------------------- endpoint-private-dns


def test_endpoint_private_dns() -> None:
    def judge(service: ServiceDetail, ep: Endpoint | None) -> Status:
        return endpoint_private_dns.evaluate("r", service, ep, **WHERE)[0].status

    assert judge(SERVICE, endpoint()) is Status.PASS
    assert judge(SERVICE, None) is Status.PASS
    assert judge(SERVICE, endpoint(private_dns_enabled=False)) is Status.WARN
    unverified = ServiceDetail(
        NAME, private_dns_name="api.example.com", private_dns_verification="pendingVerification"
    )
    assert judge(unverified, endpoint()) is Status.FAIL
    assert judge(ServiceDetail(NAME), endpoint()) is Status.SKIP


def test_endpoint_private_dns_does_not_claim_a_name_a_same_named_zone_holds() -> None:
    same = HostedZone("Z1", "api.example.com", ACCOUNT)
    for ep in (endpoint(), None):
        [found] = endpoint_private_dns.evaluate("r", SERVICE, ep, conflicting=[same], **WHERE)
        assert found.status is Status.SKIP
        assert "answers for" not in found.message
        assert "Z1" in found.message
        assert "private-dns-conflict" in found.message
    # With private DNS off the endpoint claims nothing: the usual warning.
    off = endpoint(private_dns_enabled=False)
    [found] = endpoint_private_dns.evaluate("r", SERVICE, off, conflicting=[same], **WHERE)
    assert found.status is Status.WARN


# ---------------------------------------------------------------- endpoint-security-groups


def group(*rules: SgRule) -> SecurityGroup:
    return SecurityGroup("sg-1", "endpoint", VPC_ID, rules, ())


def test_endpoint_security_groups() -> None:
    def judge(
        g: SecurityGroup, ports: tuple[int, ...] = (443,), ids: tuple[str, ...] = ("sg-1",)
    ) -> Status:
        return endpoint_security_groups.evaluate("vpce-1", ids, [g], VPC, ports, **WHERE)[0].status

    vpc_443 = SgRule("sg-1", "tcp", 443, 443, ("10.1.0.0/16",))
    assert judge(group(vpc_443)) is Status.PASS
    assert judge(group(SgRule("sg-1", "-1", None, None, ("0.0.0.0/0",)))) is Status.PASS
    assert judge(group(SgRule("sg-1", "tcp", 80, 80, ("10.1.0.0/16",)))) is Status.FAIL
    assert judge(group(vpc_443), ports=(443, 8443)) is Status.FAIL
    narrow = SgRule("sg-1", "tcp", 443, 443, ("10.1.2.0/24",))
    assert judge(group(narrow)) is Status.WARN
    by_group = SgRule("sg-1", "tcp", 443, 443, groups=("sg-clients",))
    assert judge(group(by_group)) is Status.WARN
    assert judge(group(vpc_443), ids=("sg-other",)) is Status.FAIL


# ---------------------------------------------------------------- endpoint-network-acls


def acl(*entries: NaclEntry) -> NetworkAcl:
    return NetworkAcl("acl-1", VPC_ID, False, ("subnet-b", "subnet-c"), entries)


def test_endpoint_network_acls() -> None:
    allow_all = (
        NaclEntry(100, "-1", True, False, "0.0.0.0/0"),
        NaclEntry(100, "-1", True, True, "0.0.0.0/0"),
    )
    [ok] = endpoint_network_acls.evaluate(
        "vpce-1", ("subnet-b", "subnet-c"), [acl(*allow_all)], VPC, (443,), **WHERE
    )
    assert ok.status is Status.PASS
    only_443 = (
        NaclEntry(100, "6", True, False, "10.1.0.0/16", 443, 443),
        NaclEntry(100, "6", True, True, "10.1.0.0/16", 443, 443),
    )
    [out] = endpoint_network_acls.evaluate(
        "vpce-1", ("subnet-b",), [acl(*only_443)], VPC, (443,), **WHERE
    )
    assert out.status is Status.FAIL
    assert out.resource == "acl-1"
    assert "outbound TCP 1024-65535" in out.message
    assert "--egress --rule-number 100" not in out.remediation  # 100 is taken
    deny_in = (
        NaclEntry(50, "6", False, False, "0.0.0.0/0", 443, 443),
        *allow_all,
    )
    [inbound] = endpoint_network_acls.evaluate(
        "vpce-1", ("subnet-b",), [acl(*deny_in)], VPC, (443,), **WHERE
    )
    assert "rule 50 blocks inbound TCP 443" in inbound.message
    assert "--rule-number 49" in inbound.remediation


# ---------------------------------------------------------------- private-dns-conflict


def conflict(
    *zones: HostedZone,
    in_use: bool = False,
    planned: bool = True,
    name: str = "api.example.com",
    records: dict[tuple[str, str], Outcome[tuple[ZoneRecord, ...]]] | None = None,
) -> list[Finding]:
    service = ServiceDetail(NAME, private_dns_name=name, private_dns_verification="verified")
    return private_dns_conflict.evaluate(
        "vpce-1",
        service,
        zones,
        vpc_id=VPC_ID,
        private_dns_in_use=in_use,
        private_dns_planned=planned,
        zone_records=records,
        **WHERE,
    )


def test_private_dns_conflict_fails_only_on_a_zone_of_the_same_name() -> None:
    def judge(*zones: HostedZone, in_use: bool = False, planned: bool = True) -> list[Status]:
        return [f.status for f in conflict(*zones, in_use=in_use, planned=planned)]

    assert judge() == [Status.PASS]
    assert judge(HostedZone("Z1", "other.com", ACCOUNT)) == [Status.PASS]
    [same] = conflict(HostedZone("Z1", "api.example.com", ACCOUNT))
    assert same.status is Status.FAIL
    assert "ConflictingDomainExists" in same.message
    assert same.details["relation"] == "equals"
    assert judge(HostedZone("Z1", "api.example.com", ACCOUNT), planned=False) == [Status.WARN]
    # The endpoint's own AWS-managed zone is not a conflict.
    managed = HostedZone("Z9", "api.example.com", owning_service="vpce.amazonaws.com")
    assert judge(managed, in_use=True) == [Status.PASS]
    assert judge(managed, in_use=False) == [Status.FAIL]
    assert private_dns_conflict.relation("Example.COM.", "*.example.com") == "equals"
    no_name = ServiceDetail(NAME)
    [skip] = private_dns_conflict.evaluate(
        "r", no_name, [], vpc_id=VPC_ID, private_dns_in_use=False, account=ACCOUNT, region=REGION
    )
    assert skip.status is Status.SKIP


def test_a_parent_zone_warns_only_when_it_holds_records_at_the_name() -> None:
    parent = HostedZone("Z1", "example.com", ACCOUNT)
    key = ("Z1", "api.example.com")
    assert private_dns_conflict.parent_zone_reads([parent], ["api.example.com"]) == [key]
    [empty] = conflict(parent, records={key: Outcome(value=())})
    assert empty.status is Status.PASS
    assert "most specific zone" in empty.message
    held = (ZoneRecord("api.example.com", "A"),)
    [shadowed] = conflict(parent, records={key: Outcome(value=held)})
    assert shadowed.status is Status.WARN
    assert shadowed.resource == "Z1"
    assert "api.example.com A" in shadowed.message
    assert shadowed.details["shadowed_records"] == ["api.example.com A"]
    # Records that could not be read (or were not): unknown, so a warning that says so.
    denied = AwsCallError(
        AwsErrorKind.ACCESS_DENIED, "route53:ListResourceRecordSets", "AccessDenied", "no"
    )
    [unread] = conflict(parent, records={key: Outcome(error=denied)})
    assert unread.status is Status.WARN
    assert "could not be read" in unread.message
    assert "route53:ListResourceRecordSets" in unread.message
    assert conflict(parent)[0].status is Status.WARN
    # An AWS-managed parent zone is not read and does not shadow the endpoint's zone.
    managed = HostedZone("Z9", "example.com", owning_service="vpce.amazonaws.com")
    assert private_dns_conflict.parent_zone_reads([managed], ["api.example.com"]) == []
    assert [f.status for f in conflict(managed)] == [Status.PASS]


def test_a_child_zone_warns_for_a_wildcard_name_only() -> None:
    child = HostedZone("Z1", "v1.api.example.com", ACCOUNT)
    [plain] = conflict(child)
    assert plain.status is Status.PASS
    assert "below" in plain.message
    [wild] = conflict(child, name="*.api.example.com")
    assert wild.status is Status.WARN
    assert "wildcard" in wild.message
    # A wildcard's domain is the zone AWS makes: a zone of that name conflicts.
    [same] = conflict(HostedZone("Z2", "api.example.com", ACCOUNT), name="*.api.example.com")
    assert same.status is Status.FAIL
