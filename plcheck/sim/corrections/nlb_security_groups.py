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
    """
    from moto.elbv2.models import FakeLoadBalancer
    from moto.elbv2.responses import ELBV2Response

    orig_set = ELBV2Response.set_security_groups

    def enforce(self: Any) -> str | None:
        if self.type != "network" or not self.security_groups:
            return None
        return str(self.__dict__.get("_plcheck_enforce_sg", "on"))

    def set_security_groups(self: Any) -> Any:
        from moto.core.responses import ActionResult

        orig_set(self)
        balancer = self.elbv2_backend.load_balancers.get(self._get_param("LoadBalancerArn"))
        setting = self._get_param("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic")
        if setting:
            balancer._plcheck_enforce_sg = setting
        result: dict[str, Any] = {"SecurityGroupIds": list(balancer.security_groups)}
        value = enforce(balancer)
        if value is not None:
            result["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] = value
        return ActionResult(result)

    return [
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
