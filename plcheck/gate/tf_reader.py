"""The two passes over a plan's ``resource_changes``, and its configuration tree.

The first pass indexes, by module instance, the managed instances the configuration's
references can reach (so that a reference resolves to the instances of the *same* module
instance); the second reads the instances of the types in
:data:`~plcheck.gate.tf_resources.READERS`. Each pass takes the changes as a stream. The
configuration (``configuration.root_module``, ``module_calls``, ``provider_config``)
gives each resource its references and its provider block. See
:mod:`plcheck.gate.terraform` for the parts of the format read.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from plcheck.gate import tf_address as addr
from plcheck.gate.tf_plan import ProviderConfig
from plcheck.gate.tf_resources import (
    READERS,
    PlannedEndpoint,
    PlannedResource,
    PlannedSubnetAssociation,
)
from plcheck.gate.tf_values import Attrs, Unknown, references

#: How deep ``var.x``/``module.m.out`` are followed (module nesting is rarely deeper).
_MAX_HOPS = 16


# -- configuration -----------------------------------------------------------------------------


class Config:
    """The configuration tree, indexed by configuration module address (``module.a.module.b``)."""

    def __init__(self, configuration: Mapping[str, Any]) -> None:
        pcs = configuration.get("provider_config")
        self.provider_config: Mapping[str, Any] = pcs if isinstance(pcs, Mapping) else {}
        #: (config module, ``type.name`` or ``data.type.name``) → the configuration resource.
        self.resources: dict[tuple[str, str], Mapping[str, Any]] = {}
        #: config module of a call (``module.a``) → the call (``expressions``, ``module``).
        self.calls: dict[str, Mapping[str, Any]] = {}
        #: (config module, ``type.name``) of every resource an expression references where
        #: it is written: the only instances a reference can resolve to.
        self.referenced: set[tuple[str, str]] = set()
        #: (config module, call name) of every module whose outputs are referenced.
        self.called: set[tuple[str, str]] = set()
        root = configuration.get("root_module")
        stack: list[tuple[str, Any]] = [("", root if isinstance(root, Mapping) else {})]
        while stack:
            prefix, module = stack.pop()
            self._note(prefix, module.get("outputs"))
            for resource in module.get("resources") or []:
                if isinstance(resource, Mapping):
                    self.resources[(prefix, str(resource.get("address", "")))] = resource
                    self._note(prefix, resource)
            for name, call in (module.get("module_calls") or {}).items():
                if isinstance(call, Mapping):
                    child = addr.join(prefix, f"module.{name}")
                    self.calls[child] = call
                    self._note(prefix, {k: v for k, v in call.items() if k != "module"})
                    inner = call.get("module")
                    stack.append((child, inner if isinstance(inner, Mapping) else {}))

    def _note(self, module: str, node: Any) -> None:
        """Note what the references in ``node`` (written in ``module``) may resolve to."""
        for ref in references(node):
            parsed = addr.parse_reference(ref)
            if parsed.kind == "resource":
                self.referenced.add((module, parsed.local_address))
            elif parsed.kind == "module":
                self.called.add((module, parsed.name))

    def resource(self, module: str, local: str) -> Mapping[str, Any]:
        return self.resources.get((module, local), {})

    def variable(self, module: str, name: str) -> Any:
        """The expression the module's caller passes for ``var.name``."""
        call = self.calls.get(module) or {}
        return (call.get("expressions") or {}).get(name)

    def output(self, module: str, name: str) -> Any:
        """The expression of the module's output ``name``."""
        call = self.calls.get(module) or {}
        outputs = (call.get("module") or {}).get("outputs") or {}
        found = outputs.get(name)
        return found.get("expression") if isinstance(found, Mapping) else None


