"""The `caremarket` command: one sub-command per file in this package."""

from __future__ import annotations

import typer

from caremarket.cli.backtest import backtest_app
from caremarket.cli.demo import demo
from caremarket.cli.fetch import fetch, refresh
from caremarket.cli.figures import figures
from caremarket.cli.history import history
from caremarket.cli.ingest import ingest
from caremarket.cli.ingest_council import ingest_council_command
from caremarket.cli.metrics import metrics_app
from caremarket.cli.quality import quality_app
from caremarket.cli.releases import releases
from caremarket.cli.report import report_app
from caremarket.cli.rounds import rounds_app
from caremarket.cli.serve import serve
from caremarket.cli.sources import sources
from caremarket.cli.users import users
from caremarket.cli.zones import zones_app

app = typer.Typer(
    name="caremarket",
    help=(
        "Know and shape an English council's adult social care market: load CQC and "
        "ONS releases, then get supply and quality figures by sector, client group "
        "and locality."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
app.command()(ingest)
app.command()(fetch)
app.command()(refresh)
app.command("ingest-council")(ingest_council_command)
app.add_typer(releases, name="releases")
app.command()(figures)
app.command()(history)
app.command()(sources)
app.command()(demo)
app.command()(serve)
app.add_typer(users, name="users")
app.add_typer(report_app, name="report")
app.add_typer(metrics_app, name="metrics")
app.add_typer(rounds_app, name="rounds")
app.add_typer(quality_app, name="quality")
app.add_typer(backtest_app, name="backtest")
app.add_typer(zones_app, name="zones")
