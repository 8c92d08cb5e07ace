"""``plcheck check`` end to end: two accounts of the simulated world, through the real CLI."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from plcheck.cli import run
from plcheck.sim import SimulatedWorld
from plcheck.sim.dns_server import DnsServer
from plcheck.sim.scenarios import AzMismatchScenario
from tests.gate.conftest import gate_toml, report

TODAY = dt.date.today()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plcheck.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_check_runs_provider_and_consumer_across_accounts(
    scenario: AzMismatchScenario, dns: DnsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(
        tmp_path,
        gate_toml(scenario, dns.resolver, subnets=list(scenario.consumer_subnet_ids.values())),
    )
    code = run(["check", "--config", str(config), "--format", "json"])
    data = report(capsys)
    assert data["command"] == "check"
    assert code == data["exit_code"] == 1
    accounts = {f["account"] for f in data["findings"]}
    assert {scenario.provider_account, scenario.consumer_account} <= accounts
    linked = [f for f in data["findings"] if f["check"] != "config-ignore-expired"]
    assert all(f["details"]["link"] == "burrito" for f in linked)
    sides = Counter(f["details"]["side"] for f in linked)
    assert sides["provider"]
    assert sides["consumer"]
    by_check = {(f["check"], f["resource"]): f for f in data["findings"]}
    # The consumer's us-east-1a is not a zone of the service: found from the consumer side.
    (unsupported,) = scenario.unsupported_consumer_subnet_ids
    coverage = by_check[("endpoint-az-coverage", unsupported)]
    assert coverage["status"] == "fail"
    assert coverage["details"]["consumer_vpc"] == scenario.consumer_vpc_id
    # The provider allows the consumer's account, which the gate passes on from the config.
    principals = by_check[("service-allowed-principals", scenario.service_id)]
    assert principals["status"] == "pass"
    assert scenario.consumer_account in principals["message"]
    assert by_check[("nlb-az-coverage", scenario.service_id)]["status"] == "warn"
    *grids, view = data["views"]
    assert [row[1] for row in view["rows"]] == ["provider", "consumer", "link"]
    # The join's zone grid: both accounts' names for each AZ ID.
    (grid,) = grids
    assert grid["title"].startswith("Zones by AZ ID: link burrito")
    assert grid["columns"][1:3] == [
        f"provider ({scenario.provider_account})",
        f"consumer ({scenario.consumer_account})",
    ]


def test_ignores_with_and_without_expiry(
    scenario: AzMismatchScenario, dns: DnsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    future = (TODAY + dt.timedelta(days=30)).isoformat()
    past = (TODAY - dt.timedelta(days=1)).isoformat()
    ignores = (
        "[[ignore]]\n"
        'check = "nlb-az-coverage"\n'
        f'resource = "{scenario.service_id}"\n'
        'reason = "two zones by design"\n'
        f'until = "{future}"\n'
        "\n"
        "[[ignore]]\n"
        'check = "private-dns-verification"\n'
        'reason = "verification in progress"\n'
        "\n"
        "[[ignore]]\n"
        'check = "private-dns-txt-record"\n'
        'reason = "was going to be published last week"\n'
        f"until = {past}\n"
    )
    config = write(tmp_path, gate_toml(scenario, dns.resolver, ignores=ignores))
    run(["check", "--config", str(config), "--format", "json", "--fail-on", "warn"])
    data = report(capsys)
    by_check: dict[str, list[dict[str, object]]] = {}
    for f in data["findings"]:
        by_check.setdefault(f["check"], []).append(f)
    (coverage,) = by_check["nlb-az-coverage"]
    assert coverage["status"] == "skip"
    assert coverage["message"].startswith(f"ignored until {future} (two zones by design): ")
    assert coverage["details"]["original_status"] == "warn"  # type: ignore[index]
    (verification,) = by_check["private-dns-verification"]
    assert verification["status"] == "skip"
    assert verification["details"]["ignored"]["until"] is None  # type: ignore[index]
    # The expired ignore no longer applies, and says so.
    (txt,) = by_check["private-dns-txt-record"]
    assert txt["status"] == "fail"
    (expired,) = by_check["config-ignore-expired"]
    assert expired["status"] == "warn"
    line = config.read_text().splitlines().index('check = "private-dns-txt-record"')
    assert expired["resource"] == f"{config}:{line}"  # the [[ignore]] above it
    assert f"expired on {past}" in str(expired["message"])


def test_sarif_points_at_the_config(
    scenario: AzMismatchScenario,
    dns: DnsServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # SARIF paths are relative to the repository (here: the cwd)
    config = write(tmp_path, gate_toml(scenario, dns.resolver))
    sarif = tmp_path / "out" / "plcheck.sarif"
    summary = tmp_path / "out" / "summary.md"
    reports = ["--report", f"markdown={summary}", "--report", f"JSON={tmp_path / 'r.json'}"]
    code = run(["check", "--config", str(config), "--format", "sarif", "-o", str(sarif), *reports])
    assert summary.read_text().startswith("### plcheck check: ")
    assert json.loads((tmp_path / "r.json").read_text())["exit_code"] == code
    log = json.loads(sarif.read_text())
    results = log["runs"][0]["results"]
    assert results
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {
        config.relative_to(tmp_path).as_posix()
    }
    assert log["runs"][0]["invocations"][0]["exitCode"] == code


def test_probe_runs_where_asked(
    scenario: AzMismatchScenario, dns: DnsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dns.add("burrito.example.test", "A", "127.0.0.1")
    probe = (
        f'probe = {{ host = "burrito.example.test", port = 9, resolver = "{dns.resolver}", '
        "timeout = 1 }\n"
    )
    config = write(tmp_path, gate_toml(scenario, dns.resolver, probe=probe))
    run(["check", "--config", str(config), "--format", "json", "--link", "burrito"])
    data = report(capsys)
    probed = [f for f in data["findings"] if f["details"].get("side") == "probe"]
    assert {f["check"] for f in probed} >= {"probe-dns", "probe-tcp"}
    dns_finding = next(f for f in probed if f["check"] == "probe-dns")
    assert dns_finding["status"] == "pass"
    assert "127.0.0.1" in dns_finding["message"]
    assert any(f["check"] == "probe-tcp" and f["status"] == "fail" for f in probed)


def test_bad_config_exits_2_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(
        tmp_path,
        "[[link]]\n"
        'name = "burrito"\n'
        'servce = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"\n',
    )
    assert run(["check", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"plcheck: error: {config}:3: link 'burrito': unknown key 'servce' "
        "(did you mean 'service'?)\n"
    )


def test_missing_config_and_unknown_link_exit_2(
    scenario: AzMismatchScenario, dns: DnsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["check", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "no such config file" in capsys.readouterr().err
    assert run(["check", "--report", "pdf=x.pdf"]) == 2
    assert "bad --report 'pdf=x.pdf'" in capsys.readouterr().err
    assert run(["check", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "no such config file" in capsys.readouterr().err
    config = write(tmp_path, gate_toml(scenario, dns.resolver))
    assert run(["check", "--config", str(config), "--link", "tacos"]) == 2
    assert "no link named tacos" in capsys.readouterr().err


def test_unknown_profile_names_the_config_line(
    scenario: AzMismatchScenario, dns: DnsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = gate_toml(scenario, dns.resolver).replace(
        f'profile = "{scenario.consumer_profile}"', 'profile = "nobody"'
    )
    config = write(tmp_path, text)
    assert run(["check", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"plcheck: error: {config}:6: link 'burrito' consumer: ")
    assert "nobody" in err


@pytest.fixture
def second_service(world: SimulatedWorld, scenario: AzMismatchScenario) -> dict[str, Any]:
    """Another endpoint service of the scenario's provider, on the same load balancer."""
    ec2 = world.admin_client(scenario.provider_account, "ec2")
    created: dict[str, Any] = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[scenario.nlb_arn], AcceptanceRequired=False
    )["ServiceConfiguration"]
    return created


