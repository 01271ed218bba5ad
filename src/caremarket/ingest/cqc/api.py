"""CQC public API location records: JSON responses, or a CSV extract of them.

JSON comes as one `GET /locations/{id}` response, a list of them, or an
object whose `locations` list holds full records. A CSV extract has one row
per location, the API's top-level keys as columns and the nested fields as
text (JSON, or Python-repr with single quotes, read with `ast.literal_eval`).
Both go through one reader: a JSON document becomes a table of text cells
whose nested fields are Python-repr text, so every check is made once.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from caremarket.domain.client_group import SPECIALISM_GROUPS
from caremarket.domain.sector import (
    DIRECTORY_SERVICE_TYPE_SECTORS,
    SERVICE_TYPE_SECTORS,
    Sector,
    with_care_home,
)
from caremarket.ingest import cells
from caremarket.ingest.adapter import Match, Parsed, ReadOptions, find_header
from caremarket.ingest.cells import duplicate_problems
from caremarket.ingest.cqc.common import (
    KEY_QUESTION_WORDS,
    RATING_WORDS,
    council_codes,
    social_care,
)
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.sources import CQC_API_LOCATIONS
from caremarket.ingest.workbook import FileFormat, RawTable, Workbook

REQUIRED = ("locationId", "name", "localAuthority")
_SIGNATURE = ("locationId", "providerId")
NESTED = (
    "lastReport",
    "currentRatings",
    "historicRatings",
    "gacServiceTypes",
    "inspectionCategories",
    "specialisms",
    "relationships",
)
MANAGER_ABSENT = "registeredManagerAbsentDate"
DATE_COLUMNS = ["registrationDate", "deregistrationDate", MANAGER_ABSENT]
# CQC's relationship types, as the API writes them, and the canonical words.
RELATIONSHIP_TYPES = {"hsca predecessor": "predecessor", "hsca successor": "successor"}

# Words the API prints where no rating on CQC's scale is published: key
# questions "No published rating", and the compliance outcomes of reports
# from before ratings began in 2014 ("No action", "Compliance action").
API_NO_RATING_WORDS: dict[str, str | None] = {
    "no published rating": None,
    "no action": None,
    "compliance action": None,
}
_RATINGS: dict[str, str | None] = {
    **{k.lower(): v for k, v in RATING_WORDS.items()},
    **API_NO_RATING_WORDS,
}
_KEY_QUESTIONS = {k.lower(): v for k, v in KEY_QUESTION_WORDS.items()}
_SPECIALISMS = {k.lower(): v.value for k, v in SPECIALISM_GROUPS.items()}
_SERVICE_TYPES = {k.lower(): v for k, v in SERVICE_TYPE_SECTORS.items()}
_SERVICE_TYPE_NAMES = {k.lower(): v for k, v in DIRECTORY_SERVICE_TYPE_SECTORS.items()}
OVERALL_GROUP = "Overall"
_NOT_PARSED = object()


class CqcApiAdapter:
    """Reads CQC public API location records (JSON responses or a CSV extract)."""

    source = CQC_API_LOCATIONS
    formats: Sequence[FileFormat] = (FileFormat.CSV, FileFormat.XLSX, FileFormat.ODS)

    def recognise(self, workbook: Workbook) -> Match | None:
        """The sheet whose header has the API's `locationId` and `providerId` keys."""
        for name in workbook.sheet_names[:1]:
            row = find_header(workbook.head(name), _SIGNATURE)
            if row is not None:
                return Match(name, row)
        return None

    def read(self, workbook: Workbook, match: Match, options: ReadOptions) -> Parsed:
        """Read a CSV (or spreadsheet) extract of API location records."""
        table = workbook.table(match.sheet, match.header_row)
        return _read_table(table, options, "file rows")

    def recognise_json(self, document: object) -> bool:
        """Whether the document is API location records (one, a list, or `locations`)."""
        records = _json_records(document)
        return records is not None and len(records) > 0

    def read_json(self, document: object, path: Path, options: ReadOptions) -> Parsed:
        """Read API location records from a parsed JSON document."""
        records = _json_records(document) or []
        summaries = [i for i, r in enumerate(records) if "providerId" not in r]
        if summaries:
            raise DataProblemError(
                [
                    DataProblem(
                        ProblemCode.WRONG_FORMAT,
                        path.name,
                        "full location records (GET /locations/{id}), not the list "
                        "endpoint's summaries (locationId, locationName, postalCode)",
                        row=summaries[0] + 1,
                        column="providerId",
                    )
                ]
            )
        return _read_table(_records_table(path.name, records), options, "JSON records")


