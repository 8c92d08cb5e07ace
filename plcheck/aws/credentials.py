"""Per-scope credentials on shared clients, and role assumption.

One botocore client per profile, service and region serves every account reached through
that profile (building a client costs ~13 ms of CPU, and EC2's ~40 ms the first time).
Each call sets its scope's credentials in a context variable around itself, and the
client's signer reads them from there (:class:`ScopeCredentials`).
"""

from __future__ import annotations

import contextvars
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from plcheck.errors import AwsCallError, AwsErrorKind

#: Operations botocore's credential providers call while resolving a scope's credentials.
CREDENTIAL_ACTIONS = {
    "AssumeRole": "sts:AssumeRole",
    "AssumeRoleWithWebIdentity": "sts:AssumeRoleWithWebIdentity",
    "GetRoleCredentials": "sso:GetRoleCredentials",
    "CreateToken": "sso-oidc:CreateToken",
}

#: Settings a profile may have and still be read through its source profile's session.
ROLE_PROFILE_KEYS = frozenset(
    {
        "role_arn",
        "source_profile",
        "region",
        "external_id",
        "role_session_name",
        "duration_seconds",
        "output",
    }
)

#: The credentials the calling thread signs with (set around each call by :func:`signing_as`).
_CREDENTIALS: contextvars.ContextVar[Any] = contextvars.ContextVar("plcheck_credentials")


@contextmanager
def signing_as(credentials: Any) -> Iterator[None]:
    """Calls made inside sign with ``credentials`` (on clients with :class:`ScopeCredentials`)."""
    token = _CREDENTIALS.set(credentials)
    try:
        yield
    finally:
        _CREDENTIALS.reset(token)


class ScopeCredentials:
    """Credentials for botocore's signer: those of the scope whose call is being sent."""

    def __init__(self, default: Any) -> None:
        self._default = default

    def _current(self) -> Any:
        return _CREDENTIALS.get(self._default)

    def get_frozen_credentials(self) -> Any:
        current = self._current()
        return None if current is None else current.get_frozen_credentials()

    def __getattr__(self, name: str) -> Any:  # access_key, method... as botocore reads them
        return getattr(self._current(), name)


def sign_with_scope(client: Any, default: Any) -> Any:
    """``client`` signing with the calling scope's credentials (``default`` when none is set).

    botocore has no public way to sign one client's calls with several credentials.
    """
    client._request_signer._credentials = ScopeCredentials(default)
    return client


class BoundClient:
    """A shared client whose calls sign with one scope's credentials."""

    def __init__(self, client: Any, credentials: Any, full: Callable[[], Any]) -> None:
        self._client = client
        self._credentials = credentials
        self._full = full
        """The client from the full model, for an operation the trimmed one lacks."""

    def __getattr__(self, name: str) -> Any:
        client = self._client if hasattr(self._client, name) else self._full()
        attribute = getattr(client, name)
        if not callable(attribute):
            return attribute

        def bound(*args: Any, **kwargs: Any) -> Any:
            with signing_as(self._credentials):
                return attribute(*args, **kwargs)

        return bound


@dataclass(frozen=True)
class RoleProfile:
    """A profile that only assumes a role on top of another profile's credentials."""

    source: str
    region: str | None
    params: dict[str, Any]
    """AssumeRole parameters."""


def role_profile(name: str | None, section: dict[str, Any]) -> RoleProfile | None:
    """Profile ``name`` (its config ``section``) when it only assumes a role with another's.

    Such a profile is read through its source profile's session and clients, so a
    hundred of them cost one session, not a hundred. Anything else in the section
    (MFA, credential_source, its own retries or endpoints...) leaves it to botocore.
    """
    if not section.get("role_arn") or not section.get("source_profile"):
        return None
    if set(section) - ROLE_PROFILE_KEYS or section["source_profile"] == name:
        return None
    params: dict[str, Any] = {
        "RoleArn": section["role_arn"],
        # botocore's default is botocore-session-<time>; plcheck names itself.
        "RoleSessionName": section.get("role_session_name") or "plcheck",
    }
    if section.get("external_id"):
        params["ExternalId"] = section["external_id"]
    if section.get("duration_seconds"):
        params["DurationSeconds"] = int(section["duration_seconds"])
    return RoleProfile(str(section["source_profile"]), section.get("region"), params)


def role_params(role_arn: str, external_id: str | None) -> dict[str, Any]:
    """AssumeRole parameters for a scope's own ``role_arn``."""
    params = {"RoleArn": role_arn, "RoleSessionName": "plcheck"}
    if external_id:
        params["ExternalId"] = external_id
    return params


class AssumedRoles:
    """Credentials from assumed roles: each role assumed once per run, on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._assumed: dict[tuple[Any, ...], Any] = {}

    def credentials(
        self, sts: Callable[[], Any], region: str, source: Any, params: dict[str, Any]
    ) -> Any:
        """Credentials from assuming ``params["RoleArn"]`` with ``source``, fetched on first use.

        ``sts`` gives the profile's one STS client for ``region`` (not a new client per
        account, as botocore's own fetcher makes); it signs with ``source``.
        """
        from botocore.credentials import DeferredRefreshableCredentials

        if source is None:
            raise classify_missing_credentials()
        key = (id(source), region, json.dumps(params, sort_keys=True))

        def fetch() -> dict[str, Any]:
            with signing_as(source):
                found = sts().assume_role(**params)["Credentials"]
            return {
                "access_key": found["AccessKeyId"],
                "secret_key": found["SecretAccessKey"],
                "token": found["SessionToken"],
                "expiry_time": found["Expiration"].isoformat(),
            }

        with self._lock:
            credentials = self._assumed.get(key)
            if credentials is None:
                credentials = DeferredRefreshableCredentials(
                    method="assume-role", refresh_using=fetch
                )
                self._assumed[key] = credentials
            return credentials


def role_account(role_arn: str | None) -> str:
    """The account a role ARN names (``arn:aws:iam::123456789012:role/x``), or ""."""
    parts = (role_arn or "").split(":")
    if len(parts) > 5 and parts[2] == "iam" and len(parts[4]) == 12 and parts[4].isdigit():
        return parts[4]
    return ""


def failed_action(exc: Exception, action: str) -> str:
    """The action that failed: resolving credentials (AssumeRole...) fails inside any call."""
    operation = getattr(exc, "operation_name", None)
    if operation and operation != action.partition(":")[2]:
        return CREDENTIAL_ACTIONS.get(str(operation), action)
    return action


def classify_missing_credentials() -> AwsCallError:
    """The error for a scope with no credentials at all."""
    return AwsCallError(
        AwsErrorKind.NO_CREDENTIALS, "sts:AssumeRole", "NoCredentials", "no source credentials"
    )
