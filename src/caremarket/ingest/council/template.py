"""What a council data template is: documented CSV columns that validate themselves.

A template is declared once (see `caremarket.ingest.council.templates`); its
Frictionless Table Schema, its reader's checks and the documentation are all
derived from that declaration.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from caremarket.domain.release import Source
from caremarket.ingest.problem import ProblemCode


class FieldType(StrEnum):
    """A template column's type, in Frictionless Table Schema's words."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Field:
    """One column of a council template and every check its values must pass.

    `enum` lists the allowed values (ids); `aliases` are other words accepted
    for them, case-insensitively (e.g. a sector's label). `pattern` is a
    regular expression the whole value must match once trimmed (and upper-cased
    when `upper_case`); `hint` says what such a value looks like. `default`
    fills a blank cell of an optional column.
    """

    name: str
    type: FieldType
    description: str
    unit: str = ""
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    pattern: str = ""
    hint: str = ""
    minimum: float | None = None
    maximum: float | None = None
    upper_case: bool = False
    default: str | None = None
    enum_problem: ProblemCode = ProblemCode.UNKNOWN_VALUE

    @property
    def expected(self) -> str:
        """What a good value of this column is, as a problem report says it."""
        if self.enum:
            return "one of: " + ", ".join(self.enum)
        if self.hint:
            return self.hint
        if self.type is FieldType.DATE:
            return "a date such as 2026-05-29"
        if self.type is FieldType.INTEGER:
            return "a whole number of 0 or more"
        if self.type is FieldType.NUMBER:
            return "a number" + self.range_text
        return "a value"

    @property
    def range_text(self) -> str:
        """The allowed range as words, e.g. ` from 0 to 1`, or blank."""
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f" from {_number(low)} to {_number(high)}"
        if low is not None:
            return f" of {_number(low)} or more"
        if high is not None:
            return f" of {_number(high)} or less"
        return ""

    def schema(self) -> dict[str, Any]:
        """The field as a Frictionless Table Schema field descriptor."""
        described = self.description + (f" Unit: {self.unit}." if self.unit else "")
        field: dict[str, Any] = {"name": self.name, "type": self.type.value}
        field["description"] = described
        if self.type is FieldType.DATE:
            field["format"] = "default"
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.pattern:
            constraints["pattern"] = self.pattern
        if self.minimum is not None:
            constraints["minimum"] = _number(self.minimum)
        if self.maximum is not None:
            constraints["maximum"] = _number(self.maximum)
        if constraints:
            field["constraints"] = constraints
        return field


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True, slots=True)
class Template:
    """A council data template: a CSV file's columns, checks and the table it fills.

    `name` is the file's stem (`service_agreements.csv`). `date_order` pairs
    an earlier date column with one that may not come before it; each group
    in `one_of` needs a value in at least one of its columns. The release is
    dated by the council's extract date, else by the latest value of
    `dated_by`.
    """

    name: str
    title: str
    description: str
    table: str
    source: Source
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    date_order: tuple[tuple[str, str], ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()
    dated_by: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        """The CSV header, in order."""
        return [f.name for f in self.fields]

    @property
    def required_columns(self) -> list[str]:
        """The columns every file of this template must have."""
        return [f.name for f in self.fields if f.required]

    def field(self, name: str) -> Field:
        """The field called `name`; KeyError if there is none."""
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(name)

    def schema(self) -> dict[str, Any]:
        """The Frictionless Table Schema as a JSON-ready mapping.

        The checks Table Schema cannot say (date order, one-of groups) are
        kept under `caremarket` so the file still validates elsewhere.
        """
        schema: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "fields": [f.schema() for f in self.fields],
            "missingValues": [""],
        }
        if self.primary_key:
            schema["primaryKey"] = list(self.primary_key)
        checks: dict[str, Any] = {"table": self.table, "source": self.source.id}
        if self.date_order:
            checks["dateOrder"] = [list(pair) for pair in self.date_order]
        if self.one_of:
            checks["oneOf"] = [list(group) for group in self.one_of]
        schema["caremarket"] = checks
        return schema


def write_schema(directory: Path, template: Template) -> Path:
    """Write the template's Frictionless Table Schema as ``<name>.schema.json``."""
    path = directory / f"{template.name}.schema.json"
    path.write_text(json.dumps(template.schema(), indent=2) + "\n", encoding="utf-8")
    return path
