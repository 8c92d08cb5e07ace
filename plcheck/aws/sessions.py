"""One run's botocore sessions and its shared, read-only clients.

A run shares one data loader and one parse of the config files across its sessions; a
profile that only assumes a role is read through its source profile's session. Clients
are shared by every scope on a profile and region, and sign with the calling scope's
credentials (:mod:`plcheck.aws.credentials`). Every client refuses any operation that is
not Describe, List or Get.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from plcheck import __version__
from plcheck.aws.credentials import (
    AssumedRoles,
    RoleProfile,
    role_params,
    role_profile,
    sign_with_scope,
)
from plcheck.aws.errors import refuse_foreign_bodies, usage_error_for
from plcheck.aws.models import create_loader
from plcheck.aws.regions import resolve_region
from plcheck.aws.scope import Scope
from plcheck.aws.settings import MAX_POOL, AwsSettings
from plcheck.aws.timeouts import EndpointGuard, awaited
from plcheck.errors import AwsCallError, AwsErrorKind, UsageError

#: Operation name prefixes that only read. Anything else is refused.
READ_ONLY_PREFIXES = ("Describe", "List", "Get")


class ReadOnlyViolation(RuntimeError):
    """Raised before sending any request that could change AWS."""


def _refuse_writes(model: Any, **_: Any) -> None:
    """Botocore ``before-call`` hook: the layer never sends a mutating request."""
    if not str(model.name).startswith(READ_ONLY_PREFIXES):
        raise ReadOnlyViolation(f"plcheck is read-only and refuses {model.name}")


@dataclass
class Profile:
    """One profile's botocore session and the clients shared by every scope on it."""

    name: str | None
    core: Any
    region: str | None
    credentials: Any
    clients: dict[tuple[str, str], Any] = field(default_factory=dict)
    sts: dict[str, Any] = field(default_factory=dict)
    """STS clients that assume roles, by region (never refused: they only sign in)."""


@dataclass
class ScopeState:
    """What a scope resolved to: the profile whose clients it uses, its region, credentials."""

    profile: Profile
    region: str
    credentials: Any


