"""The provider side of a plan: endpoint services, their principals, load balancers.

One frozen dataclass per type, as in :mod:`plcheck.gate.tf_consumer`. Defaults follow
the AWS provider's documentation, e.g. ``aws_lb.enable_cross_zone_load_balancing``
is false for network load balancers and ``load_balancer_type`` defaults to application
(https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lb).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plcheck.gate.tf_common import PlannedResource, Reader, one
from plcheck.gate.tf_values import Attrs, Planned, Unknown


@dataclass(frozen=True, kw_only=True, slots=True)
class PlannedService(PlannedResource):
    """An ``aws_vpc_endpoint_service`` that the plan creates or updates."""

    load_balancer_arns: Planned[tuple[str, ...]]
    """``network_load_balancer_arns``."""
    private_dns_name: Planned[str] = ""
    acceptance_required: Planned[bool] = False
    supported_regions: Planned[tuple[str, ...]] = ()
    supported_ip_address_types: Planned[tuple[str, ...]] = ()
    allowed_principals: Planned[tuple[str, ...]] = ()
    """The service's own ``allowed_principals`` (beside the principal resources)."""

    @property
    def service_id(self) -> str | None:
        """The existing service's ID for updates (compatibility name)."""
        return self.existing_id


@dataclass(frozen=True, kw_only=True, slots=True)
class PlannedAllowedPrincipal(PlannedResource):
    """An ``aws_vpc_endpoint_service_allowed_principal``."""

    vpc_endpoint_service_id: Planned[str]
    principal_arn: Planned[str]


@dataclass(frozen=True, slots=True)
class SubnetMapping:
    """A ``subnet_mapping`` block of a load balancer."""

    subnet_id: Planned[str]
    private_ipv4_address: Planned[str]


@dataclass(frozen=True, kw_only=True, slots=True)
class PlannedLoadBalancer(PlannedResource):
    """An ``aws_lb`` (``load_balancer_type`` says whether it is a network load balancer)."""

    lb_type: Planned[str]
    """``load_balancer_type`` (default ``application``)."""
    internal: Planned[bool]
    subnets: Planned[tuple[str, ...]]
    subnet_mapping: Planned[tuple[SubnetMapping, ...]]
    security_groups: Planned[tuple[str, ...]]
    enforce_sg_on_privatelink: Planned[str]
    """``enforce_security_group_inbound_rules_on_private_link_traffic``: on, off or ""."""
    cross_zone: Planned[bool]
    """``enable_cross_zone_load_balancing``."""


@dataclass(frozen=True, kw_only=True, slots=True)
class PlannedListener(PlannedResource):
    """An ``aws_lb_listener``."""

    load_balancer_arn: Planned[str]
    port: Planned[int | None]
    protocol: Planned[str]
    target_group_arns: tuple[Planned[str], ...]
    """Each ``default_action``'s target group (``forward`` blocks included)."""


@dataclass(frozen=True, slots=True)
class HealthCheck:
    """A target group's ``health_check`` block."""

    enabled: Planned[bool]
    port: Planned[str]
    """``traffic-port`` or a number, as in the provider."""
    protocol: Planned[str]
    path: Planned[str]


@dataclass(frozen=True, kw_only=True, slots=True)
class PlannedTargetGroup(PlannedResource):
    """An ``aws_lb_target_group``."""

    port: Planned[int | None]
    protocol: Planned[str]
    target_type: Planned[str]
    proxy_protocol_v2: Planned[bool]
    health_check: Planned[HealthCheck | None]


# -- readers ----------------------------------------------------------------------------------


def read_service(a: Attrs, common: Mapping[str, Any]) -> PlannedService:
    return PlannedService(
        **common,
        load_balancer_arns=a.strings("network_load_balancer_arns"),
        private_dns_name=a.text("private_dns_name"),
        acceptance_required=a.flag("acceptance_required", default=False),
        supported_regions=a.strings("supported_regions"),
        supported_ip_address_types=a.strings("supported_ip_address_types"),
        allowed_principals=a.strings("allowed_principals"),
    )


def read_allowed_principal(a: Attrs, common: Mapping[str, Any]) -> PlannedAllowedPrincipal:
    return PlannedAllowedPrincipal(
        **common,
        vpc_endpoint_service_id=a.text("vpc_endpoint_service_id"),
        principal_arn=a.text("principal_arn"),
    )


def read_load_balancer(a: Attrs, common: Mapping[str, Any]) -> PlannedLoadBalancer:
    return PlannedLoadBalancer(
        **common,
        lb_type=a.text("load_balancer_type", "application"),
        internal=a.flag("internal", default=False),
        subnets=a.strings("subnets"),
        subnet_mapping=a.blocks(
            "subnet_mapping",
            lambda m: SubnetMapping(m.text("subnet_id"), m.text("private_ipv4_address")),
        ),
        security_groups=a.strings("security_groups"),
        enforce_sg_on_privatelink=a.text(
            "enforce_security_group_inbound_rules_on_private_link_traffic"
        ),
        cross_zone=a.flag("enable_cross_zone_load_balancing", default=False),
    )


def _action_groups(a: Attrs) -> tuple[Planned[str], ...]:
    groups: list[Planned[str]] = []
    direct = a.text("target_group_arn")
    if isinstance(direct, Unknown) or direct:
        groups.append(direct)
    forwards = a.blocks("forward", lambda f: f.blocks("target_group", lambda t: t.text("arn")))
    if isinstance(forwards, Unknown):
        groups.append(forwards)
    else:
        for forward in forwards:
            if isinstance(forward, Unknown):
                groups.append(forward)
            else:
                groups.extend(forward)
    return tuple(groups)


def read_listener(a: Attrs, common: Mapping[str, Any]) -> PlannedListener:
    actions = a.blocks("default_action", _action_groups)
    arns: tuple[Planned[str], ...] = (
        (actions,) if isinstance(actions, Unknown) else tuple(g for x in actions for g in x)
    )
    return PlannedListener(
        **common,
        load_balancer_arn=a.text("load_balancer_arn"),
        port=a.number("port"),
        protocol=a.text("protocol"),
        target_group_arns=tuple(dict.fromkeys(arns)),
    )


def _health_check(a: Attrs) -> HealthCheck:
    return HealthCheck(
        enabled=a.flag("enabled", default=True),
        port=a.text("port", "traffic-port"),
        protocol=a.text("protocol"),
        path=a.text("path"),
    )


def read_target_group(a: Attrs, common: Mapping[str, Any]) -> PlannedTargetGroup:
    return PlannedTargetGroup(
        **common,
        port=a.number("port"),
        protocol=a.text("protocol"),
        target_type=a.text("target_type", "instance"),
        proxy_protocol_v2=a.flag("proxy_protocol_v2", default=False),
        health_check=one(a.blocks("health_check", _health_check)),
    )


#: The managed resource types read here, and how.
PROVIDER_READERS: dict[str, Reader] = {
    "aws_vpc_endpoint_service": read_service,
    "aws_vpc_endpoint_service_allowed_principal": read_allowed_principal,
    "aws_lb": read_load_balancer,
    "aws_alb": read_load_balancer,
    "aws_lb_listener": read_listener,
    "aws_alb_listener": read_listener,
    "aws_lb_target_group": read_target_group,
    "aws_alb_target_group": read_target_group,
}