def _json_records(document: object) -> list[Mapping[str, object]] | None:
    """The location records a JSON document holds, or None if it is not API locations."""
    items: object
    if isinstance(document, dict):
        if "locationId" in document:
            return [document]
        items = document.get("locations")
    else:
        items = document
    if not isinstance(items, list) or not items:
        return None
    if all(isinstance(i, dict) and "locationId" in i for i in items):
        return list(items)
    return None


def _records_table(file: str, records: Sequence[Mapping[str, object]]) -> RawTable:
    """Records as a table of text cells (nested values as Python-repr text).

    The header is row 0, so a problem's row is the 1-based record number.
    """
    keys: dict[str, None] = {}
    for record in records:
        keys.update(dict.fromkeys(record))
    columns = {
        key: pl.Series(key, [_cell(r.get(key)) for r in records], dtype=pl.String) for key in keys
    }
    return RawTable(file, file, 0, pl.DataFrame(columns))


def _cell(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict | list):
        return repr(value)
    if isinstance(value, bool):
        return "Y" if value else "N"
    text = str(value)
    return text if text.strip() else None


@dataclass(slots=True)
class _Nested:
    """What one row's nested fields hold, and the problems found reading them."""

    ratings: list[dict[str, object]] = field(default_factory=list)
    sectors: set[Sector] = field(default_factory=set)
    client_groups: set[str] = field(default_factory=set)
    primary_category: str | None = None
    report_dates: list[date] = field(default_factory=list)
    relationships: list[dict[str, object]] = field(default_factory=list)
    problems: list[DataProblem] = field(default_factory=list)


