"""Security groups of Network Load Balancers, and PrivateLink enforcement."""

from __future__ import annotations

from typing import Any
from unittest import mock

from plcheck.sim.corrections._base import Correction, Patch
from plcheck.sim.corrections._state import SimState


def _patches(state: SimState) -> list[Patch]:
    """NLB security groups and PrivateLink enforcement.

    AWS's SetSecurityGroups takes and returns
    ``EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic`` (``on`` by default
    for an NLB with security groups) and returns ``SecurityGroupIds``;
    DescribeLoadBalancers shows the setting. moto ignores it.

    AWS also refuses SetSecurityGroups on a Network Load Balancer created
    without a security group ("You can't perform this operation on a Network
    Load Balancer unless you specified a security group for the load balancer
    when you created it") and on a Gateway Load Balancer, with the documented
    error ``InvalidConfigurationRequest``; moto lets both through.
    """
    from moto.elbv2.exceptions import InvalidConfigurationRequest
    from moto.elbv2.models import FakeLoadBalancer
    from moto.elbv2.responses import ELBV2Response

    orig_init = FakeLoadBalancer.__init__
    orig_set = ELBV2Response.set_security_groups

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        orig_init(self, *args, **kwargs)
        self._plcheck_created_with_sgs = bool(self.security_groups)

    def enforce(self: Any) -> str | None:
        if self.type != "network" or not self.security_groups:
            return None
        return str(self.__dict__.get("_plcheck_enforce_sg", "on"))

    def set_security_groups(self: Any) -> Any:
        from moto.core.responses import ActionResult

        balancer = self.elbv2_backend.load_balancers.get(self._get_param("LoadBalancerArn"))
        if balancer is not None and balancer.type == "gateway":
            raise InvalidConfigurationRequest(
                "You can't associate a security group with a Gateway Load Balancer."
            )
        if (
            balancer is not None
            and balancer.type == "network"
            and not balancer.__dict__.get("_plcheck_created_with_sgs", True)
        ):
            raise InvalidConfigurationRequest(
                "You can't set security groups on a Network Load Balancer that was created "
                "without security groups."
            )
        orig_set(self)
        setting = self._get_param("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic")
        if setting:
            balancer._plcheck_enforce_sg = setting
        result: dict[str, Any] = {"SecurityGroupIds": list(balancer.security_groups)}
        value = enforce(balancer)
        if value is not None:
            result["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] = value
        return ActionResult(result)

    return [
        mock.patch.object(FakeLoadBalancer, "__init__", init),
        mock.patch.object(
            FakeLoadBalancer,
            "enforce_security_group_inbound_rules_on_private_link_traffic",
            property(enforce),
            create=True,
        ),
        mock.patch.object(ELBV2Response, "set_security_groups", set_security_groups),
    ]


CORRECTION = Correction(
    id="nlb-security-groups",
    moto=(
        "ignores EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic and lets "
        "SetSecurityGroups add groups to any load balancer"
    ),
    aws=(
        "returns and shows the enforcement setting (on by default), and refuses "
        "SetSecurityGroups on an NLB created without security groups"
    ),
    docs_url=(
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetSecurityGroups.html"
    ),
    patches=_patches,
)
