"""Terraform plans for the simulated world, in the shape ``terraform show -json`` emits."""

from __future__ import annotations

from typing import Any

from plcheck.sim.scenarios import AzMismatchScenario


def _change(address: str, kind: str, after: dict[str, Any], unknown: dict[str, Any]) -> Any:
    name = address.rsplit(".", 1)[-1]
    return {
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": name,
        "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown},
    }


def demo_plan(scenario: AzMismatchScenario) -> dict[str, Any]:
    """The consumer's plan of the AZ-mismatch story, before apply.

    ``aws_vpc_endpoint.burrito`` names a subnet in each of two zones by ID; one is in a
    zone the provider's NLB lacks. ``aws_vpc_endpoint.later`` sits in a subnet the same
    plan creates, whose zone Terraform knows only after apply, and asks for private DNS.
    """
    supported = scenario.supported_consumer_subnet_ids[0]
    unsupported = scenario.unsupported_consumer_subnet_ids[0]
    endpoint = {
        "service_name": scenario.service_name,
        "vpc_endpoint_type": "Interface",
        "vpc_id": scenario.consumer_vpc_id,
        "private_dns_enabled": False,
        "security_group_ids": [scenario.consumer_security_group_id],
    }
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": {"resources": []}},
        "resource_changes": [
            _change(
                "aws_vpc_endpoint.burrito",
                "aws_vpc_endpoint",
                {**endpoint, "subnet_ids": [supported, unsupported]},
                {"id": True, "dns_entry": True, "network_interface_ids": True},
            ),
            _change(
                "aws_subnet.later",
                "aws_subnet",
                {"vpc_id": scenario.consumer_vpc_id, "cidr_block": "10.1.9.0/24"},
                {"id": True, "availability_zone": True, "availability_zone_id": True},
            ),
            _change(
                "aws_vpc_endpoint.later",
                "aws_vpc_endpoint",
                {**endpoint, "private_dns_enabled": True},
                {"id": True, "subnet_ids": True},
            ),
        ],
    }


def aliased_module_plan(scenario: AzMismatchScenario) -> dict[str, Any]:
    """Both sides in one apply, each through its own aliased provider.

    ``module "pl" { for_each = toset(["burrito", "tacos"]); providers = { aws = aws.consumer } }``
    creates one interface endpoint per key in the consumer account; the root module's
    ``aws_vpc_endpoint_service.tortilla`` is created through ``aws.provider`` in the
    provider account. As the documented format says, the module's resources point at the
    original provider block (``aws.consumer``), not at ``module.pl:aws``.
    """
    supported = scenario.supported_consumer_subnet_ids[0]
    unsupported = scenario.unsupported_consumer_subnet_ids[0]
    changes = []
    for key, subnets in (("burrito", [supported, unsupported]), ("tacos", [supported])):
        change = _change(
            f'module.pl["{key}"].aws_vpc_endpoint.this',
            "aws_vpc_endpoint",
            {
                "service_name": scenario.service_name,
                "vpc_endpoint_type": "Interface",
                "vpc_id": scenario.consumer_vpc_id,
                "private_dns_enabled": False,
                "subnet_ids": subnets,
                "security_group_ids": [scenario.consumer_security_group_id],
            },
            {"id": True, "dns_entry": True},
        )
        change.update(module_address=f'module.pl["{key}"]', name="this")
        changes.append(change)
    service = _change(
        "aws_vpc_endpoint_service.tortilla",
        "aws_vpc_endpoint_service",
        {"acceptance_required": True, "network_load_balancer_arns": [scenario.nlb_arn]},
        {"id": True, "service_name": True},
    )
    region = {"region": {"constant_value": scenario.region}}
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": [*changes, service],
        "configuration": {
            "provider_config": {
                "aws.consumer": {"name": "aws", "alias": "consumer", "expressions": region},
                "aws.provider": {"name": "aws", "alias": "provider", "expressions": region},
            },
            "root_module": {
                "resources": [
                    {
                        "address": "aws_vpc_endpoint_service.tortilla",
                        "mode": "managed",
                        "type": "aws_vpc_endpoint_service",
                        "name": "tortilla",
                        "provider_config_key": "aws.provider",
                        "expressions": {},
                    }
                ],
                "module_calls": {
                    "pl": {
                        "source": "./modules/pl",
                        "for_each_expression": {"constant_value": ["burrito", "tacos"]},
                        "module": {
                            "resources": [
                                {
                                    "address": "aws_vpc_endpoint.this",
                                    "mode": "managed",
                                    "type": "aws_vpc_endpoint",
                                    "name": "this",
                                    "provider_config_key": "aws.consumer",
                                    "expressions": {},
                                }
                            ]
                        },
                    }
                },
            },
        },
    }
