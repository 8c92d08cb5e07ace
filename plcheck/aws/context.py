"""AwsContext: one run's access to AWS.

A context is created per run and passed to every gatherer; there are no
module-level clients. It

* builds sessions from profiles (or the default chain), optionally assuming a role;
* hands out clients that refuse any operation that is not Describe, List or Get;
* makes identical calls once per run, paginates, and maps failures to
  :class:`~plcheck.errors.AwsCallError` or :class:`~plcheck.errors.UsageError`;
* runs independent calls concurrently in one bounded pool.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from plcheck import __version__
from plcheck.aws.errors import classify, usage_error_for
from plcheck.errors import AwsCallError, UsageError
from plcheck.facts.outcome import Outcome, outcome_of

if TYPE_CHECKING:
    import boto3

T = TypeVar("T")

#: Operation name prefixes that only read. Anything else is refused.
READ_ONLY_PREFIXES = ("Describe", "List", "Get")

#: IAM action prefixes where they differ from the botocore client name.
IAM_PREFIX = {"elbv2": "elasticloadbalancing"}

#: Operations botocore's credential providers call while resolving a scope's credentials.
CREDENTIAL_ACTIONS = {
    "AssumeRole": "sts:AssumeRole",
    "AssumeRoleWithWebIdentity": "sts:AssumeRoleWithWebIdentity",
    "GetRoleCredentials": "sso:GetRoleCredentials",
    "CreateToken": "sso-oidc:CreateToken",
}

#: Environment variable: seconds to connect and to wait for each response (both timeouts).
TIMEOUT_ENV = "PLCHECK_AWS_TIMEOUT"
#: Environment variable: AWS calls in flight at once across the run.
MAX_WORKERS_ENV = "PLCHECK_MAX_WORKERS"
#: Upper bound on the pool that ``ensure_workers`` grows to. Setting up a session and its
#: clients costs ~55 ms of CPU per account under the GIL, so past ~32 threads more only
#: adds contention (100 accounts at 50 ms per call: 5.9 s with 32, 7.0 s with 200).
MAX_POOL = 32


class ReadOnlyViolation(RuntimeError):
    """Raised before sending any request that could change AWS."""


@dataclass(frozen=True)
class AwsSettings:
    """How plcheck talks to AWS; defaults suit a CI runner."""

    max_workers: int = 16
    """Calls in flight at once across the whole run."""
    retry_mode: str = "standard"
    """botocore retry mode when neither the environment nor the profile sets one."""
    max_attempts: int = 5
    """Total attempts per call when neither the environment nor the profile sets one."""
    connect_timeout: float = 5.0
    """Seconds to open a connection to an AWS endpoint."""
    read_timeout: float = 15.0
    """Seconds to wait for a response; with the attempts this bounds a call's time."""

    @classmethod
    def from_env(cls, **overrides: Any) -> AwsSettings:
        """Defaults, then ``PLCHECK_AWS_TIMEOUT`` and ``PLCHECK_MAX_WORKERS``, then ``overrides``.

        botocore reads retries from ``AWS_MAX_ATTEMPTS``/``AWS_RETRY_MODE`` but has no
        environment variable for timeouts, hence ``PLCHECK_AWS_TIMEOUT`` (seconds, for both
        the connect and the read timeout).
        """
        values: dict[str, Any] = {}
        timeout = _env_number(TIMEOUT_ENV, float)
        if timeout is not None:
            values["connect_timeout"] = values["read_timeout"] = timeout
        workers = _env_number(MAX_WORKERS_ENV, int)
        if workers is not None:
            values["max_workers"] = workers
        values.update({k: v for k, v in overrides.items() if v is not None})
        if values.get("max_workers", 1) < 1:
            raise UsageError("the number of workers must be at least 1")
        return cls(**values)


def _env_number(name: str, kind: type[float] | type[int]) -> Any:
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    try:
        value = kind(text)
    except ValueError:
        raise UsageError(f"{name}={text!r} is not a number") from None
    if value <= 0:
        raise UsageError(f"{name} must be more than 0, not {text}")
    return value


