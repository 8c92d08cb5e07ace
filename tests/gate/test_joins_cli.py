"""``plcheck check``'s joins end to end: links whose sides disagree, in the simulated world."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from plcheck.cli import run
from plcheck.sim import SimulatedWorld
from plcheck.sim.consumer_scenarios import tortilla_service
from plcheck.sim.dns_server import DnsServer
from plcheck.sim.faults import FaultInjector
from plcheck.sim.link_scenarios import (
    LATE_CLIENT_CIDR,
    TORTILLA_PORT,
    LinkStory,
    link_story,
    links_toml,
)
from plcheck.sim.provider_scenarios import provider_preflight
from plcheck.sim.scenarios import AzMismatchScenario
from tests.gate.conftest import report


@pytest.fixture
def story(world: SimulatedWorld, scenario: AzMismatchScenario) -> LinkStory:
    return link_story(world, scenario, provider_preflight(world), tortilla_service(world, scenario))


@pytest.fixture
def config(story: LinkStory, scenario: AzMismatchScenario, dns: DnsServer, tmp_path: Path) -> Path:
    path = tmp_path / "plcheck.toml"
    text = links_toml(story, scenario.provider_profile, scenario.consumer_profile, dns.resolver)
    path.write_text(text, encoding="utf-8")
    return path


def joins(data: dict[str, Any], vpc: str) -> dict[str, dict[str, Any]]:
    """The link findings of one consumer VPC, by check."""
    found = [f for f in data["findings"] if f["details"].get("side") == "link"]
    return {f["check"]: f for f in found if f["details"]["consumer_vpc"] == vpc}


def header_line(config: Path, text: str, nth: int = 0) -> int:
    """The line number of the ``nth`` line equal to ``text``."""
    lines = [i for i, line in enumerate(config.read_text().splitlines(), 1) if line == text]
    return lines[nth]


def test_each_join_fails_where_the_sides_disagree(
    story: LinkStory, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["check", "--config", str(config), "--format", "json"])
    data = report(capsys)
    assert code == 1
    tacos = story.tacos
    waiting = joins(data, tacos.consumer_vpc_id)
    late = joins(data, story.late.vpc_id)
    eight = joins(data, story.eight_four_four_three.vpc_id)
    for found in (waiting, late, eight):
        assert set(found) == {
            "link-port",
            "link-principal",
            "link-private-dns",
            "link-sources",
            "link-zones",
        }
        for finding in found.values():
            assert tacos.provider_account in finding["message"]
            assert tacos.consumer_account in finding["message"]

    # link-principal: the tacos endpoint waits for acceptance.
    principal = waiting["link-principal"]
    assert principal["status"] == "fail"
    assert tacos.consumer_endpoint_id in principal["message"]
    assert "pendingAcceptance" in principal["message"]
    # The declared role is admitted through the account's root.
    assert late["link-principal"]["status"] == "pass"
    assert "role/tacos-deployer" in late["link-principal"]["message"]

    # link-sources: the NLB's group admits 443 only from a group: no consumer CIDR gets in.
    assert waiting["link-sources"]["status"] == "fail"
    assert "10.21.0.0/16" in waiting["link-sources"]["message"]
    missing = late["link-sources"]["details"]["missing"]
    assert set(missing) == {story.late.cidr, LATE_CLIENT_CIDR}
    # The client CIDRs are judged once, by link-sources: the provider's side gets none.
    nlb_groups = [f for f in data["findings"] if f["check"] == "nlb-security-groups"]
    assert nlb_groups
    assert all(not f["details"].get("client_cidrs") for f in nlb_groups)

    # link-zones: the late VPC plans a subnet in the zone of the unhealthy target.
    zones = late["link-zones"]
    assert zones["status"] == "fail"
    unhealthy_zone = tacos.zone_ids[1]
    assert unhealthy_zone in zones["message"]
    assert f"provider {tacos.provider_account}'s {tacos.zone_names[1]}" in zones["message"]
    assert story.late.subnet_ids[1] in zones["message"]
    # The waiting endpoint is only in the first zone, which has a healthy target.
    assert waiting["link-zones"]["status"] == "pass"

    # link-private-dns: the late VPC's plan may get private DNS (not certain: a warn);
    # the name is pending.
    assert late["link-private-dns"]["status"] == "warn"
    assert "pendingVerification" in late["link-private-dns"]["message"]
    assert waiting["link-private-dns"]["status"] == "pass"  # its endpoint has it off

    # link-port: tortilla listens on 443; its consumer connects on 8443.
    port = eight["link-port"]
    assert port["status"] == "fail"
    assert f"port {TORTILLA_PORT}" in port["message"]
    assert "TCP:443" in port["message"]
    assert eight["link-zones"]["status"] == "skip"
    assert {eight[c]["status"] for c in ("link-principal", "link-private-dns")} == {"pass"}

    # The report's last view has a row per join; a zone grid per join comes before it.
    *grids, view = data["views"]
    assert all(g["title"].startswith("Zones by AZ ID: link ") for g in grids)
    assert [row[1] for row in view["rows"]].count("link") == 3


def test_findings_are_located_at_their_link_and_consumer_tables(
    story: LinkStory, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["check", "--config", str(config), "--format", "json"])
    data = report(capsys)
    tacos_link = header_line(config, "[[link]]", 0)
    waiting_consumer = header_line(config, "[[link.consumer]]", 0)
    late_consumer = header_line(config, "[[link.consumer]]", 1)
    linked = [f for f in data["findings"] if f["check"] != "config-ignore-expired"]
    assert linked
    for finding in linked:
        details, location = finding["details"], finding["location"]
        assert location["uri"] == config.as_posix()
        if details["link"] != "tacos":
            continue
        if details["side"] == "provider":
            assert location["line"] == tacos_link
        elif details["consumer_vpc"] == story.late.vpc_id:
            assert location["line"] == late_consumer
        else:
            assert location["line"] == waiting_consumer


def test_a_fact_the_provider_cannot_read_is_an_error_of_the_join(
    story: LinkStory, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FaultInjector() as faults:
        faults.deny("ec2:DescribeVpcEndpointConnections", account=story.tacos.provider_account)
        code = run(["check", "--config", str(config), "--format", "json", "--link", "tacos"])
    data = report(capsys)
    assert code == 1  # the joins that could judge still fail
    principal = joins(data, story.tacos.consumer_vpc_id)["link-principal"]
    assert principal["status"] == "error"
    assert principal["details"]["action"] == "ec2:DescribeVpcEndpointConnections"
    assert joins(data, story.tacos.consumer_vpc_id)["link-sources"]["status"] == "fail"


def test_a_link_without_a_provider_skips_its_joins(
    scenario: AzMismatchScenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "plcheck.toml"
    config.write_text(
        "[[link]]\n"
        'name = "burrito"\n'
        f'service = "{scenario.service_name}"\n'
        "\n"
        "[[link.consumer]]\n"
        f'profile = "{scenario.consumer_profile}"\n'
        f'vpc = "{scenario.consumer_vpc_id}"\n',
        encoding="utf-8",
    )
    run(["check", "--config", str(config), "--format", "json"])
    data = report(capsys)
    joined = joins(data, scenario.consumer_vpc_id)
    assert len(joined) == 5
    assert {f["status"] for f in joined.values()} == {"skip"}
    assert "names no provider account" in joined["link-port"]["message"]
    assert "(add provider = { profile = … })" in joined["link-port"]["message"]
