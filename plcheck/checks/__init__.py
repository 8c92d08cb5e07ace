"""The check catalog.

Each check lives in its own module, named after its slug id with underscores
(``az_id_mapping`` for ``az-id-mapping``), and defines ``SPEC`` (its metadata)
next to the pure function that judges gathered facts. Check modules import no
AWS or network libraries, so listing the catalog stays fast.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from plcheck.model import CheckSpec


@cache
def catalog() -> dict[str, CheckSpec]:
    """Every check, by id, in the order of their commands and ids."""
    specs: list[CheckSpec] = []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        spec = getattr(module, "SPEC", None)
        if not isinstance(spec, CheckSpec):
            continue
        if spec.id.replace("-", "_") != module_info.name:
            raise RuntimeError(f"check {spec.id!r} must live in module {module_info.name!r}")
        specs.append(spec)
    return {s.id: s for s in sorted(specs, key=lambda s: (COMMAND_ORDER.index(s.command), s.id))}


#: Commands in the order the catalog lists their checks.
COMMAND_ORDER = ("az-map", "provider", "consumer", "probe", "check", "plan")


def get(check_id: str) -> CheckSpec:
    """One check by id; KeyError when there is none."""
    return catalog()[check_id]
