"""The one ``skip`` a planned resource's check gets when its input is known only after apply."""

from __future__ import annotations

from typing import Any

from plcheck.model import CheckSpec, Finding, Status


def skip(
    spec: CheckSpec, resource: str, message: str, *, account: str, region: str, **details: Any
) -> Finding:
    """``spec``'s skip of ``resource``, marked ``known_after_apply`` in its details."""
    return spec.finding(
        Status.SKIP,
        resource,
        message,
        account=account,
        region=region,
        details={"known_after_apply": True, **details},
    )
