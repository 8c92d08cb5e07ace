"""``plcheck iam-policy``: read-only, and enough for every command.

The coverage test runs each command end to end against the simulated world and
checks that every AWS action the runs sent (``AwsContext.calls``) is in the
policy; it collects the calls itself, so test order and xdist do not matter.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from plcheck.cli import run
from plcheck.iam import LAYER_ACTIONS, PERMISSION_ONLY_ACTIONS, is_read_only, policy
from plcheck.sim.dns_server import DnsServer
from plcheck.sim.plans import aliased_module_plan
from plcheck.sim.scenarios import AzMismatchScenario
from plcheck.sim.world import SimulatedWorld
from tests.gate.conftest import gate_toml

#: The organization's management account in the completeness test.
MANAGEMENT = "333333333333"


def test_prints_one_read_only_statement(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["iam-policy"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == policy()
    assert printed["Version"] == "2012-10-17"
    (statement,) = printed["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == "*"
    actions = statement["Action"]
    assert actions == sorted(actions)
    assert len(set(actions)) == len(actions)
    assert set(LAYER_ACTIONS) <= set(actions)
    for action in actions:
        service, _, name = action.partition(":")
        assert service
        assert "*" not in action, action
        assert name.startswith(("Describe", "List", "Get")) or action in PERMISSION_ONLY_ACTIONS
        assert is_read_only(action)


def test_per_command_policies(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["iam-policy", "--command", "az-map"]) == 0
    az_map = set(json.loads(capsys.readouterr().out)["Statement"][0]["Action"])
    assert az_map == {
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeVpcEndpointServices",
        "organizations:ListAccounts",  # az-map --org
        "sts:GetCallerIdentity",
    }
    assert run(["iam-policy", "--command", "nope"]) == 2


def test_the_plan_policy_is_what_a_plan_reads() -> None:
    """A plan reads what will exist beside what it plans: not the live endpoints, their
    connections, zone records, a planned service's configuration or the organization."""
    assert set(policy(["plan"])["Statement"][0]["Action"]) == {
        "sts:GetCallerIdentity",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcAttribute",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeVpcEndpointServices",
        "route53:ListHostedZonesByVPC",
        "route53resolver:ListResolverRuleAssociations",
        "route53resolver:ListResolverRules",
        # an existing service the plan changes: its principals
        "ec2:DescribeVpcEndpointServicePermissions",
        # an existing NLB a planned service names, and what is behind it
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTargetHealth",
        "ec2:DescribeInstances",
        "ec2:DescribeNetworkInterfaces",
    }
    live = set(policy(["consumer", "provider"])["Statement"][0]["Action"])
    assert {"ec2:DescribeVpcEndpoints", "ec2:DescribeVpcEndpointConnections"} <= live


def test_permission_only_actions_are_allowed_explicitly() -> None:
    # vpce:AllowMultiRegion calls no API; the consumer policy grants it for cross-Region reads.
    assert is_read_only("vpce:AllowMultiRegion")
    assert "vpce:AllowMultiRegion" in policy(["consumer"])["Statement"][0]["Action"]
    assert "vpce:AllowMultiRegion" not in policy(["az-map"])["Statement"][0]["Action"]
    # Only the listed ones: another vpce action or a wildcard stays refused.
    for action in ("vpce:AllowEverything", "vpce:*", "vpce:Allow*"):
        assert not is_read_only(action)


def test_write_actions_are_not_read_only() -> None:
    for action in ("ec2:CreateVpcEndpoint", "ec2:Describe*", "ec2:*", "sts:AssumeRole"):
        assert not is_read_only(action)


def test_every_action_every_command_sends_is_in_the_policy(
    world: SimulatedWorld,
    scenario: AzMismatchScenario,
    dns: DnsServer,
    sent: list[str],
    plan_file: Callable[[str], Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import boto3

    ec2 = boto3.Session(profile_name=scenario.consumer_profile).client(
        "ec2", region_name=scenario.region
    )
    endpoint_id = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=scenario.consumer_vpc_id,
        ServiceName=scenario.service_name,
        SubnetIds=list(scenario.supported_consumer_subnet_ids),
        PrivateDnsEnabled=False,
    )["VpcEndpoint"]["VpcEndpointId"]
    config = tmp_path / "plcheck.toml"
    config.write_text(gate_toml(scenario, dns.resolver))
    both_sides = tmp_path / "both.json"
    both_sides.write_text(json.dumps(aliased_module_plan(scenario)), encoding="utf-8")
    # An organization for az-map --org: the management account lists its members.
    world.add_profile("management", MANAGEMENT)
    organizations = world.admin_client(MANAGEMENT, "organizations")
    organizations.create_organization(FeatureSet="ALL")
    organizations.create_account(AccountName="team", Email="team@example.com")
    runs = {
        "az-map": ["az-map", "-p", "provider", "-p", "consumer", "-s", scenario.service_name],
        "az-map --org": ["az-map", "--org", "-p", "management", "-s", scenario.service_name],
        "provider": ["provider", scenario.service_id, "-p", "provider", "--resolver", dns.resolver],
        "consumer": ["consumer", scenario.consumer_vpc_id, "-p", "consumer"],
        "probe": [
            "probe",
            "burrito.example.test",
            "--endpoint",
            endpoint_id,
            "-p",
            "consumer",
            "--resolver",
            dns.resolver,
            "--timeout",
            "1",
        ],
        "check": ["check", "--config", str(config)],
        "plan": ["plan", str(plan_file("plan_unknown.json")), "-p", "consumer"],
        # Both sides in two accounts, the planned service on a live NLB: its reads too.
        "plan (both sides)": [
            "plan",
            str(both_sides),
            *("-p", scenario.provider_profile),
            *("--provider-profile", f"consumer={scenario.consumer_profile}"),
            *("--provider-profile", f"provider={scenario.provider_profile}"),
        ],
    }
    everything = set(policy()["Statement"][0]["Action"])
    seen: set[str] = set()
    for command, args in runs.items():
        sent.clear()
        code = run([*args, "--format", "json"])
        capsys.readouterr()
        assert code in (0, 1), command
        assert sent, f"{command} sent no AWS call"
        actions = set(sent)
        allowed = set(policy([command.split()[0]])["Statement"][0]["Action"])
        assert actions <= allowed, f"{command} sent actions outside its policy: {actions - allowed}"
        assert allowed <= everything
        seen |= actions
    assert {
        "ec2:DescribeVpcEndpointServiceConfigurations",
        "ec2:DescribeNetworkInterfaces",
        "organizations:ListAccounts",
    } <= seen
