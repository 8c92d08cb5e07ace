"""``plcheck consumer`` end to end: real boto3 clients via the consumer profile, simulated AWS."""

from __future__ import annotations

from typing import Any

import pytest

from plcheck.checks import checks_for
from plcheck.cli import run
from plcheck.sim.consumer_scenarios import consumer_vpc, tortilla_service

from .conftest import Story, west_service

#: Every check the consumer command runs, from the catalog.
CHECKS = tuple(spec.id for spec in checks_for("consumer"))


# ---------------------------------------------------------------- pre-deploy, AZ remapping


def test_predeploy_without_subnet_recommends_one_subnet_per_served_zone(
    story: Story, consumer: Any
) -> None:
    base = story.base
    result = consumer(base.consumer_vpc_id, "--service", base.service_name)
    coverage = result.one("endpoint-az-coverage")
    assert coverage["status"] == "pass"
    # The consumer's us-east-1b/1c are the provider's us-east-1a/1b (use1-az1/az2).
    assert set(coverage["details"]["recommended_subnets"]) == set(
        base.supported_consumer_subnet_ids
    )
    assert coverage["details"]["unsupported_subnets"] == list(base.unsupported_consumer_subnet_ids)
    assert "us-east-1a, use1-az4" in coverage["message"]
    assert result.one("endpoint-state")["status"] == "skip"
    assert {f["check"] for f in result.report["findings"]} == set(CHECKS)
    grid, view = result.report["views"]
    assert grid["title"] == f"Zones by AZ ID: {base.service_name}"
    assert view["title"] == f"Subnets for {base.service_name}"
    rows = {r[0]: r for r in view["rows"]}
    assert rows["use1-az1"][1] == "us-east-1b"
    assert rows["use1-az2"][1] == "us-east-1c"
    assert rows["use1-az4"][4] == "✗ not offered"
    # Nothing planned (no --subnet): the grid marks the offered zones and no ✗.
    zones = {r[0]: r for r in grid["rows"]}
    assert zones["use1-az1"][1:3] == ["us-east-1b", "✓ offered"]
    assert zones["use1-az4"][2] == "—"
    assert not grid["highlight"]


def test_grid_marks_a_planned_subnet_in_a_zone_without_the_load_balancer(
    story: Story, consumer: Any
) -> None:
    base = story.base
    bad = base.consumer_subnet_ids["us-east-1a"]  # use1-az4 in the consumer's account
    good = base.consumer_subnet_ids["us-east-1b"]  # use1-az1
    result = consumer(
        base.consumer_vpc_id, "--service", base.service_name, "--subnet", bad, "--subnet", good
    )
    grid = next(v for v in result.report["views"] if v["title"].startswith("Zones by AZ ID"))
    assert grid["columns"][-2] == "Planned subnets"
    rows = {r[0]: (i, r) for i, r in enumerate(grid["rows"])}
    index, az4 = rows["use1-az4"]
    assert az4[-2] == bad
    assert az4[-1].startswith("✗ no load balancer here")
    assert grid["highlight"] == [index]
    assert rows["use1-az1"][1][-1] == "ok"


def test_predeploy_subnet_in_a_zone_id_the_nlb_lacks_fails(story: Story, consumer: Any) -> None:
    base = story.base
    bad = base.consumer_subnet_ids["us-east-1a"]  # same name as the provider's az1, but use1-az4
    good = base.consumer_subnet_ids["us-east-1b"]
    result = consumer(
        base.consumer_vpc_id, "--service", base.service_name, "--subnet", bad, "--subnet", good
    )
    failing = result.one("endpoint-az-coverage")
    assert failing["status"] == "fail"
    assert failing["resource"] == bad
    assert failing["details"]["zone_id"] == "use1-az4"
    assert failing["details"]["zone_name"] == "us-east-1a"
    for text in ("us-east-1a (use1-az4)", "us-east-1b (use1-az1)", "us-east-1c (use1-az2)"):
        assert text in failing["message"]
    # Which planned subnet to replace, with which, and which to keep.
    other = base.consumer_subnet_ids["us-east-1c"]
    assert failing["remediation"].startswith(f"Replace {bad} with {other}")
    assert f"keep {good}" in failing["remediation"]
    assert result.code == 1


