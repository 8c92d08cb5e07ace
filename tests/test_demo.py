"""``plcheck demo`` end to end: the simulated world plus the loopback probe servers."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

import plcheck.commands.invoke
from plcheck.cli import run
from plcheck.demo.steps import PROBE_HOST, _probe_steps

TLS_HOSTS = ("127.0.0.2", "127.0.0.3", "127.0.0.4")


def flat(text: str) -> str:
    """The output with every run of whitespace as one space (rich wraps long lines)."""
    return " ".join(text.split())


def last_cells(text: str) -> str:
    """The last column of every table row, joined (the findings' messages, unwrapped)."""
    cells = [line.split("│")[-2] for line in text.splitlines() if line.count("│") >= 3]
    return flat(" ".join(cells))


def option(args: str, name: str) -> str:
    match = re.search(rf"{name} (\S+)", args)
    assert match, f"{name} not in {args!r}"
    return match.group(1)


def refuses(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return False
    except ConnectionRefusedError:
        return True


def assert_stopped(resolver: str, port: int, ca_bundle: Path) -> None:
    dns_host, dns_port = resolver.split(":")
    assert refuses(dns_host, int(dns_port))
    for host in TLS_HOSTS:
        assert refuses(host, port)
    assert not ca_bundle.exists()


def test_demo_probe_step_shows_the_healthy_address_and_the_bad_certificates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = run(["demo", "--only", "probe"])
    out = capsys.readouterr().out
    assert code == 0
    text = flat(out)
    assert f"$ plcheck probe {PROBE_HOST} --resolver 127.0.0.1:" in text
    assert "$ plcheck az-map" not in text  # --only
    tls_statuses = sorted(
        line.split("│")[1].strip() for line in out.splitlines() if "│ probe-tls" in line
    )
    assert tls_statuses == ["FAIL", "FAIL", "PASS"]
    messages = last_cells(out)
    assert "127.0.0.2:" in messages
    assert "presents a trusted certificate for api.burrito.example.com" in messages
    assert "certificate is for burrito-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com" in messages
    assert "certificate expired on" in messages
    assert "plcheck probe: 5 pass, 2 fail → exit 1" in text
    assert "(exit code 1)" in text
    # The servers lived only as long as the step.
    assert_stopped(
        option(text, "--resolver"), int(option(text, "--port")), Path(option(text, "--ca-bundle"))
    )


def test_full_demo_exits_0_and_prints_each_steps_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = run(["demo"])
    text = flat(capsys.readouterr().out)
    assert code == 0
    assert "$ plcheck az-map --profile provider --profile consumer --service " in text
    assert f"$ plcheck probe {PROBE_HOST} --resolver 127.0.0.1:" in text
    assert "--timeout 2" in text
    commands = text.count("$ plcheck ")
    assert commands >= 2
    assert text.count("(exit code ") == commands


def test_probe_step_servers_run_while_the_step_runs_and_stop_when_closed() -> None:
    steps = _probe_steps()
    step = next(steps)
    args = " ".join(step.args)
    port = int(option(args, "--port"))
    ca_bundle = Path(option(args, "--ca-bundle"))
    assert ca_bundle.is_file()
    for host in TLS_HOSTS:
        with socket.create_connection((host, port), timeout=1):
            pass
    steps.close()  # what the demo loop does when it is interrupted mid-step
    assert_stopped(option(args, "--resolver"), port, ca_bundle)


def test_interrupted_demo_stops_the_probe_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    real = plcheck.commands.invoke.invoke

    def interrupted(command: object, args: list[str], **options: object) -> int:
        if args[:1] == ["demo"]:
            return real(command, args, **options)  # type: ignore[arg-type]
        seen.append(args)  # a step of the demo: Ctrl-C while it runs
        raise KeyboardInterrupt

    monkeypatch.setattr(plcheck.commands.invoke, "invoke", interrupted)
    assert run(["demo", "--only", "probe"]) == 130
    (args,) = seen
    text = " ".join(args)
    assert_stopped(
        option(text, "--resolver"), int(option(text, "--port")), Path(option(text, "--ca-bundle"))
    )


def test_an_unknown_demo_step_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["demo", "--only", "nothing"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("plcheck: error: no demo step for 'nothing'; --only takes az-map")


def test_the_demo_checks_a_terraform_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["demo", "--only", "plan"]) == 0
    out = capsys.readouterr().out
    assert "$ plcheck plan " in out
    assert "CreateVpcEndpoint would fail" in out
    assert "known only after apply" in out
    assert "(exit code 1)" in out


def test_the_demo_ends_with_the_first_command_to_run_on_real_accounts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["demo", "--only", "az-map"]) == 0
    out = capsys.readouterr().out
    # The next step comes after the last step, and the command is on one line, whole.
    assert out.index("(exit code 0)") < out.index("Next: your own accounts")
    tail = out.split("Next: your own accounts", 1)[1]
    assert "ran against a simulated AWS world" in flat(tail)
    (line,) = [line.strip() for line in tail.splitlines() if line.strip().startswith("plcheck ")]
    assert line == "plcheck az-map --profile PROVIDER_PROFILE --profile CONSUMER_PROFILE"
