"""Reading ``terraform show -json`` output (pure: no AWS)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plcheck.errors import UsageError
from plcheck.gate.terraform import Unknown, load, parse

DATA = Path(__file__).parent / "data"


def test_known_values_and_other_endpoint_types() -> None:
    plan = load(DATA / "plan_known.json")
    assert plan.format_version == "1.2"
    assert plan.region == "us-east-1"
    (endpoint,) = plan.endpoints
    assert endpoint.address == "aws_vpc_endpoint.burrito"
    assert endpoint.actions == ("create",)
    assert endpoint.endpoint_id is None
    assert endpoint.subnet_ids == ("@UNSUPPORTED_SUBNET@", "@SUPPORTED_SUBNET@")
    assert endpoint.private_dns_enabled is True
    assert endpoint.vpc_id == "@CONSUMER_VPC@"
    assert plan.skipped == (("aws_vpc_endpoint.s3", "a Gateway endpoint, not Interface"),)


def test_resources_of_a_class_are_collected_once() -> None:
    # Judging asks for them once per endpoint: a pass over every resource each time made a
    # 20,000-endpoint plan quadratic.
    plan = load(DATA / "plan_known.json")
    assert plan.endpoints is plan.endpoints
    assert plan.endpoints == tuple(r for r in plan.resources if r in plan.endpoints)


def test_unknown_values_keep_their_references() -> None:
    plan = load(DATA / "plan_unknown.json")
    burrito, spare, tacos = plan.endpoints
    assert isinstance(burrito.subnet_ids, Unknown)
    # A bare reference to a for_each resource means each of its planned instances.
    assert burrito.subnet_ids.resources == ('aws_subnet.private["a"]', 'aws_subnet.private["b"]')
    assert isinstance(burrito.vpc_id, Unknown)
    assert burrito.vpc_id.resources == ("aws_vpc.main",)
    assert [s.address for s in plan.subnet("aws_subnet.private")] == [
        'aws_subnet.private["a"]',
        'aws_subnet.private["b"]',
    ]
    a, b = plan.subnet("aws_subnet.private")
    assert (a.zone_name, a.zone_id) == ("us-east-1a", Unknown("availability_zone_id"))
    assert (b.zone_name, b.zone_id) == (Unknown("availability_zone"), "use1-az1")
    assert isinstance(spare.private_dns_enabled, Unknown)
    assert spare.private_dns_enabled.references == ("var.private_dns",)
    assert isinstance(tacos.service_name, Unknown)
    (service,) = plan.services
    assert service.address == "module.tacos.aws_vpc_endpoint_service.tacos"
    assert service.load_balancer_arns == ("@NLB_ARN@",)
    (main,) = plan.vpcs
    assert (main.dns_support, main.dns_hostnames) == (True, False)
    assert ("aws_vpc_endpoint.old", "deleted by this plan") in plan.skipped


def test_module_references_are_qualified() -> None:
    data = {
        "format_version": "1.0",
        "resource_changes": [
            {
                "address": "module.net.aws_vpc_endpoint.x",
                "module_address": "module.net",
                "mode": "managed",
                "type": "aws_vpc_endpoint",
                "name": "x",
                "change": {
                    "actions": ["create"],
                    "after": {"vpc_endpoint_type": "Interface", "service_name": "s"},
                    "after_unknown": {"subnet_ids": True, "vpc_id": True},
                },
            }
        ],
        "configuration": {
            "root_module": {
                "module_calls": {
                    "net": {
                        "module": {
                            "resources": [
                                {
                                    "address": "aws_vpc_endpoint.x",
                                    "expressions": {
                                        "subnet_ids": {"references": ["aws_subnet.a.id"]},
                                        "vpc_id": {"references": ["var.vpc_id"]},
                                    },
                                }
                            ]
                        }
                    }
                }
            }
        },
    }
    (endpoint,) = parse(data, Path("p.json")).endpoints
    assert isinstance(endpoint.subnet_ids, Unknown)
    assert endpoint.subnet_ids.resources == ("module.net.aws_subnet.a",)
    assert isinstance(endpoint.vpc_id, Unknown)
    assert endpoint.vpc_id.resources == ()
    assert endpoint.vpc_id.describe() == "vpc_id (from var.vpc_id)"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("not json", "p.json:1: not JSON"),
        ("[]", "no format_version"),
        (
            '{"format_version": "2.0", "resource_changes": []}',
            "unsupported plan format_version 2.0",
        ),
        ('{"format_version": "1.0", "values": {}}', "looks like state, not a plan"),
    ],
)
def test_not_a_plan_is_a_usage_error(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "p.json"
    path.write_text(content)
    with pytest.raises(UsageError) as caught:
        load(path)
    assert problem in str(caught.value)
    with pytest.raises(UsageError, match="no such plan file"):
        load(tmp_path / "none.json")


def test_data_files_are_json() -> None:
    for path in DATA.glob("*.json"):
        json.loads(path.read_text())
