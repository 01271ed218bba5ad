"""The `caremarket` command: one sub-command per file in this package, and the one place
where what went wrong is turned into a line for the user (see `caremarket.cli.user_error`)."""

from __future__ import annotations

import sys
import tempfile
import traceback
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from caremarket.cli.backtest import backtest_app
from caremarket.cli.brokerage import brokerage_app
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
from caremarket.cli.user_error import FAILED_EXIT, USAGE_EXIT, explain
from caremarket.cli.users import users
from caremarket.cli.zones import zones_app


class Explained(typer.TyperException):
    """An error already put in one line for the user, with its exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _log_internal(error: BaseException) -> Path:
    """Write the traceback of an unexpected error to a log file, and name it."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    with tempfile.NamedTemporaryFile(
        "w", prefix=f"caremarket-error-{stamp}-", suffix=".log", delete=False, encoding="utf-8"
    ) as log:
        log.write(f"caremarket {' '.join(sys.argv[1:])}\n\n")
        log.write("".join(traceback.format_exception(error)))
        return Path(log.name)


class CaremarketGroup(TyperGroup):
    """The root command: every error a command lets through leaves as one line, no traceback."""

    def invoke(self, ctx: Any) -> Any:  # typer.Context: its base is typer's own click
        """Run the sub-command; explain what it lets through (or log it when unexpected)."""
        try:
            return super().invoke(ctx)
        except (typer.TyperException, typer.Exit, typer.Abort):
            raise
        except Exception as error:
            said = explain(error)
            if said is not None:
                raise Explained(said, USAGE_EXIT) from error
            if ctx.params.get("debug"):
                raise
            log = _log_internal(error)
            raise Explained(
                f"internal error ({type(error).__name__}); the details are in {log}: please "
                "report them (or run again as `caremarket --debug ...` to see them here)",
                FAILED_EXIT,
            ) from error

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command; an error is printed as one line on standard error, then exit."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except typer.TyperException as error:
            if type(error).__name__ == "NoArgsIsHelpError":
                sys.exit(USAGE_EXIT)  # the help is already printed
            context = getattr(error, "ctx", None)
            hint = ""
            if error.exit_code == USAGE_EXIT and context is not None:
                hint = f" (see `{context.command_path} --help`)"
            _say(error.format_message() + hint)
            sys.exit(error.exit_code)
        except typer.Abort:
            _say("stopped")
            sys.exit(FAILED_EXIT)
        sys.exit(code if isinstance(code, int) else 0)


def _say(message: str) -> None:
    """One line on standard error, never wrapped mid-command (the terminal folds it)."""
    line = " ".join(message.split())
    Console(stderr=True, soft_wrap=True, highlight=False).print(f"[red]Error:[/red] {escape(line)}")


app = typer.Typer(
    name="caremarket",
    cls=CaremarketGroup,
    help=(
        "Know and shape an English council's adult social care market: load CQC and "
        "ONS releases, then get supply and quality figures by sector, client group "
        "and locality."
    ),
    epilog=(
        "Exit codes: 0 done; 1 a check failed or an internal error (its details go to a "
        "log file; --debug shows them); 2 the command was asked for something it cannot do."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


@app.callback()
def root(
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Print the traceback of an internal error here."),
    ] = False,
) -> None:
    """The options every command shares."""


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
app.add_typer(brokerage_app, name="brokerage")
