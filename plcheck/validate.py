"""Validating what users type: AWS resource IDs, with one clear usage error each."""

from __future__ import annotations

import re
from collections.abc import Iterable

from plcheck.errors import UsageError
from plcheck.service_names import SERVICE_ID

_HEX_ID = "[0-9a-f]{8}([0-9a-f]{9})?"

#: Each kind of ID: its pattern, and the same in words for error messages.
_ID_FORMS = {
    "vpc": (rf"vpc-{_HEX_ID}", "vpc- then 8 or 17 hex digits, e.g. vpc-0a1b2c3d4e5f67890"),
    "subnet": (
        rf"subnet-{_HEX_ID}",
        "subnet- then 8 or 17 hex digits, e.g. subnet-0a1b2c3d4e5f67890",
    ),
    "security group": (rf"sg-{_HEX_ID}", "sg- then 8 or 17 hex digits, e.g. sg-0a1b2c3d4e5f67890"),
    "endpoint": (
        rf"vpce-{_HEX_ID}",
        "vpce- then 8 or 17 hex digits, e.g. vpce-0a1b2c3d4e5f67890",
    ),
    "endpoint service": (
        SERVICE_ID.pattern,
        "vpce-svc- then 8 or 17 hex digits, e.g. vpce-svc-0a1b2c3d4e5f67890",
    ),
    "account": (r"\d{12}", "12 digits, e.g. 123456789012"),
    "region": (r"[a-z]{2}(-[a-z]+)+-\d", "a region code, e.g. us-east-1"),
}


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the known value closest to ``value``, or ``""``."""
    import difflib

    matches = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


def validate_id(kind: str, value: str) -> str:
    """``value`` if it is a well-formed ``kind`` ID; otherwise a usage error (exit 2)."""
    pattern, form = _ID_FORMS[kind]
    if re.fullmatch(pattern, value) is None:
        raise UsageError(f"malformed {kind} ID {value!r}: expected {form}")
    return value