class Sessions:
    """The sessions, clients and scope credentials of one run."""

    def __init__(self, settings: Callable[[], AwsSettings], guard: EndpointGuard) -> None:
        self._settings = settings
        self._guard = guard
        self._lock = threading.RLock()
        self._profiles: dict[str | None, Future[Profile]] = {}
        self._scopes: dict[Scope, Future[ScopeState]] = {}
        self._roles = AssumedRoles()
        self._loader: Any = None
        self._full_config: Any = None
        self._spare: Any = None

    def state(self, scope: Scope) -> ScopeState:
        """The scope's profile, region and credentials, resolved once per run."""
        return _once(self._lock, self._scopes, scope, lambda: self._new_state(scope))

    def _new_state(self, scope: Scope) -> ScopeState:
        role = self._role_profile(scope.profile)
        profile = self._profile(role.source if role else scope.profile)
        region = resolve_region(
            scope.region, role.region if role else profile.region, scope.profile
        )
        credentials = profile.credentials
        if role is not None:
            credentials = self._assume(profile, region, credentials, role.params)
        if scope.role_arn:
            params = role_params(scope.role_arn, scope.external_id)
            credentials = self._assume(profile, region, credentials, params)
        return ScopeState(profile=profile, region=region, credentials=credentials)

    def section(self, name: str | None) -> dict[str, Any]:
        """The profile's settings from the config and credentials files ({} if unknown)."""
        if name is None:
            return {}
        profiles = self._config().get("profiles", {})
        return dict(profiles.get(name) or {})

    def _config(self) -> dict[str, Any]:
        """Botocore's parse of the config and credentials files, once per run."""
        import botocore.session

        with self._lock:
            if self._full_config is None:
                # Kept for the first profile's session: building one costs ~5 ms.
                self._spare = botocore.session.Session()
                try:
                    self._full_config = self._spare.full_config
                except botocore.exceptions.BotoCoreError as exc:
                    raise usage_error_for(exc) or UsageError(str(exc)) from None
            return dict(self._full_config)

    def _role_profile(self, name: str | None) -> RoleProfile | None:
        return role_profile(name, self.section(name))

    def _profile(self, name: str | None) -> Profile:
        return _once(self._lock, self._profiles, name, lambda: self._new_profile(name))

    def _new_profile(self, name: str | None) -> Profile:
        import botocore.exceptions

        try:
            core = self._botocore_session(name)
            # Lazy for role profiles: the profile's role is assumed on the first call.
            credentials = core.get_credentials()
            region = core.get_config_variable("region")
        except botocore.exceptions.BotoCoreError as exc:
            usage = usage_error_for(exc)
            if usage is not None:
                raise usage from None
            raise _credentials_unavailable(name, exc) from None
        except ValueError as exc:  # a credential_process that prints no JSON
            raise _credentials_unavailable(name, exc) from None
        return Profile(name=name, core=core, region=region, credentials=credentials)

    def _botocore_session(self, profile: str | None) -> Any:
        """A botocore session for ``profile`` sharing the parsed config and service models.

        botocore parses a service's JSON model once per loader (EC2's costs ~0.13 s), and
        the whole config file for every session: the run shares one loader and the parsed
        config. The default client config makes the clients botocore creates itself (to
        assume a profile's role) honour plcheck's timeouts and retries too, and the
        session's event hooks bound every wait.
        """
        import botocore.session

        config = self._config()
        with self._lock:
            core, self._spare = self._spare, None
        if core is None:
            core = botocore.session.Session(profile=profile)
        elif profile is not None:
            core.set_config_variable("profile", profile)
        core._config = config  # botocore's cache of the parsed files
        core.get_scoped_config()  # an unknown profile fails here, as a usage error
        core.register_component("data_loader", self._data_loader())
        core.set_default_client_config(self._client_config(core))
        core.register("before-send", self._guard.before_send)
        core.register("needs-retry", self._guard.on_needs_retry)
        core.register("before-parse", refuse_foreign_bodies)
        return core

    def _client_config(self, core: Any) -> Any:
        from botocore.config import Config

        settings = self._settings()
        return Config(
            retries=self._retries(core, settings),
            connect_timeout=settings.effective_connect_timeout,
            read_timeout=settings.effective_read_timeout,
            max_pool_connections=MAX_POOL,
            user_agent_extra=f"plcheck/{__version__}",
        )

    @staticmethod
    def _retries(core: Any, settings: AwsSettings) -> Any:
        retry_mode = core.get_config_variable("retry_mode") or settings.retry_mode
        attempts = core.get_config_variable("max_attempts") or settings.max_attempts
        return {"mode": retry_mode, "total_max_attempts": int(attempts)}

    def _data_loader(self) -> Any:
        """The run's botocore data loader, shared by its sessions: models are read-only."""
        with self._lock:
            if self._loader is None:
                self._loader = create_loader()
            return self._loader

    def _assume(self, profile: Profile, region: str, source: Any, params: dict[str, Any]) -> Any:
        """Credentials from assuming a role through the profile's STS client for ``region``."""
        return self._roles.credentials(
            lambda: self._sts_client(profile, region), region, source, params
        )

    def _sts_client(self, profile: Profile, region: str) -> Any:
        """The profile's STS client that assumes roles: it signs with the credentials set."""
        with self._lock:
            client = profile.sts.get(region)
            if client is None:
                client = profile.core.create_client(
                    "sts", region_name=region, config=self._client_config(profile.core)
                )
                client = sign_with_scope(client, profile.credentials)
                profile.sts[region] = client
            return client

    def shared_client(self, state: ScopeState, service: str) -> Any:
        """The profile's read-only client for ``service`` in the scope's region."""
        key = (service, state.region)
        with self._lock:
            client = state.profile.clients.get(key)
            if client is None:
                client = self._new_client(state.profile, service, state.region)
                state.profile.clients[key] = client
            return client

    def full_client(self, state: ScopeState, service: str) -> Any:
        """A client from botocore's full model, for an operation the trimmed one lacks."""
        key = (f"{service}+full", state.region)
        with self._lock:
            client = state.profile.clients.get(key)
            if client is None:
                core = self._botocore_session(state.profile.name)
                core.register_component("data_loader", create_loader(trimmed=False))
                client = self._new_client(
                    dataclasses.replace(state.profile, core=core), service, state.region
                )
                state.profile.clients[key] = client
            return client

    def _new_client(self, profile: Profile, service: str, region: str) -> Any:
        client = profile.core.create_client(
            service, region_name=region, config=self._client_config(profile.core)
        )
        client.meta.events.register("before-parameter-build", _refuse_writes)
        # Load the pagination model now, under the caller's lock: the client is shared, and
        # threads paginating at once would each load it (~15 ms of CPU apiece).
        client.can_paginate(next(iter(client.meta.method_to_api_mapping)))
        return sign_with_scope(client, profile.credentials)


K = TypeVar("K")
V = TypeVar("V")


def _once(lock: threading.RLock, table: dict[K, Future[V]], key: K, build: Callable[[], V]) -> V:
    """``table[key]``, built once by the first caller; others wait for it, not for the lock.

    Building (a session, credentials) can take a while; other keys go on meanwhile.
    """
    with lock:
        future = table.get(key)
        owner = future is None
        if future is None:
            future = Future()
            table[key] = future
    if owner:
        try:
            future.set_result(build())
        except BaseException as exc:
            future.set_exception(exc)
    return awaited(future)


def _credentials_unavailable(profile: str | None, exc: Exception) -> AwsCallError:
    """A profile's credentials that cannot be had: the run cannot reach AWS (exit 3).

    A failing ``credential_process`` or an unreadable SSO cache is no usage mistake.
    """
    detail = str(exc).strip() or type(exc).__name__
    return AwsCallError(
        AwsErrorKind.NO_CREDENTIALS,
        "credentials",
        type(exc).__name__,
        f"the credentials of profile {profile or 'default'} could not be obtained: {detail}",
    )
