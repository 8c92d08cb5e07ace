"""A simulated world served over HTTP with a fault layer, and a way to run plcheck on it.

The world (and its scenario) is built once per module; each test gets the fault
layer fresh, so faults never leak from one test into the next. Retries and
timeouts are kept small so failing runs end quickly.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from plcheck.cli import run
from plcheck.sim import SimulatedWorld
from plcheck.sim.dns_server import DnsServer
from plcheck.sim.faults import FaultInjector
from plcheck.sim.scenarios import AzMismatchScenario, az_mismatch

EXIT_CODES = {0, 1, 2, 3}


@dataclass(frozen=True)
class Served:
    """The served world, its scenario and what the commands under test are given."""

    world: SimulatedWorld
    scenario: AzMismatchScenario
    endpoint_id: str
    """An interface endpoint in the consumer VPC to the scenario's service."""
    resolver: str
    """A loopback DNS server for the provider's TXT lookups (nothing leaves the machine)."""


@dataclass(frozen=True)
class Result:
    """One plcheck run."""

    code: int
    report: dict[str, Any]
    stderr: str
    seconds: float

    @property
    def findings(self) -> list[dict[str, Any]]:
        return list(self.report.get("findings", []))

    def errors(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["status"] == "error"]

    @property
    def checks(self) -> set[str]:
        return {f["check"] for f in self.findings}


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with SimulatedWorld(serve=True) as world, DnsServer({}) as dns:
        scenario = az_mismatch(world)
        ec2 = world.admin_client(scenario.consumer_account, "ec2", scenario.region)
        endpoint = ec2.create_vpc_endpoint(
            VpcEndpointType="Interface",
            VpcId=scenario.consumer_vpc_id,
            ServiceName=scenario.service_name,
            SubnetIds=list(scenario.supported_consumer_subnet_ids),
            SecurityGroupIds=[scenario.consumer_security_group_id],
            PrivateDnsEnabled=False,
        )["VpcEndpoint"]
        yield Served(world, scenario, str(endpoint["VpcEndpointId"]), dns.resolver)


@pytest.fixture
def faults(served: Served, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultInjector]:
    """The fault layer, clean for each test; two attempts per call.

    Reads wait 10 s, plcheck's default: on a loaded machine the simulated world can take
    seconds to answer, and only the tests of timeouts (which set their own) may time out.
    """
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("PLCHECK_AWS_TIMEOUT", "10")
    monkeypatch.delenv("PLCHECK_DEBUG", raising=False)
    with FaultInjector() as injector:
        yield injector


def plcheck(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    """Run plcheck in-process with ``--format json``; check the invariants of every run."""
    capsys.readouterr()
    started = time.monotonic()
    code = run([*args, "--format", "json"])
    seconds = time.monotonic() - started
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    assert code in EXIT_CODES, err
    if code == 2:
        assert len(err.strip().splitlines()) == 1, err
        return Result(code, {}, err, seconds)
    report = json.loads(out)
    assert code == expected_exit(report), (code, report.get("summary", ""))
    return Result(code, report, err, seconds)


def expected_exit(report: dict[str, Any]) -> int:
    """The foundation's exit code for a report: 1 on failures, else 3 on errors, else 0."""
    statuses = {f["status"] for f in report["findings"]}
    if "fail" in statuses:
        return 1
    if "error" in statuses:
        return 3
    return 0


def consumer_args(served: Served) -> list[str]:
    return ["consumer", served.scenario.consumer_vpc_id, "--profile", "consumer"]


def provider_args(served: Served) -> list[str]:
    return [
        "provider",
        served.scenario.service_id,
        "--profile",
        "provider",
        "--resolver",
        served.resolver,
        "--dns-timeout",
        "1",
    ]


AZ_MAP_ARGS = ["az-map", "--profile", "provider", "--profile", "consumer"]