class _RowReader:
    """Reads the nested fields of one table row, naming the row in every problem."""

    def __init__(self, table: RawTable, index: int, location_id: str | None) -> None:
        self.table = table
        self.row = table.file_row(index)
        self.location_id = location_id
        self.out = _Nested()

    def problem(self, code: ProblemCode, column: str, expected: str, value: object) -> None:
        """Record a problem in this row."""
        self.out.problems.append(
            DataProblem(code, self.table.file, expected, self.row, column, str(value))
        )

    def parse(self, column: str, text: str | None, kind: type) -> object | None:
        """A nested cell's value, or None (and a problem) if it is not `kind`."""
        if text is None:
            return None
        try:
            value = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            value = _NOT_PARSED
        if not isinstance(value, kind):
            expected = "a list" if kind is list else "an object"
            self.problem(
                ProblemCode.UNKNOWN_VALUE,
                column,
                f"{expected} of CQC API `{column}` (JSON or Python-repr text)",
                text,
            )
            return None
        return value

    def iso_date(self, column: str, value: object) -> date | None:
        """A nested ISO date, or None (and a problem) if it is not one."""
        if value is None or value == "":
            return None
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            self.problem(ProblemCode.BAD_DATE, column, "an ISO date such as 2021-04-30", value)
            return None

    def rating(self, column: str, word: object) -> str | None:
        """A rating id for a CQC rating word; None for no rating; a problem if unknown."""
        if word is None:
            return None
        key = str(word).strip().lower()
        if key in _RATINGS:
            return _RATINGS[key]
        words = ", ".join(sorted(k for k in RATING_WORDS if k))
        self.problem(ProblemCode.UNKNOWN_RATING, column, f"one of: {words}", word)
        return None

    def key_question(self, column: str, name: object) -> str | None:
        """A key question id for a CQC key question name; a problem if unknown."""
        key = str(name).strip().lower()
        if key in _KEY_QUESTIONS and key != "overall":
            return _KEY_QUESTIONS[key]
        words = ", ".join(sorted(k for k in KEY_QUESTION_WORDS if k != "overall"))
        self.problem(ProblemCode.UNKNOWN_VALUE, column, f"one of: {words}", name)
        return None

    def add_rating(
        self, key_question: str | None, word: object, published: date | None, current: bool
    ) -> None:
        """Add one rating row unless the word is no rating."""
        column = "currentRatings" if current else "historicRatings"
        rating = self.rating(column, word)
        if rating is None or key_question is None:
            return
        self.out.ratings.append(
            {
                "location_id": self.location_id,
                "service_group": OVERALL_GROUP,
                "key_question": key_question,
                "rating": rating,
                "publication_date": published,
                "current": current,
            }
        )

    def ratings(self, overall: object, default_date: date | None, current: bool) -> None:
        """The overall rating and key question ratings of one report."""
        column = "currentRatings" if current else "historicRatings"
        if not isinstance(overall, dict):
            if overall is not None:
                self.problem(ProblemCode.UNKNOWN_VALUE, column, "an `overall` object", overall)
            return
        own = self.iso_date(column, overall.get("reportDate")) or default_date
        self.add_rating("overall", overall.get("rating"), own, current)
        questions = overall.get("keyQuestionRatings") or []
        if not isinstance(questions, list):
            self.problem(ProblemCode.UNKNOWN_VALUE, column, "a keyQuestionRatings list", questions)
            return
        for question in questions:
            if not isinstance(question, dict):
                self.problem(ProblemCode.UNKNOWN_VALUE, column, "a key question rating", question)
                continue
            published = self.iso_date(column, question.get("reportDate")) or own
            key = self.key_question(column, question.get("name"))
            self.add_rating(key, question.get("rating"), published, current)

    def relationships(self, found: object) -> None:
        """The other registrations CQC links to this location (predecessors, successors)."""
        column = "relationships"
        for entry in found if isinstance(found, list) else []:
            if not isinstance(entry, dict):
                self.problem(
                    ProblemCode.UNKNOWN_VALUE,
                    column,
                    "a relationship object with relatedLocationId and type",
                    entry,
                )
                continue
            related = str(entry.get("relatedLocationId") or "").strip()
            if not related or related == self.location_id:
                self.problem(
                    ProblemCode.MISSING_VALUE if not related else ProblemCode.UNKNOWN_VALUE,
                    column,
                    "a relatedLocationId naming another CQC location, e.g. 1-123456789",
                    entry.get("relatedLocationId"),
                )
                continue
            kind = RELATIONSHIP_TYPES.get(str(entry.get("type") or "").strip().lower())
            if kind is None:
                words = ", ".join(t.title().replace("Hsca", "HSCA") for t in RELATIONSHIP_TYPES)
                self.problem(
                    ProblemCode.UNKNOWN_VALUE, column, f"a type, one of: {words}", entry.get("type")
                )
                continue
            name = str(entry.get("relatedLocationName") or "").strip() or None
            reason = str(entry.get("reason") or "").strip() or None
            self.out.relationships.append(
                {
                    "location_id": self.location_id,
                    "related_location_id": related,
                    "related_location_name": name,
                    "relationship": kind,
                    "reason": reason,
                }
            )


def _read_row(
    table: RawTable, index: int, location_id: str | None, cellsof: dict[str, str | None]
) -> _Nested:
    """Read one row's nested fields: ratings, sectors, client groups, report dates."""
    reader = _RowReader(table, index, location_id)
    out = reader.out
    last = reader.parse("lastReport", cellsof.get("lastReport"), dict)
    if isinstance(last, dict):
        published = reader.iso_date("lastReport", last.get("publicationDate"))
        if published is not None:
            out.report_dates.append(published)
    current = reader.parse("currentRatings", cellsof.get("currentRatings"), dict)
    if isinstance(current, dict) and current:
        top = reader.iso_date("currentRatings", current.get("reportDate"))
        overall = current.get("overall")
        overall_date = (
            reader.iso_date("currentRatings", overall.get("reportDate"))
            if isinstance(overall, dict)
            else None
        )
        out.report_dates += [d for d in (top, overall_date) if d is not None]
        reader.ratings(overall, top, current=True)
    historic = reader.parse("historicRatings", cellsof.get("historicRatings"), list)
    for report in historic if isinstance(historic, list) else []:
        if not isinstance(report, dict):
            reader.problem(
                ProblemCode.UNKNOWN_VALUE, "historicRatings", "a historic rating object", report
            )
            continue
        published = reader.iso_date("historicRatings", report.get("reportDate"))
        reader.ratings(report.get("overall"), published, current=False)
    reader.relationships(reader.parse("relationships", cellsof.get("relationships"), list))
    types = reader.parse("gacServiceTypes", cellsof.get("gacServiceTypes"), list)
    for service in types if isinstance(types, list) else []:
        if isinstance(service, dict):
            description = str(service.get("description") or "").strip().lower()
            name = str(service.get("name") or "").strip().lower()
            sector = _SERVICE_TYPES.get(description) or _SERVICE_TYPE_NAMES.get(name)
            if sector is not None:
                out.sectors.add(sector)
    specialisms = reader.parse("specialisms", cellsof.get("specialisms"), list)
    for specialism in specialisms if isinstance(specialisms, list) else []:
        if isinstance(specialism, dict):
            group = _SPECIALISMS.get(str(specialism.get("name") or "").strip().lower())
            if group is not None:
                out.client_groups.add(group)
    categories = reader.parse("inspectionCategories", cellsof.get("inspectionCategories"), list)
    for category in categories if isinstance(categories, list) else []:
        if isinstance(category, dict) and str(category.get("primary")).lower() == "true":
            out.primary_category = str(category.get("name") or "") or None
            break
    return out


