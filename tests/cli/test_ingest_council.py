"""`caremarket ingest-council`: loads a folder, shows what loaded, reports problems."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from typer.testing import CliRunner

from caremarket.cli.main import app
from caremarket.store.duckdb_store import DuckDBStore

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "council"
runner = CliRunner()


def _folder(tmp_path: Path, agreements: str, *, manifest: bool = True) -> Path:
    folder = tmp_path / "extract"
    folder.mkdir()
    if manifest:
        (folder / "council.yaml").write_text("council: Norfolk\nextract_date: 2026-06-01\n")
    shutil.copyfile(FIXTURES / agreements, folder / "service_agreements.csv")
    shutil.copyfile(FIXTURES / "constructed_fee_rates_ok.csv", folder / "fee_rates.csv")
    shutil.copytree(FIXTURES / "narrative_ok", folder / "narrative")
    return folder


def _releases(db: Path) -> int:
    with DuckDBStore(db) as store:
        return int(store.query("SELECT count(*) AS n FROM release")["n"][0])


def test_help_lists_ingest_council() -> None:
    """--help names the ingest-council command."""
    assert "ingest-council" in runner.invoke(app, ["--help"]).output


def test_loads_then_already_loaded(tmp_path: Path) -> None:
    """A good folder loads (a table of files) and loading it again changes nothing."""
    db = tmp_path / "store.duckdb"
    folder = _folder(tmp_path, "constructed_service_agreements_ok.csv")
    first = runner.invoke(app, ["ingest-council", "--db", str(db), str(folder)])
    assert first.exit_code == 0, first.output
    assert "Norfolk (E10000020)" in first.output
    assert first.output.count("loaded") >= 3
    again = runner.invoke(app, ["ingest-council", "--db", str(db), str(folder)])
    assert again.exit_code == 0
    assert "already" in again.output
    assert _releases(db) == 3


def test_bad_folder_changes_nothing_and_writes_the_report(tmp_path: Path) -> None:
    """A bad file: exit 1, nothing loaded, every problem in the CSV report."""
    db = tmp_path / "store.duckdb"
    folder = _folder(tmp_path, "constructed_service_agreements_end_before_start.csv")
    report = tmp_path / "problems.csv"
    result = runner.invoke(
        app, ["ingest-council", "--db", str(db), "--report", str(report), str(folder)]
    )
    assert result.exit_code == 1
    assert "nothing loaded" in result.output
    assert _releases(db) == 0
    with report.open(newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["code"], row["file"], row["row"], row["column"]) == (
        "dates-out-of-order",
        "service_agreements.csv",
        "4",
        "end_date",
    )


def test_lenient_loads_good_rows(tmp_path: Path) -> None:
    """--lenient loads the good rows and writes the rows left out to the report."""
    db = tmp_path / "store.duckdb"
    folder = _folder(tmp_path, "constructed_service_agreements_duplicate_id.csv")
    result = runner.invoke(app, ["ingest-council", "--db", str(db), "--lenient", str(folder)])
    assert result.exit_code == 0, result.output
    assert "1 row(s) left out" in result.output
    assert (tmp_path / "extract.problems.csv").is_file()
    assert _releases(db) == 3


def test_needs_a_council(tmp_path: Path) -> None:
    """Without council.yaml, --la is needed; with it the folder loads."""
    db = tmp_path / "store.duckdb"
    folder = _folder(tmp_path, "constructed_service_agreements_ok.csv", manifest=False)
    refused = runner.invoke(app, ["ingest-council", "--db", str(db), str(folder)])
    assert refused.exit_code == 2
    assert "--la" in refused.output
    loaded = runner.invoke(
        app,
        ["ingest-council", "--db", str(db), "--la", "Norfolk", "--extract-date", "2026-06-01",
         str(folder)],
    )  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
