"""Lifecycle of the simulated AWS world: environment, profiles, moto, and knobs.

A :class:`SimulatedWorld` is a context manager. While it is open, real boto3
clients created through the profiles in its AWS config file (``--profile
provider``, ``--profile consumer``, ...) talk to moto, either in-process
(``mock_aws``) or over HTTP on 127.0.0.1 (``serve=True``). The corrections in
:mod:`plcheck.sim.corrections` are applied for exactly as long as the world is
open, so moto is left clean afterwards.

Knobs (``set_az_mapping``, ``set_target_health``, ...) set what only AWS
decides. ``admin_client`` is for building scenarios; the code under test must
reach accounts through the profiles, as in real life.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import Any

DEFAULT_ACCOUNTS: Mapping[str, str] = {"provider": "111111111111", "consumer": "222222222222"}
"""Default profile name -> account id."""

BASE_PROFILE = "plcheck-sim-base"
"""Profile holding the static credentials every other profile assumes a role from."""

READONLY_ROLE = "plcheck-readonly"
"""Role the user-facing profiles assume in each account."""

ADMIN_ROLE = "plcheck-sim-admin"
"""Role ``admin_client`` assumes in each account."""

DEFAULT_REGION = "us-east-1"

# Static credentials of the base profile. moto maps an access key it does not
# know to its default account (123456789012); assumed-role keys map to the
# role's account.
_BASE_ACCESS_KEY = "AKIAPLCHECKSIMBASE01"
_BASE_SECRET_KEY = "plcheck-sim-base-secret-key-not-a-real-secret"  # noqa: S105

_ACCOUNT_RE = re.compile(r"^\d{12}$")
_PROFILE_RE = re.compile(r"^[A-Za-z0-9_.+=,@-]+$")

# Environment variables that would steer boto3 away from the world's profiles.
_REMOVED_ENV = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "MOTO_ACCOUNT_ID",
)

_ENDPOINT_STATES = (
    "pendingAcceptance",
    "pending",
    "available",
    "deleting",
    "deleted",
    "rejected",
    "failed",
    "expired",
    "partial",
)
_DNS_STATES = ("pendingVerification", "verified", "failed")
_SERVICE_STATES = ("Pending", "Available", "Deleting", "Deleted", "Failed")
_TARGET_STATES = (
    "initial",
    "healthy",
    "unhealthy",
    "unhealthy.draining",
    "unused",
    "draining",
    "unavailable",
)

# Only one world can be open at a time: moto's backends and the corrections are
# process-wide.
_OPEN_LOCK = threading.Lock()


class SimulatedWorld:
    """A simulated multi-account AWS world, reachable through ordinary AWS profiles."""

    def __init__(self, *, serve: bool = False, accounts: Mapping[str, str] | None = None) -> None:
        accounts = dict(DEFAULT_ACCOUNTS if accounts is None else accounts)
        for name, account_id in accounts.items():
            _check_profile(name, account_id)
        self.serve = serve
        self.accounts: dict[str, str] = accounts
        self.profile_regions: dict[str, str] = dict.fromkeys(accounts, DEFAULT_REGION)
        self.config_file: Path = Path()
        self.credentials_file: Path = Path()
        self.endpoint_url: str | None = None
        self.env: dict[str, str] = {}
        self._tmpdir: Path | None = None
        self._stack: ExitStack | None = None
        self._saved_env: dict[str, str | None] = {}
        self._state: Any = None
        self._server: Any = None
        self._admin_credentials: dict[str, dict[str, str]] = {}
        self._admin_session: Any = None
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._clients_lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> SimulatedWorld:
        if not _OPEN_LOCK.acquire(blocking=False):
            raise RuntimeError("another SimulatedWorld is already open in this process")
        try:
            self._open()
        except BaseException:
            self._close()
            _OPEN_LOCK.release()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self._close()
        finally:
            _OPEN_LOCK.release()

    def _open(self) -> None:
        self._tmpdir = Path(tempfile.mkdtemp(prefix="plcheck-sim-"))
        self.config_file = self._tmpdir / "config"
        self.credentials_file = self._tmpdir / "credentials"
        self._write_credentials()
        self._write_config()

        self._set_env("AWS_CONFIG_FILE", str(self.config_file))
        self._set_env("AWS_SHARED_CREDENTIALS_FILE", str(self.credentials_file))
        self._set_env("AWS_EC2_METADATA_DISABLED", "true")
        # moto: do not load its catalogue of AMIs into every account (slow).
        self._set_env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        for name in [*_REMOVED_ENV, *(k for k in os.environ if k.startswith("AWS_ENDPOINT_URL"))]:
            self._set_env(name, None)

        _load_moto_on_shared_loader()
        from plcheck.sim import corrections
        from plcheck.sim.speedups import moto_speedups

        self._stack = ExitStack()
        self._state = corrections.SimState()
        self._stack.enter_context(corrections.apply_corrections(self._state))
        self._stack.enter_context(moto_speedups())
        if self.serve:
            self._start_server()
        else:
            self._start_mock()

        self.env = {
            "AWS_CONFIG_FILE": str(self.config_file),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.credentials_file),
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        if self.endpoint_url is not None:
            self.env["AWS_ENDPOINT_URL"] = self.endpoint_url

    def _start_mock(self) -> None:
        from moto import mock_aws
        from moto.core.config import default_user_config

        config: Any = {"core": {**default_user_config.get("core", {})}}
        # The world provides its own credentials through profiles.
        config["core"]["mock_credentials"] = False
        self._stack.enter_context(mock_aws(config=config))  # type: ignore[union-attr]

    def _start_server(self) -> None:
        from moto.core.base_backend import BackendDict
        from moto.server import ThreadedMotoServer

        BackendDict.reset()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        self._server = server

        def stop() -> None:
            server.stop()
            BackendDict.reset()

        self._stack.callback(stop)  # type: ignore[union-attr]
        host, port = server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        self._set_env("AWS_ENDPOINT_URL", self.endpoint_url)

    def _close(self) -> None:
        with self._clients_lock:
            self._clients.clear()
        self._admin_credentials.clear()
        self._admin_session = None
        try:
            if self._stack is not None:
                self._stack.close()
        finally:
            self._stack = None
            self._state = None
            self._server = None
            self.endpoint_url = None
            for name, value in reversed(list(self._saved_env.items())):
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            self._saved_env.clear()
            if self._tmpdir is not None:
                shutil.rmtree(self._tmpdir, ignore_errors=True)
                self._tmpdir = None

    def _set_env(self, name: str, value: str | None) -> None:
        if name not in self._saved_env:
            self._saved_env[name] = os.environ.get(name)
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value

    # ------------------------------------------------------------------ profiles

    def _write_credentials(self) -> None:
        self.credentials_file.write_text(
            f"[{BASE_PROFILE}]\n"
            f"aws_access_key_id = {_BASE_ACCESS_KEY}\n"
            f"aws_secret_access_key = {_BASE_SECRET_KEY}\n",
            encoding="utf-8",
        )

    def _write_config(self) -> None:
        parts = [f"[profile {BASE_PROFILE}]\nregion = {DEFAULT_REGION}\n"]
        parts.extend(
            _profile_section(name, account_id, self.profile_regions[name])
            for name, account_id in self.accounts.items()
        )
        self.config_file.write_text("\n".join(parts), encoding="utf-8")

    def add_profile(self, name: str, account_id: str, region: str = DEFAULT_REGION) -> None:
        """Add a profile (and so an account) to the world's AWS config file."""
        _check_profile(name, account_id)
        if name == BASE_PROFILE:
            raise ValueError(f"profile name {name!r} is reserved")
        self.accounts[name] = account_id
        self.profile_regions[name] = region
        if self._stack is not None:
            self._write_config()

    # ------------------------------------------------------------------ clients

    def admin_client(self, account_id: str, service: str, region: str = DEFAULT_REGION) -> Any:
        """A boto3 client acting as an administrator in ``account_id``.

        Only for building scenarios. It assumes a role in that account through
        STS, as moto maps an assumed role's access key to the role's account.
        """
        self._require_open()
        if not _ACCOUNT_RE.match(account_id):
            raise ValueError(f"not a 12-digit account id: {account_id!r}")
        key = (account_id, service, region)
        with self._clients_lock:
            client = self._clients.get(key)
            if client is None:
                client = self._new_client(account_id, service, region)
                self._clients[key] = client
        return client

    def _new_client(self, account_id: str, service: str, region: str) -> Any:
        import boto3

        if self._admin_session is None:
            self._admin_session = boto3.Session(
                profile_name=BASE_PROFILE, botocore_session=shared_botocore_session()
            )
        session = self._admin_session
        creds = self._admin_credentials.get(account_id)
        if creds is None:
            sts = self._clients.get(("", "sts", DEFAULT_REGION))
            if sts is None:
                sts = session.client("sts", region_name=DEFAULT_REGION)
                self._clients[("", "sts", DEFAULT_REGION)] = sts
            resp = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account_id}:role/{ADMIN_ROLE}",
                RoleSessionName="plcheck-sim-scenario",
            )
            c = resp["Credentials"]
            creds = {
                "aws_access_key_id": c["AccessKeyId"],
                "aws_secret_access_key": c["SecretAccessKey"],
                "aws_session_token": c["SessionToken"],
            }
            self._admin_credentials[account_id] = creds
        return session.client(service, region_name=region, **creds)

    # ------------------------------------------------------------------ knobs

    def set_az_mapping(self, account_id: str, region: str, mapping: Mapping[str, str]) -> None:
        """Set ``account_id``'s zone name -> zone ID mapping in ``region``.

        Call it before creating subnets in that account and region: existing
        subnets keep their zone name and are re-bound to the new zone ID.
        """
        self._require_open()
        self._state.set_az_mapping(account_id, region, mapping)

    def set_uniform_az_mapping(self, account_id: str) -> None:
        """Map ``account_id``'s zone names uniformly in every Region.

        As AWS does for accounts created since November 2025; older accounts
        get their own mapping in the Regions launched up to November 2012.
        """
        self._require_open()
        self._state.set_account_created_after_november_2025(account_id)

    def az_mapping(self, account_id: str, region: str = DEFAULT_REGION) -> dict[str, str]:
        """The zone name -> zone ID mapping of ``account_id`` in ``region``."""
        self._require_open()
        return dict(self._state.zone_mapping(account_id, region))

    def set_target_health(
        self,
        account_id: str,
        region: str,
        target_group_arn: str,
        target_id: str,
        state: str,
        reason: str | None = None,
        description: str | None = None,
    ) -> None:
        """Make ``DescribeTargetHealth`` report ``state`` for a registered target."""
        self._require_open()
        if state not in _TARGET_STATES:
            raise ValueError(f"unknown target health state {state!r}")
        self._state.set_target_health(
            account_id, region, target_group_arn, target_id, state, reason, description
        )

    def set_private_dns_state(
        self, account_id: str, region: str, service_id: str, state: str
    ) -> None:
        """Move an endpoint service's private DNS name verification to ``state``."""
        self._require_open()
        if state not in _DNS_STATES:
            raise ValueError(f"unknown private DNS verification state {state!r}")
        self._state.set_private_dns_state(account_id, region, service_id, state)

    def set_service_state(self, account_id: str, region: str, service_id: str, state: str) -> None:
        """Force an endpoint service's ``ServiceState`` (AWS moves it; moto never does)."""
        self._require_open()
        if state not in _SERVICE_STATES:
            raise ValueError(f"unknown endpoint service state {state!r}")
        self._state.set_service_state(account_id, region, service_id, state)

    def set_endpoint_state(
        self,
        account_id: str,
        region: str,
        endpoint_id: str,
        state: str,
        last_error: Mapping[str, str] | None = None,
    ) -> None:
        """Force a VPC endpoint's state (e.g. ``failed``), with an optional ``LastError``.

        ``last_error`` is ``{"Code": ..., "Message": ...}``.
        """
        self._require_open()
        if state not in _ENDPOINT_STATES:
            raise ValueError(f"unknown VPC endpoint state {state!r}")
        self._state.set_endpoint_state(account_id, region, endpoint_id, state, last_error)

    def set_load_balancer_state(
        self,
        account_id: str,
        region: str,
        load_balancer_arn: str,
        code: str,
        reason: str | None = None,
    ) -> None:
        """Pin a load balancer's ``State`` code (provisioning, failed, active_impaired...)."""
        self._require_open()
        from plcheck.sim.corrections import LOAD_BALANCER_STATES

        if code not in LOAD_BALANCER_STATES:
            raise ValueError(f"unknown load balancer state {code!r}")
        self._state.set_load_balancer_state(account_id, region, load_balancer_arn, code, reason)

    def set_region_opt_in(self, account_id: str, region: str, status: str) -> None:
        """Set the ``OptInStatus`` DescribeRegions reports for ``region`` to ``account_id``."""
        self._require_open()
        from plcheck.sim.corrections import REGION_OPT_IN_STATUSES

        if status not in REGION_OPT_IN_STATUSES:
            raise ValueError(f"unknown region opt-in status {status!r}")
        self._state.set_region_opt_in(account_id, region, status)

    def _require_open(self) -> None:
        if self._stack is None:
            raise RuntimeError("the SimulatedWorld is not open (use it as a context manager)")


