"""Read ``terraform show -json`` output: the PrivateLink resources a plan creates or changes.

Pure: no AWS. Values Terraform knows only after apply (``after_unknown``) are
:class:`Unknown`, carrying the configuration's references so that the judge can
follow them to other resources in the same plan (a planned subnet's zone, a
planned VPC's DNS attributes) or say what they are waiting for.

Format: https://developer.hashicorp.com/terraform/internals/json-format
(``format_version`` 1.x; unknown properties are ignored, other major versions refused).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

from plcheck.errors import UsageError

T = TypeVar("T")


@dataclass(frozen=True)
class Unknown:
    """A value known only after apply."""

    attribute: str
    """The attribute, e.g. ``subnet_ids``."""
    references: tuple[str, ...] = ()
    """What the configuration computes it from, e.g. ``aws_subnet.a.id``."""

    @property
    def resources(self) -> tuple[str, ...]:
        """The resource addresses referred to (``aws_subnet.a``), without attributes."""
        found = []
        for ref in self.references:
            parts = ref.split(".")
            # module.x.aws_subnet.a.id → module.x.aws_subnet.a; drop var./local./data. paths too
            head: list[str] = []
            while len(parts) >= 2 and parts[0] == "module":
                head += parts[:2]
                parts = parts[2:]
            if len(parts) >= 2 and parts[0] not in ("var", "local", "each", "count", "path"):
                if parts[0] == "data" and len(parts) >= 3:
                    found.append(".".join([*head, *parts[:3]]))
                elif parts[0] != "data":
                    found.append(".".join([*head, *parts[:2]]))
        return tuple(dict.fromkeys(found))

    def describe(self) -> str:
        """``subnet_ids (from aws_subnet.a, aws_subnet.b)``."""
        refs = self.resources or self.references
        return f"{self.attribute} (from {', '.join(refs)})" if refs else self.attribute


#: A planned value: known, or known only after apply.
Planned: TypeAlias = T | Unknown


@dataclass(frozen=True)
class PlannedEndpoint:
    """An ``aws_vpc_endpoint`` of type Interface that the plan creates or updates."""

    address: str
    """Terraform address, e.g. ``module.net.aws_vpc_endpoint.burrito``."""
    actions: tuple[str, ...]
    """``create``, ``update``, or ``delete`` + ``create`` (replace)."""
    endpoint_id: str | None
    """The existing endpoint's ID for updates; None when it is created."""
    service_name: Planned[str]
    """The endpoint service name."""
    vpc_id: Planned[str]
    """The VPC."""
    subnet_ids: Planned[tuple[str, ...]]
    """Its subnets (empty when the configuration sets none)."""
    private_dns_enabled: Planned[bool]
    """Whether private DNS is asked for."""
    security_group_ids: Planned[tuple[str, ...]] = ()
    """Its security groups."""
    service_region: Planned[str] = ""
    """``service_region`` for cross-region endpoints ("" when not set)."""


@dataclass(frozen=True)
class PlannedService:
    """An ``aws_vpc_endpoint_service`` that the plan creates or updates."""

    address: str
    """Terraform address."""
    actions: tuple[str, ...]
    """Planned actions."""
    service_id: str | None
    """The existing service's ID for updates."""
    load_balancer_arns: Planned[tuple[str, ...]]
    """``network_load_balancer_arns``."""
    private_dns_name: Planned[str] = ""
    """``private_dns_name`` ("" when not set)."""
    acceptance_required: Planned[bool] = False
    """``acceptance_required``."""


@dataclass(frozen=True)
class PlannedSubnet:
    """An ``aws_subnet`` in the plan (created, or changed in place)."""

    address: str
    """Terraform address."""
    subnet_id: str | None
    """Its ID when it exists already."""
    vpc_id: Planned[str]
    """Its VPC."""
    zone_name: Planned[str]
    """``availability_zone``: a zone NAME, which differs between accounts."""
    zone_id: Planned[str]
    """``availability_zone_id``: the physical zone."""
    cidr: Planned[str] = ""
    """``cidr_block``."""


@dataclass(frozen=True)
class PlannedVpc:
    """An ``aws_vpc`` in the plan."""

    address: str
    """Terraform address."""
    vpc_id: str | None
    """Its ID when it exists already."""
    dns_support: Planned[bool]
    """``enable_dns_support``."""
    dns_hostnames: Planned[bool]
    """``enable_dns_hostnames``."""


