"""Safe readers: crafted spreadsheets refused before parsing, numbers read strictly, fuzzing.

The crafted files are built here (constructed, as the issue describes them);
the fuzzing cases are damaged copies of the real samples in ../shared/data.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from caremarket.ingest.problem import DataProblemError, ProblemCode
from caremarket.ingest.workbook import open_workbook
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore

ROOT = Path(__file__).resolve().parents[2]
C = ProblemCode
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _xlsx(path: Path, sheet: str, shared_mib: int = 0) -> Path:
    """A minimal workbook with one sheet's XML as given, and shared strings of some size."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPES}.worksheet+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{_MAIN}">{sheet}</worksheet>',
        )
        if shared_mib:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as handle:
                handle.write(f'<sst xmlns="{_MAIN}"><si><t>'.encode())
                block = b"A" * (1 << 20)
                for _ in range(shared_mib):
                    handle.write(block)
                handle.write(b"</t></si></sst>")
    return path


def _cell(ref: str, text: str) -> str:
    row = "".join(c for c in ref if c.isdigit())
    return f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c></row>'


def test_a_cell_at_xfd1048576_is_refused_before_parsing(tmp_path: Path) -> None:
    """A 2 KB sheet with A1 and XFD1048576 (a 17-billion-cell grid) is a problem, not an abort."""
    sheet = f"<sheetData>{_cell('A1', 'Location ID')}{_cell('XFD1048576', 'x')}</sheetData>"
    path = _xlsx(tmp_path / "far.xlsx", sheet)
    assert path.stat().st_size < 2048
    with pytest.raises(DataProblemError) as error:
        open_workbook(path)
    [problem] = error.value.problems
    assert (problem.code, problem.file) == (C.TOO_LARGE, "far.xlsx")
    assert "17,179,869,184 cells" in (problem.value or "")


def test_a_huge_declared_dimension_is_refused(tmp_path: Path) -> None:
    """A sheet declaring A1:XFD1048576 is refused whatever its cells."""
    sheet = f'<dimension ref="A1:XFD1048576"/><sheetData>{_cell("A1", "x")}</sheetData>'
    with pytest.raises(DataProblemError) as error:
        open_workbook(_xlsx(tmp_path / "dimension.xlsx", sheet))
    assert [p.code for p in error.value.problems] == [C.TOO_LARGE]


def test_shared_strings_bomb_is_refused_in_little_memory(tmp_path: Path) -> None:
    """300 MiB of shared strings (a few hundred KB zipped) are refused with under 300 MB used."""
    path = _xlsx(tmp_path / "bomb.xlsx", f"<sheetData>{_cell('A1', 'x')}</sheetData>", 300)
    assert path.stat().st_size < 2_000_000
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from caremarket.ingest.workbook import open_workbook\n"
        "from caremarket.ingest.problem import DataProblemError\n"
        "try:\n"
        "    open_workbook(Path(sys.argv[1])); print('opened')\n"
        "except DataProblemError as error:\n"
        "    print(error.problems[0].code.value)\n"
        # VmHWM: this process's peak since exec (ru_maxrss would count the forking parent).
        "status = Path('/proc/self/status').read_text()\n"
        "print(next(l.split()[1] for l in status.splitlines() if l.startswith('VmHWM')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=120
    )
    code, peak_kb = done.stdout.split()
    assert code == "too-large"
    assert int(peak_kb) < 300 * 1024


def test_a_corrupted_sheet_is_a_truncated_file_problem(tmp_path: Path) -> None:
    """A sheet whose compressed bytes are damaged is a problem naming the file, not a traceback."""
    sheet = "<sheetData>" + "".join(_cell(f"A{r}", f"v{r}") for r in range(1, 400)) + "</sheetData>"
    path = _xlsx(tmp_path / "damaged.xlsx", sheet)
    data = bytearray(path.read_bytes())
    start = data.index(b"xl/worksheets/sheet1.xml") + 40
    for i in range(start, start + 30):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(DataProblemError) as error:
        open_workbook(path).sheet("Sheet1")
    assert {p.file for p in error.value.problems} == {"damaged.xlsx"}
    assert {p.code for p in error.value.problems} <= {C.TRUNCATED_FILE, C.WRONG_FORMAT}


