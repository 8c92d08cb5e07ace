"""What every planned resource has, and the shape of a resource reader.

The common :class:`PlannedResource` fields: address, actions, the existing ID for
updates, and the provider configuration (alias and Region) that will apply it.
Each type's own attributes live in :mod:`plcheck.gate.tf_consumer` and
:mod:`plcheck.gate.tf_provider`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from plcheck.gate.tf_values import Attrs, Planned, Unknown


@dataclass(frozen=True, kw_only=True, slots=True)
class PlannedResource:
    """What every planned resource has."""

    address: str
    """Instance address, e.g. ``module.pl["burrito"].aws_vpc_endpoint.this[0]``."""
    type: str
    """Resource type, e.g. ``aws_vpc_endpoint``."""
    name: str
    """Resource name in its module."""
    module_address: str = ""
    """Module instance, e.g. ``module.pl["burrito"]`` ("" for the root module)."""
    index: int | str | None = None
    """count index or for_each key; None for a single instance."""
    config_address: str = ""
    """Configuration address without instance keys: ``module.pl.aws_vpc_endpoint.this``."""
    actions: tuple[str, ...] = ()
    """``create``, ``update``, or ``delete`` + ``create`` (replace)."""
    existing_id: str | None = None
    """The object's ID when the plan updates it in place; None when it is created."""
    provider_key: str = ""
    """The configuration's ``provider_config_key`` (``aws.consumer``)."""
    provider_alias: str = ""
    """The provider configuration's alias ("" for the default one)."""
    region: str = ""
    """The provider configuration's Region ("" when not set or not known at plan time)."""

    @property
    def created(self) -> bool:
        """Whether the plan creates the object (create or replace)."""
        return "create" in self.actions


#: ``Attrs`` plus the common fields → the typed resource.
Reader = Callable[[Attrs, Mapping[str, Any]], PlannedResource]


def one(blocks: Planned[tuple[Any, ...]]) -> Any:
    if isinstance(blocks, Unknown):
        return blocks
    return blocks[0] if blocks else None
