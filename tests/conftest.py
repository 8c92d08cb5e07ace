"""Fixtures shared by every test: the simulated AWS world, its first scenario, and a
guard that keeps every test on this machine."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from plcheck.sim import SimulatedWorld
from plcheck.sim.scenarios import AzMismatchScenario, az_mismatch
from tests.support import offline

# Property tests judge logic, not speed: on a machine busy with other work, input
# generation and examples may be slow, and that must not fail the suite.
settings.register_profile("plcheck", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("plcheck")


@pytest.fixture
def world() -> Iterator[SimulatedWorld]:
    """A fresh simulated AWS world (in-process moto with plcheck's corrections)."""
    with SimulatedWorld() as w:
        yield w


@pytest.fixture
def scenario(world: SimulatedWorld) -> AzMismatchScenario:
    """Provider and consumer accounts whose zone names land on different AZ IDs."""
    return az_mismatch(world)


@pytest.fixture(scope="session", autouse=True)
def _no_internet() -> Iterator[None]:
    """Refuse connections, datagrams and name lookups that would leave this machine, here
    and in every Python process a test starts (see :mod:`tests.support.offline`). Session
    scope: module-scoped fixtures are guarded too."""
    with pytest.MonkeyPatch.context() as patch:
        for owner, name, guarded in offline.patches():
            patch.setattr(owner, name, guarded)
        for name, value in offline.child_environment(os.environ).items():
            patch.setenv(name, value)
        yield


@pytest.fixture(autouse=True)
def _table_width_of_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as a plain pipe gets them (120 columns): pytest-xdist sets ``COLUMNS=80`` in
    its workers, and tables honour ``COLUMNS``, so output would depend on ``-n``."""
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture(scope="session", autouse=True)
def _user_cache_in_a_temp_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """``XDG_CACHE_HOME`` in the session's temp dir: the trimmed botocore models
    (``plcheck.aws.models``) are written there, by this process and the CLI's
    subprocesses, not to the user's ``~/.cache``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


@pytest.fixture
def empty_aws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An environment with no AWS credentials, configuration or region at all."""
    config = tmp_path / "config"
    config.write_text("[profile nocreds]\nregion = us-east-1\n")
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return config
