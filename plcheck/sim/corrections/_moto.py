"""Access to moto's process-wide backends, and small helpers the corrections share.

moto is untyped: ``Any`` stays inside this package.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterator, Mapping
from typing import Any

_ALNUM = string.ascii_lowercase + string.digits
_MAX_RESULTS = 1000


def random_lower_alnum(length: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


def as_bool(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() == "true"


def _backend_dict(service: str) -> Any:
    if service == "ec2":
        from moto.ec2.models import ec2_backends

        return ec2_backends
    from moto.elbv2.models import elbv2_backends

    return elbv2_backends


def existing_backend(service: str, account_id: str, region: str) -> Any:
    """The ``ec2`` or ``elbv2`` backend of an account and region, without creating it."""
    per_account = dict.get(_backend_dict(service), account_id)
    return None if per_account is None else dict.get(per_account, region)


def existing_backends(service: str) -> Iterator[Any]:
    """Every backend of ``service`` that exists, in all accounts and regions."""
    for per_account in list(dict.values(_backend_dict(service))):
        yield from list(dict.values(per_account))


def caller_principals(response: Any) -> set[str]:
    """IAM principal ARNs that stand for the caller of a moto request."""
    from moto.sts.models import sts_backends

    account = response.current_account
    principals = {f"arn:aws:iam::{account}:root"}
    per_account = dict.get(sts_backends, account)
    if per_account is not None:
        for backend in list(dict.values(per_account)):
            role = backend.get_assumed_role_from_access_key(response.get_access_key())
            if role is not None:
                principals.add(role.role_arn)
    return principals


def filter_values(item: Mapping[str, Any]) -> list[str]:
    values = item.get("Values", item.get("Value", []))
    return [str(v) for v in values] if isinstance(values, list) else [str(values)]


def paginate(
    items: list[dict[str, Any]], key: str | None, max_results: int | None, next_token: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """AWS-style pagination over a stably sorted list.

    The token is the ``key`` of the first item of the next page, or its index
    when ``key`` is None (for lists whose keys repeat).
    """
    from moto.ec2.exceptions import InvalidNextToken

    keys = [str(item[key]) if key else str(i) for i, item in enumerate(items)]
    start = 0
    if next_token:
        if next_token not in keys:
            raise InvalidNextToken(next_token)
        start = keys.index(next_token)
    size = max_results if max_results and 0 < max_results <= _MAX_RESULTS else _MAX_RESULTS
    page = items[start : start + size]
    token = keys[start + size] if len(items) > start + size else None
    return page, token
