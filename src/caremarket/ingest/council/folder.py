"""A council's extract folder: which files are which template, and reading each one.

A file is recognised by its name first (`service_agreements*.csv` is the
service agreements template) and by its header otherwise; the narrative is a
folder `narrative/` or a file `narrative.yaml`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Protocol

from caremarket.domain.release import Source
from caremarket.ingest.adapter import Match, Parsed
from caremarket.ingest.council.assessments import LocalAssessmentsAdapter
from caremarket.ingest.council.context import CouncilContext
from caremarket.ingest.council.manifest import MANIFEST
from caremarket.ingest.council.narrative import (
    FOLDER,
    YAML_NAMES,
    narrative_hash,
    read_narrative,
)
from caremarket.ingest.council.reader import TemplateAdapter, header_name
from caremarket.ingest.council.skills_for_care import SkillsForCareAdapter
from caremarket.ingest.council.templates import (
    FEE_RATES,
    INTERIM_CARE_LIST,
    SERVICE_AGREEMENTS,
    TEMPLATES,
    WORKFORCE,
)
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.workbook import Workbook, file_hash, open_workbook

TABULAR_SUFFIXES: Final = frozenset({".csv", ".xlsx", ".xls", ".ods"})


class CouncilAdapter(Protocol):
    """Reads one kind of council file into canonical tables."""

    source: Source

    def recognise(self, workbook: Workbook) -> Match | None:
        """Where this adapter's table is in the workbook, or None if it is not ours."""
        ...

    def read(self, workbook: Workbook, match: Match, context: CouncilContext) -> Parsed:
        """Read the file for the council; DataProblemError for problems with the whole file."""
        ...


TEMPLATE_ADAPTERS: Final[dict[str, TemplateAdapter]] = {
    t.name: TemplateAdapter(t)
    for t in (SERVICE_AGREEMENTS, INTERIM_CARE_LIST, WORKFORCE, FEE_RATES)
} | {"local_assessments": LocalAssessmentsAdapter()}
# Asked in this order when a file's name says nothing; Skills for Care's layout last.
HEADER_ADAPTERS: Final[tuple[CouncilAdapter, ...]] = (
    *TEMPLATE_ADAPTERS.values(),
    SkillsForCareAdapter(),
)


def council_files(directory: Path) -> tuple[list[Path], list[Path]]:
    """The files (and narrative folder) of an extract folder to read, and those left alone."""
    read: list[Path] = []
    ignored: list[Path] = []
    for path in sorted(directory.iterdir()):
        name = path.name.lower()
        if name.startswith(".") or name == MANIFEST or name.endswith(".schema.json"):
            continue
        if path.is_dir():
            (read if name == FOLDER else ignored).append(path)
        elif name in YAML_NAMES or (
            path.suffix.lower() in TABULAR_SUFFIXES and not name.endswith(".problems.csv")
        ):
            read.append(path)
        else:
            ignored.append(path)
    return read, ignored


def missing_files(folder: str, present: set[str]) -> tuple[DataProblem, ...]:
    """A problem for each council template with no file in the folder, by template name.

    Not a reason to refuse the folder (a council may load its files month by
    month), but said, so a forgotten file is not mistaken for an empty one.
    """
    workforce = {WORKFORCE.source.id, SkillsForCareAdapter.source.id}
    missing: list[DataProblem] = []
    for template in TEMPLATES:
        found = workforce if template is WORKFORCE else {template.source.id}
        if present & found:
            continue
        named = (
            "narrative/ or narrative.yaml" if template.name == FOLDER else f"{template.name}.csv"
        )
        missing.append(
            DataProblem(
                ProblemCode.MISSING_FILE,
                f"{folder}/",
                f"{named} (the {template.title.lower()} template; see docs/council-templates.md)",
                value="no such file in the folder",
            )
        )
    return tuple(missing)


def is_narrative(path: Path) -> bool:
    """Whether the path is the extract's narrative (folder or YAML file)."""
    return path.name.lower() == FOLDER if path.is_dir() else path.name.lower() in YAML_NAMES


def extract_hash(path: Path) -> str:
    """SHA-256 of a file's bytes (of a narrative folder, of its files' names and bytes)."""
    return narrative_hash(path) if is_narrative(path) else file_hash(path)


def read_council_file(path: Path, context: CouncilContext) -> Parsed:
    """Read one file of the extract; DataProblemError for a file that cannot be read."""
    if is_narrative(path):
        return read_narrative(path, context)
    workbook = open_workbook(path, context.encoding)
    named = _named(path)
    for adapter in (*([named] if named else []), *HEADER_ADAPTERS):
        match = adapter.recognise(workbook)
        if match is not None:
            return adapter.read(workbook, match, context)
    if named is not None:  # named as a template but without its header: say which columns lack
        return named.read(workbook, Match(workbook.sheet_names[0], 1), context)
    first = workbook.head(workbook.sheet_names[0], 1) if workbook.sheet_names else []
    got = ", ".join(c for c in (first[0] if first else []) if c)
    names = ", ".join(f"{t.name}.csv" for t in TEMPLATES if t.name != FOLDER)
    raise DataProblemError(
        [
            DataProblem(
                ProblemCode.WRONG_HEADER,
                path.name,
                f"a council template ({names}; see docs/council-templates.md) named after "
                "its template or with its header, or Skills for Care's local area layout",
                row=1,
                value=got or "(blank)",
            )
        ]
    )


def _named(path: Path) -> TemplateAdapter | None:
    stem = header_name(path.stem)
    for name, adapter in TEMPLATE_ADAPTERS.items():
        if stem.startswith(name) or stem.startswith(adapter.template.table):
            return adapter
    return None
