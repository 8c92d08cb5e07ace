"""Validating what users type: AWS resource IDs and host names.

Each mistake is one clear usage error that names the expected form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from plcheck.errors import UsageError
from plcheck.service_names import REGION, SERVICE_ID

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
    "region": (REGION, "a region code, e.g. us-east-1"),
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


#: RFC 1035 §2.3.4: "labels 63 octets or less", "names 255 octets or less" on the wire,
#: which is 253 written out (the wire form adds a length octet per label and the root).
MAX_LABEL_OCTETS = 63
MAX_NAME_OCTETS = 253

#: Schemes a probe target may be given as, with the port each implies.
_SCHEME_PORTS = {"https": 443}


def parse_target(text: str) -> tuple[str, int | None]:
    """``HOST``, ``HOST:PORT``, ``[IPV6]:PORT`` or an ``https://`` URL → host and port.

    The port is None when ``text`` names none. Raises :class:`UsageError` naming the rule
    a malformed target breaks.
    """
    value = text.strip()
    if "://" in value:
        return _parse_url(text, value)
    port_text: str | None = None
    if value.startswith("["):
        host, closed, rest = value[1:].partition("]")
        if not closed or (rest and not rest.startswith(":")):
            raise UsageError(f"bad target {text!r}: expected [IPV6] or [IPV6]:PORT")
        port_text = rest[1:] if rest else None
    elif value.count(":") == 1:
        host, _, port_text = value.partition(":")
    else:
        host = value  # a name, or an IPv6 address without a port
    if "/" in host:
        raise UsageError(
            f"bad host name {text!r}: a host name has no path; "
            "pass HOST, HOST:PORT or an https:// URL"
        )
    validate_hostname(host, text)
    return host, _port(port_text, text)


def _parse_url(text: str, value: str) -> tuple[str, int | None]:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if scheme not in _SCHEME_PORTS:
        raise UsageError(
            f"bad target {text!r}: plcheck probe handshakes TLS, so it takes https:// URLs "
            "(or HOST:PORT)"
        )
    host = parts.hostname or ""
    if not host:
        raise UsageError(f"bad target {text!r}: the URL has no host name")
    netloc_port = parts.netloc.rpartition("@")[2]
    if netloc_port.startswith("["):
        netloc_port = netloc_port.partition("]")[2]
    port_text = netloc_port.partition(":")[2] if ":" in netloc_port else None
    validate_hostname(host, text)
    return host, _port(port_text, text)


def _port(port_text: str | None, text: str) -> int | None:
    if port_text is None:
        return None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise UsageError(f"bad target {text!r}: the port must be 1-65535, not {port_text!r}")
    return int(port_text)


def validate_hostname(name: str, given: str | None = None) -> str:
    """``name`` if DNS can look it up; otherwise a usage error naming the rule it breaks."""
    import ipaddress

    given = name if given is None else given
    shown = repr(given if len(given) <= 60 else given[:40] + "…")
    if not name.strip():
        raise UsageError(
            f"empty host name {shown}: pass the name clients use, e.g. api.example.com"
        )
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return name
    if any(c.isspace() for c in name):
        raise UsageError(f"bad host name {shown}: a host name has no spaces")
    written = name[:-1] if name.endswith(".") else name
    labels = written.split(".")
    if any(not label for label in labels):
        raise UsageError(f"bad host name {shown}: it has an empty label (two dots in a row)")
    for label in labels:
        octets = _octets(label)
        if octets > MAX_LABEL_OCTETS:
            raise UsageError(
                f"bad host name {shown}: the label {label[:20] + '…'!r} is {octets} octets; "
                f"RFC 1035 §2.3.4 allows {MAX_LABEL_OCTETS}"
            )
    total = sum(_octets(label) for label in labels) + len(labels) - 1
    if total > MAX_NAME_OCTETS:
        raise UsageError(
            f"bad host name {shown}: it is {total} octets; RFC 1035 §2.3.4 allows "
            f"{MAX_NAME_OCTETS} (255 on the wire)"
        )
    return name


def _octets(label: str) -> int:
    """A label's length on the wire: non-ASCII labels travel as IDNA (``xn--...``)."""
    if label.isascii():
        return len(label)
    return len(b"xn--" + label.lower().encode("punycode"))


#: An IAM role ARN, as ``--role-arn``, ``role_arn`` and ``principal`` take it.
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/.+")


def validate_role_arn(value: str | None) -> str | None:
    """``value`` if it is an IAM role ARN (or None); otherwise a usage error (exit 2)."""
    if value is not None and not ROLE_ARN.fullmatch(value):
        raise UsageError(
            f"malformed role ARN {value!r}: expected arn:aws:iam::ACCOUNT_ID:role/NAME"
        )
    return value
