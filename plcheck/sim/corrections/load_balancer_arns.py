"""Load balancer ARNs carry their type."""

from __future__ import annotations

from typing import Any
from unittest import mock

from plcheck.sim.corrections._base import Correction, Patch
from plcheck.sim.corrections._state import SimState


def _patches(state: SimState) -> list[Patch]:
    """Load balancer ARNs carry their type.

    AWS names an NLB ``...:loadbalancer/net/<name>/<id>`` and a GWLB
    ``.../gwy/...`` (and their listeners likewise); moto uses ``app`` for all.
    """
    from moto.elbv2.models import ELBv2Backend

    orig_create = ELBv2Backend.create_load_balancer
    kinds = {"network": "net", "gateway": "gwy"}

    def create_load_balancer(self: Any, *args: Any, **kwargs: Any) -> Any:
        balancer = orig_create(self, *args, **kwargs)
        kind = kinds.get(balancer.type)
        if kind is not None and ":loadbalancer/app/" in balancer.arn:
            old_arn = balancer.arn
            tags = self.tagging_service.list_tags_for_resource(old_arn)["Tags"]
            self.tagging_service.delete_all_tags_for_resource(old_arn)
            del self.load_balancers[old_arn]
            balancer.arn = old_arn.replace(":loadbalancer/app/", f":loadbalancer/{kind}/")
            self.load_balancers[balancer.arn] = balancer
            self.tagging_service.tag_resource(balancer.arn, tags)
        return balancer

    return [mock.patch.object(ELBv2Backend, "create_load_balancer", create_load_balancer)]


CORRECTION = Correction(
    id="load-balancer-arns",
    moto="names every load balancer ...:loadbalancer/app/<name>/<id>",
    aws="names an NLB .../net/... and a GWLB .../gwy/... (and their listeners likewise)",
    docs_url=(
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html"
    ),
    patches=_patches,
)
