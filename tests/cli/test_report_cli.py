"""`caremarket report mps` and `caremarket metrics`: they run, print what they wrote, and
explain what is missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caremarket.cli.main import app
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore

runner = CliRunner()
OK = "constructed_hsca_2026_ok_01_March_2026_HSCA_Active_Locations.csv"


@pytest.fixture
def db(tmp_path: Path, fixtures: Path) -> Path:
    """A store holding one small HSCA release."""
    path = tmp_path / "store.duckdb"
    with DuckDBStore(path) as store:
        ingest_file(store, fixtures / "cqc_hsca" / OK)
    return path


def test_report_mps_writes_html_and_figures_and_says_where(db: Path, tmp_path: Path) -> None:
    """report mps --no-pdf writes the HTML and figures.json and prints their paths."""
    out = tmp_path / "mps"
    result = runner.invoke(
        app,
        ["report", "mps", "--la", "Rutland", "--edition", "2026", "--out", str(out),
         "--db", str(db), "--no-pdf"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    html = out / "rutland-mps-2026.html"
    assert html.exists() and (out / "figures.json").exists()
    assert "rutland-mps-2026.html" in result.output.replace("\n", "")
    checklist = out / "rutland-mps-2026-editor-checklist.md"
    assert "rutland-mps-2026-editor-checklist.md" in result.output.replace("\n", "")
    assert "no ONS population estimates for the council" in checklist.read_text(encoding="utf-8")


def test_report_mps_public_names_its_file(db: Path, tmp_path: Path) -> None:
    """--public writes a -public edition that says small numbers are suppressed."""
    out = tmp_path / "public"
    result = runner.invoke(
        app,
        ["report", "mps", "--la", "Rutland", "--out", str(out), "--db", str(db), "--public",
         "--no-pdf", "--edition", "2026"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (out / "rutland-mps-2026-public.html").read_text(encoding="utf-8")
    assert "Public edition: figures resting on fewer than 5" in text


def test_report_mps_refuses_a_bad_previous(db: Path, tmp_path: Path) -> None:
    """--previous without figures.json is a user error: one line saying what to give, exit 2."""
    result = runner.invoke(
        app,
        ["report", "mps", "--la", "Rutland", "--out", str(tmp_path / "x"), "--db", str(db),
         "--previous", str(tmp_path), "--no-pdf"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "figures.json" in result.output
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1
    assert "Traceback" not in result.output


def test_metrics_list_names_every_metric() -> None:
    """metrics list --format json gives each registered metric with its unit and levels."""
    from caremarket.metrics import METRICS

    result = runner.invoke(app, ["metrics", "list", "--format", "json"])
    assert result.exit_code == 0
    listed = json.loads(result.output)
    assert {m["name"] for m in listed} == set(METRICS)


def test_metrics_show_by_district_and_missing(db: Path) -> None:
    """metrics show gives rows by district; a metric lacking inputs says what to load."""
    shown = runner.invoke(
        app,
        ["metrics", "show", "--la", "Rutland", "--metric", "locations", "--by", "district",
         "--db", str(db), "--format", "json"],
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    rows = json.loads(shown.output)
    assert rows and {"area_code", "sector", "client_group", "value", "n"} <= set(rows[0])
    missing = runner.invoke(
        app, ["metrics", "show", "--la", "Rutland", "--metric", "jobs", "--db", str(db)]
    )
    assert missing.exit_code == 1
    assert "no workforce estimates" in missing.output