@dataclass(frozen=True)
class Scope:
    """One account and region, reached through one set of credentials."""

    profile: str | None = None
    """Named profile, or None for the default credential chain."""
    region: str | None = None
    """Region; None means the profile's or the environment's region."""
    role_arn: str | None = None
    """Role to assume on top of the profile's credentials."""
    external_id: str | None = None
    """External ID for the role assumption."""

    @property
    def label(self) -> str:
        """How to name this scope to the user."""
        return self.profile or (self.role_arn or "default credentials")


@dataclass(frozen=True)
class CallRecord:
    """One AWS request that plcheck actually sent (cache hits are not recorded)."""

    action: str
    """IAM-style action, e.g. ``ec2:DescribeSubnets``."""
    region: str
    """Region of the request."""
    profile: str | None
    """Profile the request went through."""
    seconds: float
    """Wall time including retries."""


@dataclass
class _ScopeState:
    session: boto3.Session
    region: str
    clients: dict[str, Any] = field(default_factory=dict)


class AwsContext:
    """Sessions, clients, the call cache and the worker pool of one run."""

    def __init__(self, settings: AwsSettings | None = None) -> None:
        self.settings = settings or AwsSettings.from_env()
        self.calls: list[CallRecord] = []
        self._lock = threading.RLock()
        self._scopes: dict[Scope, _ScopeState] = {}
        self._cache: dict[tuple[Any, ...], Future[Any]] = {}
        self._pools: list[ThreadPoolExecutor] = []
        self._loader: Any = None
        self._full_config: Any = None
        # Not self._lock: that one is held while sessions are built.
        self._pool_lock = threading.Lock()

    @property
    def _pool(self) -> ThreadPoolExecutor:
        """The current worker pool (threads start on demand, up to ``max_workers``)."""
        with self._pool_lock:
            if not self._pools:
                self._pools.append(
                    ThreadPoolExecutor(
                        max_workers=self.settings.max_workers, thread_name_prefix="plcheck-aws"
                    )
                )
            return self._pools[-1]

    def ensure_workers(self, workers: int) -> None:
        """Allow at least ``workers`` calls in flight (at most :data:`MAX_POOL`); never fewer.

        For runs that learn how many accounts they read only once running (``az-map
        --org``): AWS throttles per account, so independent accounts can run side by side.
        """
        import dataclasses

        workers = min(workers, MAX_POOL)
        with self._pool_lock:
            if workers <= self.settings.max_workers:
                return
            self.settings = dataclasses.replace(self.settings, max_workers=workers)
            if self._pools:  # work already running stays on the old pool
                self._pools.append(
                    ThreadPoolExecutor(max_workers=workers, thread_name_prefix="plcheck-aws")
                )

    def close(self) -> None:
        """Stop the worker pools."""
        with self._pool_lock:
            pools = list(self._pools)
        for pool in pools:
            pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> AwsContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sessions and clients -------------------------------------------------

    def region(self, scope: Scope) -> str:
        """The region a scope resolves to (flag, profile or environment)."""
        return self._state(scope).region

    def _state(self, scope: Scope) -> _ScopeState:
        with self._lock:
            state = self._scopes.get(scope)
            if state is None:
                state = self._new_state(scope)
                self._scopes[scope] = state
            return state

    def _new_state(self, scope: Scope) -> _ScopeState:
        import boto3
        import botocore.exceptions

        if scope.role_arn:
            # The profile's own credentials are resolved once and shared by every role
            # assumed on top of them (one sts:AssumeRole per account, not two).
            base = self._state(Scope(profile=scope.profile, region=scope.region))
            session = _assume_role_session(
                base.session, scope, self._botocore_session(scope.profile)
            )
            return _ScopeState(session=session, region=base.region)
        try:
            session = boto3.Session(botocore_session=self._botocore_session(scope.profile))
            _dedupe_search_paths(session)
            region = scope.region or session.region_name
        except botocore.exceptions.BotoCoreError as exc:
            raise usage_error_for(exc) or UsageError(str(exc)) from None
        if not region:
            where = f"profile {scope.profile!r}" if scope.profile else "the environment"
            raise UsageError(f"no AWS region in {where}: pass --region or set AWS_REGION")
        if region not in session.get_available_regions("ec2") and not _looks_like_region(region):
            raise UsageError(f"unknown AWS region {region!r}")
        return _ScopeState(session=session, region=region)

    def _botocore_session(self, profile: str | None) -> Any:
        """A botocore session for ``profile`` sharing the parsed service models.

        botocore parses a service's JSON model once per session (EC2's costs ~0.25 s
        and ~30 MB), and the whole config file for every session; sharing the loader
        and the parsed config makes a session per account cheap. The default client
        config makes the clients botocore creates itself (to assume a profile's role)
        honour plcheck's timeouts and retries too.
        """
        import botocore.session
        from botocore.config import Config

        core: Any = botocore.session.Session(profile=profile)
        if self._full_config is not None:
            core._config = self._full_config  # botocore's cache of the parsed files
        core.get_scoped_config()  # an unknown profile fails here, as a usage error
        self._full_config = core.full_config
        core.register_component("data_loader", self._data_loader())
        core.set_default_client_config(
            Config(
                connect_timeout=self.settings.connect_timeout,
                read_timeout=self.settings.read_timeout,
                retries=self._retries(core),
            )
        )
        return core

    def _data_loader(self) -> Any:
        """The run's botocore data loader, shared by its sessions: models are read-only."""
        import botocore.loaders

        with self._lock:
            if self._loader is None:
                self._loader = botocore.loaders.create_loader()
            return self._loader

    def _retries(self, core: Any) -> Any:
        retry_mode = core.get_config_variable("retry_mode") or self.settings.retry_mode
        attempts = core.get_config_variable("max_attempts") or self.settings.max_attempts
        return {"mode": retry_mode, "total_max_attempts": int(attempts)}

    def client(self, scope: Scope, service: str) -> Any:
        """A read-only client for ``service`` in the scope's account and region."""
        state = self._state(scope)
        with self._lock:
            client = state.clients.get(service)
            if client is None:
                client = self._new_client(state, service)
                state.clients[service] = client
            return client

    def _new_client(self, state: _ScopeState, service: str) -> Any:
        from botocore.config import Config

        scoped = state.session._session  # botocore session: the only way to read its config
        config = Config(
            retries=self._retries(scoped),
            connect_timeout=self.settings.connect_timeout,
            read_timeout=self.settings.read_timeout,
            max_pool_connections=self.settings.max_workers,
            user_agent_extra=f"plcheck/{__version__}",
        )
        session: Any = state.session  # service names are dynamic; the stubs want literals
        client = session.client(service, region_name=state.region, config=config)
        client.meta.events.register("before-parameter-build", _refuse_writes)
        return client

    # -- calls ------------------------------------------------------------------

    def call(self, scope: Scope, service: str, operation: str, **params: Any) -> dict[str, Any]:
        """Call one read operation (snake_case name); identical calls run once per run."""
        return self._cached(scope, service, operation, params, paginate=False)

    def paginate(self, scope: Scope, service: str, operation: str, **params: Any) -> dict[str, Any]:
        """All pages of a paginated read operation merged into one response."""
        return self._cached(scope, service, operation, params, paginate=True)

    def account_id(self, scope: Scope) -> str:
        """The 12-digit account the scope's credentials belong to."""
        return str(self.call(scope, "sts", "get_caller_identity")["Account"])

    def _cached(
        self,
        scope: Scope,
        service: str,
        operation: str,
        params: dict[str, Any],
        *,
        paginate: bool,
    ) -> dict[str, Any]:
        key = (scope, service, operation, paginate, json.dumps(params, sort_keys=True, default=str))
        with self._lock:
            future = self._cache.get(key)
            owner = future is None
            if future is None:
                future = Future()
                self._cache[key] = future
        if not owner:
            result: dict[str, Any] = future.result()
            return result
        try:
            value = self._send(scope, service, operation, params, paginate=paginate)
        except BaseException as exc:
            future.set_exception(exc)
            raise
        future.set_result(value)
        return value

    def _send(
        self,
        scope: Scope,
        service: str,
        operation: str,
        params: dict[str, Any],
        *,
        paginate: bool,
    ) -> dict[str, Any]:
        import botocore.exceptions

        client = self.client(scope, service)
        api_name = client.meta.method_to_api_mapping.get(operation, operation)
        action = f"{IAM_PREFIX.get(service, service)}:{api_name}"
        region = self.region(scope)
        started = time.monotonic()
        try:
            if paginate:
                result: dict[str, Any] = (
                    client.get_paginator(operation).paginate(**params).build_full_result()
                )
            else:
                result = getattr(client, operation)(**params)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise usage_error_for(exc) or classify(exc, _failed_action(exc, action)) from None
        finally:
            self.calls.append(CallRecord(action, region, scope.profile, time.monotonic() - started))
        result.pop("ResponseMetadata", None)
        return result

    # -- concurrency --------------------------------------------------------------

    def gather(self, thunks: Sequence[Callable[[], T]]) -> list[Outcome[T]]:
        """Run independent thunks concurrently; AWS failures come back as outcomes.

        A thunk that no worker has started yet is run on the waiting thread, so
        gathers nested inside pooled work never deadlock the bounded pool.
        """
        futures = [self._pool.submit(outcome_of, thunk) for thunk in thunks]
        results: list[Outcome[T]] = []
        for future, thunk in zip(futures, thunks, strict=True):
            if future.cancel():
                results.append(outcome_of(thunk))
            else:
                results.append(future.result())
        return results


