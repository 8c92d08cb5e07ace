"""The AWS layer: read-only by construction, calls made once, concurrency, errors."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws

from plcheck.aws import AwsContext, AwsSettings, Scope
from plcheck.aws.context import ReadOnlyViolation
from plcheck.errors import AwsCallError, AwsErrorKind

SCOPE = Scope(region="us-east-1")


@pytest.fixture
def moto_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


@pytest.mark.usefixtures("moto_env")
def test_clients_refuse_every_write() -> None:
    with AwsContext() as ctx:
        with pytest.raises(ReadOnlyViolation, match="CreateVpc"):
            ctx.client(SCOPE, "ec2").create_vpc(CidrBlock="10.0.0.0/16")
        with pytest.raises(ReadOnlyViolation, match="DeleteLoadBalancer"):
            ctx.call(SCOPE, "elbv2", "delete_load_balancer", LoadBalancerArn="arn")
        with pytest.raises(ReadOnlyViolation, match="AssumeRole"):
            ctx.call(SCOPE, "sts", "assume_role", RoleArn="arn", RoleSessionName="x")
        # Reads go through.
        assert ctx.call(SCOPE, "ec2", "describe_vpcs")["Vpcs"]


@pytest.mark.usefixtures("moto_env")
def test_identical_calls_are_sent_once_and_pages_are_merged() -> None:
    with AwsContext() as ctx:
        first = ctx.call(SCOPE, "ec2", "describe_availability_zones")
        second = ctx.call(SCOPE, "ec2", "describe_availability_zones")
        assert first is second
        ctx.paginate(SCOPE, "ec2", "describe_subnets")
        ctx.paginate(SCOPE, "ec2", "describe_subnets")
        ctx.call(SCOPE, "ec2", "describe_availability_zones", ZoneNames=["us-east-1a"])
        actions = [c.action for c in ctx.calls]
    assert actions == [
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeSubnets",
        "ec2:DescribeAvailabilityZones",
    ]


@pytest.mark.usefixtures("moto_env")
def test_errors_are_classified_with_the_iam_action() -> None:
    with AwsContext() as ctx, pytest.raises(AwsCallError) as caught:
        ctx.call(SCOPE, "ec2", "describe_vpcs", VpcIds=["vpc-0123456789abcdef0"])
    assert caught.value.kind is AwsErrorKind.NOT_FOUND
    assert caught.value.action == "ec2:DescribeVpcs"
    assert "InvalidVpcID.NotFound" in caught.value.describe()


def test_gather_runs_independent_work_concurrently() -> None:
    with AwsContext(AwsSettings(max_workers=4)) as ctx:
        started = time.monotonic()
        outcomes = ctx.gather([lambda i=i: (time.sleep(0.3), i)[1] for i in range(4)])
        elapsed = time.monotonic() - started
    assert [o.get() for o in outcomes] == [0, 1, 2, 3]
    assert elapsed < 0.9  # four 0.3 s tasks side by side, not 1.2 s in a row


def test_nested_gathers_do_not_deadlock_a_full_pool() -> None:
    with AwsContext(AwsSettings(max_workers=2)) as ctx:

        def outer(i: int) -> int:
            inner = ctx.gather([lambda j=j: i * 10 + j for j in range(3)])
            return sum(o.get() for o in inner)

        done = threading.Event()
        result: list[int] = []

        def work() -> None:
            result.extend(o.get() for o in ctx.gather([lambda i=i: outer(i) for i in range(6)]))
            done.set()

        threading.Thread(target=work, daemon=True).start()
        assert done.wait(10), "nested gathers deadlocked"
    assert result == [sum(i * 10 + j for j in range(3)) for i in range(6)]


def test_gather_turns_aws_errors_into_outcomes() -> None:
    def denied() -> int:
        raise AwsCallError(
            AwsErrorKind.ACCESS_DENIED, "ec2:DescribeVpcs", "UnauthorizedOperation", ""
        )

    with AwsContext() as ctx:
        ok, failed = ctx.gather([lambda: 1, denied])
    assert ok.get() == 1
    assert failed.error is not None
    assert failed.error.kind is AwsErrorKind.ACCESS_DENIED
    with pytest.raises(AwsCallError):
        failed.get()