def test_predeploy_good_subnets_pass_and_one_zone_warns(story: Story, consumer: Any) -> None:
    base = story.base
    both = [a for s in base.supported_consumer_subnet_ids for a in ("--subnet", s)]
    ok = consumer(base.consumer_vpc_id, "--service", base.service_name, *both)
    assert ok.statuses("endpoint-az-coverage") == ["pass"]
    one = consumer(
        base.consumer_vpc_id,
        "--service",
        base.service_name,
        "--subnet",
        base.supported_consumer_subnet_ids[0],
    )
    assert one.statuses("endpoint-az-coverage") == ["warn"]
    assert "one zone" in one.one("endpoint-az-coverage")["message"]


def test_predeploy_two_subnets_in_one_zone_and_foreign_subnet_fail(
    story: Story, consumer: Any
) -> None:
    base, other = story.base, story.consumer.broken
    same_zone = consumer(
        base.consumer_vpc_id,
        "--service",
        base.service_name,
        "--subnet",
        base.consumer_subnet_ids["us-east-1b"],
        "--subnet",
        other.subnet_ids["us-east-1b"],  # another VPC's subnet
    )
    found = same_zone.one("endpoint-az-coverage")
    assert found["status"] == "fail"
    assert f"is not a subnet of {base.consumer_vpc_id}" in found["message"]


# ---------------------------------------------------------------- service-visible


def test_service_visible_fails_for_unknown_name_and_names_causes(
    story: Story, consumer: Any
) -> None:
    name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
    result = consumer(story.base.consumer_vpc_id, "--service", name)
    found = result.one("service-visible")
    assert found["status"] == "fail"
    assert "arn:aws:iam::222222222222:root" in found["message"]
    assert "misspelt" in found["message"]
    # The checks that need the service skip; the VPC-wide ones still run.
    assert result.statuses("endpoint-az-coverage") == ["skip"]
    assert result.statuses("vpc-dns-attributes") == ["pass"]


def test_service_not_allowed_for_this_account_is_invisible(story: Story, consumer: Any) -> None:
    base = story.base
    provider = story.world.admin_client(base.provider_account, "ec2", base.region)
    elb = story.world.admin_client(base.provider_account, "elbv2", base.region)
    nlb = elb.create_load_balancer(
        Name="private-nlb",
        Subnets=list(base.provider_subnet_ids.values()),
        Scheme="internal",
        Type="network",
    )["LoadBalancers"][0]
    service = provider.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb["LoadBalancerArn"]], AcceptanceRequired=False
    )["ServiceConfiguration"]
    result = consumer(base.consumer_vpc_id, "--service", service["ServiceName"])
    assert result.one("service-visible")["status"] == "fail"


def test_cross_region_service_is_visible_and_named_region_is_a_cause(
    story: Story, consumer: Any
) -> None:
    base = story.base
    ec2, service = west_service(story, "10.50", "west-nlb")
    name = service["ServiceName"]
    before = consumer(base.consumer_vpc_id, "--service", name)
    found = before.one("service-visible")
    assert found["status"] == "fail"
    assert "the name is for us-west-2 but this run is in us-east-1" in found["message"]

    ec2.modify_vpc_endpoint_service_configuration(
        ServiceId=service["ServiceId"], AddSupportedRegions=[base.region]
    )
    after = consumer(base.consumer_vpc_id, "--service", name)
    visible = after.one("service-visible")
    assert visible["status"] == "pass"
    assert "cross-region from us-west-2" in visible["message"]
    assert after.statuses("endpoint-az-coverage") == ["skip"]


# ---------------------------------------------------------------- VPC-wide checks


