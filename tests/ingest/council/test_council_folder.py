"""Loading a council's extract folder: checks, atomicity, idempotency and lenient loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.ingest.council.conftest import COUNCIL_FIXTURES, MakeFolder

from caremarket.demo.localities import write_localities
from caremarket.ingest.cells import DateOrder
from caremarket.ingest.council.manifest import NoCouncilError
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.pipeline import Outcome, ingest_council, ingest_file
from caremarket.store.duckdb_store import DuckDBStore

C = ProblemCode
SA, IC, WF = "service_agreements.csv", "interim_care_list.csv", "workforce.csv"
FR, LA = "fee_rates.csv", "local_assessments.csv"
OK_FILES = {
    SA: "constructed_service_agreements_ok.csv",
    "interim_care_list.csv": "constructed_interim_care_list_ok.csv",
    "workforce.csv": "constructed_workforce_ok.csv",
    "fee_rates.csv": "constructed_fee_rates_ok.csv",
    "local_assessments.csv": "constructed_local_assessments_ok.csv",
    "narrative": "narrative_ok",
}
SCALES_YAML = (COUNCIL_FIXTURES / "constructed_council_scales.yaml").read_text()
COUNCIL_TABLES = (
    "release",
    "release_coverage",
    "service_agreement",
    "interim_care_entry",
    "workforce",
    "fee_rate",
    "local_assessment",
    "narrative_block",
)


def _counts(store: DuckDBStore) -> dict[str, int]:
    return {t: int(store.query(f"SELECT count(*) AS n FROM {t}")["n"][0]) for t in COUNCIL_TABLES}


def _refused(store: DuckDBStore, folder: Path) -> tuple[DataProblem, ...]:
    before = _counts(store)
    with pytest.raises(DataProblemError) as error:
        ingest_council(store, folder)
    assert _counts(store) == before
    return error.value.problems


def test_ok_folder_loads_every_template(store: DuckDBStore, council_folder: MakeFolder) -> None:
    """A good folder loads six releases, each covering Norfolk, with typed, mapped values."""
    result = ingest_council(store, council_folder(OK_FILES, SCALES_YAML))
    assert [f.outcome for f in result.files] == [Outcome.LOADED] * 6
    assert result.la_code == "E10000020"
    coverage = store.query("SELECT DISTINCT la_code FROM release_coverage")["la_code"].to_list()
    assert coverage == ["E10000020"]
    licences = dict(store.query("SELECT source_id, licence FROM release").iter_rows())
    assert licences["council_service_agreements"].startswith("Council data (restricted)")
    second = store.query("SELECT * FROM service_agreement WHERE agreement_id = 'SA000002'")
    row = second.row(0, named=True)
    assert (row["sector"], row["client_group"]) == ("care_home_nursing", "dementia")
    assert row["funding"] == "council_managed"
    funding = store.query("SELECT agreement_id, funding FROM service_agreement ORDER BY 1")
    assert funding["funding"].to_list() == [
        "council_managed", "council_managed", "direct_payment", "unknown",
    ]  # fmt: skip
    ratings = store.query(
        "SELECT rating, scale, rating_as_given FROM local_assessment ORDER BY cqc_location_id"
    ).rows()
    assert ratings == [
        ("good", "pamms", "Good"),
        ("requires_improvement", "pamms", "Requires improvement"),
        ("outstanding", "cqc", "Outstanding"),
        ("requires_improvement", "qaf", "Bronze"),
    ]
    units = store.query("SELECT DISTINCT price_unit FROM fee_rate ORDER BY 1")["price_unit"]
    assert units.to_list() == ["hour", "week"]
    blocks = store.query("SELECT section, sector, position FROM narrative_block ORDER BY 1").rows()
    assert blocks == [("introduction", None, 1), ("key_messages", "home_care", 2)]


@pytest.mark.parametrize(
    ("target", "defect", "code", "row", "column", "value"),
    [
        (SA, "unknown_sector", C.UNKNOWN_SECTOR, 3, "sector", "nursing"),
        (SA, "unknown_client_group", C.UNKNOWN_CLIENT_GROUP, 4, "client_group", "frail"),
        (SA, "nhs_number_as_person_id", C.BAD_FORMAT, 2, "person_id", "4857773456"),
        (SA, "bad_location_id", C.BAD_FORMAT, 5, "cqc_location_id", "1000000005"),
        (SA, "end_before_start", C.DATES_OUT_OF_ORDER, 4, "end_date", "2024-12-31"),
        (SA, "duplicate_id", C.DUPLICATE_ID, 5, "agreement_id", "SA000002"),
        (SA, "negative_cost", C.OUT_OF_RANGE, 2, "weekly_cost_gbp", "-252.00"),
        (SA, "hours_not_a_number", C.NOT_A_NUMBER, 2, "hours_per_week", "ten"),
        (SA, "bad_date", C.BAD_DATE, 3, "start_date", "2024-02-31"),
        (SA, "unknown_funding", C.UNKNOWN_VALUE, 2, "funding", "charity"),
        (SA, "blank_start_date", C.MISSING_VALUE, 5, "start_date", None),
        (SA, "no_hours_or_cost", C.MISSING_VALUE, 2, "hours_per_week", None),
        (SA, "no_locality_or_postcode", C.MISSING_VALUE, 4, "locality", None),
        (SA, "bad_postcode_district", C.BAD_FORMAT, 2, "postcode_district", "NR11 6AB"),
        (SA, "missing_person_id", C.MISSING_COLUMN, 1, "person_id", None),
        (IC, "sourced_before_added", C.DATES_OUT_OF_ORDER, 3, "date_sourced", "2026-03-01"),
        (IC, "duplicate_entry", C.DUPLICATE_ID, 4, "person_id", "P500101"),
        (WF, "rate_as_percent", C.OUT_OF_RANGE, 3, "turnover_rate", "34"),
        (WF, "jobs_not_whole", C.NOT_A_WHOLE_NUMBER, 4, "jobs", "6000.5"),
        ("sfc_local_area.csv", "bad_value", C.NOT_A_NUMBER, 4, "value", "high"),
        (FR, "unknown_unit", C.UNKNOWN_VALUE, 3, "price_unit", "day"),
        (FR, "duplicate_price", C.DUPLICATE_ID, 3, "sector", "care_home_residential"),
        (LA, "unknown_rating", C.UNKNOWN_RATING, 2, "rating", "Very good"),
        (LA, "unknown_scale", C.UNKNOWN_VALUE, 3, "scale", "stars"),
        ("narrative.yaml", "unknown_sector", C.UNKNOWN_SECTOR, 6, "sector", "hospitals"),
    ],
)
def test_each_defect_is_one_problem_and_nothing_loads(
    store: DuckDBStore,
    council_folder: MakeFolder,
    target: str,
    defect: str,
    code: ProblemCode,
    row: int,
    column: str | None,
    value: str | None,
) -> None:
    """Each planted defect, beside good files, is reported at its row and column; nothing loads."""
    fixture = f"constructed_{Path(target).stem}_{defect}{Path(target).suffix}"
    files = {k: v for k, v in OK_FILES.items() if k != target and k != "narrative"}
    (problem,) = _refused(store, council_folder({**files, target: fixture}, SCALES_YAML))
    found = (problem.code, problem.row, problem.column, problem.value)
    assert found == (code, row, column, value), problem.message
    assert problem.file == target
    assert problem.expected


def test_a_file_of_no_template_is_refused(store: DuckDBStore, council_folder: MakeFolder) -> None:
    """A CSV that is no template and not Skills for Care's layout stops the folder's load."""
    (problem,) = _refused(store, council_folder({"misc.csv": "constructed_unrelated.csv"}))
    assert (problem.code, problem.row, problem.value) == (
        C.WRONG_HEADER,
        1,
        "Name, Address, Telephone",
    )
    assert "service_agreements.csv" in problem.expected


def test_unknown_locality_when_localities_are_loaded(
    store: DuckDBStore, council_folder: MakeFolder, tmp_path: Path
) -> None:
    """With the council's localities loaded, a locality not among them is a problem."""
    ingest_file(store, write_localities(tmp_path / "localities.csv"))
    folder = council_folder({SA: "constructed_service_agreements_unknown_locality.csv"})
    (problem,) = _refused(store, folder)
    assert (problem.code, problem.row, problem.value) == (C.UNKNOWN_VALUE, 2, "Broads")
    assert "North" in problem.expected


