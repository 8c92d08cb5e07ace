"""Reading TOML tables with the file and line of every mistake.

tomllib reports no positions for valid TOML, so :class:`TomlLines` finds them by
reading the file's table headers and keys alongside the parsed data, and
:class:`TomlReader` checks keys and value types, naming ``file:line`` in each error.
The schema of ``plcheck.toml`` itself is :mod:`plcheck.gate.config`'s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from plcheck.errors import UsageError
from plcheck.validate import did_you_mean, validate_id

#: A position in the document: ``("link", 0, "consumer", 1)``.
TablePath = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')\s*(?:\.|=)")


class TomlLines:
    """Line numbers of the tables and keys of a TOML document, for error messages."""

    def __init__(self, text: str, prefix: TablePath = ()) -> None:
        """``prefix``: the table the document's data lives in (``tool.plcheck``)."""
        self.tables: dict[TablePath, int] = {}
        self.keys: dict[tuple[TablePath, str], int] = {}
        counters: dict[tuple[str | int, ...], int] = {}
        current: TablePath = ("",) if prefix else ()
        for number, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header:
                names = [n.strip().strip("\"'") for n in header.group(2).split(".")]
                current = self._resolve(names, header.group(1) == "[[", counters)
                if prefix:  # tables outside the prefix get a path no lookup asks for
                    inside = current[: len(prefix)] == prefix
                    current = current[len(prefix) :] if inside else ("", *current)
                self.tables.setdefault(current, number)
                continue
            key = _KEY.match(line)
            if key:
                self.keys.setdefault((current, key.group(1).strip("\"'")), number)

    def _resolve(
        self, names: list[str], array: bool, counters: dict[tuple[str | int, ...], int]
    ) -> TablePath:
        # Each name refers to the latest element of an array of tables opened so far.
        path: list[str | int] = []
        for i, name in enumerate(names):
            path.append(name)
            last = i == len(names) - 1
            key = tuple(path)
            if last and array:
                counters[key] = counters.get(key, -1) + 1
                path.append(counters[key])
            elif key in counters:
                path.append(counters[key])
        return tuple(path)

    def of(self, where: TablePath, key: str | None = None) -> int:
        """The line of ``key`` in the table at ``where``, else of the table, else 0."""
        if key is not None and (where, key) in self.keys:
            return self.keys[(where, key)]
        # An inline table ``probe = {...}`` is on its key's line in the parent table.
        if where and isinstance(where[-1], str) and (where[:-1], where[-1]) in self.keys:
            return self.keys[(where[:-1], where[-1])]
        return self.tables.get(where, 0)


class TomlReader:
    """Key and value checks over parsed TOML, each failure one line naming file and line."""

    def __init__(self, path: Path, lines: TomlLines) -> None:
        self.path = path
        self.lines = lines

    def fail(self, where: TablePath, key: str | None, context: str, problem: str) -> UsageError:
        line = self.lines.of(where, key)
        prefix = f"{self.path}:{line}" if line else str(self.path)
        return UsageError(f"{prefix}: {context + ': ' if context else ''}{problem}")

    def known_keys(
        self, raw: Mapping[str, Any], where: TablePath, context: str, known: Sequence[str]
    ) -> None:
        for key in raw:
            if key not in known:
                hint = did_you_mean(key, known)
                raise self.fail(where, key, context, f"unknown key {key!r}{hint}")

    def array(
        self, raw: Mapping[str, Any], where: TablePath, context: str, key: str
    ) -> list[Mapping[str, Any]]:
        value = raw.get(key, [])
        if isinstance(value, Mapping):
            raise self.fail(where, key, context, f"write [[{_dotted(where, key)}]], not [{key}]")
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise self.fail(where, key, context, f"{key} must be tables ([[{key}]])")
        return value

    def table(
        self, raw: Mapping[str, Any], where: TablePath, context: str, key: str
    ) -> Mapping[str, Any]:
        value = raw[key]
        if not isinstance(value, Mapping):
            raise self.fail(where, key, context, f"{key} must be a table, e.g. {key} = {{ ... }}")
        return value

    def string(
        self,
        raw: Mapping[str, Any],
        where: TablePath,
        context: str,
        key: str,
        *,
        required: bool = False,
    ) -> str | None:
        value = raw.get(key)
        if value is None:
            if required:
                raise self.fail(where, None, context, f"missing key {key!r}")
            return None
        if not isinstance(value, str):
            raise self.fail(where, key, context, f"{key} must be a string, not {value!r}")
        return value

    def boolean(
        self, raw: Mapping[str, Any], where: TablePath, context: str, key: str
    ) -> bool | None:
        value = raw.get(key)
        if value is not None and not isinstance(value, bool):
            raise self.fail(where, key, context, f"{key} must be true or false, not {value!r}")
        return value

    def checked_id(self, where: TablePath, key: str, context: str, kind: str, value: Any) -> None:
        try:
            validate_id(kind, str(value))
        except UsageError as exc:
            raise self.fail(where, key, context, str(exc)) from None


def toml_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    return repr(value)


def _dotted(where: TablePath, key: str) -> str:
    return ".".join([*(p for p in where if isinstance(p, str)), key])
