"""The ``[[ignore]]`` entries of a gate config, as the config-ignore-expired check sees them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class IgnoreEntry:
    """One ``[[ignore]]`` with an end date."""

    line: int
    """Line of its ``[[ignore]]`` header (0 when unknown)."""
    description: str
    """``nlb-az-coverage on vpce-svc-…``."""
    reason: str
    """Why it was accepted."""
    until: dt.date | None
    """Last day it applies; None for no end."""


@dataclass(frozen=True)
class IgnoreFacts:
    """Every ignore of one config: the ``ignores`` subject."""

    source: str
    """The config file."""
    entries: tuple[IgnoreEntry, ...]
    """Its ignores, in file order."""
    today: dt.date
    """The day the run judges expiry on."""

    @property
    def resource(self) -> str:
        """The config file."""
        return self.source

    account = ""
    region = ""
