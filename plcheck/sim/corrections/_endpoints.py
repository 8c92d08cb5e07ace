"""Interface endpoints to customer services, shared by the endpoint corrections."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from plcheck.sim.corrections._moto import existing_backends


def endpoint_service(endpoint: Any) -> Any:
    """The service configuration an endpoint connects to (None for moto's own endpoints)."""
    return endpoint.__dict__.get("_plcheck_service")


def service_endpoints(config: Any) -> list[Any]:
    """Endpoints, in any account and region, connected to ``config``."""
    return [
        endpoint
        for backend in existing_backends("ec2")
        for endpoint in list(backend.vpc_end_points.values())
        if endpoint_service(endpoint) is config
    ]


def settling(endpoints: Iterable[Any]) -> list[Any]:
    """Accepted endpoints still ``pending``: the read that reports them completes them."""
    return [e for e in endpoints if e.state == "pending" and e.__dict__.get("_plcheck_settling")]


def settle(endpoints: Iterable[Any]) -> None:
    """``pending`` -> ``available`` once a read has reported ``pending``."""
    for endpoint in endpoints:
        if endpoint.state == "pending":
            endpoint.state = "available"
        endpoint._plcheck_settling = False
