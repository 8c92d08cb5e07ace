"""Outcome: a fact that was read, or the AWS failure that kept it from being read.

Every gatherer returns its facts as outcomes, so a failed call costs only the
checks that need it: the framework turns a needed, failed outcome into those
checks' ``error`` findings (:mod:`plcheck.checks.framework`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from plcheck.errors import AwsCallError

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """The result of a call that may have failed with a classified AWS error."""

    value: T | None = None
    """The result when the call succeeded."""
    error: AwsCallError | None = None
    """The failure, when it failed."""

    def get(self) -> T:
        """The value, or raise the error."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]

    @property
    def ok(self) -> bool:
        """Whether the fact was read."""
        return self.error is None


def outcome_of(thunk: Callable[[], T]) -> Outcome[T]:
    """Run ``thunk``; its value, or the AWS failure it raised, as an outcome."""
    try:
        return Outcome(value=thunk())
    except AwsCallError as exc:
        return Outcome(error=exc)
