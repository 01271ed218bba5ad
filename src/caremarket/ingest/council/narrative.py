"""The council's narrative: Markdown files with YAML front matter, or one YAML list of blocks.

A folder `narrative/` holds one Markdown file per block:

    ---
    section: key_messages
    sector: home_care
    title: Key messages to home care providers
    position: 1
    ---
    We have a priority need for home care in the north, south and west...

or one `narrative.yaml` holds `blocks:`, a list of mappings with the same
keys and the text under `body`. Every value is checked as the narrative
template declares (caremarket.ingest.council.templates.NARRATIVE).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import polars as pl

from caremarket.ingest.adapter import Parsed
from caremarket.ingest.council.context import CouncilContext
from caremarket.ingest.council.reader import ROW, check_table, release_date
from caremarket.ingest.council.templates import NARRATIVE
from caremarket.ingest.council.yaml_text import line_map, line_of, parse_yaml
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.workbook import RawTable, file_hash

FOLDER: Final = "narrative"
YAML_NAMES: Final = ("narrative.yaml", "narrative.yml")
_BODY: Final = "body"
_KEYS: Final = (*(f.name for f in NARRATIVE.fields if f.name != "body_markdown"), _BODY)
_FENCE: Final = "---"


@dataclass(frozen=True, slots=True)
class Block:
    """One narrative block as written: its values as text, and where each one is."""

    file: str
    values: dict[str, str | None]
    lines: dict[str, int]
    line: int


def narrative_hash(path: Path) -> str:
    """SHA-256 of a narrative: the file's bytes, or each Markdown file's name and bytes."""
    if path.is_file():
        return file_hash(path)
    digest = hashlib.sha256()
    for file in markdown_files(path):
        digest.update(file.name.encode("utf-8") + b"\x00")
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def markdown_files(folder: Path) -> list[Path]:
    """The Markdown files of a narrative folder, in name order."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".md")


def read_narrative(path: Path, context: CouncilContext) -> Parsed:
    """Read a narrative folder or YAML file into narrative blocks; problems name file and line."""
    blocks = _yaml_blocks(path) if path.is_file() else _folder_blocks(path)
    name = path.name if path.is_file() else f"{path.name}/"
    if not blocks:
        raise DataProblemError(
            [DataProblem(ProblemCode.EMPTY_FILE, name, "at least one narrative block")]
        )
    problems = [p for b in blocks for p in _unknown_keys(b)]
    table = RawTable(
        name,
        FOLDER,
        1,
        pl.DataFrame(
            {
                key: pl.Series(key, [_value(b, key, n) for n, b in enumerate(blocks, 1)], pl.String)
                for key in NARRATIVE.columns
            }
        ),
    )
    checked = check_table(table, NARRATIVE, context)
    problems += [_placed(p, table, blocks) for p in checked.problems]
    frame = checked.frame
    when, note = release_date(name, frame, NARRATIVE, context)
    good = frame.filter(_good(blocks, problems)).drop(ROW)
    return Parsed(
        source=context.source(NARRATIVE.source),
        release_date=when,
        rows=len(blocks),
        tables={NARRATIVE.table: good.with_columns(la_code=pl.lit(context.la_code))},
        problems=problems,
        note=f"{note}; {good.height} blocks",
    )


def _value(block: Block, key: str, number: int) -> str | None:
    """A block's value; a block without a position takes its number in the folder or list."""
    value = block.values.get(key)
    return str(number) if key == "position" and value is None else value


def _good(blocks: list[Block], problems: list[DataProblem]) -> pl.Series:
    bad = {(p.file, p.row) for p in problems if p.row is not None}
    keep = [not any((b.file, line) in bad for line in (b.line, *b.lines.values())) for b in blocks]
    return pl.Series("keep", keep, pl.Boolean)


def _placed(problem: DataProblem, table: RawTable, blocks: list[Block]) -> DataProblem:
    """A problem the generic checks found, moved to the block's own file and line."""
    if problem.row is None:
        return problem
    block = blocks[problem.row - table.header_row - 1]
    line = block.lines.get(problem.column or "", block.line)
    return replace(problem, file=block.file, row=line)


def _unknown_keys(block: Block) -> list[DataProblem]:
    return [
        DataProblem(
            ProblemCode.UNKNOWN_VALUE,
            block.file,
            "one of the keys: " + ", ".join(_KEYS),
            row=block.lines.get(key, block.line),
            column=key,
            value=key,
        )
        for key in block.values
        if key not in NARRATIVE.columns
    ]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _folder_blocks(folder: Path) -> list[Block]:
    blocks: list[Block] = []
    problems: list[DataProblem] = []
    for path in markdown_files(folder):
        name = f"{folder.name}/{path.name}"
        try:
            blocks.append(_markdown_block(path.read_text(encoding="utf-8"), name))
        except DataProblemError as error:
            problems += error.problems
        except UnicodeDecodeError:
            problems.append(DataProblem(ProblemCode.WRONG_ENCODING, name, "text in UTF-8"))
    if problems:
        raise DataProblemError(problems)
    return blocks


def _markdown_block(text: str, name: str) -> Block:
    lines = text.removeprefix("\ufeff").splitlines()
    expected = "YAML front matter between `---` lines at the top (section, title, ...)"
    if not lines or lines[0].strip() != _FENCE:
        raise DataProblemError([DataProblem(ProblemCode.BAD_FRONT_MATTER, name, expected, row=1)])
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == _FENCE)
    except StopIteration:
        raise DataProblemError(
            [DataProblem(ProblemCode.BAD_FRONT_MATTER, name, expected + ": no closing `---`")]
        ) from None
    front = "\n".join(lines[1:end])
    values = parse_yaml(front, name, expected=expected, first_line=2) or {}
    if not isinstance(values, dict):
        raise DataProblemError([DataProblem(ProblemCode.BAD_FRONT_MATTER, name, expected, row=2)])
    where = line_map(front, first_line=2)
    body = "\n".join(lines[end + 1 :]).strip()
    found = {str(k): _text(v) for k, v in values.items()}
    found["body_markdown"] = body or None
    key_lines = {str(k): line_of(where, (str(k),)) or 2 for k in values}
    key_lines["body_markdown"] = end + 2
    return Block(name, found, key_lines, 1)


def _yaml_blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    expected = "a YAML mapping with `blocks:`, a list of blocks (section, title, body, ...)"
    document = parse_yaml(text, path.name, expected=expected)
    items = document.get("blocks") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise DataProblemError([DataProblem(ProblemCode.BAD_FRONT_MATTER, path.name, expected)])
    where = line_map(text)
    blocks: list[Block] = []
    for index, item in enumerate(items):
        at = line_of(where, ("blocks", index)) or 1
        if not isinstance(item, dict):
            raise DataProblemError(
                [DataProblem(ProblemCode.BAD_FRONT_MATTER, path.name, expected, row=at)]
            )
        found = {("body_markdown" if k == _BODY else str(k)): _text(v) for k, v in item.items()}
        lines = {
            ("body_markdown" if k == _BODY else str(k)): line_of(where, ("blocks", index, str(k)))
            or at
            for k in item
        }
        blocks.append(Block(path.name, found, lines, at))
    return blocks
