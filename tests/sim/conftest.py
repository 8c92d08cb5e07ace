"""Fixtures for the simulated AWS world's tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from plcheck.sim import SimulatedWorld
from plcheck.sim.world import shared_botocore_session

ClientFactory = Callable[..., Any]


@pytest.fixture
def client(world: SimulatedWorld) -> ClientFactory:
    """``client(profile, service, region=...)``: a real boto3 client through a profile.

    One boto3 session per profile, as a CLI run would have (sharing parsed
    service models across tests, for speed).
    """
    import boto3

    sessions: dict[str, Any] = {}
    clients: dict[tuple[str, str, str | None], Any] = {}

    def make(profile: str, service: str, region: str | None = None) -> Any:
        key = (profile, service, region)
        if key not in clients:
            if profile not in sessions:
                sessions[profile] = boto3.Session(
                    profile_name=profile, botocore_session=shared_botocore_session()
                )
            clients[key] = sessions[profile].client(service, region_name=region)
        return clients[key]

    return make
