"""`caremarket report mps` and `caremarket metrics`: they run, print what they wrote, and
explain what is missing."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from tests.brokerage.workflow.conftest import fresh_database
from tests.web.conftest import postgres  # noqa: F401  (the cluster fixture, shared)
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


def test_report_mps_takes_the_brokerage_figures_read_only(
    db: Path,
    tmp_path: Path,
    postgres: str,  # noqa: F811
) -> None:
    """--brokerage-url adds the workflow's figures; an empty database says why there are none;
    the workflow is not written to (no schema is made)."""
    from datetime import date

    from caremarket.brokerage.workflow.lifecycle import Actor, Party
    from caremarket.brokerage.workflow.need import Need
    from caremarket.brokerage.workflow.postgres import WorkflowStore

    empty = fresh_database(postgres, "report-empty")
    filled = fresh_database(postgres, "report-filled")
    workflow = WorkflowStore(filled, max_size=1)
    for n in range(6):
        need = Need("LE15", 7.0, date(2026, 2, 1), locality="Rutland", person_ref=f"R{n}")
        workflow.create_request(need, Actor("broker", Party.BROKER))
    workflow.close()
    written = {}
    for name, url in (("empty", empty), ("filled", filled)):
        out = tmp_path / name
        result = runner.invoke(
            app,
            ["report", "mps", "--la", "Rutland", "--edition", "2026", "--out", str(out),
             "--db", str(db), "--no-pdf", "--brokerage-url", url],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        written[name] = (out / "rutland-mps-2026.html").read_text(encoding="utf-8")
    assert (
        "The brokerage figures are not available: the brokerage database holds no workflow"
        in (written["empty"])
    )
    with psycopg.connect(empty) as con:
        row = con.execute("SELECT to_regclass('brokerage.audit_log')").fetchone()
        assert row is not None and row[0] is None
    waiting = 'data-key="brokerage.requests_waiting|locality|Rutland|home_care|all|'
    assert waiting in written["filled"]
    assert "Source: brokerage workflow, audit log as at" in written["filled"]


def test_report_mps_unreachable_brokerage_is_one_line(db: Path, tmp_path: Path) -> None:
    """A --brokerage-url nobody answers at is a user error in one line, exit 2."""
    result = runner.invoke(
        app,
        ["report", "mps", "--la", "Rutland", "--out", str(tmp_path / "x"), "--db", str(db),
         "--no-pdf", "--brokerage-url", "host=127.0.0.1 port=9 dbname=none connect_timeout=2"],
    )  # fmt: skip
    assert result.exit_code == 2
    (line,) = [x for x in result.stderr.splitlines() if x.strip()]
    assert "cannot reach the brokerage database" in line and "Traceback" not in result.output
