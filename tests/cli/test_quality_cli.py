"""`caremarket quality risk|backtest|assessments` on the real CQC API extract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caremarket.cli.main import app

runner = CliRunner()
API = "cqc/api_care_homes_devon_somerset_plymouth_torbay_2021-04.csv"


@pytest.fixture(scope="module")
def api_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The real API extract loaded into a store (skips when the samples are absent)."""
    from tests.conftest import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip(f"needs the real public data samples in {SHARED_DATA} (absent here)")
    db = str(tmp_path_factory.mktemp("api") / "api.duckdb")
    loaded = runner.invoke(app, ["ingest", "--db", db, str(SHARED_DATA / API)])
    assert loaded.exit_code == 0, loaded.output
    return db


@pytest.mark.shared
def test_risk_json_lists_services_with_probability_and_reasons(api_db: str) -> None:
    """--format json: Devon's services, each with location_id, probability and three reasons."""
    result = runner.invoke(app, ["quality", "risk", "--la", "Devon", "--db", api_db,
                                 "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert 250 < len(records) <= 324  # Devon's care homes in the extract
    for record in records:
        assert record["location_id"].startswith("1-")
        assert 0 < record["probability"] < 1
        assert 1 <= len(record["reasons"]) <= 3
    assert records[0]["probability"] >= records[-1]["probability"]


@pytest.mark.shared
def test_risk_as_of_an_earlier_date(api_db: str) -> None:
    """--as-of 2018-01-01 scores the services registered then, from ratings known then."""
    result = runner.invoke(app, ["quality", "risk", "--la", "Devon", "--db", api_db,
                                 "--as-of", "2018-01-01", "--format", "csv"])  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("location_id,name,current_rating,rating_date,probability")
    dates = [line.split(",")[3] for line in lines[1:] if line.split(",")[3]]
    assert dates and max(dates) <= "2018-01-01"


@pytest.mark.shared
def test_backtest_prints_baselines_and_verdict(api_db: str) -> None:
    """One cut-off: the table has both baselines beside the model, and a plain verdict."""
    result = runner.invoke(app, ["quality", "backtest", "--db", api_db, "--from", "2018-01-01",
                                 "--to", "2018-01-01", "--replicates", "20"])  # fmt: skip
    assert result.exit_code == 0, result.output
    for word in ("last rating", "last rating + age", "logistic", "Brier", "Reliability"):
        assert word in result.output
    assert "beat" in result.output


@pytest.mark.shared
def test_assessments_without_local_assessments(api_db: str) -> None:
    """With no council extract loaded, the local share is unknown, never zero."""
    result = runner.invoke(app, ["quality", "assessments", "--la", "Devon", "--db", api_db])
    assert result.exit_code == 0, result.output
    assert "Good or outstanding by local assessment: unknown (none rated) of 0" in result.output


def test_missing_store_is_a_clear_problem(tmp_path: Path) -> None:
    """A --db that does not exist is named with what to do, not a traceback."""
    result = runner.invoke(app, ["quality", "risk", "--la", "Devon", "--db",
                                 str(tmp_path / "none.duckdb")])  # fmt: skip
    assert result.exit_code == 2
    assert "no store at" in result.output


@pytest.mark.shared
def test_risk_counts_the_re_registrations_it_could_not_link(api_db: str) -> None:
    """The extract's 194 HSCA predecessors are not loaded: the table counts each, not drops it."""
    result = runner.invoke(app, ["quality", "risk", "--la", "Torbay", "--db", api_db])
    assert result.exit_code == 0, result.output
    assert "predecessor_not_loaded: 194" in result.output
    assert "inherited_rating: 56" in result.output


@pytest.mark.shared
def test_store_made_before_manager_absence_was_kept(api_db: str, tmp_path: Path) -> None:
    """A store without the manager columns and the relationship table still gives the warning."""
    import shutil

    import duckdb

    old = tmp_path / "old.duckdb"
    shutil.copy(api_db, old)
    con = duckdb.connect(str(old))
    con.execute("DROP TABLE location_relationship")
    con.execute("ALTER TABLE location DROP COLUMN registered_manager_absent")
    con.execute("ALTER TABLE location DROP COLUMN registered_manager_absent_date")
    con.close()
    result = runner.invoke(app, ["quality", "risk", "--la", "Torbay", "--db", str(old),
                                 "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) > 50
