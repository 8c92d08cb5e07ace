"""endpoint-ip-address-type in ``plcheck plan``: the planned address types against the service.

AWS refuses a dualstack or IPv6 endpoint to a service that supports only IPv4, and one in a
subnet without an IPv6 block, when ``terraform apply`` creates it: a certain fail before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plcheck.facts.consumer import ServiceDetail, Vpc, VpcDnsAttributes
from plcheck.facts.network import Subnet
from plcheck.facts.outcome import Outcome
from plcheck.gate.terraform import parse
from plcheck.model import Finding
from plcheck.runs import planned, planned_network
from plcheck.sim.scenarios import AzMismatchScenario
from tests.gate.conftest import report
from tests.gate.test_planned_judges import CONSUMER, VPC, ZONES, change, config, plan_of

CHECK = "endpoint-ip-address-type"
SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0abc"
LIVE_SUBNET = Subnet("subnet-0a", VPC, "us-east-1a", "use1-az1", "10.0.0.0/24")


def _endpoint(**extra: Any) -> dict[str, Any]:
    return {
        "service_name": SERVICE,
        "vpc_endpoint_type": "Interface",
        "vpc_id": VPC,
        "subnet_ids": ["subnet-0a"],
        "security_group_ids": ["sg-0a"],
        "private_dns_enabled": False,
        **extra,
    }


def _judged(
    changes: list[Any], configs: list[dict[str, Any]] | None = None, supported: tuple[str, ...] = ()
) -> Finding:
    plan = plan_of(changes, configs or [])
    service = ServiceDetail(SERVICE, supported_ip_address_types=supported or ("ipv4",))
    live = planned.LiveFacts(
        CONSUMER,
        "us-east-1",
        Outcome(value=ZONES),
        Outcome(value={SERVICE: service}),
        subnets={VPC: Outcome(value=[LIVE_SUBNET])},
        dns={VPC: Outcome(value=VpcDnsAttributes(VPC, True, True))},
        network=planned_network.NetworkFacts(
            vpcs={VPC: Outcome(value=Vpc(VPC, CONSUMER, ("10.0.0.0/16",), "default"))}
        ),
    )
    found = [f for f in planned.judge(plan, live) if f.check == CHECK]
    assert found
    # Every mismatch is a finding of its own; the first is the service's.
    return found[0]


def test_an_ipv4_endpoint_to_an_ipv4_service_passes() -> None:
    found = _judged([change("aws_vpc_endpoint.api", _endpoint(ip_address_type="ipv4"))])
    assert found.status.value == "pass"
    assert found.resource == "aws_vpc_endpoint.api"
    assert found.details["address"] == "aws_vpc_endpoint.api"


def test_a_dualstack_endpoint_to_an_ipv4_only_service_fails() -> None:
    endpoint = _endpoint(
        ip_address_type="dualstack", dns_options=[{"dns_record_ip_type": "dualstack"}]
    )
    found = _judged([change("aws_vpc_endpoint.api", endpoint)])
    assert found.status.value == "fail"  # the plan asks for it: not the default's warning
    assert "aws_vpc_endpoint.api is dualstack but the service supports only ipv4" in found.message
    assert "Terraform: ip_address_type" in found.remediation
    assert found.details["ip_address_type"] == "dualstack"


def _dualstack_in_a_planned_subnet(subnet_values: dict[str, Any]) -> Any:
    """ip-address-type's finding on a dualstack endpoint in a subnet the plan creates."""
    subnet = change(
        "aws_subnet.new", {"vpc_id": VPC, "availability_zone_id": "use1-az2", **subnet_values}
    )
    endpoint = change(
        "aws_vpc_endpoint.api",
        _endpoint(subnet_ids=None, ip_address_type="dualstack"),
        {"subnet_ids": True},
    )
    configs = [config("aws_vpc_endpoint.api", subnet_ids="aws_subnet.new.id")]
    return _judged([subnet, endpoint], configs, supported=("ipv4", "ipv6"))


def test_a_dualstack_endpoint_in_a_planned_subnet_without_an_ipv6_block_fails() -> None:
    found = _dualstack_in_a_planned_subnet({"cidr_block": "10.0.1.0/24"})
    assert found.status.value == "fail"
    assert "without an IPv6 CIDR block: aws_subnet.new" in found.message
    assert "set ipv6_cidr_block on aws_subnet.new" in found.remediation


def test_a_planned_subnet_with_an_ipv6_block_passes() -> None:
    found = _dualstack_in_a_planned_subnet({"ipv6_cidr_block": "2600:1f18::/64"})
    assert found.status.value == "pass"


