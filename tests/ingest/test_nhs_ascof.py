"""The ASCOF adapters on NHS England's real releases, checked against the raw files read
independently (openpyxl for the open data, the ODS file's own XML for the time series),
and on constructed files with one defect each."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from tests.conftest import SHARED_DATA

from caremarket.domain.ascof import Numbering, find_measure
from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.problem import DataProblemError, ProblemCode
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore

OPEN_DATA = "nhs/ascof_2020-21_open_data.xlsx"
TABLES = "nhs/ascof_timeseries_2015-16_to_2024-25.ods"
# Lincolnshire, Norfolk, Leeds, Camden: a county, a county, a metropolitan district, a borough.
COUNCILS = ("E10000019", "E10000020", "E08000035", "E09000007")
_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DuckDBStore]:
    """Both real ASCOF releases loaded once into one store."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"needs the real public data samples in {SHARED_DATA} (absent here)")
    with DuckDBStore(tmp_path_factory.mktemp("ascof") / "store.duckdb") as store:
        ingest_file(store, SHARED_DATA / TABLES)
        ingest_file(store, SHARED_DATA / OPEN_DATA)
        yield store


@pytest.fixture(scope="module")
def open_data_rows() -> list[tuple[object, ...]]:
    """The open data sheet's rows as openpyxl reads them."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"needs the real public data samples in {SHARED_DATA} (absent here)")
    book = openpyxl.load_workbook(SHARED_DATA / OPEN_DATA, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return rows


def ods_sheet(path: Path, wanted: str) -> list[list[str | None]]:
    """A sheet of an ODS file read straight from its content.xml (cell values as text)."""
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as handle:
        name, rows = None, []
        for event, element in ET.iterparse(handle, events=("start", "end")):
            if event == "start" and element.tag == _T + "table":
                name = element.get(_T + "name")
            elif event == "end" and element.tag == _T + "table-row" and name == wanted:
                row: list[str | None] = []
                for cell in element:
                    repeat = min(int(cell.get(_T + "number-columns-repeated", "1")), 100)
                    value = cell.get(_O + "value") or "".join(cell.itertext()) or None
                    row += [value] * repeat
                rows.append(row)
                element.clear()
            elif event == "end" and element.tag == _T + "table" and name == wanted:
                return rows
    raise AssertionError(f"no sheet {wanted}")


def stored(store: DuckDBStore, sql: str, params: list[object]) -> dict[tuple[str, ...], object]:
    """Rows of a query keyed by every column but the last."""
    frame = store.query(sql, params)
    return {tuple(r[:-1]): r[-1] for r in frame.iter_rows()}


@pytest.mark.parametrize("group", ["2A2", "1C1A", "2B1", "1G"])
def test_open_data_matches_raw_file(
    loaded: DuckDBStore, open_data_rows: list[tuple[object, ...]], group: str
) -> None:
    """Each council's numerator, denominator and outcome (Total) equal the raw file's cells."""
    header = list(open_data_rows[0])
    at = {h: header.index(h) for h in header}
    measure = find_measure(group, Numbering.UP_TO_2022_23)
    assert measure is not None
    raw = {
        (r[at["ONS Code"]], str(r[at["Measure Type"]]).lower()): r[at["Measure Value"]]
        for r in open_data_rows[1:]
        if r[at["ONS Code"]] in COUNCILS
        and r[at["Measure Group"]] == group
        and r[at["Disaggregation Level"]] == "Total"
    }
    checked = 0
    for council in COUNCILS:
        row = loaded.query(
            "SELECT numerator, denominator, value FROM ascof_value WHERE la_code = ? "
            "AND measure_code = ? AND breakdown = 'total' AND year = '2020-21'",
            [council, measure.code],
        )
        assert row.height == 1, council
        for column, kind in (("numerator", "numerator"), ("denominator", "denominator"),
                             ("value", "outcome")):  # fmt: skip
            expected = raw[(council, kind)]
            got = row[column][0]
            if expected == "[x]":
                assert got is None
            else:
                assert got == pytest.approx(float(str(expected))), (council, column)
                checked += 1
    assert checked >= 6


def test_open_data_suppressed_is_null_with_reason(
    loaded: DuckDBStore, open_data_rows: list[tuple[object, ...]]
) -> None:
    """Every council Outcome the raw file marks `[x]` is stored null with its reason, never 0."""
    header = list(open_data_rows[0])
    at = {h: header.index(h) for h in header}
    marked = {
        (r[at["ONS Code"]], r[at["Measure Group"]], str(r[at["Disaggregation Level"]]).lower())
        for r in open_data_rows[1:]
        if r[at["ONS Code"]] in COUNCILS
        and r[at["Measure Type"]] == "Outcome"
        and r[at["Measure Value"]] == "[x]"
    }
    assert len(marked) > 20
    for council, group, breakdown in marked:
        measure = find_measure(str(group), Numbering.UP_TO_2022_23)
        assert measure is not None
        row = loaded.query(
            "SELECT a.value, a.value_note FROM ascof_value a JOIN release r USING (release_id) "
            "WHERE r.file_name = ? AND a.la_code = ? AND a.measure_code = ? "
            "AND a.breakdown = ? AND a.year = '2020-21'",
            [Path(OPEN_DATA).name, council, measure.code, breakdown],
        )
        assert row.rows() == [(None, "[x]: no data available")], (council, group, breakdown)
    notes = loaded.query(
        "SELECT count(*) AS n FROM ascof_value a JOIN release r USING (release_id) "
        "WHERE r.file_name = ? AND a.value IS NULL AND a.value_note LIKE '[x]%'",
        [Path(OPEN_DATA).name],
    )["n"][0]
    zeros = loaded.query(
        "SELECT count(*) AS n FROM ascof_value WHERE value = 0 AND value_note IS NOT NULL"
    )["n"][0]
    assert notes > 0
    assert zeros == 0


@pytest.mark.parametrize(("sheet", "code"), [("Table_2c", "2C"), ("Table_1a", "1A"),
                                             ("Table_4b", "4B")])  # fmt: skip
def test_time_series_matches_raw_file(loaded: DuckDBStore, sheet: str, code: str) -> None:
    """Each council's figures in a measure sheet equal the ODS file's own cells, every year."""
    rows = ods_sheet(SHARED_DATA / TABLES, sheet)
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "Local authority code")
    header = rows[header_at]
    fields = {"numerator": "numerator", "denominator": "denominator",
              "number of respondents": "respondents", "outcome": "value"}  # fmt: skip
    checked = nulls = 0
    for row in rows[header_at + 1 :]:
        if len(row) < 3 or row[2] not in COUNCILS:
            continue
        got = stored(
            loaded,
            "SELECT a.year, a.numerator, a.denominator, a.respondents, a.value, 'x' "
            "FROM ascof_value a JOIN release r USING (release_id) WHERE r.file_name = ? "
            "AND a.la_code = ? AND a.measure_code = ? AND a.breakdown = 'total'",
            [Path(TABLES).name, row[2], code],
        )
        by_year = {k[0]: k for k in got}
        for index, name in enumerate(header[3:], start=3):
            year_text, _, kind = str(name).partition(" - ")
            if kind not in fields:
                continue
            start = int(year_text[:4])
            year = f"{start}-{(start + 1) % 100:02d}"
            record = by_year[year]
            column = ("numerator", "denominator", "respondents", "value").index(fields[kind])
            value = record[1 + column]
            cell = row[index] if index < len(row) else None
            if cell in ("[x]", "[c]", "[z]"):
                assert value is None
                nulls += 1
            else:
                assert value == pytest.approx(float(str(cell))), (row[1], name)
                checked += 1
    assert checked >= 8
    assert code != "1A" or nulls > 0


def test_old_2a2_and_new_2c_are_one_measure(loaded: DuckDBStore) -> None:
    """Old 2A(2) from the 2020-21 open data and new 2C from the 2024-25 tables share code 2C."""
    years = loaded.query(
        "SELECT year, published_code FROM ascof_value WHERE la_code = 'E10000019' "
        "AND measure_code = '2C' ORDER BY year"
    ).rows()
    assert years == [("2020-21", "2A2"), ("2024-25", "2C")]
    old_4b = find_measure("4B", Numbering.UP_TO_2022_23)
    assert old_4b is not None and old_4b.code == "old-4B"


def test_release_note_names_councils_not_on_2025_list(loaded: DuckDBStore) -> None:
    """Councils abolished since are left out and named in the release's note, not guessed."""
    note = loaded.query("SELECT note FROM release WHERE file_name = ?", [Path(OPEN_DATA).name])[
        "note"
    ][0]
    assert "Cumbria (E10000006)" in note
    assert "North Yorkshire (E10000023) read as E06000065" in note
    left = loaded.query("SELECT count(*) AS n FROM ascof_value WHERE la_code = 'E10000006'")
    assert left["n"][0] == 0


