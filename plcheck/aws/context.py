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

import contextvars
import dataclasses
import functools
import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from plcheck import __version__
from plcheck.aws.errors import classify, usage_error_for
from plcheck.errors import AwsCallError, AwsErrorKind, UsageError
from plcheck.facts.outcome import Outcome, outcome_of

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

#: Environment variable: seconds to wait for each AWS response (``--aws-timeout``).
TIMEOUT_ENV = "PLCHECK_AWS_TIMEOUT"
#: Environment variable: AWS calls in flight at once across the run.
MAX_WORKERS_ENV = "PLCHECK_MAX_WORKERS"
#: Upper bound on the pool that ``ensure_workers`` grows to. Past ~32 threads more only
#: adds contention under the GIL.
MAX_POOL = 32
#: Region environment variables, highest precedence first. The SDKs and the AWS CLI v2 read
#: ``AWS_REGION`` before ``AWS_DEFAULT_REGION`` (and both before the profile's ``region``):
#: https://docs.aws.amazon.com/sdkref/latest/guide/feature-region.html and
#: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-envvars.html.
#: botocore itself reads only ``AWS_DEFAULT_REGION``.
REGION_ENV = ("AWS_REGION", "AWS_DEFAULT_REGION")
#: What a region name looks like in every partition (``us-east-1``, ``us-gov-west-1``...).
REGION_PATTERN = r"[a-z]{2,4}(-[a-z]+)+-\d{1,2}"

#: Settings a profile may have and still be read through its source profile's session.
ROLE_PROFILE_KEYS = frozenset(
    {
        "role_arn",
        "source_profile",
        "region",
        "external_id",
        "role_session_name",
        "duration_seconds",
        "output",
    }
)

#: Operations plcheck calls on services whose botocore model is large. A client is built
#: from a model trimmed to these (EC2's full model has ~830 operations: ~0.1 s of CPU to
#: load and ~30 ms to build each client class from). Any other operation falls back to
#: the full model. ``tests/test_aws_context.py`` holds this in step with ``plcheck.iam``.
TRIMMED_OPERATIONS: dict[str, tuple[str, ...]] = {
    "ec2": (
        "DescribeAvailabilityZones",
        "DescribeDhcpOptions",
        "DescribeInstances",
        "DescribeNetworkAcls",
        "DescribeNetworkInterfaces",
        "DescribeSecurityGroups",
        "DescribeSubnets",
        "DescribeVpcAttribute",
        "DescribeVpcEndpointConnections",
        "DescribeVpcEndpointServiceConfigurations",
        "DescribeVpcEndpointServicePermissions",
        "DescribeVpcEndpointServices",
        "DescribeVpcEndpoints",
        "DescribeVpcs",
    ),
}
#: Services kept in the trimmed endpoints.json (by endpoint prefix); the 1.2 MB original
#: costs ~25 ms of CPU to parse per run. A service not listed is resolved by its
#: endpoint ruleset as usual.
TRIMMED_ENDPOINTS = (
    "ec2",
    "elasticloadbalancing",
    "route53",
    "organizations",
    "sts",
    "portal.sso",
    "oidc",
)
#: Environment variable: ``0`` builds every client from botocore's full models.
TRIM_ENV = "PLCHECK_TRIM_MODELS"