def test_an_ip_address_type_known_only_after_apply_is_a_skip() -> None:
    endpoint = change(
        "aws_vpc_endpoint.api", _endpoint(ip_address_type=None), {"ip_address_type": True}
    )
    configs = [config("aws_vpc_endpoint.api", ip_address_type="var.ip_type")]
    configs[0]["expressions"]["ip_address_type"] = {"references": ["data.external.ip.result"]}
    found = _judged([endpoint], configs)
    assert found.status.value == "skip"
    assert found.details["known_after_apply"] is True
    assert found.details["unknown"] == ["ip_address_type"]
    assert "ip_address_type (from data.external.ip" in found.message


def test_an_ipv6_block_known_only_after_apply_is_a_skip() -> None:
    subnet = change(
        "aws_subnet.new",
        {"vpc_id": VPC, "availability_zone_id": "use1-az2"},
        {"ipv6_cidr_block": True},
    )
    endpoint = change(
        "aws_vpc_endpoint.api",
        _endpoint(subnet_ids=None, ip_address_type="dualstack"),
        {"subnet_ids": True},
    )
    configs = [config("aws_vpc_endpoint.api", subnet_ids="aws_subnet.new.id")]
    found = _judged([subnet, endpoint], configs, supported=("ipv4", "ipv6"))
    assert found.status.value == "skip"
    assert "aws_subnet.new: ipv6_cidr_block is known only after apply" in found.message


def test_cli_a_dualstack_endpoint_to_the_simulated_ipv4_service_fails(
    scenario: AzMismatchScenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The service's SupportedIpAddressTypes come from DescribeVpcEndpointServices (moto: ipv4)."""
    from plcheck.cli import run
    from plcheck.sim.plans import demo_plan

    data = demo_plan(scenario)
    for resource in data["resource_changes"]:
        if resource["address"] == "aws_vpc_endpoint.burrito":
            resource["change"]["after"]["ip_address_type"] = "dualstack"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code = run(["plan", str(path), "--profile", scenario.consumer_profile, "--format", "json"])
    found = [f for f in report(capsys)["findings"] if f["check"] == CHECK]
    assert code == 1
    burrito = [f for f in found if f["resource"] == "aws_vpc_endpoint.burrito"]
    assert [f["status"] for f in burrito] == ["fail", "fail"]
    assert "supports only ipv4: AWS refuses it" in burrito[0]["message"]
    # Its live subnets (DescribeSubnets) have no IPv6 block either.
    assert "without an IPv6 CIDR block" in burrito[1]["message"]
    assert burrito[0]["account"] == scenario.consumer_account
    # The default (no ip_address_type) is IPv4, which the service supports.
    (sqs,) = [f for f in found if f["resource"] == "aws_vpc_endpoint.sqs"]
    assert sqs["status"] == "skip"  # moto reports no SupportedIpAddressTypes for AWS services
    assert parse(data, path).endpoints  # the plan the CLI read is the one written here


def test_a_service_is_judged_once_per_account_naming_every_vpcs_endpoints() -> None:
    """Endpoints in two VPCs of the account to one service, and one to a service it cannot
    see: one service-visible finding each, the first naming the endpoints of both VPCs."""
    other_vpc, hidden = "vpc-0fedcba9876543210", "com.amazonaws.vpce.us-east-1.vpce-svc-0dead"
    plan = plan_of(
        [
            change("aws_vpc_endpoint.a", _endpoint()),
            change("aws_vpc_endpoint.b", _endpoint(vpc_id=other_vpc, subnet_ids=["subnet-0b"])),
            change("aws_vpc_endpoint.c", _endpoint(service_name=hidden)),
        ],
        [],
    )
    live = planned.LiveFacts(
        CONSUMER,
        "us-east-1",
        Outcome(value=ZONES),
        Outcome(value={SERVICE: ServiceDetail(SERVICE, supported_ip_address_types=("ipv4",))}),
        subnets={VPC: Outcome(value=[LIVE_SUBNET]), other_vpc: Outcome(value=[])},
        dns={v: Outcome(value=VpcDnsAttributes(v, True, True)) for v in (VPC, other_vpc)},
        network=planned_network.NetworkFacts(
            vpcs={
                v: Outcome(value=Vpc(v, CONSUMER, ("10.0.0.0/16",), "default"))
                for v in (VPC, other_vpc)
            }
        ),
    )
    found = list(planned.judge(plan, live))
    visible = [f for f in found if f.check == "service-visible"]
    assert [(f.resource, f.status.value) for f in visible] == [(SERVICE, "pass"), (hidden, "fail")]
    assert visible[0].details["addresses"] == ["aws_vpc_endpoint.a", "aws_vpc_endpoint.b"]
    assert visible[1].details["addresses"] == ["aws_vpc_endpoint.c"]
    # Each VPC's findings come before its endpoints'.
    checks = [(f.check, f.details.get("address")) for f in found]
    assert checks.index(("service-visible", None)) < checks.index(
        ("endpoint-ip-address-type", "aws_vpc_endpoint.a")
    )
