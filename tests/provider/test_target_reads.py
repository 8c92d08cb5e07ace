"""The target reads split EC2 filters at 200 values a call (all filters' values counted),
concurrently, and keep every answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import pytest

from plcheck.aws import targets
from plcheck.aws.filters import MAX_FILTER_VALUES
from plcheck.errors import AwsCallError, AwsErrorKind
from plcheck.facts.outcome import Outcome, outcome_of

T = TypeVar("T")


class FakeContext:
    """Records each paginate's filter values; answers as EC2 does for them."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.calls: list[tuple[str, list[str]]] = []
        self.gathered: list[int] = []
        self.fail_on = fail_on

    def gather(self, thunks: Sequence[Callable[[], T]]) -> list[Outcome[T]]:
        self.gathered.append(len(thunks))
        return [outcome_of(thunk) for thunk in thunks]

    def paginate(self, scope: object, service: str, operation: str, **kwargs: Any) -> Any:
        filters = kwargs["Filters"]
        # More is FilterLimitExceeded; the split filter is the last.
        assert sum(len(f["Values"]) for f in filters) <= MAX_FILTER_VALUES
        values = list(filters[-1]["Values"])
        self.calls.append((operation, values))
        if self.fail_on is not None and len(self.calls) == self.fail_on:
            raise AwsCallError(AwsErrorKind.ACCESS_DENIED, operation, "AccessDenied", "no")
        if operation == "describe_instances":
            instances = [
                {
                    "InstanceId": i,
                    "Placement": {"AvailabilityZone": "us-east-1a"},
                    "SecurityGroups": [{"GroupId": f"sg-{i}"}],
                }
                for i in values
            ]
            return {"Reservations": [{"Instances": instances}]}
        return {
            "NetworkInterfaces": [
                {"PrivateIpAddress": a, "Groups": [{"GroupId": f"sg-{a}"}]} for a in values
            ]
        }


def test_more_than_200_instance_ids_take_one_call_per_200() -> None:
    ctx = FakeContext()
    ids = [f"i-{n:05d}" for n in range(450)]
    found = targets._instances(ctx, object(), ids)  # type: ignore[arg-type]
    assert [len(v) for _, v in ctx.calls] == [200, 200, 50]
    assert ctx.gathered == [3]  # concurrently, in one gather
    assert set(found) == set(ids)
    assert found["i-00449"] == ("us-east-1a", ("sg-i-00449",))


def test_more_than_200_ip_targets_take_one_call_per_200() -> None:
    ctx = FakeContext()
    addresses = [f"10.0.{n // 250}.{n % 250}" for n in range(401)]
    found = targets._ip_target_groups(ctx, object(), addresses, ["vpc-1"])  # type: ignore[arg-type]
    # The vpc-id filter's value counts too: 199 addresses a call.
    assert [len(v) for _, v in ctx.calls] == [199, 199, 3]
    assert ctx.gathered == [3]
    assert set(found) == set(addresses)


def test_up_to_200_values_is_one_call_and_a_failed_chunk_fails_the_read() -> None:
    ctx = FakeContext()
    targets._instances(ctx, object(), [f"i-{n}" for n in range(200)])  # type: ignore[arg-type]
    assert len(ctx.calls) == 1
    failing = FakeContext(fail_on=2)
    with pytest.raises(AwsCallError):
        targets._instances(failing, object(), [f"i-{n}" for n in range(201)])  # type: ignore[arg-type]
