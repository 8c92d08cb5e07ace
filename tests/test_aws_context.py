"""The AWS layer: read-only by construction, calls made once, concurrency, errors."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from plcheck.aws import AwsContext, AwsSettings, Scope
from plcheck.aws.context import (
    TRIMMED_OPERATIONS,
    ReadOnlyViolation,
    role_account,
    terminal_status,
    trim_model,
    validate_region,
)
from plcheck.errors import AwsCallError, AwsErrorKind, UsageError

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
    # Each task waits for all four to be running at once: in a row, the barrier breaks.
    barrier = threading.Barrier(4, timeout=30)
    with AwsContext(AwsSettings(max_workers=4)) as ctx:
        outcomes = ctx.gather([lambda i=i: (barrier.wait(), i)[1] for i in range(4)])
    assert [o.get() for o in outcomes] == [0, 1, 2, 3]


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


# ------------------------------------------------------------------ regions


@pytest.mark.usefixtures("moto_env")
@pytest.mark.parametrize(("region", "near"), [("us-east-9", "us-east-1"), ("", "us-east-1")])
def test_an_unknown_region_is_a_usage_error_naming_the_nearest(region: str, near: str) -> None:
    with AwsContext() as ctx, pytest.raises(UsageError) as caught:
        ctx.region(Scope(region=region))
    assert "unknown region" in str(caught.value)
    assert near in str(caught.value)


@pytest.mark.usefixtures("moto_env")
def test_known_regions_of_every_partition_are_accepted() -> None:
    with AwsContext() as ctx:
        for region in ("eu-central-2", "us-gov-west-1", "cn-north-1", "ap-southeast-5"):
            assert ctx.region(Scope(region=region)) == region


@pytest.mark.usefixtures("moto_env")
def test_aws_region_wins_over_aws_default_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with AwsContext() as ctx:
        assert ctx.region(Scope()) == "eu-west-1"
    monkeypatch.setenv("AWS_REGION", "eu-north-1")
    with AwsContext() as ctx:
        assert ctx.region(Scope()) == "eu-north-1"
        assert ctx.region(Scope(region="us-west-2")) == "us-west-2"  # the flag wins


def test_region_validation_does_not_parse_endpoints_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import botocore.loaders

    loaded: list[str] = []
    original = botocore.loaders.Loader.load_data

    def spy(self: object, name: str) -> object:
        loaded.append(name)
        return original(self, name)  # type: ignore[arg-type]

    monkeypatch.setattr(botocore.loaders.Loader, "load_data", spy)
    validate_region("us-east-1")
    with pytest.raises(UsageError):
        validate_region("us-east-9")
    assert "endpoints" not in loaded


# ------------------------------------------------------------------ settings


def test_the_timeout_setting_bounds_connect_and_read(monkeypatch: pytest.MonkeyPatch) -> None:
    default = AwsSettings.from_env()
    assert (default.effective_connect_timeout, default.effective_read_timeout) == (5.0, 10.0)
    # Two timed-out attempts per call: a silent endpoint ends a call within 30 s.
    assert default.timeout_attempts * default.effective_read_timeout <= 20
    monkeypatch.setenv("PLCHECK_AWS_TIMEOUT", "2.5")
    from_env = AwsSettings.from_env()
    assert (from_env.effective_connect_timeout, from_env.effective_read_timeout) == (2.5, 2.5)
    # --aws-timeout (or probe --timeout) overrides the environment; None leaves it.
    assert AwsSettings.from_env(aws_timeout=1.0).effective_read_timeout == 1.0
    assert AwsSettings.from_env(aws_timeout=None).effective_read_timeout == 2.5
    with pytest.raises(UsageError):
        AwsSettings.from_env(aws_timeout=0)


def test_a_role_arn_names_its_account() -> None:
    assert role_account("arn:aws:iam::123456789012:role/Reader") == "123456789012"
    assert role_account("arn:aws-us-gov:iam::210987654321:role/a/b") == "210987654321"
    assert role_account("not-an-arn") == ""
    assert role_account(None) == ""


@pytest.mark.usefixtures("moto_env")
def test_a_scope_with_a_role_arn_reads_its_account_without_a_call() -> None:
    scope = Scope(region="us-east-1", role_arn="arn:aws:iam::123456789012:role/Reader")
    with AwsContext() as ctx:
        assert ctx.account_id(scope) == "123456789012"
        assert ctx.calls == []


# ------------------------------------------------------------------ trimmed models


@pytest.mark.parametrize("service", sorted(TRIMMED_OPERATIONS))
def test_a_trimmed_model_has_every_action_plcheck_needs_of_its_service(service: str) -> None:
    from plcheck.aws.models import IAM_PREFIX
    from plcheck.iam import actions

    prefix = IAM_PREFIX.get(service, service)
    needed = {a.split(":")[1] for a in actions() if a.startswith(f"{prefix}:")}
    assert needed, f"plcheck needs no {prefix} action: drop {service} from the trimmed models"
    assert needed <= set(TRIMMED_OPERATIONS[service])


def test_a_trimmed_model_keeps_the_shapes_its_operations_reach() -> None:
    import botocore.loaders
    from botocore.model import ServiceModel

    full = botocore.loaders.create_loader().load_service_model("ec2", "service-2")
    trimmed = trim_model(full, ["DescribeVpcs"])
    model = ServiceModel(trimmed, "ec2")
    assert model.operation_names == ["DescribeVpcs"]
    output = model.operation_model("DescribeVpcs").output_shape
    assert output is not None
    assert "Vpcs" in output.members
    assert len(trimmed["shapes"]) < len(full["shapes"]) / 10


@pytest.mark.usefixtures("moto_env")
def test_an_operation_outside_the_trimmed_model_uses_the_full_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with AwsContext() as ctx:
        assert ctx.call(SCOPE, "ec2", "describe_vpcs")["Vpcs"]  # trimmed
        assert ctx.call(SCOPE, "ec2", "describe_regions")["Regions"]  # not trimmed
    assert list(tmp_path.glob("plcheck/botocore-*/ec2/*/service-2.json"))


# ------------------------------------------------------------------ slow calls


def test_the_status_line_names_a_call_waiting_past_the_threshold() -> None:
    now = [100.0]
    with AwsContext(AwsSettings(slow_call_seconds=2.0), clock=lambda: now[0]) as ctx:
        first = ctx._track(now[0], "ec2:DescribeSubnets", "consumer")
        now[0] += 1.0
        ctx._track(now[0], "sts:AssumeRole", "provider")
        assert ctx.slow_status() is None
        now[0] += 2.0
        line = ctx.slow_status()
        assert line is not None
        assert line.startswith("Waiting 3 s for AWS: ec2:DescribeSubnets (consumer)")
        assert line.endswith("(+1 more call)")
        ctx._untrack(first)
        assert ctx.slow_status() is None  # the other has waited 3.0 - 1.0 = 2.0 s: not past
        now[0] += 0.5
        assert "sts:AssumeRole (provider)" in (ctx.slow_status() or "")


def test_the_slow_call_hook_hears_of_a_waiting_call_and_of_its_end() -> None:
    heard: list[str | None] = []
    seen = threading.Event()

    def hook(line: str | None) -> None:
        heard.append(line)
        seen.set()

    with AwsContext(AwsSettings(slow_call_seconds=0.05, on_slow_call=hook)) as ctx:
        call = ctx._track(ctx._clock(), "ec2:DescribeVpcs", "consumer")
        assert seen.wait(30)
        ctx._untrack(call)
    assert heard[0] is not None
    assert "ec2:DescribeVpcs (consumer)" in heard[0]
    assert heard[-1] is None  # cleared when the call or the run ends


def test_the_terminal_status_is_off_when_stderr_is_not_a_terminal() -> None:
    import io

    assert terminal_status(io.StringIO()) is None


@pytest.mark.usefixtures("moto_env")
def test_a_shared_client_loads_its_pagination_model_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.loaders

    from plcheck.aws.models import trimmed_models

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert trimmed_models() is not None  # the cache is written first (it reads every model)
    loaded: list[str] = []
    original = botocore.loaders.Loader.load_service_model

    def counting(self: Any, service: str, type_name: str, *rest: Any, **named: Any) -> Any:
        if type_name == "paginators-1":
            loaded.append(service)
        return original(self, service, type_name, *rest, **named)

    monkeypatch.setattr(botocore.loaders.Loader, "load_service_model", counting)
    operations = ["describe_subnets", "describe_security_groups", "describe_network_acls"]
    with AwsContext() as ctx:
        ctx.gather(
            [lambda op=op: ctx.paginate(SCOPE, "ec2", op) for op in operations * 3]  # type: ignore[misc]
        )
    # Loaded when the shared client was built, not by each thread that paginates with it.
    assert loaded == ["ec2"]


def test_a_wait_lets_ctrl_c_through_when_another_thread_receives_it() -> None:
    """The kernel may hand SIGINT to any thread; Python handles it on the main thread only
    when that thread runs. A wait on an AWS call must not sleep through it."""
    import signal
    import threading
    from concurrent.futures import Future

    from plcheck.aws.timeouts import awaited

    never: Future[str] = Future()

    def interrupt_from_another_thread() -> None:
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)
        # Without the interrupt getting through, end the wait rather than hang the suite.
        if not never.done():
            fallback = threading.Timer(30, lambda: never.done() or never.set_result("slept"))
            fallback.daemon = True
            fallback.start()

    threading.Timer(0.3, interrupt_from_another_thread).start()
    with pytest.raises(KeyboardInterrupt):
        awaited(never)
    # A bare result() raises it too, but only once the work is done: here, never.
    assert not never.done(), "the interrupt waited for the work to finish"
    never.set_result("done")


def test_a_wait_returns_the_work_s_own_timeout_error() -> None:
    from concurrent.futures import Future

    from plcheck.aws.timeouts import awaited

    done: Future[str] = Future()
    done.set_result("value")
    assert awaited(done) == "value"
    timed_out: Future[str] = Future()
    timed_out.set_exception(TimeoutError("the work's own"))
    with pytest.raises(TimeoutError, match="the work's own"):
        awaited(timed_out)