def _read_table(table: RawTable, options: ReadOptions, unit: str) -> Parsed:
    """Read API location records held as a table of text cells."""
    cells.require_columns(table, REQUIRED, "the keys of a CQC API location record")
    problems: list[DataProblem] = []
    order, order_problems = cells.file_date_order(table, DATE_COLUMNS, options.date_order)
    if order_problems:
        raise DataProblemError(order_problems)
    registered, problems_registered = cells.dates(table, "registrationDate", order)
    deregistered, problems_deregistered = cells.dates(table, "deregistrationDate", order)
    manager_absent, manager_problems = cells.dates(
        table, MANAGER_ABSENT, order, not_after=options.load_date
    )
    beds, beds_problems = cells.whole_number(table, "numberOfBeds")
    latitude, latitude_problems = cells.number(table, "onspdLatitude")
    longitude, longitude_problems = cells.number(table, "onspdLongitude")
    dormant, dormant_problems = cells.flag(table, "dormancy", blank=None)
    care_home, care_home_problems = cells.flag(table, "careHome", blank=None)
    problems += problems_registered + problems_deregistered + manager_problems + beds_problems
    problems += latitude_problems + longitude_problems + dormant_problems + care_home_problems
    postcode, postcode_problems = cells.postcode(table, "postalCode")
    la_code, area_problems = council_codes(table, "localAuthority")
    problems += postcode_problems + area_problems
    problems += cells.required(table, "locationId", "a CQC location id such as 1-123456789")
    problems += duplicate_problems(table, ["locationId"], "locationId")

    location_ids = cells.text(table, "locationId").to_list()
    nested_text = {c: cells.text(table, c).to_list() for c in NESTED}
    nested: list[_Nested] = []
    for index, location_id in enumerate(location_ids):
        row = {c: values[index] for c, values in nested_text.items()}
        parsed = _read_row(table, index, location_id, row)
        problems += parsed.problems
        nested.append(parsed)
    keep = cells.good_rows(table, problems)
    kept = [n for n, k in zip(nested, keep.to_list(), strict=True) if k]

    locations = pl.DataFrame(
        {
            "location_id": cells.text(table, "locationId"),
            "provider_id": cells.text(table, "providerId"),
            "name": cells.text(table, "name"),
            "address": _address(
                cells.text(table, "postalAddressLine1"), cells.text(table, "postalAddressLine2")
            ),
            "town": cells.text(table, "postalAddressTownCity"),
            "postcode": postcode,
            "latitude": latitude,
            "longitude": longitude,
            "la_name": cells.text(table, "localAuthority"),
            "la_code": la_code,
            "region": cells.text(table, "region"),
            "registration_date": registered,
            "deregistration_date": deregistered,
            "dormant": dormant,
            "care_home": care_home,
            "beds": beds,
            "location_type": cells.text(table, "type"),
            "inspection_directorate": cells.text(table, "inspectionDirectorate"),
            "primary_inspection_category": pl.Series(
                [n.primary_category for n in nested], dtype=pl.String
            ),
            "registered_manager_absent": _manager_absent(table, manager_absent),
            "registered_manager_absent_date": manager_absent,
        },
    ).filter(keep)
    locations = locations.with_columns(
        adult_social_care=social_care(
            locations["location_type"],
            locations["primary_inspection_category"],
        ),
    )
    kept_ids = locations["location_id"].to_list()
    kept_care_home = locations["care_home"].to_list()
    sectors = pl.DataFrame(
        [
            {"location_id": lid, "sector": s.value}
            for lid, n, home in zip(kept_ids, kept, kept_care_home, strict=True)
            for s in sorted(with_care_home(n.sectors | ({Sector.CARE_HOME} if home else set())))
        ],
        schema={"location_id": pl.String, "sector": pl.String},
    )
    client_groups = pl.DataFrame(
        [
            {"location_id": lid, "client_group": g}
            for lid, n in zip(kept_ids, kept, strict=True)
            for g in sorted(n.client_groups)
        ],
        schema={"location_id": pl.String, "client_group": pl.String},
    )
    ratings = _ratings([r for n in kept for r in n.ratings])
    relationships = pl.DataFrame(
        [r for n in kept for r in n.relationships], schema=_RELATIONSHIP_SCHEMA
    ).unique(["location_id", "related_location_id", "relationship"], maintain_order=True)
    providers = (
        locations.filter(pl.col("provider_id").is_not_null())
        .unique("provider_id", keep="first", maintain_order=True)
        .select("provider_id")
    )
    release_date, note = _release_date(
        table.file, [d for n in nested for d in n.report_dates], options
    )
    note += f"; {table.frame.height} {unit}; text dates read {order.value}"
    return Parsed(
        source=CQC_API_LOCATIONS,
        release_date=release_date,
        rows=table.frame.height,
        tables={
            "location": locations,
            "provider": providers,
            "location_sector": sectors,
            "location_client_group": client_groups,
            "rating": ratings,
            "location_relationship": relationships,
        },
        problems=problems,
        note=note,
    )