def test_dns_hostnames_off_fails_when_private_dns_will_be_used(story: Story, consumer: Any) -> None:
    planning = story.consumer.planning_without_hostnames
    result = consumer(planning.vpc_id, "--service", story.consumer.tortilla.service_name)
    found = result.one("vpc-dns-attributes")
    assert found["status"] == "fail"
    assert "enableDnsHostnames off" in found["message"]
    assert found["remediation"] == (
        f"Run: aws ec2 modify-vpc-attribute --vpc-id {planning.vpc_id} "
        "--enable-dns-hostnames '{\"Value\":true}'."
    )


def test_dns_hostnames_off_passes_when_no_private_dns(story: Story, consumer: Any) -> None:
    # The burrito service is unverified but has a name, so the planned endpoint
    # would use private DNS; a service without one does not need the attribute.
    base = story.base
    provider = story.world.admin_client(base.provider_account, "ec2", base.region)
    elb = story.world.admin_client(base.provider_account, "elbv2", base.region)
    nlb = elb.create_load_balancer(
        Name="nodns-nlb",
        Subnets=list(base.provider_subnet_ids.values()),
        Scheme="internal",
        Type="network",
    )["LoadBalancers"][0]
    service = provider.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb["LoadBalancerArn"]], AcceptanceRequired=False
    )["ServiceConfiguration"]
    provider.modify_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"],
        AddAllowedPrincipals=[f"arn:aws:iam::{base.consumer_account}:root"],
    )
    planning = story.consumer.planning_without_hostnames
    result = consumer(planning.vpc_id, "--service", service["ServiceName"])
    assert result.statuses("vpc-dns-attributes") == ["pass"]
    assert result.statuses("endpoint-private-dns") == ["skip"]
    assert result.statuses("private-dns-conflict") == ["skip"]


def test_custom_dhcp_resolver_warns_and_default_passes(story: Story, consumer: Any) -> None:
    broken = story.consumer.broken
    found = consumer(broken.vpc_id).one("vpc-dhcp-resolver")
    assert found["status"] == "warn"
    assert "10.3.0.53, 10.3.1.53" in found["message"]
    assert "10.3.0.2" in found["message"]
    assert found["details"]["dhcp_options_id"] == broken.dhcp_options_id
    assert consumer(story.base.consumer_vpc_id).one("vpc-dhcp-resolver")["status"] == "pass"


# ---------------------------------------------------------------- existing endpoints


@pytest.fixture(scope="module")
def healthy(story: Story) -> Any:
    """A VPC with a working endpoint to the verified tortilla service."""
    return consumer_vpc(
        story.world,
        story.base,
        story.consumer.tortilla.service_name,
        name="healthy",
        cidr="10.4.0.0/16",
    )


def test_healthy_endpoint_passes_every_check(healthy: Any, consumer: Any) -> None:
    result = consumer(healthy.vpc_id)
    assert result.code == 0
    assert {f["check"] for f in result.report["findings"]} == set(CHECKS)
    assert {f["status"] for f in result.report["findings"]} == {"pass"}
    assert result.one("endpoint-state")["resource"] == healthy.endpoint_id


def test_broken_endpoint_sg_nacl_and_conflicting_zone(story: Story, consumer: Any) -> None:
    broken = story.consumer.broken
    result = consumer(broken.vpc_id)
    sg = result.one("endpoint-security-groups")
    assert sg["status"] == "fail"
    assert broken.security_group_id in sg["message"]
    assert "TCP 443" in sg["message"]
    assert f"--group-id {broken.security_group_id}" in sg["remediation"]

    acl = result.one("endpoint-network-acls")
    assert acl["status"] == "fail"
    assert acl["resource"] == broken.network_acl_id
    assert "outbound TCP 1024-65535" in acl["message"]
    assert "--egress" in acl["remediation"]

    # The team's parent zone coexists with the endpoint's; only its record at the name
    # is shadowed, so it warns and names that record.
    zone = result.one("private-dns-conflict")
    assert zone["status"] == "warn"
    assert zone["resource"] == broken.hosted_zone_id
    assert zone["details"]["relation"] == "contains"
    name = story.consumer.tortilla.private_dns_name
    assert zone["details"]["shadowed_records"] == [f"{name} A"]
    assert result.one("endpoint-private-dns")["status"] == "pass"
    assert result.code == 1


