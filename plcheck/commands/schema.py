"""``plcheck schema report|config``: the JSON Schemas shipped in :mod:`plcheck.schemas`."""

from __future__ import annotations

import enum
import sys
from typing import Annotated

import typer


class SchemaName(str, enum.Enum):
    """The published schemas."""

    REPORT = "report"
    CONFIG = "config"


def schema_text(name: SchemaName) -> str:
    """The schema as shipped (JSON Schema draft 2020-12)."""
    from importlib.resources import files

    return files("plcheck.schemas").joinpath(f"{name.value}.schema.json").read_text("utf-8")


def register(app: typer.Typer) -> None:
    @app.command("schema")
    def schema(
        name: Annotated[
            SchemaName,
            typer.Argument(
                metavar="SCHEMA",
                help="report (the JSON report of --format json) or config (plcheck.toml).",
                case_sensitive=False,
            ),
        ],
    ) -> None:
        """Print the JSON Schema (draft 2020-12) of the JSON report or of plcheck.toml."""
        sys.stdout.write(schema_text(name))
