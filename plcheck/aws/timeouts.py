"""Bounded waits: a silent AWS endpoint ends the call, and the run's later calls to it.

botocore would otherwise retry a timeout like any transient error, each attempt waiting
the whole read timeout (issue 14).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from plcheck.aws.settings import TIMEOUT_ENV, AwsSettings

T = TypeVar("T")


class EndpointTimeout(Exception):
    """An AWS endpoint that did not answer in time; ends the call without more attempts."""

    def __init__(self, operation: str, endpoint: str, message: str, code: str) -> None:
        super().__init__(message)
        self.operation_name = operation
        """The API operation that timed out (it may be a credential call: AssumeRole)."""
        self.endpoint = endpoint
        self.message = message
        self.code = code


class EndpointGuard:
    """botocore event hooks that bound timed-out attempts and remember dead endpoints.

    One per run: registered on every session the run builds (``before-send`` and
    ``needs-retry``).
    """

    def __init__(self, settings: Callable[[], AwsSettings]) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        # Endpoints (scheme://host:port) that timed out: later calls to them fail at once.
        self._dead: dict[str, EndpointTimeout] = {}

    def before_send(self, request: Any, event_name: str = "", **_: Any) -> None:
        """Botocore ``before-send``: an endpoint that already timed out is not waited on again."""
        dead = self._dead.get(origin(str(request.url)))
        if dead is not None:
            raise EndpointTimeout(
                event_name.rsplit(".", 1)[-1], dead.endpoint, dead.message, dead.code
            )

    def on_needs_retry(
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
        settings = self._settings()
        limit = min(settings.timeout_attempts, self._max_attempts(settings, request_dict))
        if timeouts < limit:
            return
        url = str(caught_exception.kwargs.get("endpoint_url", ""))
        connect = isinstance(caught_exception, bx.ConnectTimeoutError)
        seconds = settings.effective_connect_timeout if connect else settings.effective_read_timeout
        what = "could not connect to" if connect else "no response from"
        message = (
            f"{what} {url} within {seconds:g} s ({timeouts} attempt{'s' * (timeouts > 1)}); "
            f"to wait longer per attempt set --aws-timeout SECONDS or {TIMEOUT_ENV}"
        )
        error = EndpointTimeout(
            str(getattr(operation, "name", "")),
            origin(url),
            message,
            "ConnectTimeout" if connect else "ReadTimeout",
        )
        with self._lock:
            self._dead.setdefault(error.endpoint, error)
        raise error

    @staticmethod
    def _max_attempts(settings: AwsSettings, request_dict: dict[str, Any] | None) -> int:
        config = (request_dict or {}).get("context", {}).get("client_config")
        retries = getattr(config, "retries", None) or {}
        return int(retries.get("total_max_attempts") or settings.max_attempts)


def origin(url: str) -> str:
    """``scheme://host:port`` of a URL: what a timed-out endpoint is remembered by."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}" if rest else url


#: How often a waiting thread wakes to let the interpreter handle Ctrl-C.
WAKE_SECONDS = 0.2


def awaited(future: Future[T]) -> T:
    """The future's result, waking every :data:`WAKE_SECONDS` while it runs.

    Ctrl-C may be delivered to any thread; Python runs its handler on the main thread, which
    notices only when it next runs bytecode. A bare ``result()`` sleeps in the lock until the
    future finishes (up to an AWS call's timeout); short waits in a loop let the interrupt
    through at once.
    """
    while True:
        try:
            return future.result(timeout=WAKE_SECONDS)
        except FutureTimeout:
            # The wait timed out, or the work itself raised a TimeoutError (the same class
            # from Python 3.11 on): once it is done, its own result or error stands.
            if future.done():
                return future.result()
