"""AwsContext: one run's access to AWS.

A context is created per run and passed to every gatherer; there are no
module-level clients. It

* builds sessions from profiles (or the default chain), optionally assuming a role
  (:mod:`plcheck.aws.sessions`, :mod:`plcheck.aws.credentials`);
* hands out clients that refuse any operation that is not Describe, List or Get;
* makes identical calls once per run, paginates, and maps failures to
  :class:`~plcheck.errors.AwsCallError` or :class:`~plcheck.errors.UsageError`;
* bounds every wait (:mod:`plcheck.aws.timeouts`) and tells a terminal of slow calls
  (:mod:`plcheck.aws.status`);
* runs independent calls concurrently in one bounded pool.

Names of the AWS layer that other modules and tests import from here are re-exported
(``__all__``); each is defined in one module of its own concern.
"""

from __future__ import annotations

import dataclasses
import json
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from plcheck.aws.credentials import BoundClient, failed_action, role_account, signing_as
from plcheck.aws.errors import classify, usage_error_for
from plcheck.aws.models import IAM_PREFIX, TRIMMED_OPERATIONS, trim_model
from plcheck.aws.regions import validate_region
from plcheck.aws.scope import Scope
from plcheck.aws.sessions import ReadOnlyViolation, ScopeState, Sessions
from plcheck.aws.settings import MAX_POOL, MAX_WORKERS_ENV, AwsSettings
from plcheck.aws.status import SlowCalls, terminal_status
from plcheck.aws.timeouts import EndpointGuard, EndpointTimeout, awaited
from plcheck.errors import AwsCallError, AwsErrorKind
from plcheck.facts.outcome import Outcome, outcome_of

