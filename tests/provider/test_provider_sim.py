"""``plcheck provider`` end to end: the real CLI, real boto3 clients, the simulated world."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from plcheck.sim import SimulatedWorld
from plcheck.sim.dns_server import DnsMode, DnsServer
from plcheck.sim.provider_scenarios import (
    CONSUMER_ACCOUNT,
    PROVIDER_ACCOUNT,
    REGION,
    ProviderScenario,
)
from tests.provider.conftest import by_check, good_service, statuses

Invoke = Callable[..., tuple[int, dict[str, Any]]]


def only(report: dict[str, Any], check: str) -> dict[str, Any]:
    [finding] = by_check(report, check)
    return finding


# -- the demo scenario: every failing case at once ------------------------------------


def test_broken_service_reports_each_problem(
    broken: ProviderScenario, provider_json: Invoke, dns_server: DnsServer
) -> None:
    # The verification value published without its _label: the usual mistake.
    dns_server.add(broken.private_dns_name, "TXT", broken.txt_value)
    code, report = provider_json(
        broken.service_id,
        "--consumer-account",
        CONSUMER_ACCOUNT,
        "--resolver",
        dns_server.resolver,
    )
    assert code == 1
    assert statuses(report) == {
        "service-state": ["pass"],
        "nlb-az-coverage": ["warn"],
        "nlb-listeners": ["pass"],
        "nlb-target-health": ["warn"],
        "nlb-security-groups": ["fail"],
        "private-dns-verification": ["fail"],
        "private-dns-txt-record": ["fail"],
        "service-acceptance": ["warn"],
        "service-allowed-principals": ["pass"],
        "service-supported-regions": ["pass"],
        "nlb-state": ["warn"],
        "nlb-proxy-protocol": ["warn"],
        "service-region-opt-in": ["skip"],
        "target-security-groups": ["fail", "fail"],
    }
    assert {f["resource"] for f in report["findings"]} == {broken.service_id}

    state = only(report, "nlb-state")
    assert "active_impaired" in state["message"]
    assert broken.nlb_name in state["message"]
    proxy = only(report, "nlb-proxy-protocol")
    assert "proxy protocol v2" in proxy["message"]
    assert "proxy_protocol_v2.enabled,Value=false" in proxy["remediation"]
    refused = by_check(report, "target-security-groups")
    assert {f["details"]["target"] for f in refused} == {
        broken.healthy_target,
        broken.unhealthy_target,
    }
    for finding in refused:
        assert broken.app_security_group_id in finding["message"]
        assert "health-check port 8080 but not on traffic port 443" in finding["message"]
        assert "health checks stay green while PrivateLink traffic is dropped" in finding["message"]
        assert (
            f"--group-id {broken.app_security_group_id} --protocol tcp --port 443 "
            f"--source-group {broken.security_group_id}" in finding["remediation"]
        )

    coverage = only(report, "nlb-az-coverage")
    assert coverage["details"]["offered_zone_ids"] == list(broken.zone_ids)
    assert len(coverage["details"]["missing_zone_ids"]) == 4
    for zone_id in coverage["details"]["missing_zone_ids"]:
        assert zone_id in coverage["message"]
        assert coverage["details"]["zone_names"][zone_id] in coverage["message"]
    assert "cannot attach" in coverage["message"]
    # The provider's VPC has subnets in two of the missing zones only: add those; create
    # subnets in the others first. Never advise a subnet the load balancer cannot take.
    remediation = coverage["remediation"]
    assert "cannot be removed" in remediation
    candidates = coverage["details"]["candidate_subnets"]
    for zone_id, found in candidates.items():
        if found:
            assert found[0] in remediation, zone_id
        else:
            assert f"--availability-zone-id {zone_id}" in remediation

    health = only(report, "nlb-target-health")
    assert f"{broken.zone_names[1]} ({broken.zone_ids[1]})" in health["message"]
    assert "cross-zone load balancing off" in health["message"]
    assert {z["zone_name"]: z["healthy"] for z in health["details"]["zones"]} == {
        broken.zone_names[0]: 1,
        broken.zone_names[1]: 0,
    }

    groups = only(report, "nlb-security-groups")
    assert broken.security_group_id in groups["message"]
    assert "TCP 443" in groups["message"]
    assert broken.app_security_group_id in groups["message"]
    assert groups["details"]["referenced_groups"] == [broken.app_security_group_id]

    verification = only(report, "private-dns-verification")
    record = f"{broken.txt_name}.{broken.private_dns_name}"
    assert record in verification["message"]
    assert broken.txt_value in verification["message"]
    assert (
        "aws ec2 start-vpc-endpoint-service-private-dns-verification "
        f"--service-id {broken.service_id}" in verification["remediation"]
    )

    txt = only(report, "private-dns-txt-record")
    assert f"published at {broken.private_dns_name}, without the label" in txt["message"]
    assert f"{record} does not exist" in txt["message"]

    acceptance = only(report, "service-acceptance")
    assert broken.consumer_endpoint_id in acceptance["message"]
    assert CONSUMER_ACCOUNT in acceptance["message"]
    assert acceptance["details"]["state"] == "pendingAcceptance"
    assert f"--vpc-endpoint-ids {broken.consumer_endpoint_id}" in acceptance["remediation"]


# -- pass cases -------------------------------------------------------------------------


def test_good_service_passes_everything(
    world: SimulatedWorld, provider_json: Invoke, dns_server: DnsServer
) -> None:
    good = good_service(world, security_groups=True)
    code, report = provider_json(
        good.service_name,  # by name, not ID
        "--consumer-account",
        CONSUMER_ACCOUNT,
        "--consumer-region",
        REGION,
        "--client-cidr",
        "10.20.0.0/16",
        "--resolver",
        dns_server.resolver,
    )
    assert code == 0, report
    found = statuses(report)
    # Verified, and no TXT record any more: nothing to look up against.
    assert found.pop("private-dns-txt-record") == ["skip"]
    # Same Region only: nothing cross-Region to judge.
    assert found.pop("service-region-opt-in") == ["skip"]
    assert set(found) == {
        "service-state",
        "nlb-az-coverage",
        "nlb-listeners",
        "nlb-target-health",
        "nlb-security-groups",
        "private-dns-verification",
        "service-acceptance",
        "service-allowed-principals",
        "service-supported-regions",
        "nlb-state",
        "nlb-proxy-protocol",
        "target-security-groups",
    }
    assert all(s == ["pass"] for s in found.values()), found
    assert "TCP 443 from 10.0.0.0/8" in only(report, "nlb-security-groups")["message"]
    assert "all 6 zones" in only(report, "nlb-az-coverage")["message"]


def test_every_owned_service_without_an_argument(
    world: SimulatedWorld, broken: ProviderScenario, provider_json: Invoke
) -> None:
    good = good_service(world)
    _, report = provider_json("--dns-timeout", "0.5", "--resolver", "127.0.0.1:9")
    assert {f["resource"] for f in report["findings"]} == {good.service_id, broken.service_id}
    assert len(by_check(report, "service-state")) == 2


# -- one failing case per check -------------------------------------------------------


def test_unknown_service_is_a_failed_finding(world: SimulatedWorld, provider_json: Invoke) -> None:
    code, report = provider_json("vpce-svc-0123456789abcdef0")
    assert code == 1
    [finding] = report["findings"]
    assert finding["check"] == "service-state"
    assert finding["status"] == "fail"
    assert "does not exist" in finding["message"]


def test_a_failed_service_fails_with_its_state(
    world: SimulatedWorld, provider_json: Invoke
) -> None:
    good = good_service(world)
    world.set_service_state(PROVIDER_ACCOUNT, REGION, good.service_id, "Failed")
    code, report = provider_json(
        good.service_id, "--dns-timeout", "0.5", "--resolver", "127.0.0.1:9"
    )
    assert code == 1
    finding = only(report, "service-state")
    assert finding["status"] == "fail"
    assert "Failed" in finding["message"]


def test_no_services_owned_is_a_skip(world: SimulatedWorld, provider_json: Invoke) -> None:
    code, report = provider_json()
    assert code == 0
    assert [f["status"] for f in report["findings"]] == ["skip"]


def test_load_balancer_without_listener_fails(world: SimulatedWorld, provider_json: Invoke) -> None:
    good = good_service(world, listener=False)
    _, report = provider_json(good.service_id, "--resolver", "127.0.0.1:9", "--dns-timeout", "0.3")
    assert only(report, "nlb-listeners")["status"] == "fail"
    assert "no listeners" in only(report, "nlb-listeners")["message"]
    assert only(report, "nlb-target-health")["status"] == "fail"  # nothing forwards anywhere


def test_no_healthy_target_fails(world: SimulatedWorld, provider_json: Invoke) -> None:
    good = good_service(world, zones=2)
    for target in good.targets:
        world.set_target_health(
            PROVIDER_ACCOUNT, REGION, good.target_group_arn, target, "unhealthy", "Target.Timeout"
        )
    _, report = provider_json(good.service_id)
    health = only(report, "nlb-target-health")
    assert health["status"] == "fail"
    assert "no healthy target" in health["message"]
    assert "Target.Timeout" in health["message"]


def test_cross_zone_on_the_target_group_overrides_the_load_balancer(
    broken: ProviderScenario, world: SimulatedWorld, provider_json: Invoke
) -> None:
    elb = world.admin_client(PROVIDER_ACCOUNT, "elbv2", REGION)
    elb.modify_target_group_attributes(
        TargetGroupArn=broken.target_group_arn,
        Attributes=[{"Key": "load_balancing.cross_zone.enabled", "Value": "true"}],
    )
    _, report = provider_json(broken.service_id)
    health = only(report, "nlb-target-health")
    assert health["status"] == "pass"
    assert health["details"]["cross_zone_source"] == "target group"


def test_cross_zone_on_the_load_balancer_is_inherited(
    broken: ProviderScenario, world: SimulatedWorld, provider_json: Invoke
) -> None:
    elb = world.admin_client(PROVIDER_ACCOUNT, "elbv2", REGION)
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=broken.nlb_arn,
        Attributes=[{"Key": "load_balancing.cross_zone.enabled", "Value": "true"}],
    )
    _, report = provider_json(broken.service_id)
    health = only(report, "nlb-target-health")
    assert health["status"] == "pass"
    assert health["details"]["cross_zone_source"] == "load balancer"


def test_security_group_enforcement_off_passes(
    broken: ProviderScenario, world: SimulatedWorld, provider_json: Invoke
) -> None:
    elb = world.admin_client(PROVIDER_ACCOUNT, "elbv2", REGION)
    elb.set_security_groups(
        LoadBalancerArn=broken.nlb_arn,
        SecurityGroups=[broken.security_group_id],
        EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic="off",
    )
    _, report = provider_json(broken.service_id)
    groups = only(report, "nlb-security-groups")
    assert groups["status"] == "pass"
    assert "enforcement off" in groups["message"]


def test_client_cidrs_are_judged_against_the_inbound_rules(
    world: SimulatedWorld, provider_json: Invoke
) -> None:
    good = good_service(world, security_groups=True)  # admits 443 from 10.0.0.0/8
    _, unknown = provider_json(good.service_id)
    assert only(unknown, "nlb-security-groups")["status"] == "warn"
    code, report = provider_json(
        good.service_id, "--client-cidr", "10.20.0.0/16", "--client-cidr", "192.168.0.0/24"
    )
    groups = only(report, "nlb-security-groups")
    assert groups["status"] == "fail"
    assert "192.168.0.0/24" in groups["message"]
    assert groups["details"]["left_out"] == ["192.168.0.0/24"]
    assert code == 1


def test_security_group_without_any_rule_for_the_port_fails(
    broken: ProviderScenario, world: SimulatedWorld, provider_json: Invoke
) -> None:
    ec2 = world.admin_client(PROVIDER_ACCOUNT, "ec2", REGION)
    ec2.revoke_security_group_ingress(
        GroupId=broken.security_group_id,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "UserIdGroupPairs": [{"GroupId": broken.app_security_group_id}],
            }
        ],
    )
    _, report = provider_json(broken.service_id)
    groups = only(report, "nlb-security-groups")
    assert groups["status"] == "fail"
    assert "TCP 443 from no source" in groups["message"]


def test_verified_private_dns_passes(
    broken: ProviderScenario, world: SimulatedWorld, provider_json: Invoke
) -> None:
    world.set_private_dns_state(PROVIDER_ACCOUNT, REGION, broken.service_id, "verified")
    _, report = provider_json(
        broken.service_id, "--resolver", "127.0.0.1:9", "--dns-timeout", "0.3"
    )
    assert only(report, "private-dns-verification")["status"] == "pass"


def test_failed_private_dns_fails(
    broken: ProviderScenario, world: SimulatedWorld, provider_json: Invoke
) -> None:
    world.set_private_dns_state(PROVIDER_ACCOUNT, REGION, broken.service_id, "failed")
    _, report = provider_json(broken.service_id)
    verification = only(report, "private-dns-verification")
    assert verification["status"] == "fail"
    assert "is failed" in verification["message"]


def test_no_private_dns_name_skips_both_dns_checks(
    broken: ProviderScenario, world: SimulatedWorld, provider_json: Invoke
) -> None:
    ec2 = world.admin_client(PROVIDER_ACCOUNT, "ec2", REGION)
    ec2.modify_vpc_endpoint_service_configuration(
        ServiceId=broken.service_id, RemovePrivateDnsName=True
    )
    _, report = provider_json(broken.service_id)
    assert only(report, "private-dns-verification")["status"] == "skip"
    assert only(report, "private-dns-txt-record")["status"] == "skip"


def test_rejected_connection_warns(
    broken: ProviderScenario, world: SimulatedWorld, provider_json: Invoke
) -> None:
    ec2 = world.admin_client(PROVIDER_ACCOUNT, "ec2", REGION)
    ec2.reject_vpc_endpoint_connections(
        ServiceId=broken.service_id, VpcEndpointIds=[broken.consumer_endpoint_id]
    )
    _, report = provider_json(broken.service_id)
    acceptance = only(report, "service-acceptance")
    assert acceptance["status"] == "warn"
    assert "rejected" in acceptance["message"]


def test_accepted_connection_passes(
    broken: ProviderScenario, world: SimulatedWorld, provider_json: Invoke
) -> None:
    ec2 = world.admin_client(PROVIDER_ACCOUNT, "ec2", REGION)
    ec2.accept_vpc_endpoint_connections(
        ServiceId=broken.service_id, VpcEndpointIds=[broken.consumer_endpoint_id]
    )
    _, report = provider_json(broken.service_id)
    acceptance = only(report, "service-acceptance")
    assert acceptance["status"] == "pass"
    assert "acceptance required" in acceptance["message"]


def test_consumer_account_not_allowed_fails_and_star_warns(
    broken: ProviderScenario, world: SimulatedWorld, provider_json: Invoke
) -> None:
    _, report = provider_json(broken.service_id, "--consumer-account", "333333333333")
    [finding] = by_check(report, "service-allowed-principals")
    assert finding["status"] == "fail"
    assert "333333333333" in finding["message"]
    assert "arn:aws:iam::333333333333:root" in finding["remediation"]

    ec2 = world.admin_client(PROVIDER_ACCOUNT, "ec2", REGION)
    ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=broken.service_id, AddAllowedPrincipals=["*"]
    )
    _, report = provider_json(broken.service_id, "--consumer-account", "333333333333")
    assert [f["status"] for f in by_check(report, "service-allowed-principals")] == ["warn"]


def test_a_role_principal_admits_only_that_role(
    broken: ProviderScenario, world: SimulatedWorld, provider_json: Invoke
) -> None:
    ec2 = world.admin_client(PROVIDER_ACCOUNT, "ec2", REGION)
    role = "arn:aws:iam::333333333333:role/deployer"
    ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=broken.service_id, AddAllowedPrincipals=[role]
    )
    _, report = provider_json(broken.service_id, "--consumer-account", "333333333333")
    warn = only(report, "service-allowed-principals")
    assert warn["status"] == "warn"
    assert "only role deployer of 333333333333 can create the endpoint" in warn["message"]
    _, report = provider_json(broken.service_id, "--consumer-principal", role)
    assert only(report, "service-allowed-principals")["status"] == "pass"
    other = "arn:aws:iam::333333333333:role/other"
    code, report = provider_json(broken.service_id, "--consumer-principal", other)
    assert only(report, "service-allowed-principals")["status"] == "fail"
    assert code == 1


def test_an_ou_principal_is_resolved_with_organizations(
    broken: ProviderScenario, world: SimulatedWorld, provider_json: Invoke
) -> None:
    ec2 = world.admin_client(PROVIDER_ACCOUNT, "ec2", REGION)
    # Another management account's OU: membership cannot be confirmed from here, so a
    # warning that says so, not an error.
    outside = "arn:aws:organizations::999999999999:ou/o-abc123/ou-ab12-cd34ef56"
    ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=broken.service_id, AddAllowedPrincipals=[outside]
    )
    _, report = provider_json(broken.service_id, "--consumer-account", "333333333333")
    unknown = only(report, "service-allowed-principals")
    assert unknown["status"] == "warn"
    assert "could not be confirmed" in unknown["message"]
    ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=broken.service_id, RemoveAllowedPrincipals=[outside]
    )
    # The provider manages an organization with a team OU and one account in it.
    org = world.admin_client(PROVIDER_ACCOUNT, "organizations")
    org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="teams")["OrganizationalUnit"]
    member = org.create_account(AccountName="team", Email="team@example.com")
    member_id = member["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=member_id, SourceParentId=root, DestinationParentId=ou["Id"])
    ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=broken.service_id, AddAllowedPrincipals=[ou["Arn"]]
    )
    _, report = provider_json(broken.service_id, "--consumer-account", member_id)
    assert only(report, "service-allowed-principals")["status"] == "pass"
    # An account of the organization that is not under the OU.
    other = org.create_account(AccountName="other", Email="other@example.com")
    other_id = other["CreateAccountStatus"]["AccountId"]
    _, report = provider_json(broken.service_id, "--consumer-account", other_id)
    outside_ou = only(report, "service-allowed-principals")
    assert outside_ou["status"] == "fail"
    assert f"{org_id}" in outside_ou["message"]
    # The management account is not under the OU either, but it owns the service: the owner
    # connects to its own service without being an allowed principal.
    _, report = provider_json(broken.service_id, "--consumer-account", PROVIDER_ACCOUNT)
    owner = only(report, "service-allowed-principals")
    assert owner["status"] == "pass"
    assert "owner account" in owner["message"]
    # An account outside the organization, as its management account sees: a fail.
    _, report = provider_json(broken.service_id, "--consumer-account", "333333333333")
    assert only(report, "service-allowed-principals")["status"] == "fail"


def test_unsupported_consumer_region_fails_until_added(
    broken: ProviderScenario, world: SimulatedWorld, provider_json: Invoke
) -> None:
    _, report = provider_json(broken.service_id, "--consumer-region", "eu-west-1")
    regions = only(report, "service-supported-regions")
    assert regions["status"] == "fail"
    assert "--add-supported-regions eu-west-1" in regions["remediation"]

    ec2 = world.admin_client(PROVIDER_ACCOUNT, "ec2", REGION)
    ec2.modify_vpc_endpoint_service_configuration(
        ServiceId=broken.service_id, AddSupportedRegions=["eu-west-1"]
    )
    _, report = provider_json(broken.service_id, "--consumer-region", "eu-west-1")
    assert only(report, "service-supported-regions")["status"] == "pass"


# -- the TXT record against a loopback DNS server ---------------------------------------


def test_txt_record_under_a_parent_domain_passes(
    broken: ProviderScenario, provider_json: Invoke, dns_server: DnsServer
) -> None:
    parent = broken.private_dns_name.split(".", 1)[1]  # tacos.example.com
    # Split into two strings, as long TXT values are: they form one value.
    half = len(broken.txt_value) // 2
    quoted = f'"{broken.txt_value[:half]}" "{broken.txt_value[half:]}"'
    dns_server.add(f"{broken.txt_name}.{parent}", "TXT", quoted)
    _, report = provider_json(broken.service_id, "--resolver", dns_server.resolver)
    txt = only(report, "private-dns-txt-record")
    assert txt["status"] == "pass"
    assert f"{broken.txt_name}.{parent}" in txt["message"]
    assert "parent domain" in txt["message"]


def test_txt_record_with_a_wrong_value_fails_showing_it(
    broken: ProviderScenario, provider_json: Invoke, dns_server: DnsServer
) -> None:
    name = f"{broken.txt_name}.{broken.private_dns_name}"
    dns_server.add(name, "TXT", "vpce:somethingelse")
    _, report = provider_json(broken.service_id, "--resolver", dns_server.resolver)
    txt = only(report, "private-dns-txt-record")
    assert txt["status"] == "fail"
    assert f'{name} has "vpce:somethingelse"' in txt["message"]
    assert broken.txt_value in txt["remediation"]


def test_txt_record_nxdomain_fails(
    broken: ProviderScenario, provider_json: Invoke, dns_server: DnsServer
) -> None:
    _, report = provider_json(broken.service_id, "--resolver", dns_server.resolver)
    txt = only(report, "private-dns-txt-record")
    assert txt["status"] == "fail"
    assert f"{broken.txt_name}.{broken.private_dns_name} does not exist" in txt["message"]
    # Asked under the name and each parent down to example.com, never the TLD.
    asked = {q.name for q in dns_server.queries}
    assert f"{broken.txt_name}.example.com" in asked
    assert f"{broken.txt_name}.com" not in asked


def test_txt_lookup_without_an_answering_resolver_is_an_error(
    broken: ProviderScenario, provider_json: Invoke
) -> None:
    with DnsServer(mode=DnsMode.SILENT) as silent:
        code, report = provider_json(
            broken.service_id, "--resolver", silent.resolver, "--dns-timeout", "0.5"
        )
    txt = only(report, "private-dns-txt-record")
    assert txt["status"] == "error"
    assert "TIMEOUT" in txt["message"]
    assert code == 1  # other checks failed; the error does not hide them


# -- usage errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["svc-123"], "malformed endpoint service"),
        (["vpce-svc-0123456789abcdef0", "--consumer-account", "12345"], "malformed account"),
        (["vpce-svc-0123456789abcdef0", "--resolver", "dns.example.com"], "bad resolver"),
        (
            ["vpce-svc-0123456789abcdef0", "--consumer-principal", "333333333333"],
            "bad --consumer-principal",
        ),
        (["vpce-svc-0123456789abcdef0", "--client-cidr", "10.0.0/8"], "bad --client-cidr"),
        (["vpce-svc-0123456789abcdef0", "--consumer-region", "Europe"], "unknown region 'Europe'"),
        (
            ["com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0", "--region", "us-east-1"],
            "is in eu-west-1",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(
    world: SimulatedWorld,
    provider_json: Invoke,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    words: str,
) -> None:
    from plcheck.cli import run

    code = run(["provider", "--profile", "provider", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert words in err
    assert len(err.strip().splitlines()) == 1
