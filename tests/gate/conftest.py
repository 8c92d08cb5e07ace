"""Fixtures for the gate's tests: configs and plans filled in with a scenario's IDs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from plcheck.sim.dns_server import DnsServer
from plcheck.sim.scenarios import AzMismatchScenario

DATA = Path(__file__).parent / "data"


@pytest.fixture
def dns() -> Iterator[DnsServer]:
    """A loopback DNS server, so no lookup leaves the machine."""
    with DnsServer() as server:
        yield server


@pytest.fixture
def plan_file(scenario: AzMismatchScenario, tmp_path: Path) -> Callable[[str], Path]:
    """``plan_file("plan_known.json")``: the hand-written plan with the scenario's IDs."""

    def fill(name: str) -> Path:
        text = (DATA / name).read_text(encoding="utf-8")
        for placeholder, value in {
            "@SERVICE_NAME@": scenario.service_name,
            "@CONSUMER_VPC@": scenario.consumer_vpc_id,
            "@SUPPORTED_SUBNET@": scenario.supported_consumer_subnet_ids[0],
            "@UNSUPPORTED_SUBNET@": scenario.unsupported_consumer_subnet_ids[0],
            "@SECURITY_GROUP@": scenario.consumer_security_group_id,
            "@NLB_ARN@": scenario.nlb_arn,
        }.items():
            text = text.replace(placeholder, value)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return fill


def gate_toml(
    scenario: AzMismatchScenario,
    resolver: str,
    *,
    subnets: list[str] | None = None,
    ignores: str = "",
    probe: str = "",
) -> str:
    """A plcheck.toml for the scenario's provider and consumer accounts."""
    subnet_line = f"subnets = {json.dumps(subnets)}\n" if subnets is not None else ""
    return (
        "[[link]]\n"
        'name = "burrito"\n'
        f'service = "{scenario.service_name}"\n'
        f'provider = {{ profile = "{scenario.provider_profile}", region = "us-east-1", '
        f'resolver = "{resolver}", dns_timeout = 1 }}\n'
        "\n"
        "[[link.consumer]]\n"
        f'profile = "{scenario.consumer_profile}"\n'
        'region = "us-east-1"\n'
        f'vpc = "{scenario.consumer_vpc_id}"\n'
        f"{subnet_line}"
        f"{probe}"
        "\n"
        f"{ignores}"
    )


def report(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """The JSON report the last command printed."""
    out = capsys.readouterr().out
    parsed: dict[str, Any] = json.loads(out)
    return parsed


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The IAM action of every AWS call the run sends (cache hits are not sent)."""
    from plcheck.aws import AwsContext

    actions: list[str] = []
    close = AwsContext.close

    def record(self: AwsContext, wait: bool = True) -> None:
        actions.extend(c.action for c in self.calls)
        close(self, wait)

    monkeypatch.setattr(AwsContext, "close", record)
    return actions