def test_same_named_zone_fails_and_private_dns_does_not_claim_the_name(
    story: Story, consumer: Any
) -> None:
    tortilla = story.consumer.tortilla
    same = consumer_vpc(
        story.world,
        story.base,
        tortilla.service_name,
        name="same",
        cidr="10.7.0.0/16",
        endpoint=False,
        conflicting_zone=tortilla.private_dns_name,
    )
    result = consumer(same.vpc_id, "--service", tortilla.service_name)
    zone = result.one("private-dns-conflict")
    assert zone["status"] == "fail"
    assert zone["details"]["relation"] == "equals"
    assert "ConflictingDomainExists" in zone["message"]
    dns = result.one("endpoint-private-dns")
    assert dns["status"] == "skip"
    assert same.hosted_zone_id in dns["message"]
    assert result.code == 1


def test_an_empty_parent_zone_passes_and_says_why(story: Story, consumer: Any) -> None:
    tortilla = story.consumer.tortilla
    parent = consumer_vpc(
        story.world,
        story.base,
        tortilla.service_name,
        name="parent",
        cidr="10.8.0.0/16",
        endpoint=False,
        conflicting_zone="example.com",
    )
    result = consumer(parent.vpc_id, "--service", tortilla.service_name)
    zone = result.one("private-dns-conflict")
    assert zone["status"] == "pass"
    assert "most specific zone" in zone["message"]


def test_port_option_changes_what_the_groups_must_admit(story: Story, consumer: Any) -> None:
    broken = story.consumer.broken  # its group admits 80 only
    result = consumer(broken.vpc_id, "--port", "80")
    assert result.statuses("endpoint-security-groups") == ["pass"]
    both = consumer(broken.vpc_id, "--port", "80", "--port", "443")
    assert both.statuses("endpoint-security-groups") == ["fail"]


def test_private_dns_off_warns_and_same_name_zone_only_warns(story: Story, consumer: Any) -> None:
    vpc = consumer_vpc(
        story.world,
        story.base,
        story.consumer.tortilla.service_name,
        name="nodns",
        cidr="10.5.0.0/16",
        private_dns=False,
        conflicting_zone="api.tortilla.example.com",
    )
    result = consumer(vpc.vpc_id)
    dns = result.one("endpoint-private-dns")
    assert dns["status"] == "warn"
    assert "TLS" in dns["message"]
    assert "vpce-" in dns["message"]
    zone = result.one("private-dns-conflict")
    assert zone["status"] == "warn"
    assert zone["details"]["relation"] == "equals"


def test_unverified_private_dns_name_fails(story: Story, consumer: Any) -> None:
    base = story.base
    result = consumer(base.consumer_vpc_id, "--service", base.service_name)
    found = result.one("endpoint-private-dns")
    assert found["status"] == "fail"
    assert "pendingVerification" in found["message"]


def test_endpoint_in_a_zone_the_provider_dropped_fails(story: Story, consumer: Any) -> None:
    base, world = story.base, story.world
    shrinking = tortilla_service(world, base, "shrink")
    vpc = consumer_vpc(world, base, shrinking.service_name, name="shrink", cidr="10.6.0.0/16")
    # The provider moves the NLB from use1-az2 (its us-east-1b) to use1-az3 (its us-east-1c).
    ec2 = world.admin_client(base.provider_account, "ec2", base.region)
    elb = world.admin_client(base.provider_account, "elbv2", base.region)
    az3 = ec2.create_subnet(
        VpcId=base.provider_vpc_id, CidrBlock="10.0.3.0/24", AvailabilityZone="us-east-1c"
    )["Subnet"]["SubnetId"]
    elb.set_subnets(
        LoadBalancerArn=shrinking.nlb_arn, Subnets=[base.provider_subnet_ids["us-east-1a"], az3]
    )
    result = consumer(vpc.vpc_id)
    found = result.one("endpoint-az-coverage")
    assert found["status"] == "fail"
    assert found["resource"] == vpc.subnet_ids["us-east-1c"]  # use1-az2, no longer served
    assert "no longer offered" in found["message"]
    assert f"--vpc-endpoint-id {vpc.endpoint_id}" in found["remediation"]


