"""plcheck under AWS faults: throttling, denials, timeouts, expired credentials, odd responses.

Every run must end without a traceback, with a complete, valid JSON report and
the foundation's exit code (0 ok, 1 findings, 2 usage, 3 incomplete); see
``conftest.plcheck``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from plcheck.sim.faults import FaultInjector
from plcheck.sim.tls_server import Blackhole, unused_port
from tests.faults.conftest import (
    AZ_MAP_ARGS,
    Result,
    Served,
    consumer_args,
    expected_exit,
    plcheck,
    provider_args,
)

# The profiles are role profiles: the role ARN names the account, so no GetCallerIdentity.
AZ_MAP_ACTIONS = ("sts:AssumeRole", "ec2:DescribeAvailabilityZones")
CONSUMER_ACTIONS = (
    "sts:AssumeRole",
    "ec2:DescribeAvailabilityZones",
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcAttribute",
    "ec2:DescribeVpcEndpointServices",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeVpcs",
    "route53:ListHostedZonesByVPC",
    "route53resolver:ListResolverRuleAssociations",
    "route53resolver:ListResolverRules",
)
PROVIDER_ACTIONS = (
    "sts:AssumeRole",
    "ec2:DescribeAvailabilityZones",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcEndpointConnections",
    "ec2:DescribeVpcEndpointServiceConfigurations",
    "ec2:DescribeVpcEndpointServicePermissions",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTargetGroupAttributes",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
)
ACTIONS = {"az-map": AZ_MAP_ACTIONS, "consumer": CONSUMER_ACTIONS, "provider": PROVIDER_ACTIONS}

#: Actions a command can do without: the account ID is read from the resources too.
#: (None today: the role profiles' accounts come from their role ARNs, not from a call.)
DISPENSABLE: frozenset[tuple[str, str]] = frozenset()


def command_args(served: Served, command: str) -> list[str]:
    if command == "consumer":
        return consumer_args(served)
    if command == "provider":
        return provider_args(served)
    return list(AZ_MAP_ARGS)


_BASELINES: dict[str, Result] = {}


def baseline(served: Served, command: str, capsys: pytest.CaptureFixture[str]) -> Result:
    """The command's run without faults (once per module)."""
    if command not in _BASELINES:
        _BASELINES[command] = plcheck(capsys, *command_args(served, command))
    return _BASELINES[command]


def kinds(result: Result) -> set[str]:
    return {f["details"].get("error_kind", "") for f in result.errors()}


# ------------------------------------------------------------------ access denied


