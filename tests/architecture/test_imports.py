"""The layers of plcheck and which way they may import, checked on the source with ``ast``.

Data flows one way: CLI → commands → runs → AWS layer and probes (facts) → pure
checks → reporters. Lower layers never import higher ones, and no plcheck modules
import each other in a circle. Imports under ``if TYPE_CHECKING:`` are for the
type checker only and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "plcheck"

#: Each group of modules and the groups it may import from (itself included).
ALLOWED: dict[str, set[str]] = {
    "base": {"base"},
    "facts": {"base", "facts"},
    "checks": {"base", "facts", "checks"},
    "report": {"base", "checks", "report"},
    # The config checks that [[ignore]] entries name catalogued checks.
    "gate": {"base", "facts", "checks", "gate"},
    "aws": {"base", "facts", "aws"},
    "probe": {"base", "facts", "probe"},
    "iam": {"base", "checks"},
    "runs": {"base", "facts", "checks", "gate", "aws", "probe", "runs"},
    "sim": {"base", "facts", "sim"},
    "demo": {"base", "sim", "demo"},
    "commands": {
        "base",
        "runs",
        "report",
        "gate",
        "aws",
        "iam",
        "checks",
        "demo",
        "sim",
        "commands",
    },
    "cli": {"base", "commands", "cli"},
}

#: Modules that are plain helpers every layer may use.
BASE = {
    "plcheck",
    "plcheck.errors",
    "plcheck.model",
    "plcheck.paths",
    "plcheck.service_names",
    "plcheck.spool",
    "plcheck.validate",
}


#: Pure logic over facts that checks and runs share, in the facts layer.
FACT_HELPERS = {"plcheck.netrules"}


def group(module: str) -> str:
    if module in BASE:
        return "base"
    if module in FACT_HELPERS:
        return "facts"
    parts = module.split(".")
    name = parts[1]
    if name in ("cli", "__main__"):
        return "cli"
    if name not in ALLOWED:
        raise AssertionError(f"{module} belongs to no layer: add it to ALLOWED or BASE")
    return name


def modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _under_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The plcheck modules ``module`` imports at run time."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if _under_type_checking(node, parents):
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from pkg import sub`` imports the submodule when there is one.
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        out.update(n for n in names if n == "plcheck" or n.startswith("plcheck."))
    out.discard(module)
    return {n for n in out if n in known}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    known = modules()
    return {m: imports(m, p, known) for m, p in known.items()}


def test_every_import_points_down_the_layers(graph: dict[str, set[str]]) -> None:
    upward = [
        f"{m} ({group(m)}) imports {i} ({group(i)})"
        for m, targets in sorted(graph.items())
        for i in sorted(targets)
        if group(i) not in ALLOWED[group(m)]
    ]
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def test_no_module_imports_itself_in_a_circle(graph: dict[str, set[str]]) -> None:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            # A package's __init__ importing its own submodules is how packages work.
            if nxt.startswith(node + "."):
                continue
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import circles:\n" + "\n".join(" → ".join(c) for c in cycles)


def test_checks_import_no_network_or_aws_library(graph: dict[str, set[str]]) -> None:
    for path in (ROOT / "checks").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for library in ("boto3", "botocore", "dns.", "ssl", "socket"):
            assert f"import {library}" not in text, f"{path.name} imports {library}"
