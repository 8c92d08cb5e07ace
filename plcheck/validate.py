"""Validating what users type: AWS resource IDs, with one clear usage error each."""

from __future__ import annotations

import re

from plcheck.errors import UsageError
from plcheck.service_names import SERVICE_ID

_ID_PATTERNS = {
    "vpc": r"vpc-[0-9a-f]{8}([0-9a-f]{9})?",
    "subnet": r"subnet-[0-9a-f]{8}([0-9a-f]{9})?",
    "security group": r"sg-[0-9a-f]{8}([0-9a-f]{9})?",
    "endpoint": r"vpce-[0-9a-f]{8}([0-9a-f]{9})?",
    "endpoint service": SERVICE_ID.pattern,
    "account": r"\d{12}",
    "region": r"[a-z]{2}(-[a-z]+)+-\d",
}


def validate_id(kind: str, value: str) -> str:
    """``value`` if it is a well-formed ``kind`` ID; otherwise a usage error (exit 2)."""
    if re.fullmatch(_ID_PATTERNS[kind], value) is None:
        raise UsageError(f"malformed {kind} ID {value!r}")
    return value