def _failed_action(exc: Exception, action: str) -> str:
    """The action that failed: resolving credentials (AssumeRole...) fails inside any call."""
    operation = getattr(exc, "operation_name", None)
    if operation and operation != action.partition(":")[2]:
        return CREDENTIAL_ACTIONS.get(str(operation), action)
    return action


def _dedupe_search_paths(session: Any) -> None:
    """boto3 appends its data directory to the (shared) loader's paths for every session."""
    paths = session._loader.search_paths
    paths[:] = list(dict.fromkeys(paths))


def _refuse_writes(model: Any, **_: Any) -> None:
    """Botocore ``before-call`` hook: the layer never sends a mutating request."""
    if not str(model.name).startswith(READ_ONLY_PREFIXES):
        raise ReadOnlyViolation(f"plcheck is read-only and refuses {model.name}")


def _looks_like_region(region: str) -> bool:
    import re

    return re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region) is not None


def _assume_role_session(base: boto3.Session, scope: Scope, core: Any) -> boto3.Session:
    """A session whose credentials come from assuming ``scope.role_arn``, refreshed as needed.

    ``core`` is a fresh botocore session for the scope's profile to carry them.
    """
    import boto3
    from botocore.credentials import AssumeRoleCredentialFetcher, DeferredRefreshableCredentials

    source = base.get_credentials()
    if source is None or scope.role_arn is None:
        raise classify_missing_credentials()
    extra: dict[str, Any] = {"RoleSessionName": "plcheck"}
    if scope.external_id:
        extra["ExternalId"] = scope.external_id
    fetcher = AssumeRoleCredentialFetcher(
        client_creator=base._session.create_client,
        source_credentials=source,
        role_arn=scope.role_arn,
        extra_args=extra,
    )
    credentials = DeferredRefreshableCredentials(
        method="assume-role", refresh_using=fetcher.fetch_credentials
    )
    core._credentials = credentials  # botocore has no public setter for ready credentials
    return boto3.Session(botocore_session=core)


def classify_missing_credentials() -> AwsCallError:
    """The error for a scope with no credentials at all."""
    from plcheck.errors import AwsErrorKind

    return AwsCallError(
        AwsErrorKind.NO_CREDENTIALS, "sts:AssumeRole", "NoCredentials", "no source credentials"
    )
