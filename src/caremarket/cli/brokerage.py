"""`caremarket brokerage`: source care for the people waiting."""

from __future__ import annotations

import typer

from caremarket.cli.fit import fit

brokerage_app = typer.Typer(
    name="brokerage",
    help="Source home care for the people waiting: where each package fits best.",
    no_args_is_help=True,
    add_completion=False,
)
brokerage_app.command("fit")(fit)