def test_narrative_problems_name_the_markdown_file_and_line(
    store: DuckDBStore, council_folder: MakeFolder
) -> None:
    """A narrative's problems point at the Markdown file and the line of the bad key."""
    (bad_yaml,) = _refused(store, council_folder({"narrative": "narrative_bad_yaml"}))
    assert (bad_yaml.code, bad_yaml.file, bad_yaml.row) == (
        C.BAD_FRONT_MATTER,
        "narrative/01_introduction.md",
        3,
    )
    (section,) = _refused(store, council_folder({"narrative": "narrative_unknown_section"}))
    assert (section.code, section.file, section.row, section.value) == (
        C.UNKNOWN_VALUE,
        "narrative/02_vision.md",
        2,
        "vision",
    )


def test_narrative_yaml_file_loads(store: DuckDBStore, council_folder: MakeFolder) -> None:
    """One narrative.yaml with a list of blocks loads as the narrative."""
    ingest_council(store, council_folder({"narrative.yaml": "constructed_narrative_ok.yaml"}))
    blocks = store.query("SELECT section, position, body_markdown FROM narrative_block ORDER BY 1")
    assert blocks.rows() == [
        ("commissioning_intentions", 1, "We will buy home care by zone."),
        ("introduction", 1, "This statement is for providers."),
    ]


