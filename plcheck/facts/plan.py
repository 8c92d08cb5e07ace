"""What a Terraform plan held for plcheck, as plain facts (the ``plan`` subject)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanCoverage:
    """The plan's resources by whether plcheck reads their type."""

    source: str
    """The plan file as given (``-`` for standard input)."""
    read: tuple[tuple[str, int], ...]
    """(type, instances) of the planned endpoints and endpoint services judged."""
    unread: tuple[tuple[str, int], ...] = ()
    """(type, instances) of managed resources plcheck does not read."""
    unjudged: tuple[tuple[str, int], ...] = ()
    """(type, instances) of resources read (subnets, groups…) but judged only through an
    endpoint or service, of which the plan has none."""

    @property
    def resource(self) -> str:
        """The plan file."""
        return self.source

    @property
    def account(self) -> str:
        """A plan belongs to no one account."""
        return ""

    @property
    def region(self) -> str:
        """A plan belongs to no one Region."""
        return ""