def _named(text: str, scenario: AzMismatchScenario, name: str, service: str) -> str:
    """``text``'s link under another name and service."""
    return text.replace('name = "burrito"', f'name = "{name}"').replace(
        scenario.service_name, service
    )


def test_links_to_one_provider_read_its_services_in_the_same_calls(
    scenario: AzMismatchScenario,
    dns: DnsServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    second_service: dict[str, Any],
    sent: list[str],
) -> None:
    missing = "vpce-svc-0123456789abcdef0"
    one = gate_toml(scenario, dns.resolver)
    config = write(
        tmp_path,
        one
        + _named(one, scenario, "taco", second_service["ServiceName"])
        + _named(one, scenario, "gone", f"com.amazonaws.vpce.us-east-1.{missing}"),
    )
    code = run(["check", "--config", str(config), "--format", "json"])
    assert code == 1, capsys.readouterr().err
    data = report(capsys)
    # One call for the three links' services, shared through the call cache; the missing
    # service fails it for all three, so each link then reads its own service alone.
    assert Counter(sent)["ec2:DescribeVpcEndpointServiceConfigurations"] == 1 + 3
    by_link: dict[str, set[str]] = {}
    for finding in data["findings"]:
        if finding["details"].get("side") == "provider":
            by_link.setdefault(finding["details"]["link"], set()).add(finding["resource"])
    # Each link's provider findings are about its own service only.
    assert by_link == {
        "burrito": {scenario.service_id},
        "taco": {second_service["ServiceId"]},
        "gone": {missing},
    }
    state = {
        f["details"]["link"]: f["status"] for f in data["findings"] if f["check"] == "service-state"
    }
    assert state == {"burrito": "pass", "taco": "pass", "gone": "fail"}