def test_bad_file_leaves_store_unchanged(store: DuckDBStore, council_folder: MakeFolder) -> None:
    """One bad file among good ones: the whole folder is refused, nothing loads."""
    bad = {**OK_FILES, "fee_rates.csv": "constructed_fee_rates_unknown_unit.csv"}
    problems = _refused(store, council_folder(bad, SCALES_YAML))
    assert [p.file for p in problems] == ["fee_rates.csv"]
    assert _counts(store)["release"] == 0


def test_same_files_again_change_nothing(store: DuckDBStore, council_folder: MakeFolder) -> None:
    """Loading the same folder twice changes nothing; a newer extract is a new release."""
    folder = council_folder(OK_FILES, SCALES_YAML)
    ingest_council(store, folder)
    before = _counts(store)
    again = ingest_council(store, folder)
    assert {f.outcome for f in again.files} == {Outcome.ALREADY_LOADED}
    assert _counts(store) == before
    newer = (folder / "interim_care_list.csv").read_text() + (
        "P500104,East,NR30,3.5,2026-05-28,,no provider capacity in the area\n"
    )
    (folder / "interim_care_list.csv").write_text(newer)
    third = ingest_council(store, folder)
    loaded = [f.file for f in third.files if f.outcome is Outcome.LOADED]
    assert loaded == ["interim_care_list.csv"]
    releases = store.query(
        "SELECT count(*) AS n FROM release WHERE source_id = 'council_interim_care_list'"
    )
    assert releases["n"][0] == 2


def test_lenient_loads_good_rows_and_returns_problems(
    store: DuckDBStore, council_folder: MakeFolder
) -> None:
    """Lenient: the rows without problems load; the problem rows are left out and reported."""
    folder = council_folder({SA: "constructed_service_agreements_duplicate_id.csv"})
    result = ingest_council(store, folder, lenient=True)
    assert [p.code for p in result.problems] == [C.DUPLICATE_ID]
    ids = store.query("SELECT agreement_id FROM service_agreement ORDER BY 1")["agreement_id"]
    assert ids.to_list() == ["SA000001", "SA000002", "SA000003"]


def test_lenient_still_refuses_an_unreadable_file(
    store: DuckDBStore, council_folder: MakeFolder
) -> None:
    """Lenient or not, a file missing a required column stops the whole folder."""
    folder = council_folder(
        {**OK_FILES, SA: "constructed_service_agreements_missing_person_id.csv"}, SCALES_YAML
    )
    with pytest.raises(DataProblemError):
        ingest_council(store, folder, lenient=True)
    assert _counts(store)["release"] == 0


def test_council_from_la_or_manifest(store: DuckDBStore, council_folder: MakeFolder) -> None:
    """Without council.yaml the council comes from --la; neither, or two councils, is refused."""
    files = {"workforce.csv": "constructed_workforce_ok.csv"}
    with pytest.raises(NoCouncilError, match="--la"):
        ingest_council(store, council_folder(files, manifest=None))
    with pytest.raises(NoCouncilError, match="which council"):
        ingest_council(store, council_folder(files), la="Suffolk")
    result = ingest_council(store, council_folder(files, manifest=None), la="E10000020")
    assert result.la_name == "Norfolk"
    release = store.query("SELECT release_date, note FROM release").row(0, named=True)
    assert release["release_date"].isoformat() == "2026-03-31"
    assert "latest as_of_date" in release["note"]