@dataclass(frozen=True)
class TerraformPlan:
    """The PrivateLink-related parts of one plan."""

    path: Path
    """The file read."""
    format_version: str
    """The JSON format version."""
    terraform_version: str
    """Terraform's version."""
    region: str | None
    """The AWS provider's region when the root configuration sets it as a constant."""
    endpoints: tuple[PlannedEndpoint, ...]
    """Interface endpoints created or updated."""
    services: tuple[PlannedService, ...]
    """Endpoint services created or updated."""
    subnets: tuple[PlannedSubnet, ...]
    """Subnets created or updated."""
    vpcs: tuple[PlannedVpc, ...]
    """VPCs created or updated."""
    skipped: tuple[tuple[str, str], ...] = ()
    """(address, why) of relevant resources left out: deletes, other endpoint types."""

    def subnet(self, address: str) -> list[PlannedSubnet]:
        """The planned subnets at ``address`` (several with count or for_each)."""
        return [s for s in self.subnets if _at(s.address, address)]

    def vpc(self, address: str) -> list[PlannedVpc]:
        """The planned VPCs at ``address``."""
        return [v for v in self.vpcs if _at(v.address, address)]

    def vpc_by_id(self, vpc_id: str) -> PlannedVpc | None:
        """The planned change of an existing VPC, if the plan changes it."""
        return next((v for v in self.vpcs if v.vpc_id == vpc_id), None)


def _at(address: str, reference: str) -> bool:
    """Whether ``address`` is ``reference`` or one of its instances (``[0]``, ``["a"]``)."""
    return address == reference or address.startswith(reference + "[")


# -- reading ---------------------------------------------------------------------------------


def load(path: Path) -> TerraformPlan:
    """Read a ``terraform show -json`` file; a usage error (exit 2) if it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such plan file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    except UnicodeDecodeError:
        raise UsageError(
            f"{path}: not JSON: pass the output of `terraform show -json PLANFILE`, "
            "not the binary plan"
        ) from None
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path}:{exc.lineno}: not JSON ({exc.msg}); pass the output of "
            "`terraform show -json PLANFILE`, not the binary plan"
        ) from None
    return parse(data, path)


def parse(data: Any, path: Path) -> TerraformPlan:
    """The plan in ``data`` (parsed JSON)."""
    if not isinstance(data, Mapping) or "format_version" not in data:
        raise UsageError(f"{path}: not a Terraform plan in JSON (no format_version)")
    version = str(data["format_version"])
    if version.split(".", 1)[0] != "1":
        raise UsageError(f"{path}: unsupported plan format_version {version} (plcheck reads 1.x)")
    if "resource_changes" not in data and "planned_values" not in data:
        raise UsageError(
            f"{path}: no resource_changes: this looks like state, not a plan "
            "(run `terraform plan -out=tfplan && terraform show -json tfplan`)"
        )
    expressions = dict(_config_expressions(data.get("configuration") or {}))
    endpoints, services, subnets, vpcs, skipped = [], [], [], [], []
    for change in data.get("resource_changes") or []:
        if not isinstance(change, Mapping) or change.get("mode", "managed") != "managed":
            continue
        kind = change.get("type")
        if kind not in _KINDS:
            continue
        address = str(change.get("address", ""))
        body = change.get("change") or {}
        actions = tuple(body.get("actions") or ())
        if not set(actions) & {"create", "update"}:
            if "delete" in actions:
                skipped.append((address, "deleted by this plan"))
            continue
        attrs = _Attrs(
            body.get("after") or {},
            body.get("after_unknown") or {},
            expressions.get(_config_address(change), {}),
        )
        before = body.get("before") or {}
        existing = str(before.get("id")) if before.get("id") and "create" not in actions else None
        if kind == "aws_vpc_endpoint":
            endpoint_type = attrs.get("vpc_endpoint_type", "Gateway")
            if endpoint_type != "Interface":
                skipped.append((address, f"a {endpoint_type} endpoint, not Interface"))
                continue
            endpoints.append(
                PlannedEndpoint(
                    address=address,
                    actions=actions,
                    endpoint_id=existing,
                    service_name=attrs.text("service_name"),
                    vpc_id=attrs.text("vpc_id"),
                    subnet_ids=attrs.strings("subnet_ids"),
                    private_dns_enabled=attrs.flag("private_dns_enabled", default=False),
                    security_group_ids=attrs.strings("security_group_ids"),
                    service_region=attrs.text("service_region"),
                )
            )
        elif kind == "aws_vpc_endpoint_service":
            services.append(
                PlannedService(
                    address=address,
                    actions=actions,
                    service_id=existing,
                    load_balancer_arns=attrs.strings("network_load_balancer_arns"),
                    private_dns_name=attrs.text("private_dns_name"),
                    acceptance_required=attrs.flag("acceptance_required", default=False),
                )
            )
        elif kind == "aws_subnet":
            subnets.append(
                PlannedSubnet(
                    address=address,
                    subnet_id=existing,
                    vpc_id=attrs.text("vpc_id"),
                    zone_name=attrs.text("availability_zone"),
                    zone_id=attrs.text("availability_zone_id"),
                    cidr=attrs.text("cidr_block"),
                )
            )
        else:
            vpcs.append(
                PlannedVpc(
                    address=address,
                    vpc_id=existing,
                    dns_support=attrs.flag("enable_dns_support", default=True),
                    dns_hostnames=attrs.flag("enable_dns_hostnames", default=False),
                )
            )
    return TerraformPlan(
        path=path,
        format_version=version,
        terraform_version=str(data.get("terraform_version", "")),
        region=_provider_region(data.get("configuration") or {}),
        endpoints=tuple(endpoints),
        services=tuple(services),
        subnets=tuple(subnets),
        vpcs=tuple(vpcs),
        skipped=tuple(skipped),
    )


_KINDS = ("aws_vpc_endpoint", "aws_vpc_endpoint_service", "aws_subnet", "aws_vpc")


class _Attrs:
    """One resource's planned attributes: ``after``, ``after_unknown`` and its expressions."""

    def __init__(
        self, after: Mapping[str, Any], unknown: Mapping[str, Any], exprs: Mapping[str, Any]
    ) -> None:
        self.after = after
        self.unknown = unknown
        self.exprs = exprs

    def get(self, name: str, default: Any = None) -> Any:
        value = self.after.get(name)
        return default if value is None else value

    def _unknown(self, name: str) -> Unknown | None:
        marker = self.unknown.get(name)
        # A list with some unknown elements is [true, false, …]; any unknown element counts.
        if marker is True or (isinstance(marker, list) and any(m is True for m in marker)):
            return Unknown(name, _references(self.exprs.get(name)))
        return None

    def text(self, name: str) -> Planned[str]:
        return self._unknown(name) or str(self.get(name, ""))

    def flag(self, name: str, *, default: bool) -> Planned[bool]:
        return self._unknown(name) or bool(self.get(name, default))

    def strings(self, name: str) -> Planned[tuple[str, ...]]:
        unknown = self._unknown(name)
        if unknown is not None:
            return unknown
        return tuple(str(v) for v in self.get(name, ()) if v is not None)


