"""Scope: one account and region, as every AWS call names where it goes."""

from __future__ import annotations

from dataclasses import dataclass

from plcheck.errors import UsageError


@dataclass(frozen=True)
class Scope:
    """One account and region, reached through one set of credentials."""

    profile: str | None = None
    """Named profile, or None for the default credential chain."""
    region: str | None = None
    """Region; None means the profile's or the environment's region."""
    role_arn: str | None = None
    """Role to assume on top of the profile's credentials."""
    external_id: str | None = None
    """External ID for the role assumption."""

    def __post_init__(self) -> None:
        if self.external_id and not self.role_arn:
            # It is sent only with AssumeRole: alone it would be silently ignored.
            raise UsageError(
                "--external-id is sent only when assuming --role-arn: give the role too, or "
                "put external_id in the profile that assumes it"
            )

    @property
    def label(self) -> str:
        """How to name this scope to the user."""
        return self.profile or (self.role_arn or "default credentials")