def test_bad_manifest_names_each_problem(store: DuckDBStore, council_folder: MakeFolder) -> None:
    """An unknown council, a bad date and an unknown key in council.yaml are each reported."""
    manifest = (COUNCIL_FIXTURES / "constructed_council_bad.yaml").read_text()
    folder = council_folder({"workforce.csv": "constructed_workforce_ok.csv"}, manifest)
    with pytest.raises(DataProblemError) as error:
        ingest_council(store, folder)
    found = {(p.code, p.row, p.column) for p in error.value.problems}
    assert found == {
        (C.UNKNOWN_VALUE, 3, "colour"),
        (C.UNKNOWN_AREA, 1, "council"),
        (C.BAD_DATE, 2, "extract_date"),
    }


def test_skills_for_care_layout(store: DuckDBStore, council_folder: MakeFolder) -> None:
    """Skills for Care's long layout: the council's all-sector, all-role rows, pivoted to shares."""
    folder = council_folder({"sfc_2024_25.csv": "constructed_sfc_local_area_ok.csv"})
    (result,) = ingest_council(store, folder).files
    assert result.source_id == "skills_for_care_workforce"
    rows = store.query(
        "SELECT sector, jobs, turnover_rate, vacancy_rate, zero_hours_share, "
        "share_aged_55_plus, as_of_date FROM workforce ORDER BY sector"
    ).rows(named=True)
    assert [r["sector"] for r in rows] == ["all", "care_home_nursing", "home_care"]
    everyone = rows[0]
    assert everyone["jobs"] == 27400
    assert everyone["turnover_rate"] == pytest.approx(0.263)
    assert everyone["share_aged_55_plus"] == pytest.approx(0.24)
    assert everyone["as_of_date"].isoformat() == "2025-03-31"
    assert rows[1]["vacancy_rate"] is None  # suppressed `*`
    assert rows[2]["zero_hours_share"] == pytest.approx(0.53)
    note = store.query("SELECT note FROM release")["note"][0]
    assert "Day care and day services" in note


def test_files_that_are_no_template_are_left_alone(
    store: DuckDBStore, council_folder: MakeFolder
) -> None:
    """Schemas, notes and problem reports in the folder are neither read nor refused."""
    folder = council_folder({"workforce.csv": "constructed_workforce_ok.csv"})
    (folder / "workforce.schema.json").write_text("{}")
    (folder / "notes.txt").write_text("extracted by hand")
    (folder / "old.problems.csv").write_text("code\n")
    shutil.copytree(COUNCIL_FIXTURES / "narrative_ok", folder / "drafts")
    result = ingest_council(store, folder)
    assert [f.file for f in result.files] == ["workforce.csv"]
    assert set(result.ignored) == {"notes.txt", "old.problems.csv", "drafts"}


def test_narrative_blocks_without_position_take_their_order(
    store: DuckDBStore, council_folder: MakeFolder
) -> None:
    """Blocks of one section without a position are numbered in file order, not duplicates."""
    folder = council_folder({"narrative": "narrative_ok"})
    extra = "---\nsection: introduction\ntitle: About this statement\n---\nMore text.\n"
    (folder / "narrative" / "03_more.md").write_text(extra)
    (folder / "narrative" / "01_introduction.md").write_text(
        "---\nsection: introduction\ntitle: Introduction\n---\nText.\n"
    )
    ingest_council(store, folder)
    rows = store.query(
        "SELECT title, position FROM narrative_block WHERE section = 'introduction' ORDER BY 2"
    ).rows()
    assert rows == [("Introduction", 1), ("About this statement", 3)]


def test_ambiguous_slashed_dates_need_a_date_order(
    store: DuckDBStore, council_folder: MakeFolder
) -> None:
    """Slashed dates whose days are all 12 or under are refused unless the order is given."""
    folder = council_folder({"interim_care_list.csv": "constructed_interim_care_list_ok.csv"})
    path = folder / "interim_care_list.csv"
    text = path.read_text()
    for iso, slashed in (("2026-04-02", "02/04/2026"), ("2026-03-15", "12/03/2026"),
                         ("2026-04-01", "01/04/2026"), ("2026-05-20", "10/05/2026")):  # fmt: skip
        text = text.replace(iso, slashed)
    path.write_text(text)
    (problem,) = _refused(store, folder)
    assert problem.code is C.AMBIGUOUS_DATE_ORDER
    ingest_council(store, folder, date_order=DateOrder.DAY_FIRST)
    added = store.query("SELECT min(date_added) AS d FROM interim_care_entry")["d"][0]
    assert added.isoformat() == "2026-03-12"