@pytest.mark.parametrize(
    "beds", ["inf", "nan", "1e3", "12345678901234567890", "-4", "1.5", "0x10", "Infinity"]
)
def test_beds_are_read_strictly(beds: str, fixtures: Path, tmp_path: Path) -> None:
    """Beds of `inf`, `nan`, `1e3`, 20 digits and the like are problems naming the cell."""
    source = fixtures / "cqc_hsca" / "constructed_hsca_beds_not_whole.csv"
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"))))
    column = rows[0].index("Care homes beds")
    rows[1][column] = beds
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / "hsca.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    with DuckDBStore(tmp_path / "store.duckdb") as store:
        result = ingest_file(store, path, lenient=True)
    assert [(p.code, p.row, p.column, p.value) for p in result.problems] == [
        (C.NOT_A_WHOLE_NUMBER, 2, "Care homes beds", beds)
    ]


def test_fuzzing_the_readers_with_damaged_real_samples(shared_data: Path, tmp_path: Path) -> None:
    """Damaged real samples give a clear problem or a load: no traceback, abort or 1 GB."""
    out = tmp_path / "fuzz.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "reliability" / "fuzz.py"),
            "--samples",
            str(shared_data),
            "--cases",
            "200",
            "--seconds",
            "4",
            "--seed",
            "11",
            "--memory-mb",
            "1024",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())
    assert figures["files"] >= 10, "each real sample damaged at least once"
    assert figures["bad"] == []
    assert (figures["tracebacks"], figures["aborts"], figures["over_memory"]) == (0, 0, 0)
    assert figures["problems"] + figures["loads"] == figures["files"]
    assert figures["peak_mb"] <= 1024


def test_a_far_cell_before_a_near_one_is_still_seen(tmp_path: Path) -> None:
    """A row listing XFD1 before A1 (out of order) is refused like one in order."""
    row = '<row r="1"><c r="XFD1" t="inlineStr"><is><t>x</t></is></c><c r="A1"><v>1</v></c></row>'
    rows = "".join(_cell(f"A{r}", "y") for r in range(2, 1000))
    with pytest.raises(DataProblemError) as error:
        open_workbook(_xlsx(tmp_path / "unordered.xlsx", f"<sheetData>{row}{rows}</sheetData>"))
    assert [p.code for p in error.value.problems] == [C.TOO_LARGE]


def test_ods_rows_repeated_a_million_times_are_refused(shared_data: Path, tmp_path: Path) -> None:
    """The real ASCOF .ods with its filled rows repeated 1,048,576 times is refused unparsed."""
    source = shared_data / "nhs" / "ascof_timeseries_2015-16_to_2024-25.ods"
    path = tmp_path / "repeated.ods"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "content.xml":
                data = data.replace(
                    b"<table:table-row", b'<table:table-row table:number-rows-repeated="1048576"', 5
                )
            new.writestr(info, data)
    with pytest.raises(DataProblemError) as error:
        open_workbook(path)
    assert [p.code for p in error.value.problems] == [C.TOO_LARGE]
    open_workbook(source)  # the real file itself is within the limits


def test_a_damaged_xls_is_read_within_a_memory_limit(shared_data: Path, tmp_path: Path) -> None:
    """The real ONS .xls with 3,592 bytes cut out (it asked for 20 GB) is a problem, not a crash."""
    data = (shared_data / "ons" / "mid2020_population_estimates_uk_2021geography.xls").read_bytes()
    path = tmp_path / "damaged.xls"
    path.write_bytes(data[:154956] + data[154956 + 3592 :])
    with pytest.raises(DataProblemError) as error:
        open_workbook(path)
    [problem] = error.value.problems
    assert (problem.code, problem.file) == (C.TOO_LARGE, "damaged.xls")


def test_scientific_notation_only_where_a_release_writes_it() -> None:
    """ASC-FR's rounding residues (-2.32E-14) read as numbers where allowed; beds-style columns
    still refuse exponents, and no exponent may overflow to infinity."""
    import polars as pl

    from caremarket.ingest import cells
    from caremarket.ingest.workbook import RawTable

    table = RawTable(
        "f.csv", "f.csv", 1, pl.DataFrame({"v": ["-2.32E-14", "52.95", "1e999", "inf", "1e3"]})
    )
    loose, loose_problems = cells.number(table, "v", scientific=True)
    assert loose.to_list()[:2] == [-2.32e-14, 52.95]
    assert [p.value for p in loose_problems] == ["1e999", "inf"]
    _, strict_problems = cells.number(table, "v")
    assert [p.value for p in strict_problems] == ["-2.32E-14", "1e999", "inf", "1e3"]
