"""Endpoint services as the corrections see them: home, zones, visibility."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from plcheck.sim.corrections._moto import existing_backend, existing_backends, random_lower_alnum
from plcheck.sim.corrections._state import SimState


def service_configs(region: str | None = None) -> Iterator[Any]:
    """Every VPC endpoint service configuration, in any account (and ``region``)."""
    for backend in existing_backends("ec2"):
        if region is None or backend.region_name == region:
            yield from list(backend.configurations.values())


def service_visible_to(config: Any, account_id: str, principals: set[str]) -> bool:
    """AWS: the owner, ``*``, the account's root ARN, or the caller's own ARN."""
    if config.ec2_backend.account_id == account_id:
        return True
    allowed = set(config.principals)
    return "*" in allowed or bool(allowed & principals)


def service_home(config: Any) -> str:
    return str(config.ec2_backend.region_name)


def service_load_balancers(config: Any) -> list[Any]:
    backend = existing_backend("elbv2", config.ec2_backend.account_id, service_home(config))
    if backend is None:
        return []
    arns = [*config.network_load_balancer_arns, *config.gateway_load_balancer_arns]
    return [lb for arn in arns if (lb := backend.load_balancers.get(arn)) is not None]


def service_zone_ids(config: Any) -> list[str]:
    """Physical zones of a service: those of its load balancers' subnets."""
    if "ec2_backend" not in config.__dict__:
        return []
    ids = {
        subnet.availability_zone_id
        for lb in service_load_balancers(config)
        for subnet in lb.subnets
    }
    return sorted(ids, key=lambda i: (len(i), i))


def zone_names_for(
    state: SimState, account_id: str, region: str, zone_ids: Sequence[str]
) -> list[str]:
    """Names ``account_id`` sees for ``zone_ids``."""
    by_id = {zone_id: name for name, zone_id in state.zone_mapping(account_id, region).items()}
    return sorted(by_id[i] for i in zone_ids if i in by_id)


def supported_regions(config: Any) -> list[str]:
    regions = [service_home(config)]
    regions.extend(r for r in config._supported_region_names if r not in regions)
    return regions


def reset_dns_verification(config: Any) -> None:
    """A new private DNS name starts unverified, with a fresh TXT record to publish."""
    config._plcheck_dns_state = "pendingVerification"
    config._plcheck_dns_txt_name = "_" + random_lower_alnum(20)
    config._plcheck_dns_txt_value = "vpce:" + random_lower_alnum(20)
