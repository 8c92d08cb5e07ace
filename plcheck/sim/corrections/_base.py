"""What a correction is: one difference between moto and AWS, with the patches that remove it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plcheck.sim.corrections._state import SimState

Patch = Any  # unittest.mock._patch, which typeshed does not export


@dataclass(frozen=True)
class Correction:
    """One difference between moto and AWS.

    ``patches`` builds the patches for it without starting them; the registry
    starts every correction's patches together, so no correction ever wraps
    another's.
    """

    id: str
    """Slug, the module name with dashes (``per-account-zones``)."""
    moto: str
    """One line: what moto does."""
    aws: str
    """One line: what AWS does instead."""
    docs_url: str
    """The AWS documentation the correction encodes."""
    patches: Callable[[SimState], list[Patch]]