SlowCallHook = Callable[[str | None], None]
"""Called with a one-line status while a call has waited too long, and None once none has."""


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
    """Seconds to open a connection to an AWS endpoint (at most ``aws_timeout``)."""
    read_timeout: float = 10.0
    """Seconds to wait for a response when ``aws_timeout`` is not set."""
    aws_timeout: float | None = None
    """Seconds to wait for each response (``--aws-timeout``, ``PLCHECK_AWS_TIMEOUT``).

    It replaces ``read_timeout`` and caps ``connect_timeout``."""
    timeout_attempts: int = 2
    """Attempts per call that may time out; throttling keeps the full ``max_attempts``.

    With the defaults a silent endpoint ends a call after 2 x 10 s, a black-holed one
    after 2 x 5 s; an endpoint that timed out fails the run's later calls at once."""
    slow_call_seconds: float = 2.0
    """How long a call waits before ``on_slow_call`` hears of it."""
    on_slow_call: SlowCallHook | None = field(default=None, compare=False)
    """Status hook for a terminal (see :func:`terminal_status`); None: silent."""

    @property
    def effective_read_timeout(self) -> float:
        """The read timeout each attempt gets."""
        return self.aws_timeout if self.aws_timeout is not None else self.read_timeout

    @property
    def effective_connect_timeout(self) -> float:
        """The connect timeout each attempt gets."""
        return min(self.connect_timeout, self.effective_read_timeout)

    @classmethod
    def from_env(cls, **overrides: Any) -> AwsSettings:
        """Defaults, then ``PLCHECK_AWS_TIMEOUT`` and ``PLCHECK_MAX_WORKERS``, then ``overrides``.

        botocore reads retries from ``AWS_MAX_ATTEMPTS``/``AWS_RETRY_MODE`` but has no
        environment variable for timeouts, hence ``PLCHECK_AWS_TIMEOUT`` (seconds to wait
        for each response; also the most the connect may take). An override of None
        leaves the value alone (an option the user did not give).
        """
        values: dict[str, Any] = {}
        timeout = _env_number(TIMEOUT_ENV, float)
        if timeout is not None:
            values["aws_timeout"] = timeout
        workers = _env_number(MAX_WORKERS_ENV, int)
        if workers is not None:
            values["max_workers"] = workers
        values.update({k: v for k, v in overrides.items() if v is not None})
        if values.get("max_workers", 1) < 1:
            raise UsageError("the number of workers must be at least 1")
        if values.get("aws_timeout", 1) <= 0:
            raise UsageError("--aws-timeout must be more than 0 seconds")
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


class EndpointTimeout(Exception):
    """An AWS endpoint that did not answer in time; ends the call without more attempts."""

    def __init__(self, operation: str, endpoint: str, message: str, code: str) -> None:
        super().__init__(message)
        self.operation_name = operation
        """The API operation that timed out (it may be a credential call: AssumeRole)."""
        self.endpoint = endpoint
        self.message = message
        self.code = code


#: The credentials the calling thread signs with (set around each call by the context).
_CREDENTIALS: contextvars.ContextVar[Any] = contextvars.ContextVar("plcheck_credentials")


class _ScopeCredentials:
    """Credentials for botocore's signer: those of the scope whose call is being sent.

    One client per profile, service and region serves every account reached through
    that profile (building a client costs ~13 ms of CPU, and EC2's ~40 ms the first time);
    each call sets the scope's credentials in a context variable around itself.
    """

    def __init__(self, default: Any) -> None:
        self._default = default

    def _current(self) -> Any:
        return _CREDENTIALS.get(self._default)

    def get_frozen_credentials(self) -> Any:
        current = self._current()
        return None if current is None else current.get_frozen_credentials()

    def __getattr__(self, name: str) -> Any:  # access_key, method... as botocore reads them
        return getattr(self._current(), name)


@dataclass
class _Profile:
    """One profile's botocore session and the clients shared by every scope on it."""

    name: str | None
    core: Any
    region: str | None
    credentials: Any
    clients: dict[tuple[str, str], Any] = field(default_factory=dict)
    sts: dict[str, Any] = field(default_factory=dict)
    """STS clients that assume roles, by region (never refused: they only sign in)."""


@dataclass(frozen=True)
class _RoleProfile:
    """A profile that only assumes a role on top of another profile's credentials."""

    source: str
    region: str | None
    params: dict[str, Any]
    """AssumeRole parameters."""


@dataclass
class _ScopeState:
    profile: _Profile
    region: str
    credentials: Any


