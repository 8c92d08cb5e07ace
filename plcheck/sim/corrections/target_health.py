"""Targets are not always healthy."""

from __future__ import annotations

from typing import Any
from unittest import mock

from plcheck.sim.corrections._base import Correction, Patch
from plcheck.sim.corrections._state import SimState


def _patches(state: SimState) -> list[Patch]:
    """Targets are not always healthy.

    moto reports every registered target ``healthy``. AWS reports what its
    health checks find; here DescribeTargetHealth reports what the world's
    ``set_target_health`` knob set (default still ``healthy``), and echoes
    ``Target.AvailabilityZone`` when the target was registered with one.
    """
    from moto.elbv2.models import FakeHealthStatus, FakeTargetGroup

    orig_register = FakeTargetGroup.register
    orig_health_for = FakeTargetGroup.health_for

    def register(self: Any, targets: list[dict[str, Any]]) -> None:
        orig_register(self, targets)
        for target in targets:
            if target.get("AvailabilityZone"):
                self.targets[target["Id"]]["AvailabilityZone"] = target["AvailabilityZone"]

    def health_for(self: Any, target: dict[str, Any], ec2_backend: Any) -> Any:
        health: Any = orig_health_for(self, target, ec2_backend)
        registered = self.targets.get(target["Id"])
        if registered is None:
            return health
        health.availability_zone = registered.get("AvailabilityZone")
        override = state.target_health.get((self.arn, target["Id"]))
        if override is not None:
            health.status, health.reason, health.description = override
        return health

    def target(self: Any) -> dict[str, Any]:
        described: dict[str, Any] = {"Id": self.instance_id, "Port": self.port}
        zone = self.__dict__.get("availability_zone")
        if zone:
            described["AvailabilityZone"] = zone
        return described

    return [
        mock.patch.object(FakeTargetGroup, "register", register),
        mock.patch.object(FakeTargetGroup, "health_for", health_for),
        mock.patch.object(FakeHealthStatus, "target", property(target)),
    ]


CORRECTION = Correction(
    id="target-health",
    moto="reports every registered target healthy and drops Target.AvailabilityZone",
    aws=(
        "reports what its health checks find (here: the world's set_target_health knob) and "
        "echoes the target's AvailabilityZone"
    ),
    docs_url=(
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetHealth.html"
    ),
    patches=_patches,
)
