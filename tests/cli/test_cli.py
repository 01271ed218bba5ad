"""The documented commands run and say what they should (the README's front door)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caremarket.cli.main import app
from caremarket.web.accounts.cluster import server_binaries

ROOT = Path(__file__).resolve().parents[2]
OK = "constructed_hsca_2026_ok_01_March_2026_HSCA_Active_Locations.csv"
runner = CliRunner()


def test_help_lists_every_command() -> None:
    """--help names each command the README documents."""
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "releases", "figures", "sources", "demo"):
        assert command in result.output


def test_readme_commands_exist() -> None:
    """Every `caremarket X` in the README is a real command."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^caremarket (\w+)", readme, flags=re.MULTILINE))
    assert documented >= {"ingest", "releases", "figures", "sources", "demo"}
    for command in documented:
        assert runner.invoke(app, [command, "--help"]).exit_code == 0, command


def test_ingest_then_figures_in_each_format(tmp_path: Path, fixtures: Path) -> None:
    """ingest, releases and figures work together through --db; csv and json carry the keys."""
    db = str(tmp_path / "store.duckdb")
    loaded = runner.invoke(app, ["ingest", "--db", db, str(fixtures / "cqc_hsca" / OK)])
    assert loaded.exit_code == 0, loaded.output
    again = runner.invoke(app, ["ingest", "--db", db, str(fixtures / "cqc_hsca" / OK)])
    assert "already loaded" in again.output
    listed = runner.invoke(app, ["releases", "--db", db, "--format", "json"])
    (release,) = json.loads(listed.output)
    assert release["source_id"] == "cqc_hsca_active_locations"
    assert release["release_date"] == "2026-03-01"

    as_json = runner.invoke(
        app, ["figures", "--db", db, "--la", "Rutland", "--as-of", "2026-03-31", "--format", "json"]
    )
    records = json.loads(as_json.output)
    keys = {
        "la_code", "la_name", "as_of", "sector", "client_group", "locations", "providers",
        "beds", "outstanding", "good", "requires_improvement", "inadequate", "not_rated",
        "pct_good_or_outstanding", "median_rating_age_months",
    }  # fmt: skip
    assert all(keys <= set(r) for r in records)
    total = next(r for r in records if r["sector"] == "all" and r["client_group"] == "all")
    assert (total["la_code"], total["locations"], total["beds"]) == ("E06000017", 5, 120)

    as_csv = runner.invoke(
        app,
        ["figures", "--db", db, "--la", "E06000017", "--as-of", "2026-03-31", "--format", "csv"],
    )
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert len(rows) == len(records)
    home_care = next(r for r in rows if r["sector"] == "home_care" and r["client_group"] == "all")
    assert home_care["beds"] == ""  # unknown, never 0