def shared_botocore_session() -> Any:
    """A new botocore session whose service-model loader is shared process-wide.

    botocore parses its JSON models once per session; sharing the loader makes
    new sessions (one per world, one per profile in tests) cheap. The models
    are read-only data, so sharing them changes nothing else.
    """
    import botocore.session

    session = botocore.session.Session()
    session.register_component("data_loader", _shared_loader())
    return session


_LOADER: Any = None


class _SearchPaths(list[str]):
    """A loader's search path that keeps each directory once.

    ``boto3.Session`` appends its own data directory to its loader's path: with
    one loader for every session, the path would grow by one entry per session.
    """

    def append(self, path: str) -> None:
        if path not in self:
            super().append(path)


def _shared_loader() -> Any:
    """The process-wide botocore loader of the world's own sessions and moto's."""
    global _LOADER  # noqa: PLW0603
    if _LOADER is None:
        import botocore.loaders

        loader: Any = botocore.loaders.create_loader()
        loader._search_paths = _SearchPaths(loader.search_paths)
        _LOADER = loader
    return _LOADER


def _load_moto_on_shared_loader() -> None:
    """Import moto's EC2 models, and make its session, with the world's shared loader.

    moto's EC2 module lists the Regions through three new boto3 sessions as it is
    imported, and its backends find their Regions through one more: each would parse
    botocore's EC2 model and endpoints.json again (~0.1 s of CPU and ~100,000
    objects each). They read the same files as the world's own sessions, so they
    share one loader. plcheck's sessions are not touched: they make their own.
    """
    from unittest import mock

    import botocore.loaders
    import botocore.session

    def create_loader(search_path_string: str | None = None) -> Any:
        if search_path_string:  # AWS_DATA_PATH: not the files the shared loader reads
            return botocore.loaders.create_loader(search_path_string)
        return _shared_loader()

    with mock.patch.object(botocore.session, "create_loader", create_loader):
        import moto.ec2.models  # noqa: F401  (its class bodies make the sessions)
        from moto.core.base_backend import AccountSpecificBackend

        AccountSpecificBackend.get_session()  # cached by moto for the process


def _check_profile(name: str, account_id: str) -> None:
    if not _PROFILE_RE.match(name):
        raise ValueError(f"invalid profile name {name!r}")
    if not _ACCOUNT_RE.match(account_id):
        raise ValueError(f"not a 12-digit account id: {account_id!r}")


def _profile_section(name: str, account_id: str, region: str) -> str:
    return (
        f"[profile {name}]\n"
        f"role_arn = arn:aws:iam::{account_id}:role/{READONLY_ROLE}\n"
        f"source_profile = {BASE_PROFILE}\n"
        f"region = {region}\n"
    )
