"""How plcheck talks to AWS: :class:`AwsSettings` and the environment variables behind it."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from plcheck.errors import UsageError

#: Environment variable: seconds to wait for each AWS response (``--aws-timeout``).
TIMEOUT_ENV = "PLCHECK_AWS_TIMEOUT"
#: Environment variable: AWS calls in flight at once across the run.
MAX_WORKERS_ENV = "PLCHECK_MAX_WORKERS"
#: Upper bound on the pool that ``ensure_workers`` grows to (``az-map`` over many
#: accounts). At 50 ms per call, 100 accounts (200 calls) took 0.80 s with 32 calls in
#: flight and 0.68 s with 64, for the same CPU; 100 in flight took 0.72 s (bench/run.py).
MAX_POOL = 64

SlowCallHook = Callable[[str | None], None]
"""Called with a one-line status while a call has waited too long, and None once none has."""


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
    """Status hook for a terminal (see :func:`plcheck.aws.status.terminal_status`); None: silent."""

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