@pytest.mark.parametrize("command", sorted(ACTIONS))
def test_the_actions_denied_below_are_every_action_made(
    served: Served, faults: FaultInjector, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    faults.reset_calls()
    result = plcheck(capsys, *command_args(served, command))
    made = set(faults.by_action())
    missing = made - set(ACTIONS[command])
    assert not missing, f"add to the {command} list: {missing}"
    assert not result.errors()


@pytest.mark.parametrize(
    ("command", "action"), [(c, a) for c, actions in sorted(ACTIONS.items()) for a in actions]
)
def test_access_denied_is_an_error_naming_the_action_and_other_checks_still_report(
    served: Served,
    faults: FaultInjector,
    capsys: pytest.CaptureFixture[str],
    command: str,
    action: str,
) -> None:
    expected = baseline(served, command, capsys)
    faults.deny(action)
    result = plcheck(capsys, *command_args(served, command))
    assert result.checks >= expected.checks
    if (command, action) in DISPENSABLE:
        assert not result.errors()
        assert result.code == expected.code
        return
    denied = [f for f in result.errors() if f["details"].get("action") == action]
    assert denied, [f["message"] for f in result.errors()]
    assert all(f["details"]["error_kind"] == "access-denied" for f in denied)
    assert all(action in f["message"] and action in f["remediation"] for f in denied)
    assert result.code in (1, 3)


# ------------------------------------------------------------------ throttling


def test_throttling_on_the_first_calls_is_retried_away(
    faults: FaultInjector, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    faults.throttle("ec2:DescribeAvailabilityZones", times=2)
    result = plcheck(capsys, *AZ_MAP_ARGS)
    assert result.code == 0
    assert not result.errors()
    assert faults.count("ec2:DescribeAvailabilityZones") == 4  # two accounts, two throttled


def test_endless_throttling_is_an_error_within_a_bounded_time(
    faults: FaultInjector, capsys: pytest.CaptureFixture[str]
) -> None:
    faults.throttle("ec2:DescribeAvailabilityZones")
    result = plcheck(capsys, *AZ_MAP_ARGS)
    assert result.code == 3
    assert kinds(result) == {"throttled"}
    assert len(result.errors()) == 2  # one per account
    assert result.seconds < 15
    # AWS_MAX_ATTEMPTS=2: each account's call was tried twice, not more.
    assert faults.count("ec2:DescribeAvailabilityZones") == 4


def test_throttling_of_one_consumer_read_leaves_the_rest(
    served: Served, faults: FaultInjector, capsys: pytest.CaptureFixture[str]
) -> None:
    faults.throttle("ec2:DescribeSecurityGroups")
    result = plcheck(capsys, *consumer_args(served))
    assert kinds(result) == {"throttled"}
    assert {f["check"] for f in result.errors()} == {"endpoint-security-groups"}
    assert result.checks >= baseline(served, "consumer", capsys).checks


# ------------------------------------------------------------------ credentials


@pytest.mark.parametrize("command", sorted(ACTIONS))
def test_expired_credentials_are_an_error_saying_to_refresh(
    served: Served, faults: FaultInjector, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    faults.expire_credentials()
    result = plcheck(capsys, *command_args(served, command))
    assert result.code == 3
    assert kinds(result) == {"expired-credentials"}
    assert all("refresh" in f["remediation"] for f in result.errors())


# ------------------------------------------------------------------ network


def test_an_endpoint_that_refuses_is_an_error_quickly(
    faults: FaultInjector, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{unused_port()}")
    result = plcheck(capsys, *AZ_MAP_ARGS)
    assert result.code == 3
    assert kinds(result) == {"unreachable"}
    assert result.seconds < 10
    assert faults.count() == 0


class SilentServer:
    """Accepts connections on 127.0.0.1, counts them and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port = int(self.sock.getsockname()[1])
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                self.accepted.append(self.sock.accept()[0])
            except OSError:
                continue

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    try:
        yield server
    finally:
        server.close()


def test_ctrl_c_does_not_wait_for_calls_in_flight(served: Served, silent: SilentServer) -> None:
    import signal
    import time

    env = {
        **os.environ,
        **served.world.env,
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{silent.port}",
        "PLCHECK_AWS_TIMEOUT": "120",  # each call would wait two minutes
    }
    command = [sys.executable, "-m", "plcheck", *consumer_args(served)]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        deadline = time.monotonic() + 60
        while not silent.accepted and time.monotonic() < deadline:  # a call is in flight
            time.sleep(0.05)
        assert silent.accepted, "plcheck never called AWS"
        process.send_signal(signal.SIGINT)
        # Generous against a quiet machine's fraction of a second; the calls would take 120 s.
        _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.strip().endswith("interrupted")


@pytest.mark.parametrize("command", ["az-map", "consumer"])
def test_an_endpoint_that_never_answers_is_an_error_within_the_timeout(
    served: Served,
    faults: FaultInjector,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    silent: SilentServer,
    command: str,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{silent.port}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("PLCHECK_AWS_TIMEOUT", "0.5")
    result = plcheck(capsys, *command_args(served, command))
    assert result.code == 3
    assert kinds(result) == {"timeout"}
    # The profile's sts:AssumeRole honours the timeout too. Generous: the bound is the count.
    assert result.seconds < 20
    # Once the endpoint timed out, the run's other calls are not sent to it again:
    # one attempt per account that was already waiting on it.
    assert len(silent.accepted) <= 2


def test_a_silent_endpoint_gets_two_attempts_per_call_by_default_and_is_named(
    served: Served,
    faults: FaultInjector,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    silent: SilentServer,
) -> None:
    # The default retries (standard mode, 5 attempts) would wait 5 read timeouts per call.
    monkeypatch.delenv("AWS_MAX_ATTEMPTS")
    monkeypatch.setenv("PLCHECK_AWS_TIMEOUT", "0.3")
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{silent.port}")
    result = plcheck(capsys, *consumer_args(served))
    assert result.code == 3
    assert kinds(result) == {"timeout"}
    # The profile's role is assumed once, two attempts, then every read fails at once.
    assert len(silent.accepted) == 2
    for finding in result.errors():
        assert f"127.0.0.1:{silent.port}" in finding["message"]
        assert "--aws-timeout" in finding["message"]
        assert "PLCHECK_AWS_TIMEOUT" in finding["message"]
        assert finding["details"]["action"] == "sts:AssumeRole"


def test_an_endpoint_whose_connects_time_out_is_an_error_within_the_timeout(
    faults: FaultInjector, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    try:
        hole = Blackhole()
    except OSError as exc:
        pytest.skip(f"no blackhole address: {exc}")
    try:
        with hole:
            monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{hole.host}:{hole.port}")
            monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
            monkeypatch.setenv("PLCHECK_AWS_TIMEOUT", "0.5")
            result = plcheck(capsys, *AZ_MAP_ARGS)
    except RuntimeError as exc:
        pytest.skip(str(exc))
    assert result.code == 3
    assert kinds(result) == {"timeout"}
    assert result.seconds < 20  # ~1 s on a quiet machine


def test_a_bad_timeout_setting_is_a_usage_error(
    faults: FaultInjector, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLCHECK_AWS_TIMEOUT", "soon")
    result = plcheck(capsys, *AZ_MAP_ARGS)
    assert result.code == 2
    assert "PLCHECK_AWS_TIMEOUT" in result.stderr


# ------------------------------------------------------------------ input


@pytest.mark.parametrize(
    "args",
    [
        ["consumer", "vpc-nothex", "--profile", "consumer"],
        ["consumer", "vpc-0123456789abcdef0", "--profile", "consumer", "--subnet", "subnet-x"],
        ["provider", "vpce-svc-zzzz", "--profile", "provider"],
        ["az-map", "--org", "--org-role", "no spaces allowed", "--profile", "provider"],
    ],
)
def test_malformed_input_exits_2_with_one_line(
    faults: FaultInjector, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    result = plcheck(capsys, *args)
    assert result.code == 2
    assert result.stderr.startswith("plcheck: error: ")
    assert faults.count() == 0  # rejected before any AWS call


def test_a_vpc_that_does_not_exist_is_named(
    faults: FaultInjector, capsys: pytest.CaptureFixture[str]
) -> None:
    result = plcheck(capsys, "consumer", "vpc-0123456789abcdef0", "--profile", "consumer")
    assert result.code == 2
    assert "vpc-0123456789abcdef0 does not exist" in result.stderr


def test_a_service_that_does_not_exist_is_named(
    faults: FaultInjector, capsys: pytest.CaptureFixture[str]
) -> None:
    result = plcheck(capsys, "provider", "vpce-svc-0123456789abcdef0", "--profile", "provider")
    text = result.stderr if result.code == 2 else json.dumps(result.findings)
    assert "vpce-svc-0123456789abcdef0" in text


# ------------------------------------------------------------------ odd responses

#: Fields AWS leaves out of responses where they do not apply (PascalCase; EC2's XML
#: uses camelCase and *Set lists, which the fault layer matches too).
OPTIONAL_FIELDS = {
    "az-map": ["ZoneType", "GroupName", "OptInStatus", "Messages", "NetworkBorderGroup"],
    "consumer": [
        "TagSet",
        "OwnerId",
        "CidrBlockAssociationSet",
        "Ipv6CidrBlockAssociationSet",
        "DhcpOptionsId",
        "DnsEntrySet",
        "GroupSet",
        "PrivateDnsName",
        "PrivateDnsNames",
        "PrivateDnsNameVerificationState",
        "AvailabilityZoneIdSet",
        "BaseEndpointDnsNameSet",
        "IpPermissions",
        "AssociationSet",
        "PortRange",
        "IcmpTypeCode",
        "HostedZoneSummaries",
        "LastError",
        "ZoneType",
    ],
    "provider": [
        "TagSet",
        "PrivateDnsName",
        "PrivateDnsNameConfiguration",
        "AvailabilityZoneIdSet",
        "AllowedPrincipals",
        "SecurityGroups",
        "AvailabilityZones",
        "SupportedRegionSet",
        "VpcEndpointConnectionSet",
        "TargetHealth",
        "HealthCheckPort",
        "Attributes",
        "DefaultActions",
        "Scheme",
        "IpAddressType",
        "ZoneType",
    ],
}


@pytest.mark.parametrize(
    ("command", "field"), [(c, f) for c, fields in sorted(OPTIONAL_FIELDS.items()) for f in fields]
)
def test_a_response_without_an_optional_field_is_handled(
    served: Served,
    faults: FaultInjector,
    capsys: pytest.CaptureFixture[str],
    command: str,
    field: str,
) -> None:
    faults.strip([field])
    result = plcheck(capsys, *command_args(served, command))
    assert result.code in (0, 1, 3)
    assert result.report["findings"]


# ------------------------------------------------------------------ in a subprocess


def test_in_a_subprocess_endless_throttling_exits_3_with_a_valid_report(
    served: Served, faults: FaultInjector
) -> None:
    faults.throttle()
    env = {**os.environ, **served.world.env, "AWS_MAX_ATTEMPTS": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "plcheck", *AZ_MAP_ARGS, "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert done.returncode == expected_exit(report) == 3
    assert {f["details"]["error_kind"] for f in report["findings"]} == {"throttled"}


def test_a_roles_assumption_starts_before_the_first_call(
    served: Served, faults: FaultInjector
) -> None:
    import time

    from plcheck.aws import AwsContext, Scope

    faults.reset_calls()
    with AwsContext() as ctx:
        # Resolving the scope (as every run does first) sets AssumeRole going in the pool,
        # beside the clients' construction, before any call of the run's own.
        ctx.region(Scope(profile="consumer"))
        deadline = time.monotonic() + 30
        while not faults.count("sts:AssumeRole") and time.monotonic() < deadline:
            time.sleep(0.01)
        assert faults.count("sts:AssumeRole") == 1
        ctx.call(Scope(profile="consumer"), "ec2", "describe_availability_zones")
    # ... and the call uses those credentials: the role is assumed once.
    assert faults.count("sts:AssumeRole") == 1
    assert faults.count() == 2
