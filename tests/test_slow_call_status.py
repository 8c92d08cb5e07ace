"""The commands switch the slow-call status line on for a terminal, and only there."""

from __future__ import annotations

import io

import pytest

from plcheck.commands.common import aws_settings


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_the_status_line(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    settings = aws_settings(None)
    assert settings.on_slow_call is not None
    settings.on_slow_call("waiting 3 s for ec2:DescribeVpcs")
    settings.on_slow_call(None)  # cleared when the call returns
    assert "DescribeVpcs" in terminal.getvalue()


def test_no_status_line_when_piped_or_beside_a_progress_bar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert aws_settings(None).on_slow_call is None
    monkeypatch.setattr("sys.stderr", Terminal())
    assert aws_settings(None, status=False).on_slow_call is None
