"""`caremarket brokerage fit`: what it refuses, with the reason and what to do."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from caremarket.cli.main import app
from caremarket.store.duckdb_store import DuckDBStore

runner = CliRunner()


def _empty(tmp_path: Path) -> str:
    path = tmp_path / "caremarket.duckdb"
    with DuckDBStore(path):
        pass
    return str(path)


def test_an_unknown_skill_is_refused(tmp_path: Path) -> None:
    """A skill not in brokerage/data/skills.yaml is a usage error listing the known ones."""
    args = ["--district", "NR5", "--hours", "7", "--skills", "flying"]
    result = runner.invoke(
        app, ["brokerage", "fit", "--db", _empty(tmp_path), "--la", "Norfolk", *args]
    )
    assert result.exit_code == 2
    assert "unknown skill(s) flying" in result.output
    assert "catheter_care" in result.output


def test_nothing_loaded_says_what_to_load(tmp_path: Path) -> None:
    """With no waiting list, or no running packages, the command names what to load."""
    db = _empty(tmp_path)
    waiting = runner.invoke(app, ["brokerage", "fit", "--db", db, "--la", "Norfolk"])
    assert waiting.exit_code == 2
    assert "nobody is waiting" in waiting.output
    one = runner.invoke(
        app,
        ["brokerage", "fit", "--db", db, "--la", "Norfolk", "--district", "NR5", "--hours", "7"],
    )
    assert one.exit_code == 2
    assert "no home-care branch" in one.output
    assert "ingest-council" in one.output


def test_a_district_outside_the_council_is_refused(tmp_path: Path) -> None:
    """An outward code with no postcodes in the council is refused, with an example."""
    result = runner.invoke(
        app,
        ["brokerage", "fit", "--db", _empty(tmp_path), "--la", "Norfolk", "--district", "ZZ5",
         "--hours", "7"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "ZZ5 has no postcodes of Norfolk" in result.output
