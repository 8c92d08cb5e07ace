"""Read ``terraform show -json`` output: the PrivateLink resources a plan creates or changes.

Pure: no AWS. The parts of the documented format read here
(https://developer.hashicorp.com/terraform/internals/json-format, ``format_version`` 1.x;
unknown properties are ignored, other major versions refused):

* ``resource_changes[*]``: ``address``, ``module_address``, ``mode``, ``type``, ``name``,
  ``index`` and ``change`` (``actions``, ``before``, ``after``, ``after_unknown``,
  ``after_sensitive``). Every managed instance a reference can reach is indexed by its
  module instance, so that references resolve to the instances of the *same* module
  instance. The changes are streamed (:func:`read`): a change is held only while read.
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

import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from plcheck.errors import UsageError
from plcheck.gate import tf_reader
from plcheck.gate.tf_plan import ProviderConfig, TerraformPlan
from plcheck.gate.tf_resources import (
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
    if str(source) == "-":
        try:
            stream = _stdin()
        except OSError as exc:
            raise UsageError(f"standard input: cannot read: {exc.strerror or exc}") from None
        with stream:
            return _read(stream, path, "standard input")
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such plan file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a plan file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with stream:
        return _read(stream, path, str(path))


def _read(stream: IO[bytes], path: Path, label: str) -> TerraformPlan:
    """The plan in ``stream`` (seekable): streamed when it can be, else parsed whole."""
    try:
        streamed = _streamed(stream, path, label)
    except OSError as exc:
        raise UsageError(f"{label}: cannot read: {exc.strerror or exc}") from None
    if streamed is not None:
        return streamed
    # Not JSON, not a plan, or no resource change: parsed whole, for the exact error.
    stream.seek(0)
    try:
        text = stream.read().decode("utf-8")
    except OSError as exc:
        raise UsageError(f"{label}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{label}: not JSON: {_NOT_JSON_HINT}") from None
    if not text.strip():
        raise UsageError(f"{label}: empty: {_NOT_JSON_HINT}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{label}:{exc.lineno}: not JSON ({exc.msg}); {_NOT_JSON_HINT}") from None
    del text  # the parsed plan is all that is needed from here on
    return parse(data, path, consume=True)


#: The top-level parts of a plan read besides ``resource_changes``.
_HEAD = ("format_version", "terraform_version", "variables", "configuration")


def _streamed(stream: IO[bytes], path: Path, label: str) -> TerraformPlan | None:
    """The plan, read in passes over the file without ever holding it whole.

    ijson's C parser (yajl) builds only the parts asked for: the head (:data:`_HEAD`; a
    pass ends where its part is, so ``format_version`` at the start costs nothing), then
    ``resource_changes`` a change at a time, twice: once to index the instances references
    can reach, once to read those of the types plcheck reads
    (:class:`~plcheck.gate.tf_reader.PlanReader`).
    ``planned_values`` and ``prior_state``, which repeat the changes, are never built. A
    20,000-endpoint plan peaks at its resources, not at its text and every JSON object.

    None when the plan is not valid JSON, has no ``format_version`` or no resource change:
    the caller parses it whole and says exactly what is wrong.
    """
    import ijson

    def changes() -> Iterator[Any]:
        stream.seek(0)
        return iter(ijson.items(stream, "resource_changes.item", use_float=True))

    head: dict[str, Any] = {}
    try:
        for key in _HEAD:
            stream.seek(0)
            for value in ijson.items(stream, key, use_float=True):
                head[key] = value
                break
        if "format_version" not in head:
            return None
        _check_version(head["format_version"], label)
        reader = _reader(head, changes())
        if reader.count == 0:
            return None
        return _plan(head, path, reader, reader.read(changes()))
    except (ijson.JSONError, UnicodeDecodeError):
        return None


def _stdin() -> IO[bytes]:
    """Standard input, copied to a temporary file: the plan is read from it in passes."""
    import shutil
    import tempfile

    if sys.stdin is None:  # started with standard input closed (`plcheck plan - <&-`)
        raise OSError("standard input is closed")
    copy = tempfile.TemporaryFile()  # noqa: SIM115 - the caller reads and closes it
    try:
        binary = getattr(sys.stdin, "buffer", None)
        if binary is None:  # already text (a test's StringIO)
            copy.write(sys.stdin.read().encode("utf-8"))
        else:
            shutil.copyfileobj(binary, copy)
        copy.seek(0)
    except BaseException:
        copy.close()
        raise
    return copy


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
    _check_version(data["format_version"], label)
    if "resource_changes" not in data and "planned_values" not in data:
        raise UsageError(
            f"{label}: no resource_changes: this looks like state, not a plan "
            "(run `terraform plan -out=tfplan && terraform show -json tfplan`)"
        )
    changes = data.get("resource_changes") or []
    if not isinstance(changes, list):
        raise UsageError(f"{label}: resource_changes is not a list")
    reader = _reader(data, changes)
    return _plan(data, path, reader, reader.read(_consumed(changes) if consume else changes))


def _check_version(version: Any, label: str) -> None:
    if str(version).split(".", 1)[0] != "1":
        raise UsageError(f"{label}: unsupported plan format_version {version} (plcheck reads 1.x)")


def _consumed(changes: list[Any]) -> Iterator[Any]:
    """Each change, dropped from ``changes`` as it is handed out."""
    for position, change in enumerate(changes):
        changes[position] = None
        yield change


def _reader(head: Mapping[str, Any], changes: Iterable[Any]) -> tf_reader.PlanReader:
    """The plan's configuration and providers, and its changes indexed (the first pass)."""
    configuration = head.get("configuration")
    config = tf_reader.Config(configuration if isinstance(configuration, Mapping) else {})
    variables = head.get("variables")
    providers = tf_reader.providers(
        config.provider_config, variables if isinstance(variables, Mapping) else {}
    )
    return tf_reader.PlanReader(changes, config, providers)


def _plan(
    head: Mapping[str, Any],
    path: Path,
    reader: tf_reader.PlanReader,
    resources: tuple[PlannedResource, ...],
) -> TerraformPlan:
    root = reader.providers.get("aws")
    return TerraformPlan(
        path=path,
        format_version=str(head["format_version"]),
        terraform_version=str(head.get("terraform_version", "")),
        region=(root.region or None) if root else None,
        resources=resources,
        providers=dict(reader.providers),
        skipped=tuple(reader.skipped),
        unread=tuple(reader.unread.most_common()),
        data_sources=tuple(reader.data.most_common()),
        module_sources={
            module: str(call.get("source") or call.get("resolved_source") or "")
            for module, call in reader.config.calls.items()
        },
    )