def test_store_from_environment(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CAREMARKET_DB chooses the store when --db is not given."""
    db = tmp_path / "env.duckdb"
    monkeypatch.setenv("CAREMARKET_DB", str(db))
    assert runner.invoke(app, ["ingest", str(fixtures / "cqc_hsca" / OK)]).exit_code == 0
    assert db.exists()


def test_bad_file_exits_non_zero_and_names_the_cell(tmp_path: Path, fixtures: Path) -> None:
    """A file with a problem is refused with its file, row and column in the message."""
    db = str(tmp_path / "store.duckdb")
    bad = fixtures / "cqc_hsca" / "constructed_hsca_beds_not_whole.csv"
    result = runner.invoke(app, ["ingest", "--db", db, str(bad)])
    assert result.exit_code == 1
    assert "row 2" in result.output and "Care homes beds" in result.output


def test_lenient_writes_a_problem_report(tmp_path: Path, fixtures: Path) -> None:
    """--lenient loads the good rows and writes the problems to the CSV report asked for."""
    db, report = str(tmp_path / "store.duckdb"), tmp_path / "problems.csv"
    bad = fixtures / "cqc_hsca" / "constructed_hsca_bad_date.csv"
    result = runner.invoke(
        app, ["ingest", "--db", db, "--lenient", "--report", str(report), str(bad)]
    )
    assert result.exit_code == 0, result.output
    (problem,) = list(csv.DictReader(report.open(encoding="utf-8")))
    assert (problem["code"], problem["row"], problem["column"]) == (
        "bad-date", "4", "Publication Date",
    )  # fmt: skip


def test_unknown_council_is_a_clear_error(tmp_path: Path) -> None:
    """A council name that is not one says how to name a council."""
    result = runner.invoke(app, ["figures", "--db", str(tmp_path / "s.duckdb"), "--la", "Narnia"])
    assert result.exit_code != 0
    assert "Narnia" in result.output


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A fresh folder the local PostgreSQL cluster's user may write in (not pytest's own)."""
    folder = Path(tempfile.mkdtemp(prefix="caremarket-demo-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_demo_builds_loads_and_reports(open_folder: Path) -> None:
    """The demo writes its files, loads six monthly releases and says the data are synthetic;
    its people waiting become brokerage requests, once however often it runs."""
    out = open_folder / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output
    waiting = _brokerage_line(result.output)
    # Each suggested command is on one line, whole, whatever the terminal's width.
    suggested = [line for line in result.output.splitlines() if "  .venv/bin/caremarket" in line]
    assert len(suggested) >= 5
    assert all(not line.endswith(("--db", "--la", "--out", "--previous")) for line in suggested)
    db_option = f"--db {out / 'caremarket.duckdb'}"
    assert any(db_option in line and line.endswith("--by locality") for line in suggested)
    listed = runner.invoke(
        app, ["releases", "--db", str(out / "caremarket.duckdb"), "--format", "json"]
    )
    releases = json.loads(listed.output)
    hsca = [r for r in releases if r["source_id"] == "cqc_hsca_active_locations"]
    assert len(hsca) == 6
    assert all(r["licence"].startswith("Synthetic") for r in hsca)
    figures = list(csv.DictReader((out / "figures.csv").open(encoding="utf-8")))
    total = next(r for r in figures if r["sector"] == "all" and r["client_group"] == "all")
    assert total["la_name"] == "Norfolk" and int(total["locations"]) > 400
    # The second run finds everything loaded already and changes nothing.
    second = runner.invoke(app, ["demo", "--out", str(out)])
    assert second.exit_code == 0, second.output
    if waiting is not None:
        assert (
            f"Opened 0 requests (0.00 hours a week) from the interim care list; {waiting} "
            "already had a request, not opened again." in " ".join(second.output.split())
        )
        # Not serving: the demo's cluster is stopped again.
        assert not (out / "accounts-db" / "postmaster.pid").exists()
    again = json.loads(
        runner.invoke(
            app, ["releases", "--db", str(out / "caremarket.duckdb"), "--format", "json"]
        ).output
    )
    assert len(again) == len(releases)


def _brokerage_line(output: str) -> int | None:
    """How many requests the demo opened (None when it ran without PostgreSQL, and said so)."""
    text = " ".join(output.split())
    try:
        server_binaries()
    except LookupError:
        assert "Brokerage left out: PostgreSQL server is not installed" in text
        return None
    found = re.search(
        r"Brokerage: (\d+) home-care providers on the framework .*?Opened (\d+) "
        r"requests \(590\.00 hours a week\) from the interim care list\.",
        text,
    )
    assert found is not None, text
    assert int(found[1]) > 20
    return int(found[2])


def test_problem_messages_keep_their_square_brackets(tmp_path: Path) -> None:
    """A file name or value with [x] in it is printed as written, not read as markup."""
    damaged = tmp_path / "ratings[x].csv"
    damaged.write_text("Location ID,Location Name\n[x],y\n", encoding="utf-8")
    shown = runner.invoke(app, ["ingest", "--db", str(tmp_path / "s.duckdb"), str(damaged)])
    assert shown.exit_code == 1
    assert "ratings[x].csv" in shown.output


def test_demo_without_a_cluster_carries_on_and_says_why(tmp_path: Path) -> None:
    """When the brokerage database cannot start, one line says so and the figures say why."""
    from contextlib import ExitStack
    from datetime import date
    from types import SimpleNamespace
    from typing import cast

    from caremarket.cli.demo import _brokerage
    from caremarket.domain.area import find_council
    from caremarket.report.chapters.brokerage import brokerage_waiting
    from caremarket.report.context import Context
    from caremarket.report.model import Paragraph
    from caremarket.store.duckdb_store import DuckDBStore

    blocked = tmp_path / "accounts-db"
    blocked.write_text("not a folder", encoding="utf-8")
    norfolk = find_council("Norfolk")
    assert norfolk is not None
    with DuckDBStore(tmp_path / "s.duckdb") as store, ExitStack() as stack:
        conninfo, (internal, public) = _brokerage(
            stack, store, norfolk, date(2026, 6, 1), tmp_path, blocked
        )
    assert conninfo is None and internal.figures is None and public.figures is None
    assert internal.reason.startswith("the demo ran without PostgreSQL (")
    ctx = cast(Context, SimpleNamespace(inputs=SimpleNamespace(brokerage=internal)))
    (said,) = brokerage_waiting(ctx)
    assert isinstance(said, Paragraph)
    assert said.text.startswith("The brokerage figures are not available: the demo ran without")
