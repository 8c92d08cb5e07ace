"""Fixtures for the probe tests: loopback DNS and TLS servers from tests.support."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.dns_server import dns_server
from tests.support.tls_server import Pki, pki, tls_servers

__all__ = ["ca_bundle", "dns_server", "pki", "tls_servers"]

HOST = "api.example.test"


@pytest.fixture
def ca_bundle(pki: Pki, tmp_path: Path) -> Path:
    return pki.ca_bundle(tmp_path)
