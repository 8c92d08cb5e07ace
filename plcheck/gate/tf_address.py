"""Terraform addresses and references, as ``terraform show -json`` writes them.

An *instance address* names one object of a plan (``module.pl["burrito"].aws_subnet.pl[0]``);
a *reference* is what the configuration's ``references`` lists, relative to the module the
expression is written in (``aws_subnet.pl``, ``aws_subnet.pl["a"].id``, ``var.subnets``,
``module.inner.subnet_ids``). Both are split here once, so that nothing else in plcheck
cuts addresses at dots (instance keys may contain dots: ``module.x["a.b"]``).

Format: https://developer.hashicorp.com/terraform/internals/json-format
(values representation ``address``/``index``; expression representation ``references``).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

#: An instance key: ``[0]`` (count) or ``["a"]`` (for_each); None for a single instance.
Key = int | str | None

#: One step of a module instance path: the module call's name and its instance key.
ModuleStep = tuple[str, Key]

#: A module instance: the steps from the root (empty for the root module).
ModulePath = tuple[ModuleStep, ...]


def split(address: str) -> list[str]:
    """``module.x["a.b"].aws_subnet.y[0]`` → ``['module', 'x["a.b"]', 'aws_subnet', 'y[0]']``.

    Splits at dots outside brackets and quoted strings.
    """
    if "[" not in address:
        return address.split(".")
    parts: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    start = 0
    for i, char in enumerate(address):
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "." and depth == 0:
            parts.append(address[start:i])
            start = i + 1
    parts.append(address[start:])
    return parts


def name_and_key(part: str) -> tuple[str, Key, bool]:
    """``y[0]`` → ``('y', 0, True)``; ``y`` → ``('y', None, False)``.

    The flag says whether an index was written. An index that is not a literal
    (``y[each.key]`` never appears in references, but be safe) is read as no key.
    """
    bracket = part.find("[")
    if bracket < 0 or not part.endswith("]"):
        return part, None, False
    name, raw = part[:bracket], part[bracket + 1 : -1]
    try:
        value = json.loads(raw)
    except ValueError:
        return name, None, False
    if isinstance(value, bool) or not isinstance(value, int | str):
        return name, None, False
    return name, value, True


def format_key(key: Key) -> str:
    """``[0]``, ``["a"]`` or ``""``."""
    if key is None:
        return ""
    return f"[{json.dumps(key)}]"


def parse_module(address: str) -> ModulePath:
    """``module.a["k"].module.b[0]`` → ``(('a', 'k'), ('b', 0))``; ``""`` → ``()``."""
    if not address:
        return ()
    parts = split(address)
    steps: list[ModuleStep] = []
    for i in range(0, len(parts) - 1, 2):
        if parts[i] != "module":
            break
        name, key, _ = name_and_key(parts[i + 1])
        steps.append((name, key))
    return tuple(steps)


def format_module(path: ModulePath) -> str:
    """The inverse of :func:`parse_module`."""
    return ".".join(f"module.{name}{format_key(key)}" for name, key in path)


def config_module(path: ModulePath) -> str:
    """The module's configuration address, without keys: ``module.a.module.b``."""
    return ".".join(f"module.{name}" for name, _ in path)


def join(module: str, local: str) -> str:
    """``module.a`` + ``aws_subnet.b`` → ``module.a.aws_subnet.b`` (root: just the local part)."""
    return f"{module}.{local}" if module else local


@dataclass(frozen=True)
class Reference:
    """One entry of an expression's ``references``, relative to its module."""

    kind: str
    """``resource``, ``data``, ``module`` (an output or the whole call), ``var``, ``local``,
    or ``other`` (``each``, ``count``, ``path``, ``self``, ``terraform``)."""
    type: str = ""
    """Resource type (``resource``/``data``)."""
    name: str = ""
    """Resource name, module call name, variable or local name."""
    key: Key = None
    """The instance key written in the reference, if any."""
    keyed: bool = False
    """Whether the reference names one instance (``aws_subnet.a[0]``), not the resource."""
    attribute: str = ""
    """The first attribute after it: ``id``; a module's output name."""

    @property
    def local_address(self) -> str:
        """``aws_subnet.a``, ``data.aws_subnet.a``, ``module.m``, ``var.v`` (without key)."""
        if self.kind == "resource":
            return f"{self.type}.{self.name}"
        if self.kind == "data":
            return f"data.{self.type}.{self.name}"
        if self.kind in ("module", "var", "local"):
            return f"{self.kind}.{self.name}"
        return self.name


@functools.lru_cache(maxsize=4096)
def parse_reference(text: str) -> Reference:
    """Classify one reference string."""
    parts = split(text)
    head = parts[0]
    if head in ("var", "local") and len(parts) >= 2:
        name, _, _ = name_and_key(parts[1])
        return Reference(head, name=name)
    if head == "module" and len(parts) >= 2:
        name, key, keyed = name_and_key(parts[1])
        output = name_and_key(parts[2])[0] if len(parts) >= 3 else ""
        return Reference("module", name=name, key=key, keyed=keyed, attribute=output)
    if head == "data" and len(parts) >= 3:
        name, key, keyed = name_and_key(parts[2])
        attribute = name_and_key(parts[3])[0] if len(parts) >= 4 else ""
        return Reference("data", parts[1], name, key, keyed, attribute)
    if head in ("each", "count", "path", "self", "terraform") or len(parts) < 2:
        return Reference("other", name=text)
    name, key, keyed = name_and_key(parts[1])
    attribute = name_and_key(parts[2])[0] if len(parts) >= 3 else ""
    return Reference("resource", head, name, key, keyed, attribute)
