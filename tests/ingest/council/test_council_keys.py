"""Council extracts checked against what is loaded: CQC location ids, and files expected."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.ingest.council.conftest import COUNCIL_FIXTURES, MakeFolder
from typer.testing import CliRunner

from caremarket.cli.main import app
from caremarket.ingest.problem import DataProblemError, ProblemCode
from caremarket.pipeline import ingest_council, ingest_file
from caremarket.store.duckdb_store import DuckDBStore

LINCS = "cqc/latest_ratings_lincolnshire_2026-06.csv"
SA = "service_agreements.csv"
LA = "local_assessments.csv"
SCALES = (COUNCIL_FIXTURES / "constructed_council_scales.yaml").read_text(encoding="utf-8")


def test_unknown_cqc_location_ids_are_refused_strictly(
    store: DuckDBStore, council_folder: MakeFolder, shared_data: Path
) -> None:
    """Agreements naming CQC locations no loaded release holds are problems, one per row."""
    ingest_file(store, shared_data / LINCS)
    folder = council_folder({SA: "constructed_service_agreements_ok.csv"})
    with pytest.raises(DataProblemError) as error:
        ingest_council(store, folder)
    unknown = [p for p in error.value.problems if p.code is ProblemCode.UNKNOWN_LOCATION]
    assert [(p.row, p.value) for p in unknown] == [
        (2, "1-1000000003"),
        (3, "1-1000000002"),
        (5, "1-1000000005"),
    ]
    assert store.query("SELECT count(*) AS n FROM service_agreement")["n"][0] == 0


def test_unknown_cqc_location_ids_are_reported_leniently(
    store: DuckDBStore, council_folder: MakeFolder, shared_data: Path
) -> None:
    """Leniently, assessments of unknown locations are reported and left out."""
    ingest_file(store, shared_data / LINCS)
    known = store.query("SELECT location_id FROM location ORDER BY 1 LIMIT 1")["location_id"][0]
    folder = council_folder({LA: "constructed_local_assessments_ok.csv"}, SCALES)
    path = folder / LA
    text = path.read_text(encoding="utf-8").replace("1-1000000001", known)
    path.write_text(text, encoding="utf-8")
    result = ingest_council(store, folder, lenient=True)
    codes = {p.code for p in result.problems}
    assert codes == {ProblemCode.UNKNOWN_LOCATION}
    stored = store.query("SELECT cqc_location_id FROM local_assessment")["cqc_location_id"]
    assert stored.to_list() == [known]


def test_no_check_before_any_cqc_release(store: DuckDBStore, council_folder: MakeFolder) -> None:
    """With no CQC release loaded there is nothing to check ids against, and they load."""
    result = ingest_council(store, council_folder({SA: "constructed_service_agreements_ok.csv"}))
    assert result.problems == ()


def test_missing_template_files_are_named(store: DuckDBStore, council_folder: MakeFolder) -> None:
    """A folder without service_agreements.csv says so (and which others are missing)."""
    result = ingest_council(
        store, council_folder({LA: "constructed_local_assessments_ok.csv"}, SCALES)
    )
    missing = [p.expected.split(" ")[0] for p in result.missing]
    assert missing == [
        "service_agreements.csv",
        "interim_care_list.csv",
        "workforce.csv",
        "fee_rates.csv",
        "narrative/",
    ]
    assert {p.code for p in result.missing} == {ProblemCode.MISSING_FILE}


def test_cli_names_missing_files(council_folder: MakeFolder, tmp_path: Path) -> None:
    """`caremarket ingest-council` prints each missing file and writes it to the report."""
    folder = council_folder({LA: "constructed_local_assessments_ok.csv"}, SCALES)
    db = str(tmp_path / "store.duckdb")
    result = CliRunner().invoke(app, ["ingest-council", "--db", db, str(folder)])
    assert result.exit_code == 0, result.output
    assert "service_agreements.csv" in result.output
    report = folder.with_name(folder.name + ".problems.csv")
    assert "missing-file" in report.read_text(encoding="utf-8")
