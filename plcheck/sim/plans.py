"""Terraform plans for the simulated world, in the shape ``terraform show -json`` emits."""

from __future__ import annotations

from typing import Any

from plcheck.sim.scenarios import AzMismatchScenario


def resource_change(
    address: str,
    kind: str,
    after: dict[str, Any],
    unknown: dict[str, Any],
    *,
    name: str | None = None,
    index: int | str | None = None,
    module_address: str | None = None,
    sensitive: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One ``resource_changes`` entry that creates a managed AWS resource.

    As ``terraform show -json`` (format 1.2) writes it; ``unknown`` is its ``after_unknown``.
    """
    change: dict[str, Any] = {
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": name or address.rsplit(".", 1)[-1].split("[", 1)[0],
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": ["create"],
            "before": None,
            "after": after,
            "after_unknown": unknown,
            "before_sensitive": False,
            "after_sensitive": sensitive or {},
        },
    }
    if index is not None:
        change["index"] = index
    if module_address:
        change["module_address"] = module_address
    return change


def _change(address: str, kind: str, after: dict[str, Any], unknown: dict[str, Any]) -> Any:
    return resource_change(address, kind, after, unknown)


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
    without_groups = {k: v for k, v in endpoint.items() if k != "security_group_ids"}
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
                {**without_groups, "private_dns_enabled": True},
                {"id": True, "subnet_ids": True, "security_group_ids": True},
            ),
            # An endpoint to an AWS service (clients use HTTPS, 443) with the later group.
            _change(
                "aws_vpc_endpoint.sqs",
                "aws_vpc_endpoint",
                {
                    **without_groups,
                    "service_name": f"com.amazonaws.{scenario.region}.sqs",
                    "subnet_ids": [supported],
                },
                {"id": True, "security_group_ids": True},
            ),
            # The later group admits HTTP only: the SQS endpoint's HTTPS clients time out.
            # (The burrito service's client port is its NLB's listener, not in this plan:
            # endpoint-security-groups skips aws_vpc_endpoint.later and .burrito.)
            _change(
                "aws_security_group.later",
                "aws_security_group",
                # As terraform show -json has a group created without inline blocks:
                # ingress/egress (Optional+Computed) wholly unknown, absent from after.
                {"name": "later-endpoint", "vpc_id": scenario.consumer_vpc_id},
                {"id": True, "arn": True, "ingress": True, "egress": True},
            ),
            _change(
                "aws_vpc_security_group_ingress_rule.later_http",
                "aws_vpc_security_group_ingress_rule",
                {
                    "ip_protocol": "tcp",
                    "from_port": 80,
                    "to_port": 80,
                    "cidr_ipv4": "10.1.0.0/16",
                },
                {"id": True, "security_group_id": True},
            ),
            # A private zone named exactly the service's private DNS name, associated with
            # the consumer VPC: AWS refuses private DNS on aws_vpc_endpoint.later
            # (ConflictingDomainExists). A parent zone would coexist.
            _change(
                "aws_route53_zone.burrito",
                "aws_route53_zone",
                {
                    "name": scenario.private_dns_name,
                    "vpc": [{"vpc_id": scenario.consumer_vpc_id, "vpc_region": scenario.region}],
                },
                {"id": True, "zone_id": True},
            ),
            # A FORWARD rule for the service's private DNS name, associated with the consumer
            # VPC: Resolver sends aws_vpc_endpoint.later's name to the on-premises servers,
            # past the endpoint's private zone (resolver-rules fails).
            _change(
                "aws_route53_resolver_rule.corp",
                "aws_route53_resolver_rule",
                {
                    "domain_name": scenario.private_dns_name,
                    "rule_type": "FORWARD",
                    "target_ip": [{"ip": "10.99.0.53", "port": 53, "protocol": "Do53"}],
                },
                {"id": True, "arn": True, "resolver_endpoint_id": True},
            ),
            _change(
                "aws_route53_resolver_rule_association.corp",
                "aws_route53_resolver_rule_association",
                {"vpc_id": scenario.consumer_vpc_id},
                {"id": True, "resolver_rule_id": True},
            ),
        ],
        "configuration": {
            "root_module": {
                "resources": [
                    {
                        **_config("aws_security_group.later", {}),
                        "expressions": {
                            "name": {"constant_value": "later-endpoint"},
                            "vpc_id": {"constant_value": scenario.consumer_vpc_id},
                        },
                    },
                    _config(
                        "aws_vpc_endpoint.later",
                        {"security_group_ids": ["aws_security_group.later.id"]},
                    ),
                    _config(
                        "aws_vpc_endpoint.sqs",
                        {"security_group_ids": ["aws_security_group.later.id"]},
                    ),
                    _config(
                        "aws_vpc_security_group_ingress_rule.later_http",
                        {"security_group_id": ["aws_security_group.later.id"]},
                    ),
                    _config(
                        "aws_route53_resolver_rule_association.corp",
                        {"resolver_rule_id": ["aws_route53_resolver_rule.corp.id"]},
                    ),
                ]
            }
        },
    }


def _config(address: str, references: dict[str, list[str]]) -> dict[str, Any]:
    """A configuration resource whose attributes reference others (``aws_x.y.id``)."""
    kind, name = address.split(".", 1)
    return {
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": name,
        "provider_config_key": "aws",
        "expressions": {
            attribute: {"references": [*refs, *(r.rsplit(".", 1)[0] for r in refs)]}
            for attribute, refs in references.items()
        },
    }


def aliased_module_plan(scenario: AzMismatchScenario) -> dict[str, Any]:
    """Both sides in one apply, each through its own aliased provider.

    ``module "pl" { for_each = toset(["burrito", "tacos"]); providers = { aws = aws.consumer } }``
    creates one interface endpoint per key in the consumer account; the root module's
    ``aws_vpc_endpoint_service.tortilla`` is created through ``aws.provider`` in the
    provider account. As the documented format says, the module's resources point at the
    original provider block (``aws.consumer``), not at ``module.pl:aws``. The plan also
    holds :func:`linked_plan`'s service and endpoint, the endpoint in the consumer's
    us-east-1a (use1-az4), a zone the planned NLB lacks.
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
        {
            "acceptance_required": True,
            "network_load_balancer_arns": [scenario.nlb_arn],
            "supported_regions": [scenario.region],
        },
        {"id": True, "service_name": True},
    )
    # The consumer account allowed on the new service: its endpoints can connect.
    principal = _change(
        "aws_vpc_endpoint_service_allowed_principal.consumer",
        "aws_vpc_endpoint_service_allowed_principal",
        {"principal_arn": f"arn:aws:iam::{scenario.consumer_account}:root"},
        {"id": True, "vpc_endpoint_service_id": True},
    )
    region = {"region": {"constant_value": scenario.region}}
    # And a link wholly in the plan, whose endpoint's zone the planned NLB lacks (link-zones).
    linked = linked_plan(scenario, consumer_zone="a")
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": [*changes, service, principal, *linked["resource_changes"]],
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
                    },
                    {
                        **_config(
                            "aws_vpc_endpoint_service_allowed_principal.consumer",
                            {"vpc_endpoint_service_id": ["aws_vpc_endpoint_service.tortilla.id"]},
                        ),
                        "provider_config_key": "aws.provider",
                    },
                    *linked["configuration"]["root_module"]["resources"],
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


