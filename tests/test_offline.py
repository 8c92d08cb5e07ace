"""The suite's guard: no test may reach past this machine."""

from __future__ import annotations

import socket

import pytest


def test_a_connection_off_this_machine_is_refused_before_it_is_sent() -> None:
    # 192.0.2.1 is TEST-NET-1: the guard must refuse it before any packet leaves.
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(OSError, match="must not leave this machine"),
    ):
        sock.connect(("192.0.2.1", 443))


def test_a_datagram_off_this_machine_is_refused() -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock,
        pytest.raises(OSError, match="must not leave this machine"),
    ):
        sock.sendto(b"x", ("192.0.2.1", 53))


def test_loopback_is_allowed() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"x", ("127.0.0.1", 9))