def _references(expression: Any) -> tuple[str, ...]:
    """Every reference in an expression (nested blocks included)."""
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


def _config_expressions(configuration: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(module-qualified config address, expressions) of every resource in the configuration."""

    def walk(module: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Any]]:
        for resource in module.get("resources") or []:
            address = str(resource.get("address", ""))
            yield prefix + address, _qualified(resource.get("expressions") or {}, prefix)
        for name, call in (module.get("module_calls") or {}).items():
            yield from walk(call.get("module") or {}, f"{prefix}module.{name}.")

    yield from walk(configuration.get("root_module") or {}, "")


def _qualified(expressions: Any, prefix: str) -> Any:
    """References inside a module are relative to it; qualify them with the module path."""
    if not prefix:
        return expressions
    if isinstance(expressions, Mapping):
        out = {}
        for key, value in expressions.items():
            if key == "references" and isinstance(value, list):
                out[key] = [
                    prefix + str(r) if not str(r).startswith(("var.", "local.")) else str(r)
                    for r in value
                ]
            else:
                out[key] = _qualified(value, prefix)
        return out
    if isinstance(expressions, list):
        return [_qualified(v, prefix) for v in expressions]
    return expressions


def _config_address(change: Mapping[str, Any]) -> str:
    """The configuration address of a change: its address without instance keys."""
    module = str(change.get("module_address") or "")
    # module.x["a"].module.y[0] → module.x.module.y
    parts = []
    for part in module.split(".") if module else []:
        parts.append(part.split("[", 1)[0])
    prefix = ".".join(parts)
    own = f"{change.get('type')}.{change.get('name')}"
    return f"{prefix}.{own}" if prefix else own


def _provider_region(configuration: Mapping[str, Any]) -> str | None:
    provider = (configuration.get("provider_config") or {}).get("aws") or {}
    region = ((provider.get("expressions") or {}).get("region") or {}).get("constant_value")
    return str(region) if isinstance(region, str) and region else None


def known(value: Planned[T]) -> bool:
    """Whether a planned value is known at plan time."""
    return not isinstance(value, Unknown)


def unknowns(*values: Planned[Any]) -> Sequence[Unknown]:
    """The unknown values among ``values``."""
    return [v for v in values if isinstance(v, Unknown)]