def providers(
    provider_config: Mapping[str, Any], variables: Mapping[str, Any]
) -> dict[str, ProviderConfig]:
    found = {}
    for key, block in provider_config.items():
        if not isinstance(block, Mapping):
            continue
        region, source = _region(block, variables)
        found[str(key)] = ProviderConfig(
            key=str(key),
            name=str(block.get("name", "")),
            alias=str(block.get("alias") or ""),
            module_address=str(block.get("module_address") or ""),
            region=region,
            region_from=source,
        )
    return found


def _region(block: Mapping[str, Any], variables: Mapping[str, Any]) -> tuple[str, str]:
    expression = (block.get("expressions") or {}).get("region")
    if not isinstance(expression, Mapping):
        return "", "not set (the environment's Region applies)"
    constant = expression.get("constant_value")
    if isinstance(constant, str) and constant:
        return constant, "constant"
    refs = [str(r) for r in expression.get("references") or []]
    names = [r.split(".", 1)[1] for r in refs if r.startswith("var.") and "." not in r[4:]]
    if len(names) == 1 and not block.get("module_address"):
        value = (variables.get(names[0]) or {}).get("value")
        if isinstance(value, str) and value:
            return value, f"var.{names[0]}"
        return "", f"var.{names[0]} (no value in the plan)"
    shown = ", ".join(refs) or "an expression"
    return "", f"{shown} (not known at plan time)"


# -- resources ---------------------------------------------------------------------------------


