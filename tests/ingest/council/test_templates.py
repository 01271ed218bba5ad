"""The template declarations: their schemas, their tables and their documentation agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caremarket.domain.tables import PERSONAL_TABLES, TABLES_BY_NAME
from caremarket.ingest.council.template import FieldType, Template
from caremarket.ingest.council.template_docs import templates_markdown
from caremarket.ingest.council.templates import TEMPLATES
from caremarket.ingest.sources import SOURCES

ROOT = Path(__file__).resolve().parents[3]
# Frictionless Table Schema (v1) field types and constraints the templates may use.
_TYPES = {"string", "integer", "number", "date"}
_CONSTRAINTS = {"required", "unique", "enum", "pattern", "minimum", "maximum"}
# Columns a template fills other than from a CSV column of the same name.
_DERIVED = {"release_id", "la_code", "rating_as_given", "area_code"}


def test_doc_is_written_from_the_declarations() -> None:
    """docs/council-templates.md is exactly what the declarations write (regenerate if not)."""
    doc = (ROOT / "docs" / "council-templates.md").read_text(encoding="utf-8")
    assert doc == templates_markdown(), (
        "regenerate: python -m caremarket.ingest.council.template_docs docs/council-templates.md"
    )


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_schema_is_a_table_schema(template: Template) -> None:
    """Each schema has unique named fields of Table Schema types and known constraints."""
    schema = json.loads(json.dumps(template.schema()))
    names = [f["name"] for f in schema["fields"]]
    assert len(names) == len(set(names))
    for field in schema["fields"]:
        assert field["type"] in _TYPES
        assert set(field.get("constraints", {})) <= _CONSTRAINTS
        assert field["description"].endswith(".")
    assert set(schema.get("primaryKey", [])) <= set(names)
    checks = schema["caremarket"]
    assert checks["table"] == template.table
    assert {c for pair in checks.get("dateOrder", []) for c in pair} <= set(names)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_template_fills_its_canonical_table(template: Template) -> None:
    """Every template column is a column of its table, and the table's required ones are filled."""
    table = TABLES_BY_NAME[template.table]
    assert set(template.columns) <= set(table.column_names)
    filled = {f.name for f in template.fields if f.required or f.default is not None}
    if template.table == "narrative_block":
        filled.add("position")  # numbered in folder order when blank
    required = {c.name for c in table.columns if c.required} - _DERIVED
    assert required <= filled, required - filled
    assert template.source in SOURCES
    assert table.columns[1].name == "la_code"


def test_person_level_tables_are_personal() -> None:
    """Service agreements and the interim care list, and only they, are personal data."""
    assert {"service_agreement", "interim_care_entry"} == PERSONAL_TABLES


def test_dates_and_numbers_carry_types_and_units() -> None:
    """Money and hours columns say their unit; shares are bounded 0 to 1."""
    for template in TEMPLATES:
        for field in template.fields:
            if field.name.endswith(("_gbp", "_per_week")):
                assert field.unit, (template.name, field.name)
            if field.unit.startswith("share"):
                assert (field.minimum, field.maximum) == (0, 1)
            if field.name.endswith("_date"):
                assert field.type is FieldType.DATE


def test_demo_schemas_are_the_declared_ones(tmp_path: Path) -> None:
    """The demo writes each template's schema exactly as declared."""
    from caremarket.demo.council_tables import write_table
    from caremarket.ingest.council.templates import FEE_RATES

    _, schema = write_table(tmp_path, FEE_RATES, [])
    assert json.loads(schema.read_text()) == FEE_RATES.schema()