OPEN_HEADER = [
    "Geographical Code", "Geographical Description", "Geographical Level", "ONS Code",
    "ASCOF Measure Code", "Disaggregation Level", "Measure Type", "Measure Value",
    "Measure Group", "Measure Group Description",
]  # fmt: skip


def _open_data(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OPEN_HEADER)
        writer.writerows(rows)
    return path


def _row(measure: str, kind: str, value: str, code: str = "E10000019") -> list[str]:
    return ["503", "Lincolnshire", "Council", code, measure, "Total", kind, value, measure, ""]


def test_open_data_bad_value_is_a_problem(tmp_path: Path) -> None:
    """A value that is neither a number nor a marker names its file, row and column."""
    path = _open_data(
        tmp_path / "ascof_2021-22_open.csv",
        [_row("2A2", "Outcome", "512.3"), _row("2A2", "Numerator", "n/a")],
    )
    with DuckDBStore(tmp_path / "s.duckdb") as store, pytest.raises(DataProblemError) as error:
        ingest_file(store, path)
    (problem,) = error.value.problems
    assert problem.code is ProblemCode.NOT_A_NUMBER
    assert (problem.file, problem.row, problem.column) == (path.name, 3, "Measure Value")
    assert "a number" in problem.expected


def test_open_data_without_year_asks_for_one(tmp_path: Path) -> None:
    """An open data file whose name holds no financial year is refused, saying what to give."""
    path = _open_data(tmp_path / "ascof_open.csv", [_row("2A2", "Outcome", "[x]")])
    with DuckDBStore(tmp_path / "s.duckdb") as store, pytest.raises(DataProblemError) as error:
        ingest_file(store, path)
    assert error.value.problems[0].code is ProblemCode.NO_RELEASE_DATE
    with DuckDBStore(tmp_path / "t.duckdb") as store:
        from datetime import date

        ingest_file(store, path, ReadOptions(release_date=date(2022, 3, 31)))
        row = store.query("SELECT year, value, value_note FROM ascof_value").rows()
    assert row == [("2021-22", None, "[x]: no data available")]


