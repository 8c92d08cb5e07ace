"""Planned attribute values: known, known only after apply, or sensitive.

A plan's ``change.after`` holds the known values, ``after_unknown`` marks what
apply decides (``true`` leaves) and ``after_sensitive`` what Terraform hides
(``true`` leaves). plcheck keeps neither kind of value: each becomes an
:class:`Unknown` that says which attribute it is, what the configuration computes
it from (``references``) and which planned resources those references resolve to
(``resources``), so a judge can follow it or say what it waits for. Sensitive
values are dropped at the door so that no report can print them.

Format: https://developer.hashicorp.com/terraform/internals/json-format
("Change Representation": ``after``, ``after_unknown``, ``after_sensitive``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

T = TypeVar("T")

#: How many resolved addresses :meth:`Unknown.describe` names before "and N more".
_DESCRIBE_AT_MOST = 5


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value plcheck cannot read from the plan: known only after apply, or sensitive."""

    attribute: str
    """The attribute, e.g. ``subnet_ids``."""
    references: tuple[str, ...] = ()
    """The configuration's references, as written in its module (``aws_subnet.a.id``)."""
    resources: tuple[str, ...] = ()
    """What the references resolve to: planned instance addresses
    (``module.pl["a"].aws_subnet.pl[0]``) where the plan has them, otherwise the
    module-qualified configuration address (``data.aws_subnet.x``, a resource not in
    the plan). Each address once."""
    sensitive: bool = False
    """The plan marks the value sensitive; plcheck does not read it."""

    def describe(self) -> str:
        """``subnet_ids (from aws_subnet.a, aws_subnet.b)``."""
        if self.sensitive:
            return f"{self.attribute} (sensitive)"
        refs = self.resources or self.references
        if not refs:
            return self.attribute
        shown = ", ".join(refs[:_DESCRIBE_AT_MOST])
        if len(refs) > _DESCRIBE_AT_MOST:
            shown += f" and {len(refs) - _DESCRIBE_AT_MOST} more"
        return f"{self.attribute} (from {shown})"


#: A planned value: known, or :class:`Unknown`.
Planned: TypeAlias = T | Unknown

#: Resolves references (as written in the resource's module) to addresses.
Resolver = Callable[[Sequence[str]], tuple[str, ...]]


def known(value: Planned[T]) -> bool:
    """Whether a planned value is known at plan time."""
    return not isinstance(value, Unknown)


def unknowns(*values: Planned[Any]) -> Sequence[Unknown]:
    """The unknown values among ``values``."""
    return [v for v in values if isinstance(v, Unknown)]


def references(expression: Any) -> tuple[str, ...]:
    """Every reference in an expression (nested blocks included), each once."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            refs = node.get("references")
            if isinstance(refs, list):
                found.extend(str(r) for r in refs)
            for key, value in node.items():
                if key != "references":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(expression)
    return tuple(dict.fromkeys(found))


def _marked(marker: Any) -> bool:
    """Whether an ``after_unknown``/``after_sensitive`` marker has any ``true`` leaf."""
    if marker is True:
        return True
    if isinstance(marker, Mapping):
        return any(_marked(v) for v in marker.values())
    if isinstance(marker, list):
        return any(_marked(v) for v in marker)
    return False


class Attrs:
    """One object's planned attributes: ``after``, its markers and its expressions."""

    __slots__ = ("after", "configured", "exprs", "resolve", "sensitive", "shared", "unknown")

    def __init__(
        self,
        after: Any,
        unknown: Any,
        sensitive: Any,
        exprs: Any,
        resolve: Resolver,
        *,
        configured: bool = False,
        shared: dict[Unknown, Unknown] | None = None,
    ) -> None:
        self.configured = configured
        """Whether the object's configuration was found (so ``exprs`` is all it sets)."""
        self.after: Mapping[str, Any] = after if isinstance(after, Mapping) else {}
        self.unknown: Mapping[str, Any] = unknown if isinstance(unknown, Mapping) else {}
        self.sensitive: Mapping[str, Any] = sensitive if isinstance(sensitive, Mapping) else {}
        self.exprs: Mapping[str, Any] = exprs if isinstance(exprs, Mapping) else {}
        self.resolve = resolve
        self.shared: dict[Unknown, Unknown] = {} if shared is None else shared
        """One object for each equal :class:`Unknown` (a module's instances repeat them)."""

    def raw(self, name: str, default: Any = None) -> Any:
        """The known value as planned (None → ``default``); only for non-sensitive reads.

        Strings are interned: a large plan repeats the same IDs and names in every instance.
        """
        value = self.after.get(name)
        if isinstance(value, str):
            return sys.intern(value)
        return default if value is None else value

    def missing(self, name: str) -> Unknown | None:
        """An :class:`Unknown` when ``name`` is (partly) unknown or sensitive; else None."""
        if _marked(self.sensitive.get(name)):
            return self._shared(Unknown(name, sensitive=True))
        if _marked(self.unknown.get(name)):
            refs = references(self.exprs.get(name))
            return self._shared(Unknown(name, refs, self.resolve(refs)))
        return None

    def _shared(self, unknown: Unknown) -> Unknown:
        return self.shared.setdefault(unknown, unknown)

    def text(self, name: str, default: str = "") -> Planned[str]:
        missing = self.missing(name)
        if missing is not None:
            return missing
        value = self.raw(name)
        return default if value is None else str(value)

    def flag(self, name: str, *, default: bool) -> Planned[bool]:
        missing = self.missing(name)
        if missing is not None:
            return missing
        return bool(self.raw(name, default))

    def number(self, name: str) -> Planned[int | None]:
        missing = self.missing(name)
        if missing is not None:
            return missing
        value = self.raw(name)
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            return int(value)
        if isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
        return None

    def strings(self, name: str) -> Planned[tuple[str, ...]]:
        missing = self.missing(name)
        if missing is not None:
            return missing
        value = self.raw(name, ())
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list):
            return ()
        return tuple(sys.intern(str(v)) for v in value if v is not None)

    def blocks(self, name: str, read: Callable[[Attrs], T]) -> Planned[tuple[T, ...]]:
        """A nested block list/set, each block read with ``read``.

        Unknown only when the block list itself is unknown (its length is not
        known); unknown attributes inside a block are Unknown in that block.
        """
        if _marked(self.sensitive.get(name)):
            return self._shared(Unknown(name, sensitive=True))
        unknown = self.unknown.get(name)
        if unknown is True:
            refs = references(self.exprs.get(name))
            return self._shared(Unknown(name, refs, self.resolve(refs)))
        value = self.raw(name, ())
        if isinstance(value, Mapping):
            value = [value]
        if not isinstance(value, list):
            return ()
        markers = unknown if isinstance(unknown, list) else []
        exprs = self.exprs.get(name)
        # Block expressions are a list (list/set nesting) or one object (single nesting); the
        # elements of a set cannot be matched to their expressions, so all share them.
        shared = exprs[0] if isinstance(exprs, list) and len(exprs) == 1 else exprs
        out = []
        for i, item in enumerate(value):
            marker = markers[i] if i < len(markers) else {}
            if isinstance(exprs, list) and len(exprs) == len(value):
                expr = exprs[i]
            else:
                expr = shared if isinstance(shared, Mapping) else {}
            out.append(read(Attrs(item, marker, {}, expr, self.resolve, shared=self.shared)))
        return tuple(out)
