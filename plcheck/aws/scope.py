"""Scope: one account and region, as every AWS call names where it goes."""

from __future__ import annotations

from dataclasses import dataclass


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

    @property
    def label(self) -> str:
        """How to name this scope to the user."""
        return self.profile or (self.role_arn or "default credentials")