class PlanReader:
    """One pass over the changes to index every managed instance, one to read the relevant ones.

    Each pass takes the changes as an iterable (a list, or a stream of them): no change
    needs to be held once its pass has seen it.
    """

    def __init__(
        self,
        changes: Iterable[Any],
        config: Config,
        providers: Mapping[str, ProviderConfig],
    ) -> None:
        self.config = config
        self.providers = providers
        self.skipped: list[tuple[str, str]] = []
        self.unread: Counter[str] = Counter()
        self.data: Counter[str] = Counter()
        #: (module instance, ``type.name``) → instance addresses, and their keys.
        self.instances: dict[tuple[str, str], list[tuple[str, addr.Key]]] = {}
        #: (parent module instance, call name) → its module instances.
        self.module_instances: dict[tuple[str, str], dict[str, addr.ModulePath]] = {}
        #: How many changes the first pass saw.
        self.count = 0
        self._resolved: dict[
            tuple[addr.ModulePath, addr.Key, tuple[str, ...]], tuple[str, ...]
        ] = {}
        #: One object for each equal actions tuple and :class:`Unknown` (instances repeat them).
        self._actions: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._unknowns: dict[Unknown, Unknown] = {}
        for change in changes:
            if isinstance(change, Mapping):
                self.count += 1
                self._index(change)

    def _index(self, change: Mapping[str, Any]) -> None:
        """Index one change if a reference may resolve to it; count the changes not read.

        Only instances the configuration references are indexed: a module's for_each of
        thousands of endpoints that nothing references costs nothing here.
        """
        kind = str(change.get("type", ""))
        if change.get("mode", "managed") != "managed":
            self.data[kind] += 1
            return
        if kind not in READERS:
            self.unread[kind] += 1
        module = str(change.get("module_address") or "")
        path = addr.parse_module(module)
        local = f"{kind}.{change.get('name', '')}"
        if (addr.config_module(path), local) in self.config.referenced:
            # Interned: the second pass reads the same addresses again, as new strings.
            address = sys.intern(str(change.get("address", "")))
            key = (sys.intern(module), sys.intern(local))
            self.instances.setdefault(key, []).append((address, _key(change.get("index"))))
        for depth in range(1, len(path) + 1):
            parent, name = path[: depth - 1], path[depth - 1][0]
            if (addr.config_module(parent), name) in self.config.called:
                children = self.module_instances.setdefault((addr.format_module(parent), name), {})
                children[addr.format_module(path[:depth])] = path[:depth]

    def read(self, changes: Iterable[Any]) -> tuple[PlannedResource, ...]:
        """The second pass: the instances of the types plcheck reads (the same changes)."""
        resources: list[PlannedResource] = []
        for change in changes:
            if (
                isinstance(change, Mapping)
                and change.get("mode", "managed") == "managed"
                and change.get("type") in READERS
            ):
                resource = self._read(change)
                if resource is not None:
                    resources.append(resource)
        return _join_associations(resources)

    def _read(self, change: Mapping[str, Any]) -> PlannedResource | None:
        # What the resources keep is interned: each change was parsed on its own, so the
        # strings many repeat (types, module addresses, VPC IDs) would be copies.
        kind = sys.intern(str(change.get("type", "")))
        address = sys.intern(str(change.get("address", "")))
        body = change.get("change") or {}
        actions = tuple(str(a) for a in body.get("actions") or ())
        actions = self._actions.setdefault(actions, actions)
        if not {"create", "update"} & set(actions):
            if "delete" in actions:
                self.skipped.append((address, "deleted by this plan"))
            return None
        module = sys.intern(str(change.get("module_address") or ""))
        path = addr.parse_module(module)
        config_module = addr.config_module(path)
        local = f"{kind}.{change.get('name', '')}"
        configured = self.config.resource(config_module, local)
        index = _key(change.get("index"))
        before = body.get("before")
        existing = (
            before.get("id") if isinstance(before, Mapping) and "create" not in actions else None
        )
        provider = self._provider(str(configured.get("provider_config_key") or ""), path)
        common = {
            "address": address,
            "type": kind,
            "name": sys.intern(str(change.get("name", ""))),
            "module_address": module,
            "index": index,
            "config_address": sys.intern(addr.join(config_module, local)),
            "actions": actions,
            "existing_id": str(existing) if existing else None,
            "provider_key": provider.key if provider else "",
            "provider_alias": provider.alias if provider else "",
            "region": provider.region if provider else "",
        }
        attrs = Attrs(
            body.get("after"),
            body.get("after_unknown"),
            body.get("after_sensitive"),
            configured.get("expressions"),
            lambda refs: self.resolve(refs, path, index),
            configured=bool(configured),
            shared=self._unknowns,
        )
        if kind == "aws_vpc_endpoint":
            endpoint_type = str(attrs.raw("vpc_endpoint_type", "Gateway"))
            if endpoint_type != "Interface":
                self.skipped.append((address, f"a {endpoint_type} endpoint, not Interface"))
                return None
        return READERS[kind](attrs, common)

    def _provider(self, key: str, path: addr.ModulePath) -> ProviderConfig | None:
        """The provider block a key leads to; implicit inheritance walks up the modules."""
        if key in self.providers:
            return self.providers[key]
        local = key.rsplit(":", 1)[-1] or "aws"
        for depth in range(len(path), -1, -1):
            module = addr.config_module(path[:depth])
            candidate = f"{module}:{local}" if module else local
            if candidate in self.providers:
                return self.providers[candidate]
        return None

    # -- references ------------------------------------------------------------------------

    def resolve(
        self, refs: Sequence[str], path: addr.ModulePath, index: addr.Key = None
    ) -> tuple[str, ...]:
        """What ``refs``, written in module instance ``path``, resolve to (see :class:`Unknown`).

        A bare reference to a resource with count/for_each means all its instances; one
        written with an index means that instance. When the expression indexes with
        ``each.key``/``count.index`` (which references list as the bare resource and
        ``each.key``), the instance with the referrer's own key is meant.
        """
        own_key = index if any(r in ("each.key", "count.index") for r in refs) else None
        if not path:
            return self._resolved_in(tuple(refs), path, own_key, 0)
        # A module instance's own: not kept, since every instance of a module's for_each
        # has its own answer. What they share (``var.x`` in the caller) is kept.
        found: dict[str, None] = {}
        self._follow(refs, path, own_key, found, 0)
        return tuple(found)

    def _resolved_in(
        self, refs: tuple[str, ...], path: addr.ModulePath, own_key: addr.Key, hops: int
    ) -> tuple[str, ...]:
        """What ``refs`` resolve to in module instance ``path``, kept by where they are written."""
        cache_key = (path, own_key, refs)
        cached = self._resolved.get(cache_key)
        if cached is None:
            found: dict[str, None] = {}
            self._follow(refs, path, own_key, found, hops)
            cached = self._resolved[cache_key] = tuple(found)
        return cached

    def _follow(
        self,
        refs: Iterable[str],
        path: addr.ModulePath,
        own_key: addr.Key,
        found: dict[str, None],
        hops: int,
    ) -> None:
        if hops > _MAX_HOPS:
            return
        module = addr.format_module(path)
        parsed = [addr.parse_reference(r) for r in refs]
        keyed = {(p.type, p.name) for p in parsed if p.kind == "resource" and p.keyed}
        for ref in parsed:
            if ref.kind == "resource":
                if not ref.keyed and (ref.type, ref.name) in keyed:
                    continue  # implied by a more specific reference to one instance
                self._instances(ref, module, own_key, found)
            elif ref.kind == "data":
                found[addr.join(module, ref.local_address + addr.format_key(ref.key))] = None
            elif ref.kind == "var" and path:
                expression = self.config.variable(addr.config_module(path), ref.name)
                inner = _refs(expression)
                parent_key = path[-1][1] if "each.key" in inner or "count.index" in inner else None
                found.update(
                    dict.fromkeys(self._resolved_in(inner, path[:-1], parent_key, hops + 1))
                )
            elif ref.kind == "module" and ref.attribute:
                child_config = addr.join(addr.config_module(path), f"module.{ref.name}")
                inner = _refs(self.config.output(child_config, ref.attribute))
                children = self.module_instances.get((module, ref.name), {})
                for child in children.values():
                    if not ref.keyed or child[-1][1] == ref.key:
                        self._follow(inner, child, None, found, hops + 1)

    def _instances(
        self, ref: addr.Reference, module: str, own_key: addr.Key, found: dict[str, None]
    ) -> None:
        instances = self.instances.get((module, ref.local_address), [])
        if ref.keyed:
            chosen = [a for a, k in instances if k == ref.key]
        elif own_key is not None and any(k == own_key for _, k in instances):
            chosen = [a for a, k in instances if k == own_key]
        else:
            chosen = [a for a, _ in instances]
        if not chosen:
            chosen = [addr.join(module, ref.local_address + addr.format_key(ref.key))]
        for address in chosen:
            found[address] = None