_RELATIONSHIP_SCHEMA = {
    "location_id": pl.String,
    "related_location_id": pl.String,
    "related_location_name": pl.String,
    "relationship": pl.String,
    "reason": pl.String,
}


def _manager_absent(table: RawTable, absent_date: pl.Series) -> pl.Series:
    """Whether each location was without its registered manager: a date says absent, a blank
    says present; unknown (null) when the records do not carry the key at all."""
    name = "registered_manager_absent"
    if MANAGER_ABSENT not in table.frame.columns:
        return pl.Series(name, [None] * table.frame.height, dtype=pl.Boolean)
    return absent_date.is_not_null().alias(name)


_RATING_SCHEMA = {
    "location_id": pl.String,
    "service_group": pl.String,
    "key_question": pl.String,
    "rating": pl.String,
    "publication_date": pl.Date,
    "current": pl.Boolean,
}


def _ratings(rows: list[dict[str, object]]) -> pl.DataFrame:
    """Rating rows, one per location x key question x publication date; current ones win.

    CQC sometimes lists two reports of one date, and a historic report of the
    current rating's date: the first of each is kept, the current first.
    """
    frame = pl.DataFrame(rows, schema=_RATING_SCHEMA)
    key = ["location_id", "service_group", "key_question", "publication_date"]
    return (
        frame.with_row_index("_order")
        .sort(["current", "_order"], descending=[True, False])
        .unique(key, keep="first", maintain_order=True)
        .sort("_order")
        .drop("_order")
    )


def _address(line1: pl.Series, line2: pl.Series) -> pl.Series:
    """Postal address lines 1 and 2 joined by a comma."""
    frame = pl.DataFrame({"a": line1, "b": line2})
    return frame.select(pl.concat_str("a", "b", separator=", ", ignore_nulls=True)).to_series()


def _release_date(file: str, found: list[date], options: ReadOptions) -> tuple[date, str]:
    """--release-date if given, else the latest report publication date in the records."""
    if options.release_date is not None:
        return options.release_date, "release date given by the user"
    if found:
        return max(found), (
            "release date from the latest lastReport.publicationDate / "
            "currentRatings reportDate in the records"
        )
    raise DataProblemError(
        [
            DataProblem(
                ProblemCode.NO_RELEASE_DATE,
                file,
                "a lastReport.publicationDate or currentRatings reportDate in the records, "
                "or --release-date",
            )
        ]
    )
