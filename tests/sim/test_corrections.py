"""The corrections registry: one module per difference from moto, each independent."""

from __future__ import annotations

import pkgutil
from pathlib import Path

from plcheck.sim import corrections
from plcheck.sim.corrections import Correction, SimState


def test_every_public_module_is_a_registered_correction() -> None:
    modules = {m.name for m in pkgutil.iter_modules(corrections.__path__)}
    registered = corrections.corrections()
    assert {c.id.replace("-", "_") for c in registered} == {
        m for m in modules if not m.startswith("_")
    }
    assert [c.id for c in registered] == sorted(c.id for c in registered)
    for correction in registered:
        assert isinstance(correction, Correction)
        assert correction.moto
        assert correction.aws
        assert correction.docs_url.startswith("https://docs.aws.amazon.com/")


def test_no_two_corrections_patch_the_same_attribute() -> None:
    state = SimState()
    owners: dict[tuple[object, str], str] = {}
    for correction in corrections.corrections():
        for patch in correction.patches(state):
            key = (patch.getter(), patch.attribute)
            assert key not in owners, f"{correction.id} and {owners[key]} both patch {key}"
            owners[key] = correction.id


def test_no_source_file_under_sim_exceeds_500_lines() -> None:
    root = Path(corrections.__file__).parents[1]
    sizes = {p: len(p.read_text(encoding="utf-8").splitlines()) for p in root.rglob("*.py")}
    assert sizes
    assert {str(p): n for p, n in sizes.items() if n > 500} == {}
