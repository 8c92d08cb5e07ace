"""Read ``terraform show -json`` output: the PrivateLink resources a plan creates or changes.

Pure: no AWS. The parts of the documented format read here
(https://developer.hashicorp.com/terraform/internals/json-format, ``format_version`` 1.x;
unknown properties are ignored, other major versions refused):

* ``resource_changes[*]``: ``address``, ``module_address``, ``mode``, ``type``, ``name``,
  ``index`` and ``change`` (``actions``, ``before``, ``after``, ``after_unknown``,
  ``after_sensitive``). Every managed instance is indexed by its module instance, so that
  references resolve to the instances of the *same* module instance.
* ``configuration.root_module`` and, recursively, ``module_calls.<name>.module``:
  each resource's ``expressions.<attr>.references`` (relative to its module) and
  ``provider_config_key``; each call's ``expressions`` (to follow ``var.x`` out of a
  module) and its module's ``outputs`` (to follow ``module.m.out`` into one).
* ``configuration.provider_config.<key>``: ``name``, ``alias``, ``module_address`` and
  ``expressions.region`` (a constant, or ``var.region`` resolved from ``variables``).
  The documentation says a resource's key "will point to the original provider config
  block" when the provider was passed into its module (``providers = { aws = aws.b }``),
  so ``module.pl:aws`` appears only for providers declared in a module.

Values known only after apply, and sensitive ones, are :class:`Unknown`.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from plcheck.errors import UsageError
from plcheck.gate import tf_reader
from plcheck.gate.tf_plan import ProviderConfig, TerraformPlan
from plcheck.gate.tf_resources import (
    READERS,
    PlannedEndpoint,
    PlannedResource,
    PlannedService,
    PlannedSubnet,
    PlannedVpc,
)
from plcheck.gate.tf_values import Planned, Unknown, known, unknowns

__all__ = [
    "Planned",
    "PlannedEndpoint",
    "PlannedResource",
    "PlannedService",
    "PlannedSubnet",
    "PlannedVpc",
    "ProviderConfig",
    "TerraformPlan",
    "Unknown",
    "known",
    "load",
    "parse",
    "read",
    "unknowns",
]


# -- reading ---------------------------------------------------------------------------------

_NOT_JSON_HINT = "pass the output of `terraform show -json PLANFILE`, not the binary plan"


def read(source: str | Path) -> TerraformPlan:
    """The plan at a path, or on standard input when the path is ``-``.

    Every problem with the input is a :class:`UsageError` (one line, exit code 2).
    """
    path = Path(source)
    label = "standard input" if str(source) == "-" else str(path)
    try:
        text = _stdin() if str(source) == "-" else path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{label}: no such plan file") from None
    except IsADirectoryError:
        raise UsageError(f"{label}: is a directory, not a plan file") from None
    except OSError as exc:
        raise UsageError(f"{label}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{label}: not JSON: {_NOT_JSON_HINT}") from None
    if not text.strip():
        raise UsageError(f"{label}: empty: {_NOT_JSON_HINT}")
    try:
        data = json.loads(text, object_pairs_hook=_Lean())
    except json.JSONDecodeError as exc:
        raise UsageError(f"{label}:{exc.lineno}: not JSON ({exc.msg}); {_NOT_JSON_HINT}") from None
    del text  # the parsed plan is all that is needed from here on
    return parse(data, path, consume=True)


def _stdin() -> str:
    """Standard input as UTF-8 whatever the locale, decoded as it is read."""
    if sys.stdin is None:  # started with standard input closed (`plcheck plan - <&-`)
        raise OSError("standard input is closed")
    binary = getattr(sys.stdin, "buffer", None)
    if binary is None:  # already text (a test's StringIO)
        return sys.stdin.read()
    with io.TextIOWrapper(binary, encoding="utf-8") as text:
        return text.read()


#: Parts of a plan nothing here reads, dropped while parsing to bound memory.
_UNREAD_CHANGE_PARTS = ("before_sensitive", "replace_paths")
#: Attributes no reader looks at that every tagged resource carries, dropped from
#: ``before``/``after``.
_UNREAD_ATTRIBUTES = frozenset(("tags", "tags_all"))
#: Strings up to this long are shared between the objects that repeat them (types, modes,
#: actions, VPC IDs); longer ones are mostly unique (addresses, service names).
_SHARED_STRING_LENGTH = 48


class _Lean:
    """``object_pairs_hook`` for a plan: each JSON object, less what plcheck never reads.

    A large plan's memory is mostly these: the values representation of
    ``planned_values``/``prior_state`` (resources and their modules become ``None``: it
    repeats ``resource_changes``), the change of a type plcheck does not read (only
    counted), and the same short strings and flag maps (``after_unknown``) repeated in
    every instance, which are shared here; tags, which no check reads. Nothing downstream
    mutates parsed objects.
    """

    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._flags: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}
        self._shared: set[int] = set()

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any] | None:
        strings = self._strings
        for position, (key, value) in enumerate(pairs):
            if isinstance(value, str) and len(value) <= _SHARED_STRING_LENGTH:
                pairs[position] = (key, strings.setdefault(value, value))
        obj = dict(pairs)
        if "address" in obj and "mode" in obj:
            if "values" in obj or "sensitive_values" in obj:
                return None  # a resource in a values representation
            if "change" in obj and (obj["mode"] != "managed" or obj.get("type") not in READERS):
                obj["change"] = {}
        elif "child_modules" in obj or ("resources" in obj and "address" in obj):
            return None  # a module of a values representation
        elif "actions" in obj and "after_unknown" in obj:
            for part in _UNREAD_CHANGE_PARTS:
                obj.pop(part, None)
            actions = obj["actions"]
            if isinstance(actions, list):
                obj["actions"] = [
                    strings.setdefault(a, a) if isinstance(a, str) else a for a in actions
                ]
            for side in ("before", "after"):
                values = obj.get(side)
                if isinstance(values, dict) and not _UNREAD_ATTRIBUTES.isdisjoint(values):
                    obj[side] = {k: v for k, v in values.items() if k not in _UNREAD_ATTRIBUTES}
        return self._share(obj, pairs)

    def _share(self, obj: dict[str, Any], pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        """One object for every equal map of flags (``after_unknown``, ``after_sensitive``)."""
        if len(obj) != len(pairs) or not all(
            v is None or isinstance(v, bool) or id(v) in self._shared for _, v in pairs
        ):
            return obj
        key = tuple((k, v if v is None or isinstance(v, bool) else id(v)) for k, v in pairs)
        shared = self._flags.setdefault(key, obj)
        self._shared.add(id(shared))
        return shared


def load(path: Path) -> TerraformPlan:
    """Read a ``terraform show -json`` file (compatibility name for :func:`read`)."""
    return read(path)


def parse(data: Any, path: Path, *, consume: bool = False) -> TerraformPlan:
    """The plan in ``data`` (parsed JSON).

    With ``consume``, each resource change is dropped from ``data`` once read, so that a
    large plan is not held twice (as JSON and as resources).
    """
    label = "standard input" if str(path) == "-" else str(path)
    if not isinstance(data, Mapping) or "format_version" not in data:
        raise UsageError(f"{label}: not a Terraform plan in JSON (no format_version)")
    version = str(data["format_version"])
    if version.split(".", 1)[0] != "1":
        raise UsageError(f"{label}: unsupported plan format_version {version} (plcheck reads 1.x)")
    if "resource_changes" not in data and "planned_values" not in data:
        raise UsageError(
            f"{label}: no resource_changes: this looks like state, not a plan "
            "(run `terraform plan -out=tfplan && terraform show -json tfplan`)"
        )
    changes = data.get("resource_changes") or []
    if not isinstance(changes, list):
        raise UsageError(f"{label}: resource_changes is not a list")
    configuration = data.get("configuration")
    config = tf_reader.Config(configuration if isinstance(configuration, Mapping) else {})
    variables = data.get("variables")
    providers = tf_reader.providers(
        config.provider_config, variables if isinstance(variables, Mapping) else {}
    )
    reader = tf_reader.PlanReader(changes, config, providers, consume=consume)
    resources = reader.read()
    root = providers.get("aws")
    return TerraformPlan(
        path=path,
        format_version=version,
        terraform_version=str(data.get("terraform_version", "")),
        region=(root.region or None) if root else None,
        resources=resources,
        providers=providers,
        skipped=tuple(reader.skipped),
        unread=tuple(reader.unread.most_common()),
        data_sources=tuple(reader.data.most_common()),
        module_sources={
            module: str(call.get("source") or call.get("resolved_source") or "")
            for module, call in config.calls.items()
        },
    )
