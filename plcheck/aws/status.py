"""The slow-call status: a one-line notice while an AWS call has waited too long (issue 14)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

from plcheck.aws.settings import SlowCallHook


class SlowCalls:
    """The calls in flight, and a watcher that tells ``hook`` of any waiting past ``threshold``.

    The watcher thread starts with the first call tracked when there is a hook.
    """

    def __init__(
        self, threshold: float, hook: SlowCallHook | None, clock: Callable[[], float]
    ) -> None:
        self._threshold = threshold
        self._hook = hook
        self._clock = clock
        self._lock = threading.Lock()
        # Calls in flight: id -> (started, action, scope label).
        self._inflight: dict[int, tuple[float, str, str]] = {}
        self._status: str | None = None
        self._watcher: threading.Thread | None = None
        self._stopping = threading.Event()

    def track(self, started: float, action: str, label: str) -> int:
        """Note a call that started at ``started``; returns its id for :meth:`untrack`."""
        call_id = id(object()) ^ threading.get_ident()
        with self._lock:
            while call_id in self._inflight:
                call_id += 1
            self._inflight[call_id] = (started, action, label)
            if self._hook is not None and self._watcher is None:
                self._watcher = threading.Thread(
                    target=self._watch, name="plcheck-aws-status", daemon=True
                )
                self._watcher.start()
        return call_id

    def untrack(self, call_id: int) -> None:
        with self._lock:
            self._inflight.pop(call_id, None)

    def status(self, now: float | None = None) -> str | None:
        """The status line for calls waiting longer than the threshold, or None."""
        now = self._clock() if now is None else now
        with self._lock:
            waiting = sorted(self._inflight.values())
        slow = [w for w in waiting if now - w[0] > self._threshold]
        if not slow:
            return None
        started, action, label = slow[0]
        others = len(waiting) - 1
        more = f" (+{others} more call{'s' * (others > 1)})" if others else ""
        return f"Waiting {now - started:.0f} s for AWS: {action} ({label}){more}"

    def close(self) -> None:
        """Stop the watcher and clear the status line."""
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join()
        self._set_status(None)

    def _watch(self) -> None:
        while not self._stopping.wait(0.25):
            self._set_status(self.status())

    def _set_status(self, line: str | None) -> None:
        if self._hook is None or line == self._status:
            return
        self._status = line
        self._hook(line)


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
