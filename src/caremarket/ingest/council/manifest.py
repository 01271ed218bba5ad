"""`council.yaml`: whose extract a folder holds, its date, and the council's rating scales.

council: Norfolk          # the council's name or GSS code (or la_code: E10000020)
extract_date: 2026-06-01  # the day the files were extracted
synthetic: false          # true only for demo data
scales:                   # rating scales of local assessments beyond cqc and pamms
  qaf: {gold: outstanding, silver: good, bronze: requires_improvement, red: inadequate}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final

from caremarket.domain.area import Area, find_council
from caremarket.domain.council_name import council_named
from caremarket.ingest.council.context import CouncilContext
from caremarket.ingest.council.scales import BUILT_IN_SCALES, RATING_IDS, Scale
from caremarket.ingest.council.yaml_text import line_map, line_of, parse_yaml
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode

MANIFEST: Final = "council.yaml"
_KEYS: Final = ("council", "la_code", "extract_date", "synthetic", "scales")

Report = Callable[..., None]
"""Records a problem in council.yaml: (code, key, expected, value)."""


class NoCouncilError(ValueError):
    """Neither council.yaml nor the user said whose extract a folder holds."""


def read_context(directory: Path, la: str | None = None) -> CouncilContext:
    """The council context of a folder from its council.yaml and/or the user's --la.

    DataProblemError for a council.yaml that is wrong; NoCouncilError when
    nothing names the council, or --la names another council than council.yaml.
    """
    path = directory / MANIFEST
    given = _council(la) if la is not None else None
    if not path.is_file():
        if given is None:
            raise NoCouncilError(
                f"{directory} has no {MANIFEST}: give the council with --la NAME|CODE, "
                f"or write {MANIFEST} with `council: NAME` and `extract_date: YYYY-MM-DD`"
            )
        return CouncilContext(given.code, given.name)
    context = _read_manifest(path, given)
    if given is not None and given.code != context.la_code:
        raise NoCouncilError(
            f"--la names {given.name} ({given.code}) but {MANIFEST} names "
            f"{context.la_name} ({context.la_code}): which council's extract is it?"
        )
    return context


def _council(name_or_code: str) -> Area:
    try:
        return council_named(name_or_code)
    except ValueError as error:
        raise NoCouncilError(str(error)) from None


def _read_manifest(path: Path, given: Area | None) -> CouncilContext:
    text = path.read_text(encoding="utf-8")
    document = parse_yaml(text, path.name, expected=f"{MANIFEST} as YAML key: value lines")
    document = {} if document is None else document
    lines = line_map(text)
    problems: list[DataProblem] = []

    def problem(code: ProblemCode, key: str, expected: str, value: object = None) -> None:
        shown = None if value is None else str(value)
        problems.append(DataProblem(code, path.name, expected, line_of(lines, (key,)), key, shown))

    if not isinstance(document, dict):
        raise DataProblemError(
            [DataProblem(ProblemCode.BAD_FRONT_MATTER, path.name, "a mapping of key: value")]
        )
    for key in document:
        if key not in _KEYS:
            problem(ProblemCode.UNKNOWN_VALUE, str(key), "one of: " + ", ".join(_KEYS), key)
    named = document.get("la_code", document.get("council"))
    area = find_council(str(named)) if named is not None else given
    if area is None:
        key = "la_code" if "la_code" in document else "council"
        problem(
            ProblemCode.UNKNOWN_AREA if named is not None else ProblemCode.MISSING_VALUE,
            key,
            "an English county or unitary council's name or GSS code, e.g. Norfolk or E10000020",
            named,
        )
    extract = document.get("extract_date")
    if extract is not None and not isinstance(extract, date):
        extract = _date(str(extract))
        if extract is None:
            problem(ProblemCode.BAD_DATE, "extract_date", "a date such as 2026-06-01",
                    document["extract_date"])  # fmt: skip
    synthetic = document.get("synthetic", False)
    if not isinstance(synthetic, bool):
        problem(ProblemCode.UNKNOWN_VALUE, "synthetic", "true or false", synthetic)
    scales = _scales(document.get("scales") or {}, problem)
    if problems:
        raise DataProblemError(problems)
    assert area is not None
    return CouncilContext(
        area.code,
        area.name,
        extract_date=extract if isinstance(extract, date) else None,
        synthetic=synthetic is True,
        scales=scales,
    )


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _scales(declared: Any, problem: Report) -> Mapping[str, Scale]:
    scales: dict[str, Scale] = dict(BUILT_IN_SCALES)
    if not isinstance(declared, dict):
        problem(ProblemCode.UNKNOWN_VALUE, "scales", "a mapping of scale names to their words")
        return scales
    expected = "each word of a scale mapped to " + ", ".join(sorted(RATING_IDS)) + " or null"
    for name, words in declared.items():
        if not isinstance(words, dict):
            problem(ProblemCode.UNKNOWN_VALUE, "scales", expected, name)
            continue
        mapped: dict[str, str | None] = {}
        for word, rating in words.items():
            value = None if rating is None else str(rating).strip().lower().replace(" ", "_")
            if value is not None and value not in RATING_IDS:
                problem(ProblemCode.UNKNOWN_RATING, "scales", expected, f"{word}: {rating}")
            mapped[str(word).strip().lower()] = value
        scales[str(name).strip().lower()] = mapped
    return scales


def write_manifest(path: Path, context: CouncilContext) -> Path:
    """Write a council.yaml naming the council, the extract date and (for demo data) synthetic."""
    lines = [f"council: {context.la_name}", f"la_code: {context.la_code}"]
    if context.extract_date is not None:
        lines.append(f"extract_date: {context.extract_date.isoformat()}")
    if context.synthetic:
        lines.append("synthetic: true")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
