"""Where a planned resource is written: the ``.tf`` file and line of its ``resource`` block.

Module directories come from ``.terraform/modules/modules.json`` when ``terraform init``
wrote it (entries ``Key``/``Source``/``Dir``; nested calls are keyed ``outer.inner``,
``Dir`` relative to the root module), else from the configuration's local
``module_calls.<name>.source`` (``./modules/x``) relative to the calling module.

The block header is found by a scanner rather than an HCL parser. python-hcl2 8.1
was evaluated: its documented dict API gives no line numbers (``with_meta`` adds none
to blocks); its Lark tree does, but that costs an extra dependency (lark), about
0.15 s to load the grammar on every run (1.6 s when its cache cannot be written, as
in a read-only site-packages) and a parse of every expression, any of which it may
reject. The scanner skips ``#``, ``//`` and ``/* */`` comments, quoted strings
(with ``${…}`` interpolations) and heredocs (``<<EOF``, ``<<-EOF``), and only takes
``resource "TYPE" "NAME" {`` at the top level of a file. ``.tf.json`` files are not read.

Paths are POSIX and relative to the repository root, never absolute.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plcheck.gate import tf_address as addr
from plcheck.paths import repo_root

if TYPE_CHECKING:
    from plcheck.gate.terraform import TerraformPlan

_HEADER = re.compile(r'\s*resource\s+"?([A-Za-z_][\w-]*)"?\s+"?([A-Za-z_][\w-]*)"?\s*\{')
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][\w-]*)\s*$")


@dataclass(frozen=True)
class SourceLocation:
    """A place in the configuration."""

    path: str
    """POSIX path relative to the repository root."""
    line: int
    """1-based line of the ``resource`` block's header."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def resource_lines(text: str) -> dict[tuple[str, str], int]:
    """``(type, name)`` → line of each top-level ``resource`` block in one file's text."""
    found: dict[tuple[str, str], int] = {}
    scanner = _Scanner()
    for number, line in enumerate(text.splitlines(), start=1):
        if scanner.at_top_level():
            header = _HEADER.match(line)
            if header:
                found.setdefault((header.group(1), header.group(2)), number)
        scanner.feed(line)
    return found


class _Scanner:
    """Tracks comments, strings, heredocs and brace depth from line to line."""

    def __init__(self) -> None:
        self.depth = 0
        self.in_comment = False
        self.heredoc: str | None = None
        #: Open strings and interpolations: "s" a quoted string, an int the depth of a ``${``.
        self.stack: list[str | int] = []

    def at_top_level(self) -> bool:
        return self.depth == 0 and not self.in_comment and self.heredoc is None and not self.stack

    def feed(self, line: str) -> None:
        if self.heredoc is not None:
            if line.strip() == self.heredoc:
                self.heredoc = None
            return
        i, end = 0, len(line)
        while i < end:
            char = line[i]
            pair = line[i : i + 2]
            if self.in_comment:
                if pair == "*/":
                    self.in_comment = False
                    i += 2
                    continue
                i += 1
                continue
            if self.stack and self.stack[-1] == "s":
                if char == "\\":
                    i += 2
                    continue
                if pair in ("$${", "%%{"):
                    i += 3
                    continue
                if pair in ("${", "%{"):
                    self.stack.append(0)
                    i += 2
                    continue
                if char == '"':
                    self.stack.pop()
                i += 1
                continue
            if char == "#" or pair == "//":
                return
            if pair == "/*":
                self.in_comment = True
                i += 2
                continue
            if char == '"':
                self.stack.append("s")
            elif pair == "<<":
                heredoc = _HEREDOC.match(line, i)
                if heredoc:
                    self.heredoc = heredoc.group(2)
                    return
                i += 2
                continue
            elif char == "{":
                self._open()
            elif char == "}":
                self._close()
            i += 1

    def _open(self) -> None:
        if self.stack:
            top = self.stack[-1]
            assert isinstance(top, int)
            self.stack[-1] = top + 1
        else:
            self.depth += 1

    def _close(self) -> None:
        if self.stack:
            top = self.stack[-1]
            assert isinstance(top, int)
            if top == 0:
                self.stack.pop()  # the end of a ${ … } interpolation
            else:
                self.stack[-1] = top - 1
        elif self.depth > 0:
            self.depth -= 1


def module_dirs(
    tf_dir: Path, sources: Mapping[str, str], modules: Iterable[str]
) -> dict[str, Path]:
    """Configuration module address (``module.a.module.b``) → its directory, where found."""
    recorded = _modules_json(tf_dir)
    found: dict[str, Path] = {"": tf_dir}
    for module in sorted(set(modules), key=lambda m: m.count(".")):
        path = addr.parse_module(module)
        for depth in range(1, len(path) + 1):
            current = addr.config_module(path[:depth])
            if current in found:
                continue
            key = ".".join(name for name, _ in path[:depth])
            if key in recorded:
                found[current] = tf_dir / recorded[key]
                continue
            parent = found.get(addr.config_module(path[: depth - 1]))
            source = sources.get(current, "")
            if parent is not None and source.startswith(("./", "../")):
                found[current] = parent / source
    return found


def _modules_json(tf_dir: Path) -> dict[str, str]:
    try:
        data: Any = json.loads(
            (tf_dir / ".terraform" / "modules" / "modules.json").read_text(encoding="utf-8")
        )
    except (OSError, ValueError):
        return {}
    entries = data.get("Modules") if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        entries = []  # a malformed modules.json locates nothing rather than failing the run
    return {
        str(e.get("Key", "")): str(e.get("Dir", ""))
        for e in entries
        if isinstance(e, Mapping) and e.get("Dir")
    }


def locate(
    plan: TerraformPlan, tf_dir: Path | None = None, root: Path | None = None
) -> dict[str, SourceLocation]:
    """Each planned resource's address → where its block is written (when found).

    ``tf_dir`` is the root module's directory (default: the current directory);
    ``root`` the repository root paths are relative to (default: found from ``tf_dir``).
    """
    tf_dir = Path.cwd() if tf_dir is None else tf_dir
    root = repo_root(tf_dir) if root is None else root.resolve()
    modules = {r.module_address for r in plan.resources}
    configs = {addr.config_module(addr.parse_module(m)) for m in modules}
    dirs = module_dirs(tf_dir, plan.module_sources, configs)
    per_dir: dict[Path, dict[tuple[str, str], SourceLocation]] = {}
    found: dict[str, SourceLocation] = {}
    for resource in plan.resources:
        config = addr.config_module(addr.parse_module(resource.module_address))
        directory = dirs.get(config)
        if directory is None:
            continue
        if directory not in per_dir:
            per_dir[directory] = _scan_dir(directory, root)
        where = per_dir[directory].get((resource.type, resource.name))
        if where is not None:
            found[resource.address] = where
    return found


def _scan_dir(directory: Path, root: Path) -> dict[tuple[str, str], SourceLocation]:
    found: dict[tuple[str, str], SourceLocation] = {}
    try:
        files = sorted(directory.glob("*.tf"))
    except OSError:
        return found
    for file in files:
        try:
            text = file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        relative = Path(os.path.relpath(file.resolve(), root)).as_posix()
        for key, line in resource_lines(text).items():
            found.setdefault(key, SourceLocation(relative, line))
    return found