def _refs(expression: Any) -> tuple[str, ...]:
    if not isinstance(expression, Mapping):
        return ()
    return tuple(str(r) for r in expression.get("references") or [])


def _key(index: Any) -> addr.Key:
    if isinstance(index, bool) or not isinstance(index, int | str):
        return None
    return index


def _join_associations(resources: list[PlannedResource]) -> tuple[PlannedResource, ...]:
    """Attach each subnet association to the one planned endpoint it names, if it names one."""
    endpoints = {r.address: r for r in resources if isinstance(r, PlannedEndpoint)}
    joined: dict[str, list[PlannedSubnetAssociation]] = {}
    out: list[PlannedResource] = []
    for resource in resources:
        if not isinstance(resource, PlannedSubnetAssociation):
            out.append(resource)
            continue
        target = resource.vpc_endpoint_id
        if isinstance(target, Unknown):
            names = [a for a in target.resources if a in endpoints]
        else:
            names = [e.address for e in endpoints.values() if e.existing_id == target]
        association = resource
        if len(names) == 1:
            association = replace(resource, endpoint_address=names[0])
            joined.setdefault(names[0], []).append(association)
        out.append(association)
    if not joined:
        return tuple(out)
    return tuple(
        replace(r, associations=tuple(joined[r.address]))
        if isinstance(r, PlannedEndpoint) and r.address in joined
        else r
        for r in out
    )