#: Defined here, or re-exported for the modules and tests that import them from here.
__all__ = [
    "IAM_PREFIX",
    "MAX_WORKERS_ENV",
    "TRIMMED_OPERATIONS",
    "AwsContext",
    "AwsSettings",
    "CallRecord",
    "ReadOnlyViolation",
    "Scope",
    "role_account",
    "terminal_status",
    "trim_model",
    "validate_region",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Started(Generic[T]):
    """Thunks handed to the pool, in order."""

    running: list[tuple[Future[Outcome[T]], Callable[[], T]]]

    def outcomes(self) -> list[Outcome[T]]:
        """Each thunk's outcome, in order, once all have finished.

        A thunk that no worker has started yet is run on the waiting thread, so
        gathers nested inside pooled work never deadlock the bounded pool.
        """
        results: list[Outcome[T]] = []
        for future, thunk in self.running:
            if future.cancel():
                results.append(outcome_of(thunk))
            else:
                results.append(awaited(future))
        return results


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


class AwsContext:
    """Sessions, clients, the call cache and the worker pool of one run."""

    def __init__(
        self, settings: AwsSettings | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings or AwsSettings.from_env()
        self.calls: list[CallRecord] = []
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[tuple[Any, ...], Future[Any]] = {}
        self._warmed: set[int] = set()
        self._pools: list[ThreadPoolExecutor] = []
        # Not self._lock: that one guards the call cache.
        self._pool_lock = threading.Lock()
        self._sessions = Sessions(lambda: self.settings, EndpointGuard(lambda: self.settings))
        self._slow = SlowCalls(
            self.settings.slow_call_seconds, self.settings.on_slow_call, self._clock
        )

    @property
    def _pool(self) -> ThreadPoolExecutor:
        """The current worker pool (threads start on demand, up to ``max_workers``)."""
        with self._pool_lock:
            if not self._pools:
                self._pools.append(_worker_pool(self.settings.max_workers))
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
                self._pools.append(_worker_pool(workers))

    def close(self, wait: bool = True) -> None:
        """Stop the worker pools and the status line.

        ``wait=False`` (on Ctrl-C) does not wait for the calls in flight: each would hold
        the exit for up to its timeout.
        """
        with self._pool_lock:
            pools = list(self._pools)
        for pool in pools:
            pool.shutdown(wait=wait, cancel_futures=True)
        self._slow.close()

    def __enter__(self) -> AwsContext:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.close(wait=kind is None or not issubclass(kind, KeyboardInterrupt))

    # -- scopes and clients ---------------------------------------------------------

    def region(self, scope: Scope) -> str:
        """The region a scope resolves to (flag, environment or profile), validated."""
        return self._state(scope).region

    def _state(self, scope: Scope) -> ScopeState:
        """The scope's state; its role, if it has one, starts being assumed at once."""
        state = self._sessions.state(scope)
        credentials = state.credentials
        needed = getattr(credentials, "refresh_needed", None)
        if needed is None or id(credentials) in self._warmed:
            return state
        with self._lock:
            first = id(credentials) not in self._warmed
            self._warmed.add(id(credentials))
        if first and needed():
            # AssumeRole needs no client: waiting for it beside building the clients (CPU)
            # takes a round trip off a run's critical path. A failure here is met again,
            # and reported, by the first call that signs with these credentials.
            self._pool.submit(_quietly, credentials.get_frozen_credentials)
        return state

    def client(self, scope: Scope, service: str) -> Any:
        """A read-only client for ``service`` acting as the scope's account and region."""
        state = self._state(scope)
        return BoundClient(
            self._sessions.shared_client(state, service),
            state.credentials,
            lambda: self._sessions.full_client(state, service),
        )

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
            self._sessions.section(scope.profile).get("role_arn")
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
            result: dict[str, Any] = awaited(future)
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
        from botocore.parsers import ResponseParserError

        state = self._state(scope)
        client = self._sessions.shared_client(state, service)
        if not hasattr(client, operation):  # not in the trimmed model
            client = self._sessions.full_client(state, service)
        api_name = client.meta.method_to_api_mapping.get(operation, operation)
        action = f"{IAM_PREFIX.get(service, service)}:{api_name}"
        started = self._clock()
        call_id = self._track(started, action, scope.label)
        try:
            with signing_as(state.credentials):
                if paginate:
                    result: dict[str, Any] = (
                        client.get_paginator(operation).paginate(**params).build_full_result()
                    )
                else:
                    result = getattr(client, operation)(**params)
        except EndpointTimeout as exc:
            raise AwsCallError(
                AwsErrorKind.TIMEOUT, failed_action(exc, action), exc.code, exc.message
            ) from None
        except (
            botocore.exceptions.BotoCoreError,
            botocore.exceptions.ClientError,
            ResponseParserError,  # a body that is not AWS's: a proxy's page, a truncated reply
        ) as exc:
            raise usage_error_for(exc) or classify(
                exc, failed_action(exc, action), client.meta.endpoint_url
            ) from None
        finally:
            self._untrack(call_id)
            record = CallRecord(action, state.region, scope.profile, self._clock() - started)
            self.calls.append(record)
        result.pop("ResponseMetadata", None)
        return result

    # -- the slow-call status -------------------------------------------------------

    def _track(self, started: float, action: str, label: str) -> int:
        return self._slow.track(started, action, label)

    def _untrack(self, call_id: int) -> None:
        self._slow.untrack(call_id)

    def slow_status(self, now: float | None = None) -> str | None:
        """The status line for calls waiting longer than ``slow_call_seconds``, or None."""
        return self._slow.status(now)

    # -- concurrency --------------------------------------------------------------

    def gather(self, thunks: Sequence[Callable[[], T]]) -> list[Outcome[T]]:
        """Run independent thunks concurrently; AWS failures come back as outcomes."""
        return self.start(thunks).outcomes()

    def start(self, thunks: Sequence[Callable[[], T]]) -> Started[T]:
        """Start independent thunks now; their outcomes come later from :meth:`Started.outcomes`.

        For work learned in pieces (``az-map --org`` reads each page's accounts while the
        next page is listed).
        """
        return Started([(self._pool.submit(outcome_of, thunk), thunk) for thunk in thunks])


def _worker_pool(workers: int) -> ThreadPoolExecutor:
    """A pool whose threads leave Ctrl-C to the main thread (see :func:`_leave_interrupts`)."""
    return ThreadPoolExecutor(
        max_workers=workers, thread_name_prefix="plcheck-aws", initializer=_leave_interrupts
    )


def _leave_interrupts() -> None:
    """Block SIGINT in a worker thread, so the kernel hands it to the main thread.

    Python handles signals on the main thread only; one delivered to a worker waits until
    the main thread next runs (:func:`~plcheck.aws.timeouts.awaited` bounds that wait too).
    """
    if hasattr(signal, "pthread_sigmask"):  # not on Windows
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _quietly(fetch: Callable[[], Any]) -> None:
    """Run ``fetch`` for its effect; its failure is the caller's to meet again."""
    try:
        fetch()
    except Exception:  # reported by the call that needs the credentials
        return