def test_links_to_one_provider_share_one_read_of_its_services(
    scenario: AzMismatchScenario,
    dns: DnsServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    second_service: dict[str, Any],
    sent: list[str],
) -> None:
    one = gate_toml(scenario, dns.resolver)
    config = write(tmp_path, one + _named(one, scenario, "taco", second_service["ServiceName"]))
    run(["check", "--config", str(config), "--format", "json"])
    report(capsys)
    counts = Counter(sent)
    for action in (
        "ec2:DescribeVpcEndpointServiceConfigurations",
        "ec2:DescribeVpcEndpointConnections",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
    ):
        assert counts[action] == 1, (action, counts)
    # DescribeVpcEndpointServicePermissions takes one service: one call each.
    assert counts["ec2:DescribeVpcEndpointServicePermissions"] == 2


def test_the_consumers_addresses_are_judged_by_link_sources_not_warned_about(
    world: SimulatedWorld,
    scenario: AzMismatchScenario,
    dns: DnsServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.provider.conftest import good_service

    # A load balancer with groups, enforcement on, 443 from 10.0.0.0/8.
    good = good_service(world, security_groups=True)
    one = gate_toml(scenario, dns.resolver)
    config = write(tmp_path, _named(one, scenario, "burrito", good.service_name))
    run(["check", "--config", str(config), "--format", "json"])
    data = report(capsys)
    [groups] = [f for f in data["findings"] if f["check"] == "nlb-security-groups"]
    # plcheck provider would warn that the clients' addresses are unknown; here link-sources
    # judges the consumer VPC's CIDRs against the same rules, so a --fail-on warn gate does
    # not stop on it.
    assert groups["status"] == "skip"
    assert "link-sources judges" in groups["message"]
    [sources] = [f for f in data["findings"] if f["check"] == "link-sources"]
    assert sources["status"] in ("pass", "warn", "fail")
