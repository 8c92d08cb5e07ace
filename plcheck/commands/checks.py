"""``plcheck checks`` and ``plcheck explain``: the check catalog (:mod:`plcheck.commands.catalog`).

Their plain forms are answered before the CLI is built (:func:`plcheck.cli.run`).
"""

from __future__ import annotations

from typing import Annotated

import typer  # Typer evaluates the commands' annotations in this module's namespace

from plcheck.commands.catalog import CatalogFormat, print_checks, print_explanation


def register(app: typer.Typer) -> None:
    @app.command("checks")
    def checks(
        fmt: Annotated[
            CatalogFormat,
            typer.Option("--format", "-f", help="Catalog format.", case_sensitive=False),
        ] = CatalogFormat.TABLE,
        as_json: Annotated[
            bool, typer.Option("--json", hidden=True, help="Deprecated: --format json.")
        ] = False,
    ) -> None:
        """List every check: its id, command and title."""
        print_checks(CatalogFormat.JSON if as_json else fmt)

    @app.command("explain")
    def explain(
        check_id: Annotated[
            str, typer.Argument(metavar="CHECK_ID", help="A check id, e.g. az-id-mapping.")
        ],
    ) -> None:
        """Explain one check in full: what it inspects, why, how to fix, documentation."""
        print_explanation(check_id)
