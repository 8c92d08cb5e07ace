"""Corrections to moto where it differs from AWS, one module per difference.

Each public module defines ``CORRECTION``, a :class:`Correction` naming what
moto does, what AWS does instead and the AWS documentation it encodes, with a
function that builds its patches. The patches replace attributes of moto's
backend, model and response classes, so they apply both in-process
(``mock_aws``) and to a ``ThreadedMotoServer`` in this process.

:func:`apply_corrections` builds every correction's patches first, then starts
them in id order and stops them in reverse on exit, leaving moto clean.
Building them all before starting any means no correction wraps another's
patch; a test holds that no two corrections patch the same attribute.

State that only AWS decides (zone mappings, target health, private DNS
verification, ...) lives in a :class:`SimState`, set through the world's
knobs. Modules whose names start with ``_`` hold what corrections share.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import cache

from plcheck.sim.corrections._base import Correction, Patch
from plcheck.sim.corrections._state import (
    INDEPENDENTLY_MAPPED_REGIONS,
    LOAD_BALANCER_STATES,
    REGION_OPT_IN_STATUSES,
    SimState,
    default_zone_mapping,
    region_zones,
    uniform_zone_mapping,
)
from plcheck.sim.corrections.interface_endpoints import AWS_VPCE_HOSTED_ZONE_IDS

__all__ = [
    "AWS_VPCE_HOSTED_ZONE_IDS",
    "INDEPENDENTLY_MAPPED_REGIONS",
    "LOAD_BALANCER_STATES",
    "REGION_OPT_IN_STATUSES",
    "Correction",
    "Patch",
    "SimState",
    "apply_corrections",
    "corrections",
    "default_zone_mapping",
    "region_zones",
    "uniform_zone_mapping",
]


@cache
def corrections() -> tuple[Correction, ...]:
    """Every correction, in the order they are applied (by id)."""
    found: list[Correction] = []
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        correction = getattr(module, "CORRECTION", None)
        if not isinstance(correction, Correction):
            raise TypeError(f"{module.__name__} defines no CORRECTION")
        if correction.id.replace("-", "_") != module_info.name:
            raise RuntimeError(f"correction {correction.id!r} must live in {module_info.name!r}")
        found.append(correction)
    return tuple(sorted(found, key=lambda c: c.id))


@contextmanager
def apply_corrections(state: SimState) -> Iterator[SimState]:
    """Apply every correction for the duration of the ``with`` block."""
    patches: list[Patch] = []
    for correction in corrections():
        patches.extend(correction.patches(state))
    with ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        yield state
