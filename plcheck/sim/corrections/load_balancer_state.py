"""Load balancers are not always active."""

from __future__ import annotations

from typing import Any
from unittest import mock

from plcheck.sim.corrections._base import Correction, Patch
from plcheck.sim.corrections._state import SimState


def _patches(state: SimState) -> list[Patch]:
    """A load balancer's state is what AWS says it is.

    moto creates a load balancer ``provisioning`` and makes every one in the
    account ``active`` on the next DescribeLoadBalancers, without a
    ``Reason``. AWS reports ``LoadBalancerState`` ``Code`` (active |
    provisioning | active_impaired | failed) and a ``Reason``. Here moto's
    provisioning -> active step is kept for load balancers nobody set; the
    world's ``set_load_balancer_state`` knob pins a state and reason.
    """
    from moto.elbv2.models import FakeLoadBalancer

    orig_activate = FakeLoadBalancer.activate

    def activate(self: Any) -> None:
        if not self.__dict__.get("_plcheck_state_pinned"):
            orig_activate(self)

    def load_balancer_state(self: Any) -> dict[str, str]:
        described = {"Code": str(self.state)}
        reason = self.__dict__.get("_plcheck_state_reason")
        if reason:
            described["Reason"] = str(reason)
        return described

    return [
        mock.patch.object(FakeLoadBalancer, "activate", activate),
        mock.patch.object(FakeLoadBalancer, "load_balancer_state", property(load_balancer_state)),
    ]


CORRECTION = Correction(
    id="load-balancer-state",
    moto="makes every load balancer active on the first DescribeLoadBalancers, with no Reason",
    aws="reports active, provisioning, active_impaired or failed, with a Reason",
    docs_url=(
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerState.html"
    ),
    patches=_patches,
)