def _instance(
    address: str, kind: str, key: str, after: dict[str, Any], unknown: dict[str, Any]
) -> Any:
    """A ``for_each`` instance's change (``aws_subnet.nlb["a"]``)."""
    change = _change(f'{address}["{key}"]', kind, after, unknown)
    change.update(name=address.split(".", 1)[1], index=key)
    return change


def _aliased(address: str, alias: str, references: dict[str, list[str]]) -> dict[str, Any]:
    return {**_config(address, references), "provider_config_key": f"aws.{alias}"}


def linked_plan(
    scenario: AzMismatchScenario,
    *,
    consumer_zone: str = "b",
    principal: str | None = None,
    private_dns: bool | None = False,
) -> dict[str, Any]:
    """A service and an endpoint to it in one apply, in two accounts (``salsa``).

    Through ``aws.provider``: ``aws_lb.salsa`` (network, TCP:443) in two planned subnets
    of the provider's VPC, by zone NAME (the provider's us-east-1a and 1b: use1-az1 and
    use1-az2), behind ``aws_vpc_endpoint_service.salsa``, which allows ``principal``
    (default: the consumer account). Through ``aws.consumer``: ``aws_vpc_endpoint.salsa``,
    whose ``service_name`` is the planned service's, in a planned subnet in the consumer's
    ``us-east-1{consumer_zone}``: 1b is use1-az1 (a zone of the NLB); 1a is use1-az4,
    which the NLB lacks although the provider also has a zone named us-east-1a.
    ``private_dns=None`` leaves ``private_dns_enabled`` to apply.
    """
    region = {"region": {"constant_value": scenario.region}}
    subnets = [
        _instance(
            "aws_subnet.nlb",
            "aws_subnet",
            zone,
            {
                "vpc_id": scenario.provider_vpc_id,
                "availability_zone": f"{scenario.region}{zone}",
                "cidr_block": cidr,
            },
            {"id": True, "availability_zone_id": True},
        )
        for zone, cidr in (("a", "10.0.11.0/24"), ("b", "10.0.12.0/24"))
    ]
    endpoint: dict[str, Any] = {
        "vpc_endpoint_type": "Interface",
        "vpc_id": scenario.consumer_vpc_id,
        "security_group_ids": [scenario.consumer_security_group_id],
    }
    unknown: dict[str, Any] = {"id": True, "service_name": True, "subnet_ids": True}
    if private_dns is None:
        unknown["private_dns_enabled"] = True
    else:
        endpoint["private_dns_enabled"] = private_dns
    changes = [
        *subnets,
        _change(
            "aws_lb.salsa",
            "aws_lb",
            {"name": "salsa-nlb", "load_balancer_type": "network", "internal": True},
            {"id": True, "arn": True, "subnets": True},
        ),
        _change(
            "aws_lb_listener.salsa",
            "aws_lb_listener",
            {"port": 443, "protocol": "TCP", "default_action": []},
            {"id": True, "load_balancer_arn": True},
        ),
        _change(
            "aws_vpc_endpoint_service.salsa",
            "aws_vpc_endpoint_service",
            {
                "acceptance_required": False,
                "allowed_principals": [
                    principal or f"arn:aws:iam::{scenario.consumer_account}:root"
                ],
                "supported_regions": [scenario.region],
            },
            {"id": True, "service_name": True, "network_load_balancer_arns": True},
        ),
        _change(
            "aws_subnet.salsa",
            "aws_subnet",
            {
                "vpc_id": scenario.consumer_vpc_id,
                "availability_zone": f"{scenario.region}{consumer_zone}",
                "cidr_block": "10.1.21.0/24",
            },
            {"id": True, "availability_zone_id": True},
        ),
        _change("aws_vpc_endpoint.salsa", "aws_vpc_endpoint", endpoint, unknown),
    ]
    resources = [
        _aliased("aws_subnet.nlb", "provider", {}),
        _aliased("aws_lb.salsa", "provider", {"subnets": ["aws_subnet.nlb.id"]}),
        _aliased("aws_lb_listener.salsa", "provider", {"load_balancer_arn": ["aws_lb.salsa.arn"]}),
        _aliased(
            "aws_vpc_endpoint_service.salsa",
            "provider",
            {"network_load_balancer_arns": ["aws_lb.salsa.arn"]},
        ),
        _aliased("aws_subnet.salsa", "consumer", {}),
        _aliased(
            "aws_vpc_endpoint.salsa",
            "consumer",
            {
                "service_name": ["aws_vpc_endpoint_service.salsa.service_name"],
                "subnet_ids": ["aws_subnet.salsa.id"],
            },
        ),
    ]
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": changes,
        "configuration": {
            "provider_config": {
                "aws.consumer": {"name": "aws", "alias": "consumer", "expressions": region},
                "aws.provider": {"name": "aws", "alias": "provider", "expressions": region},
            },
            "root_module": {"resources": resources},
        },
    }
