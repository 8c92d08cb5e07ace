"""Availability zones as one account sees them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Zone:
    """One availability zone in one account's names."""

    name: str
    """The account-specific zone name, e.g. ``us-east-1a``."""
    zone_id: str
    """The physical zone ID, the same in every account, e.g. ``use1-az1``."""
    zone_type: str = "availability-zone"
    """``availability-zone``, ``local-zone`` or ``wavelength-zone``."""


@dataclass(frozen=True)
class AccountZones:
    """The zones of one region as one account sees them."""

    label: str
    """How the user named the account: the profile, or the account ID."""
    account: str
    """The 12-digit account ID."""
    region: str
    """The region, e.g. ``us-east-1``."""
    zones: tuple[Zone, ...]
    """The region's zones, sorted by name."""

    @property
    def name_to_id(self) -> dict[str, str]:
        """Zone name → zone ID for standard availability zones."""
        return {z.name: z.zone_id for z in self.zones if z.zone_type == "availability-zone"}

    @property
    def id_to_name(self) -> dict[str, str]:
        """Zone ID → this account's zone name for standard availability zones."""
        return {z.zone_id: z.name for z in self.zones if z.zone_type == "availability-zone"}


def zone_id_order(zone_id: str) -> tuple[str, int]:
    """Sort key that puts ``use1-az2`` before ``use1-az10``."""
    prefix, _, number = zone_id.rpartition("-az")
    return (prefix, int(number) if number.isdigit() else 0)


def zone_label(zone_name: str, zone_id: str) -> str:
    """``us-east-1a (use1-az1)``: a zone by an account's name for it and its AZ ID."""
    if zone_name and zone_id:
        return f"{zone_name} ({zone_id})"
    return zone_name or zone_id or "an unknown zone"