@pytest.mark.parametrize(
    ("state", "status", "text"),
    [
        ("pendingAcceptance", "warn", "111111111111 must accept"),
        ("pending", "warn", "still creating"),
        ("rejected", "fail", "rejected the connection"),
        ("failed", "fail", "InsufficientCapacity: no room"),
        ("expired", "fail", "did not accept"),
        ("deleted", "fail", "deleted"),
    ],
)
def test_endpoint_states(story: Story, consumer: Any, state: str, status: str, text: str) -> None:
    base = story.base
    octet = 20 + [
        "pendingAcceptance",
        "pending",
        "rejected",
        "failed",
        "expired",
        "deleted",
    ].index(state)
    vpc = consumer_vpc(
        story.world,
        base,
        story.consumer.tortilla.service_name,
        name=f"state-{state}",
        cidr=f"10.{octet}.0.0/16",
    )
    assert vpc.endpoint_id is not None
    error = {"Code": "InsufficientCapacity", "Message": "no room"} if state == "failed" else None
    story.world.set_endpoint_state(
        base.consumer_account, base.region, vpc.endpoint_id, state, error
    )
    found = consumer(vpc.vpc_id).one("endpoint-state")
    assert found["status"] == status
    assert text in found["message"]


def test_acceptance_required_service_leaves_endpoint_pending(story: Story, consumer: Any) -> None:
    service = tortilla_service(story.world, story.base, "accept", acceptance_required=True)
    vpc = consumer_vpc(
        story.world, story.base, service.service_name, name="acc", cidr="10.7.0.0/16"
    )
    found = consumer(vpc.vpc_id).one("endpoint-state")
    assert found["status"] == "warn"
    assert "accept-vpc-endpoint-connections" in found["remediation"]
    assert service.service_id in found["remediation"]


def test_service_filter_checks_only_that_service(story: Story, consumer: Any) -> None:
    broken = story.consumer.broken
    burrito = story.base.service_name
    result = consumer(broken.vpc_id, "--service", burrito)
    # No endpoint to burrito in this VPC: planned; the tortilla endpoint is not judged.
    assert result.one("endpoint-state")["status"] == "skip"
    assert all(f["resource"] != broken.endpoint_id for f in result.report["findings"])


def test_vpc_without_endpoints_says_to_pass_service(story: Story, consumer: Any) -> None:
    planning = story.consumer.planning_without_hostnames
    result = consumer(planning.vpc_id)
    found = result.one("service-visible")
    assert found["status"] == "skip"
    assert "--service" in found["message"]


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["vpc-12"], "malformed vpc ID"),
        (["vpc-0123456789abcdef0", "--service", "x", "--subnet", "subnet-1"], "malformed subnet"),
        (["vpc-0123456789abcdef0", "--subnet", "subnet-0123456789abcdef0"], "pass --service"),
        (["vpc-0123456789abcdef0", "--service", "vpce-svc-0123456789abcdef0"], "service name"),
        (["vpc-0123456789abcdef0", "--port", "0"], "bad --port 0"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert run(["consumer", *args, "--profile", "consumer"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_vpc_that_does_not_exist_exits_2(story: Story, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["consumer", "vpc-0123456789abcdef0", "--profile", "consumer"]) == 2
    err = capsys.readouterr().err
    assert "VPC vpc-0123456789abcdef0 does not exist in consumer (us-east-1)" in err


def test_table_format_renders(story: Story, capsys: pytest.CaptureFixture[str]) -> None:
    base = story.base
    code = run(
        ["consumer", base.consumer_vpc_id, "--profile", "consumer", "--service", base.service_name]
    )
    assert code == 1
    out = capsys.readouterr().out
    assert "Subnets for" in out
    assert "endpoint-az-coverage" in out
