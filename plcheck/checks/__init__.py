"""The check catalog.

Each check lives in its own module, named after its slug id with underscores
(``az_id_mapping`` for ``az-id-mapping``), and defines ``SPEC`` (its metadata:
the command and subject it judges, the facts it needs) next to ``judge(facts)``,
the one uniform, pure function the framework calls for each subject
(:mod:`plcheck.checks.framework`). Which checks a command runs is derived from
the specs here, so adding a check is one module and its tests. Check modules
import no AWS or network libraries, so listing the catalog stays fast.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import TYPE_CHECKING

from plcheck.model import CheckSpec

if TYPE_CHECKING:
    from types import ModuleType

#: Commands in the order the catalog lists their checks.
COMMAND_ORDER = ("az-map", "provider", "consumer", "probe", "check", "plan")

#: Commands whose runs are made of other commands' runs (``check`` runs each link's
#: provider, consumer and probe); every other command runs its own checks.
COMPOSED_OF = {"check": ("provider", "consumer", "probe", "check")}


@cache
def _modules() -> dict[str, ModuleType]:
    """Every check module, by check id, in the order of their commands and ids."""
    found: list[tuple[CheckSpec, ModuleType]] = []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        spec = getattr(module, "SPEC", None)
        if not isinstance(spec, CheckSpec):
            continue
        if spec.id.replace("-", "_") != module_info.name:
            raise RuntimeError(f"check {spec.id!r} must live in module {module_info.name!r}")
        found.append((spec, module))
    found.sort(key=lambda item: (COMMAND_ORDER.index(item[0].command), item[0].id))
    return {spec.id: module for spec, module in found}


@cache
def catalog() -> dict[str, CheckSpec]:
    """Every check, by id, in the order of their commands and ids."""
    return {check_id: module.SPEC for check_id, module in _modules().items()}


def module(check_id: str) -> ModuleType:
    """The module of one check (its ``SPEC`` and ``judge``); KeyError when there is none."""
    return _modules()[check_id]


def get(check_id: str) -> CheckSpec:
    """One check by id; KeyError when there is none."""
    return catalog()[check_id]


def checks_for(command: str, subject: str | None = None) -> list[CheckSpec]:
    """The checks ``command`` runs (only those judging ``subject``, when given)."""
    own = COMPOSED_OF.get(command, (command,))
    return [
        spec
        for spec in catalog().values()
        if (spec.command in own or command in spec.also_in)
        and (subject is None or spec.subject == subject)
    ]