def test_open_data_unknown_measure_is_a_problem(tmp_path: Path) -> None:
    """A measure code not declared for the file's numbering is a problem, not a guess."""
    path = _open_data(tmp_path / "ascof_2021-22.csv", [_row("9Z", "Outcome", "50")])
    with DuckDBStore(tmp_path / "s.duckdb") as store, pytest.raises(DataProblemError) as error:
        ingest_file(store, path)
    (problem,) = error.value.problems
    assert (problem.code, problem.row, problem.column) == (
        ProblemCode.UNKNOWN_VALUE, 2, "Measure Group",
    )  # fmt: skip


def _tables(path: Path, heading: str) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Table_2c"
    sheet.append(["Table 2c: admissions of people aged 65 and over"])
    sheet.append(["Local authority code", "Local authority", "ONS area code", heading])
    sheet.append(["503", "Lincolnshire", "E10000019", "588.1"])
    book.save(path)
    return path


def test_time_series_unknown_column_is_a_problem(tmp_path: Path) -> None:
    """A measure sheet whose year column is not `YYYY to YYYY - kind` is refused at its header."""
    path = _tables(tmp_path / "ascof.xlsx", "2024-2025 result")
    with DuckDBStore(tmp_path / "s.duckdb") as store, pytest.raises(DataProblemError) as error:
        ingest_file(store, path)
    (problem,) = error.value.problems
    assert problem.code is ProblemCode.WRONG_HEADER
    assert (problem.file, problem.row, problem.column) == (path.name, 2, "2024-2025 result")
    assert "2024 to 2025 - outcome" in problem.expected


def test_time_series_constructed_sheet_loads(tmp_path: Path) -> None:
    """A well-formed one-sheet workbook loads its council's value under the 2023-24 code."""
    path = _tables(tmp_path / "ascof.xlsx", "2024 to 2025 - outcome")
    with DuckDBStore(tmp_path / "s.duckdb") as store:
        result = ingest_file(store, path)
        row = store.query("SELECT la_code, measure_code, year, value FROM ascof_value").rows()
    assert row == [("E10000019", "2C", "2024-25", 588.1)]
    assert str(result.release_date) == "2025-03-31"


def test_metric_names_the_release_of_each_year(loaded: DuckDBStore) -> None:
    """Gathered for a council, the 2C metric gives both years and names both releases."""
    from datetime import date

    from caremarket.analysis import evaluate, gather
    from caremarket.domain.council_name import council_named
    from caremarket.metrics.outcomes import ASCOF_METRICS

    gathered = gather(loaded, council_named("Lincolnshire"), date(2026, 1, 1))
    value, rank, _ = ASCOF_METRICS["2C"]
    result = evaluate(gathered, value)
    assert result.frame.select("period", "value").rows() == [("2020-21", 432.9), ("2024-25", 588.1)]
    assert {r.file_name for r in result.releases} == {Path(OPEN_DATA).name, Path(TABLES).name}
    # 2020-21 Northamptonshire is two councils on the 2025 list, neither with a value then.
    ranks = evaluate(gathered, rank).frame.select("period", "value", "n").rows()
    assert ranks[0] == ("2020-21", None, 8)
    assert ranks[1][0] == "2024-25" and ranks[1][1] is not None