class AwsContext:
    """Sessions, clients, the call cache and the worker pool of one run."""

    def __init__(
        self, settings: AwsSettings | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings or AwsSettings.from_env()
        self.calls: list[CallRecord] = []
        self._clock = clock
        self._lock = threading.RLock()
        self._profiles: dict[str | None, Future[_Profile]] = {}
        self._scopes: dict[Scope, Future[_ScopeState]] = {}
        self._cache: dict[tuple[Any, ...], Future[Any]] = {}
        self._pools: list[ThreadPoolExecutor] = []
        self._loader: Any = None
        self._full_config: Any = None
        self._spare: Any = None
        # Not self._lock: that one is held while sessions are built.
        self._pool_lock = threading.Lock()
        # Endpoints (scheme://host:port) that timed out: later calls to them fail at once.
        self._dead: dict[str, EndpointTimeout] = {}
        self._assumed: dict[tuple[Any, ...], Any] = {}
        # Calls in flight: id -> (started, action, scope label), for the slow-call status.
        self._inflight: dict[int, tuple[float, str, str]] = {}
        self._status: str | None = None
        self._watcher: threading.Thread | None = None
        self._stopping = threading.Event()

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
        """Stop the worker pools and the status line."""
        with self._pool_lock:
            pools = list(self._pools)
        for pool in pools:
            pool.shutdown(wait=True, cancel_futures=True)
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join()
        self._set_status(None)

    def __enter__(self) -> AwsContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sessions and clients -------------------------------------------------

    def region(self, scope: Scope) -> str:
        """The region a scope resolves to (flag, environment or profile), validated."""
        return self._state(scope).region

    def _state(self, scope: Scope) -> _ScopeState:
        return _once(self._lock, self._scopes, scope, lambda: self._new_state(scope))

    def _new_state(self, scope: Scope) -> _ScopeState:
        role = self._role_profile(scope.profile)
        profile = self._profile(role.source if role else scope.profile)
        region = scope.region
        if region is None:
            region = next((os.environ[n] for n in REGION_ENV if os.environ.get(n)), None)
        if region is None:
            region = role.region if role else profile.region
        if region is None:
            where = f"profile {scope.profile!r}" if scope.profile else "the environment"
            raise UsageError(f"no AWS region in {where}: pass --region or set AWS_REGION")
        validate_region(region)
        credentials = profile.credentials
        if role is not None:
            credentials = self._assumed_credentials(profile, region, credentials, role.params)
        if scope.role_arn:
            params = {"RoleArn": scope.role_arn, "RoleSessionName": "plcheck"}
            if scope.external_id:
                params["ExternalId"] = scope.external_id
            credentials = self._assumed_credentials(profile, region, credentials, params)
        return _ScopeState(profile=profile, region=region, credentials=credentials)

    def _section(self, name: str | None) -> dict[str, Any]:
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

    def _role_profile(self, name: str | None) -> _RoleProfile | None:
        """``name`` when it only assumes a role with another profile's credentials.

        Such a profile is read through its source profile's session and clients, so a
        hundred of them cost one session, not a hundred. Anything else in the section
        (MFA, credential_source, its own retries or endpoints...) leaves it to botocore.
        """
        section = self._section(name)
        if not section.get("role_arn") or not section.get("source_profile"):
            return None
        if set(section) - ROLE_PROFILE_KEYS or section["source_profile"] == name:
            return None
        params: dict[str, Any] = {
            "RoleArn": section["role_arn"],
            # botocore's default is botocore-session-<time>; plcheck names itself.
            "RoleSessionName": section.get("role_session_name") or "plcheck",
        }
        if section.get("external_id"):
            params["ExternalId"] = section["external_id"]
        if section.get("duration_seconds"):
            params["DurationSeconds"] = int(section["duration_seconds"])
        return _RoleProfile(str(section["source_profile"]), section.get("region"), params)

    def _profile(self, name: str | None) -> _Profile:
        return _once(self._lock, self._profiles, name, lambda: self._new_profile(name))

    def _new_profile(self, name: str | None) -> _Profile:
        import botocore.exceptions

        try:
            core = self._botocore_session(name)
            # Lazy for role profiles: the profile's role is assumed on the first call.
            credentials = core.get_credentials()
            region = core.get_config_variable("region")
        except botocore.exceptions.BotoCoreError as exc:
            raise usage_error_for(exc) or UsageError(str(exc)) from None
        return _Profile(name=name, core=core, region=region, credentials=credentials)

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
        core.register("before-send", self._before_send)
        core.register("needs-retry", self._on_needs_retry)
        return core

    def _client_config(self, core: Any) -> Any:
        from botocore.config import Config

        return Config(
            retries=self._retries(core),
            connect_timeout=self.settings.effective_connect_timeout,
            read_timeout=self.settings.effective_read_timeout,
            max_pool_connections=MAX_POOL,
            user_agent_extra=f"plcheck/{__version__}",
        )

    def _data_loader(self) -> Any:
        """The run's botocore data loader, shared by its sessions: models are read-only."""
        import botocore.loaders

        with self._lock:
            if self._loader is None:
                self._loader = botocore.loaders.create_loader()
                trimmed = trimmed_models()
                if trimmed is not None:
                    self._loader.search_paths.insert(0, str(trimmed))
            return self._loader

    def _full_client(self, state: _ScopeState, service: str) -> Any:
        """A client from botocore's full model, for an operation the trimmed one lacks."""
        import botocore.loaders

        key = (f"{service}+full", state.region)
        with self._lock:
            client = state.profile.clients.get(key)
            if client is None:
                core = self._botocore_session(state.profile.name)
                core.register_component("data_loader", botocore.loaders.create_loader())
                client = self._new_client(
                    dataclasses.replace(state.profile, core=core), service, state.region
                )
                state.profile.clients[key] = client
            return client

    def _retries(self, core: Any) -> Any:
        retry_mode = core.get_config_variable("retry_mode") or self.settings.retry_mode
        attempts = core.get_config_variable("max_attempts") or self.settings.max_attempts
        return {"mode": retry_mode, "total_max_attempts": int(attempts)}

    def _assumed_credentials(
        self, profile: _Profile, region: str, source: Any, params: dict[str, Any]
    ) -> Any:
        """Credentials from assuming ``params["RoleArn"]`` with ``source``, fetched on first use.

        Every role is assumed through the profile's one STS client per region (not a new
        client per account, as botocore's own fetcher does); a role is assumed once per run.
        """
        from botocore.credentials import DeferredRefreshableCredentials

        if source is None:
            raise classify_missing_credentials()
        key = (id(source), region, json.dumps(params, sort_keys=True))

        def fetch() -> dict[str, Any]:
            sts = self._sts_client(profile, region)
            token = _CREDENTIALS.set(source)
            try:
                found = sts.assume_role(**params)["Credentials"]
            finally:
                _CREDENTIALS.reset(token)
            return {
                "access_key": found["AccessKeyId"],
                "secret_key": found["SecretAccessKey"],
                "token": found["SessionToken"],
                "expiry_time": found["Expiration"].isoformat(),
            }

        with self._lock:
            credentials = self._assumed.get(key)
            if credentials is None:
                credentials = DeferredRefreshableCredentials(
                    method="assume-role", refresh_using=fetch
                )
                self._assumed[key] = credentials
            return credentials

    def _sts_client(self, profile: _Profile, region: str) -> Any:
        """The profile's STS client that assumes roles: it signs with the credentials set."""
        with self._lock:
            client = profile.sts.get(region)
            if client is None:
                client = profile.core.create_client(
                    "sts", region_name=region, config=self._client_config(profile.core)
                )
                client._request_signer._credentials = _ScopeCredentials(profile.credentials)
                profile.sts[region] = client
            return client

    def client(self, scope: Scope, service: str) -> Any:
        """A read-only client for ``service`` acting as the scope's account and region."""
        state = self._state(scope)
        return _BoundClient(
            self._shared_client(state, service),
            state.credentials,
            lambda: self._full_client(state, service),
        )

    def _shared_client(self, state: _ScopeState, service: str) -> Any:
        key = (service, state.region)
        with self._lock:
            client = state.profile.clients.get(key)
            if client is None:
                client = self._new_client(state.profile, service, state.region)
                state.profile.clients[key] = client
            return client

    def _new_client(self, profile: _Profile, service: str, region: str) -> Any:
        client = profile.core.create_client(
            service, region_name=region, config=self._client_config(profile.core)
        )
        client.meta.events.register("before-parameter-build", _refuse_writes)
        # botocore has no public way to sign one client's calls with several credentials.
        client._request_signer._credentials = _ScopeCredentials(profile.credentials)
        return client

    # -- calls ------------------------------------------------------------------

    def call(self, scope: Scope, service: str, operation: str, **params: Any) -> dict[str, Any]:
        """Call one read operation (snake_case name); identical calls run once per run."""
        return self._cached(scope, service, operation, params, paginate=False)

    def paginate(self, scope: Scope, service: str, operation: str, **params: Any) -> dict[str, Any]:
        """All pages of a paginated read operation merged into one response."""
        return self._cached(scope, service, operation, params, paginate=True)

    def account_id(self, scope: Scope) -> str:
        """The 12-digit account the scope's credentials belong to.

        A role ARN names its account, so assuming it needs no GetCallerIdentity.
        """
        named = role_account(scope.role_arn) or role_account(
            self._section(scope.profile).get("role_arn")
        )
        if named:  # a profile with role_arn gets that role's credentials when named
            return named
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

        state = self._state(scope)
        client = self._shared_client(state, service)
        if not hasattr(client, operation):  # not in the trimmed model
            client = self._full_client(state, service)
        api_name = client.meta.method_to_api_mapping.get(operation, operation)
        action = f"{IAM_PREFIX.get(service, service)}:{api_name}"
        token = _CREDENTIALS.set(state.credentials)
        started = self._clock()
        call_id = self._track(started, action, scope.label)
        try:
            if paginate:
                result: dict[str, Any] = (
                    client.get_paginator(operation).paginate(**params).build_full_result()
                )
            else:
                result = getattr(client, operation)(**params)
        except EndpointTimeout as exc:
            raise AwsCallError(
                AwsErrorKind.TIMEOUT, _failed_action(exc, action), exc.code, exc.message
            ) from None
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise usage_error_for(exc) or classify(exc, _failed_action(exc, action)) from None
        finally:
            _CREDENTIALS.reset(token)
            self._untrack(call_id)
            record = CallRecord(action, state.region, scope.profile, self._clock() - started)
            self.calls.append(record)
        result.pop("ResponseMetadata", None)
        return result

    # -- bounded waits ------------------------------------------------------------

    def _before_send(self, request: Any, event_name: str = "", **_: Any) -> None:
        """Botocore ``before-send``: an endpoint that already timed out is not waited on again."""
        dead = self._dead.get(_origin(str(request.url)))
        if dead is not None:
            raise EndpointTimeout(
                event_name.rsplit(".", 1)[-1], dead.endpoint, dead.message, dead.code
            )

    def _on_needs_retry(
        self,
        caught_exception: Exception | None = None,
        request_dict: dict[str, Any] | None = None,
        operation: Any = None,
        attempts: int = 1,
        **_: Any,
    ) -> None:
        """Botocore ``needs-retry``: at most ``timeout_attempts`` timed-out attempts per call.

        botocore retries a timeout like any transient error, each attempt waiting the whole
        read timeout; throttling keeps every attempt. Past the limit the endpoint is taken
        as unresponsive for the rest of the run.
        """
        import botocore.exceptions as bx

        if not isinstance(caught_exception, bx.ConnectTimeoutError | bx.ReadTimeoutError):
            return
        context = request_dict.setdefault("context", {}) if request_dict is not None else {}
        timeouts = int(context.get("plcheck_timeouts", 0)) + 1
        context["plcheck_timeouts"] = timeouts
        limit = min(self.settings.timeout_attempts, self._max_attempts(request_dict))
        if timeouts < limit:
            return
        url = str(caught_exception.kwargs.get("endpoint_url", ""))
        connect = isinstance(caught_exception, bx.ConnectTimeoutError)
        settings = self.settings
        seconds = settings.effective_connect_timeout if connect else settings.effective_read_timeout
        what = "could not connect to" if connect else "no response from"
        message = (
            f"{what} {url} within {seconds:g} s ({timeouts} attempt{'s' * (timeouts > 1)}); "
            f"to wait longer per attempt set --aws-timeout SECONDS or {TIMEOUT_ENV}"
        )
        error = EndpointTimeout(
            str(getattr(operation, "name", "")),
            _origin(url),
            message,
            "ConnectTimeout" if connect else "ReadTimeout",
        )
        with self._lock:
            self._dead.setdefault(error.endpoint, error)
        raise error

    def _max_attempts(self, request_dict: dict[str, Any] | None) -> int:
        config = (request_dict or {}).get("context", {}).get("client_config")
        retries = getattr(config, "retries", None) or {}
        return int(retries.get("total_max_attempts") or self.settings.max_attempts)

    # -- the slow-call status -------------------------------------------------------

    def _track(self, started: float, action: str, label: str) -> int:
        call_id = id(object()) ^ threading.get_ident()
        with self._lock:
            while call_id in self._inflight:
                call_id += 1
            self._inflight[call_id] = (started, action, label)
            if self.settings.on_slow_call is not None and self._watcher is None:
                self._watcher = threading.Thread(
                    target=self._watch, name="plcheck-aws-status", daemon=True
                )
                self._watcher.start()
        return call_id

    def _untrack(self, call_id: int) -> None:
        with self._lock:
            self._inflight.pop(call_id, None)

    def slow_status(self, now: float | None = None) -> str | None:
        """The status line for calls waiting longer than ``slow_call_seconds``, or None."""
        now = self._clock() if now is None else now
        with self._lock:
            waiting = sorted(self._inflight.values())
        slow = [w for w in waiting if now - w[0] > self.settings.slow_call_seconds]
        if not slow:
            return None
        started, action, label = slow[0]
        others = len(waiting) - 1
        more = f" (+{others} more call{'s' * (others > 1)})" if others else ""
        return f"Waiting {now - started:.0f} s for AWS: {action} ({label}){more}"

    def _watch(self) -> None:
        while not self._stopping.wait(0.25):
            self._set_status(self.slow_status())

    def _set_status(self, line: str | None) -> None:
        hook = self.settings.on_slow_call
        if hook is None or line == self._status:
            return
        self._status = line
        hook(line)

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


class _BoundClient:
    """A shared client whose calls sign with one scope's credentials."""

    def __init__(self, client: Any, credentials: Any, full: Callable[[], Any]) -> None:
        self._client = client
        self._credentials = credentials
        self._full = full
        """The client from the full model, for an operation the trimmed one lacks."""

    def __getattr__(self, name: str) -> Any:
        client = self._client if hasattr(self._client, name) else self._full()
        attribute = getattr(client, name)
        if not callable(attribute):
            return attribute

        def bound(*args: Any, **kwargs: Any) -> Any:
            token = _CREDENTIALS.set(self._credentials)
            try:
                return attribute(*args, **kwargs)
            finally:
                _CREDENTIALS.reset(token)

        return bound


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
    return future.result()


def _origin(url: str) -> str:
    """``scheme://host:port`` of a URL: what a timed-out endpoint is remembered by."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}" if rest else url


def role_account(role_arn: str | None) -> str:
    """The account a role ARN names (``arn:aws:iam::123456789012:role/x``), or ""."""
    parts = (role_arn or "").split(":")
    if len(parts) > 5 and parts[2] == "iam" and len(parts[4]) == 12 and parts[4].isdigit():
        return parts[4]
    return ""


@functools.lru_cache(maxsize=1)
def _partitions() -> tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...]:
    """(id, region regex, listed regions) per partition, from botocore's partitions.json.

    That file is 7 KB; the endpoints.json behind ``Session.get_available_regions`` is
    1.2 MB and took 0.1-0.3 s of CPU to parse.
    """
    import botocore

    path = Path(botocore.__file__).parent / "data" / "partitions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        (
            str(p["id"]),
            re.compile(str(p["regionRegex"])),
            tuple(r for r in p.get("regions", {}) if re.fullmatch(REGION_PATTERN, r)),
        )
        for p in data["partitions"]
    )


def trimmed_models() -> Path | None:
    """A botocore data directory with :data:`TRIMMED_OPERATIONS`' models, made on first use.

    It lives in the user's cache (``$XDG_CACHE_HOME/plcheck``), one directory per botocore
    version and operation list, generated from the installed botocore's own models; None
    when trimming is off or the cache cannot be written (then the full models are used).
    """
    if os.environ.get(TRIM_ENV, "").strip() == "0":
        return None
    import hashlib

    import botocore

    wanted = [TRIMMED_OPERATIONS, TRIMMED_ENDPOINTS]
    digest = hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    root = base / "plcheck" / f"botocore-{botocore.__version__}-{digest[:12]}"
    if (root / "complete").exists():
        return root
    try:
        _write_trimmed_models(root)
    except OSError:
        return None
    return root


def _write_trimmed_models(root: Path) -> None:
    """Write the trimmed models under ``root`` atomically (several runs may race)."""
    import tempfile

    import botocore.loaders

    loader = botocore.loaders.create_loader()
    root.mkdir(parents=True, exist_ok=True)

    def write(target: Path, data: Any) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=target.parent, suffix=".tmp", delete=False, encoding="utf-8"
        ) as out:
            json.dump(data, out)
        os.replace(out.name, target)

    for service, operations in TRIMMED_OPERATIONS.items():
        version = loader.determine_latest_version(service, "service-2")
        model = loader.load_service_model(service, "service-2", version)
        write(root / service / version / "service-2.json", trim_model(model, operations))
    endpoints = loader.load_data("endpoints")
    for partition in endpoints.get("partitions", []):
        services = partition.get("services", {})
        partition["services"] = {k: services[k] for k in TRIMMED_ENDPOINTS if k in services}
    write(root / "endpoints.json", endpoints)
    (root / "complete").touch()


def trim_model(model: dict[str, Any], operations: Sequence[str]) -> dict[str, Any]:
    """``model`` with only ``operations`` and the shapes they reach."""
    kept = {name: model["operations"][name] for name in operations if name in model["operations"]}
    shapes = model["shapes"]
    reached: set[str] = set()
    todo = [
        ref["shape"]
        for op in kept.values()
        for ref in (op.get("input"), op.get("output"), *op.get("errors", []))
        if ref
    ]
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        shape = shapes[name]
        refs = [*shape.get("members", {}).values()]
        refs += [shape[k] for k in ("member", "key", "value") if k in shape]
        todo.extend(ref["shape"] for ref in refs)
    return {**model, "operations": kept, "shapes": {n: shapes[n] for n in sorted(reached)}}


def validate_region(region: str) -> None:
    """A usage error (exit 2) unless ``region`` is a region botocore's partitions list."""
    import difflib

    partitions = _partitions()
    if re.fullmatch(REGION_PATTERN, region) and any(
        region in listed for _, _, listed in partitions
    ):
        return
    known = [r for _, _, listed in partitions for r in listed]
    # An empty or far-off name still gets a list to choose from.
    near = difflib.get_close_matches(region, known, n=4, cutoff=0.6) or (
        difflib.get_close_matches(region or "us-east-1", known, n=4, cutoff=0.0)
    )
    matching = [name for name, pattern, _ in partitions if pattern.fullmatch(region)]
    newer = (
        f" (it has the form of a region of partition {matching[0]}: if it is new, upgrade botocore)"
        if matching
        else ""
    )
    raise UsageError(f"unknown region {region!r}; nearest known regions: {', '.join(near)}{newer}")


def _failed_action(exc: Exception, action: str) -> str:
    """The action that failed: resolving credentials (AssumeRole...) fails inside any call."""
    operation = getattr(exc, "operation_name", None)
    if operation and operation != action.partition(":")[2]:
        return CREDENTIAL_ACTIONS.get(str(operation), action)
    return action


def _refuse_writes(model: Any, **_: Any) -> None:
    """Botocore ``before-call`` hook: the layer never sends a mutating request."""
    if not str(model.name).startswith(READ_ONLY_PREFIXES):
        raise ReadOnlyViolation(f"plcheck is read-only and refuses {model.name}")


def terminal_status(stream: Any = None) -> SlowCallHook | None:
    """A hook that shows the slow-call status as one line on stderr, when it is a terminal.

    For ``AwsSettings(on_slow_call=...)``; None when stderr is not a terminal.
    """
    stream = sys.stderr if stream is None else stream
    if not stream.isatty():
        return None
    from rich.console import Console

    console = Console(file=stream)
    shown: list[Any] = []

    def show(line: str | None) -> None:
        if line is None:
            if shown:
                shown.pop().stop()
        elif shown:
            shown[0].update(line)
        else:
            status = console.status(line)
            status.start()
            shown.append(status)

    return show


def classify_missing_credentials() -> AwsCallError:
    """The error for a scope with no credentials at all."""
    return AwsCallError(
        AwsErrorKind.NO_CREDENTIALS, "sts:AssumeRole", "NoCredentials", "no source credentials"
    )
