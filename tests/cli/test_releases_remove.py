"""`caremarket releases remove`: a release comes out whole and the figures go back."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from caremarket.cli.main import app
from caremarket.domain.tables import TABLES
from caremarket.store.duckdb_store import DuckDBStore

MARCH = "constructed_hsca_2026_ok_01_March_2026_HSCA_Active_Locations.csv"
runner = CliRunner()


def _later(fixtures: Path, tmp_path: Path, month: str) -> Path:
    """The March file as a later month's release: one care home with more beds."""
    lines = (fixtures / "cqc_hsca" / MARCH).read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    rows = [r.replace(",Oakham Lodge,,,,,40,", ",Oakham Lodge,,,,,44,") for r in rows]
    target = tmp_path / MARCH.replace("March", month)
    target.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return target


def _figures(db: str) -> list[dict[str, object]]:
    shown = runner.invoke(
        app, ["figures", "--db", db, "--la", "Rutland", "--as-of", "2026-12-31", "--format", "json"]
    )
    assert shown.exit_code == 0, shown.output
    records: list[dict[str, object]] = json.loads(shown.stdout)
    return records


def _release_ids(db: str) -> list[str]:
    listed = runner.invoke(app, ["releases", "--db", db, "--format", "json"])
    return [r["release_id"] for r in json.loads(listed.output)]


def test_figures_before_a_load_equal_figures_after_load_and_remove(
    tmp_path: Path, fixtures: Path
) -> None:
    """Loading a newer release then removing it gives back exactly the figures from before."""
    db = str(tmp_path / "store.duckdb")
    assert (
        runner.invoke(app, ["ingest", "--db", db, str(fixtures / "cqc_hsca" / MARCH)]).exit_code
        == 0
    )
    before = _figures(db)
    (march,) = _release_ids(db)
    loaded = runner.invoke(app, ["ingest", "--db", db, str(_later(fixtures, tmp_path, "April"))])
    assert loaded.exit_code == 0, loaded.output
    assert _figures(db) != before
    (april,) = [r for r in _release_ids(db) if r != march]
    removed = runner.invoke(app, ["releases", "remove", april, "--db", db])
    assert removed.exit_code == 0 and f"removed {april}" in removed.output
    assert _figures(db) == before
    with DuckDBStore(db, read_only=True) as store:
        for table in TABLES:
            left = store.query(
                f"SELECT count(*) AS n FROM {table.name} WHERE release_id = ?", [april]
            )
            assert left["n"][0] == 0, table.name


def test_remove_an_unknown_release_changes_nothing(tmp_path: Path, fixtures: Path) -> None:
    """Naming a release that is not loaded removes nothing, even the ones named beside it."""
    db = str(tmp_path / "store.duckdb")
    runner.invoke(app, ["ingest", "--db", db, str(fixtures / "cqc_hsca" / MARCH)])
    (march,) = _release_ids(db)
    refused = runner.invoke(app, ["releases", "remove", march, "cqc:nope", "--db", db])
    assert refused.exit_code == 2 and "cqc:nope" in refused.output
    assert _release_ids(db) == [march]


def test_keep_last_keeps_the_newest_of_each_source(tmp_path: Path, fixtures: Path) -> None:
    """--keep-last 1 removes the older monthly releases and keeps the newest."""
    db = str(tmp_path / "store.duckdb")
    paths = [fixtures / "cqc_hsca" / MARCH, _later(fixtures, tmp_path, "April")]
    paths.append(_later(fixtures, tmp_path, "May"))
    paths[2].write_text(paths[2].read_text().replace(",44,", ",45,"), encoding="utf-8")
    assert runner.invoke(app, ["ingest", "--db", db, *map(str, paths)]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["releases", "--db", db, "--format", "json"]).output)
    assert len(listed) == 3
    kept = runner.invoke(app, ["releases", "remove", "--keep-last", "1", "--db", db])
    assert kept.exit_code == 0, kept.output
    after = json.loads(runner.invoke(app, ["releases", "--db", db, "--format", "json"]).output)
    assert [str(r["release_date"]) for r in after] == ["2026-05-01"]
