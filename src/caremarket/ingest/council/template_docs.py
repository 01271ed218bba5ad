"""docs/council-templates.md, written from the template declarations (a test keeps them equal).

Regenerate with `python -m caremarket.ingest.council.template_docs docs/council-templates.md`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from caremarket.ingest.council.manifest import MANIFEST
from caremarket.ingest.council.scales import BUILT_IN_SCALES
from caremarket.ingest.council.skills_for_care import METRICS, SERVICE_SECTORS
from caremarket.ingest.council.template import Field, Template
from caremarket.ingest.council.templates import NARRATIVE, TABLE_TEMPLATES
from caremarket.ingest.problem import TITLES

_INTRO = f"""# Council data templates

<!-- Written by caremarket.ingest.council.template_docs from the template
declarations; do not edit by hand (a test checks this file against them). -->

Councils hold their own care data in no national format. caremarket reads a
council's extract as a folder of documented CSV templates and loads it with

```bash
caremarket ingest-council DIR [--la NAME|CODE] [--extract-date YYYY-MM-DD] \\
    [--date-order day-first|month-first] [--lenient] [--report PATH]
```

## The folder

```
DIR/
  {MANIFEST}                  # whose extract it is and when it was taken
  service_agreements.csv        # each template is one CSV (or .xlsx / .ods sheet)
  interim_care_list.csv
  workforce.csv                 # or Skills for Care's local area download
  fee_rates.csv
  local_assessments.csv
  narrative/                    # one Markdown file per narrative block
    01_introduction.md
```

Every template is optional: load what you have. A file is recognised by its
name (`service_agreements_2026-06.csv` is a service agreements file) or else
by its header; header names are matched ignoring case, spaces and hyphens.
Each file has a Frictionless Table Schema (`<name>.schema.json`, written
beside the demo's files) that other tools can validate with. Files that are no
template (`*.schema.json`, notes, `*.problems.csv`) are left alone.

`{MANIFEST}` names the council and the extract date:

```yaml
council: Norfolk          # the council's name or GSS code (or la_code: E10000020)
extract_date: 2026-06-01  # the day the files were extracted: each release's date
synthetic: false          # true only for demo data (licence: synthetic)
scales:                   # rating scales of local assessments beyond cqc and pamms
  qaf: {{gold: outstanding, silver: good, bronze: requires_improvement, red: inadequate}}
```

Without `{MANIFEST}`, `--la` names the council. Without an extract date, each
file is dated by its latest date (see *dated by* below).

## Loading rules

- **All or nothing.** The whole folder loads in one transaction: any data
  problem in any file stops the load and nothing changes. Every problem is
  reported with its file, row (as a spreadsheet numbers it, the header being
  row 1), column, value and what was expected, and written to a CSV report.
- **Lenient.** `--lenient` loads each file's good rows and reports the rows
  left out; a file that cannot be read at all (no header, a missing required
  column, unreadable YAML) still stops the load.
- **Idempotent.** A file already loaded (same bytes) is left as it is; a newer
  extract of a template is a new release beside the older ones.
- **Personal data.** Service agreements and the interim care list are about
  people: person ids must be pseudonyms (never names or NHS numbers), their
  releases carry the licence *Council data (restricted)* and their tables are
  marked personal, so the web tool and the public report refuse them.
- **Localities** are checked against the council's loaded localities
  (`caremarket ingest localities.csv`) when there are any.

"""


def _allowed(field: Field) -> str:
    parts: list[str] = []
    if field.enum:
        parts.append(", ".join(f"`{v}`" for v in field.enum))
    if field.pattern:
        parts.append(f"pattern `{field.pattern}`")
    if field.minimum is not None or field.maximum is not None:
        parts.append(field.range_text.strip())
    if field.unique:
        parts.append("unique")
    if field.default is not None:
        parts.append(f"blank means `{field.default}`")
    return "; ".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def template_section(template: Template) -> str:
    """One template's section: file, table, columns and checks."""
    lines = [
        f"## {template.title}: `{template.name}`",
        "",
        template.description,
        "",
        f"Loads into table `{template.table}` as source `{template.source.id}` "
        f"(licence: {template.source.licence.value}).",
        "",
        "| column | type | unit | required | allowed values | description |",
        "|---|---|---|---|---|---|",
    ]
    for field in template.fields:
        cells = (
            f"`{field.name}`",
            field.type.value,
            field.unit,
            "yes" if field.required else "",
            _allowed(field),
            field.description,
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines.append("")
    if template.primary_key:
        lines.append("- One row per " + " x ".join(f"`{c}`" for c in template.primary_key) + ".")
    for earlier, later in template.date_order:
        lines.append(f"- `{later}` may not come before `{earlier}`.")
    for group in template.one_of:
        lines.append("- At least one of " + " or ".join(f"`{c}`" for c in group) + ".")
    if template.dated_by:
        dated = " and ".join(f"`{c}`" for c in template.dated_by)
        lines.append(f"- Dated by the extract date, else the latest {dated}.")
    if any(f.type.value == "date" for f in template.fields):
        lines.append(
            "- Dates are ISO (`2026-05-29`) or slashed (`29/05/2026`); when every day in a "
            "file is 12 or under, day and month cannot be told apart: write ISO dates or "
            "give `--date-order`."
        )
    return "\n".join(lines) + "\n"


def _scales() -> str:
    lines = ["### Rating scales", "", "| scale | word | counts as CQC rating |", "|---|---|---|"]
    for name, words in BUILT_IN_SCALES.items():
        for word, rating in words.items():
            lines.append(f"| `{name}` | {word} | `{rating}` |")
    return "\n".join(lines) + "\n"


def _narrative() -> str:
    return """### Writing the narrative

One Markdown file per block in `narrative/`, with YAML front matter at the top:

```markdown
---
section: key_messages
sector: home_care
title: "Home care: key messages to providers"
position: 1
---
- We have a priority need for home care in the North, South and West localities.
```

or one `narrative.yaml`:

```yaml
blocks:
  - section: we_said_we_did
    title: Home care capacity
    body: |
      **We said** ... **We did** ... **We will** ...
```

Problems name the Markdown file and the line of the key that is wrong.
"""


def _skills_for_care() -> str:
    services = "\n".join(f"| {k} | `{v}` |" for k, v in SERVICE_SECTORS.items())
    metrics = "\n".join(f"| {k} | `{v}` |" for k, v in METRICS.items())
    return f"""## Workforce from Skills for Care: the local area data download

Skills for Care publishes its adult social care workforce estimates as a
"local area data download" (one row per area x sector x main service x job
role x variable). Its exact headings change between years and we found no
published specification, so caremarket accepts this long layout, matching
headings ignoring case:

| column | also accepted as | use |
|---|---|---|
| `Area code` | `Code`, `LA code`, `Local authority code` | the council's rows are kept |
| `Area` | `Area name`, `Local authority`, `LA name` | used when there is no code |
| `Year` | `Period` | `2023/24` is dated 31 March 2024; `2024` 31 March 2024 |
| `Sector` (optional) | | only `All sectors` rows are kept |
| `Main service` | `Service`, `Main service group` | mapped to sectors below |
| `Job role` | `Job role group` | only `All job roles` rows are kept |
| `Variable` | `Metric`, `Measure` | mapped to columns below |
| `Value` | | `26.3%` is 0.263; `*`, `-`, `x` (suppressed) are blank |

| main service | sector |
|---|---|
{services}

| variable | workforce column |
|---|---|
{metrics}

Other services and variables are left out and named in the release's note.
The release's source is `skills_for_care_workforce`.
"""


def _problems() -> str:
    rows = "\n".join(f"| `{code.value}` | {title} |" for code, title in TITLES.items())
    return f"""## Data problems

Council extracts get the same catalogue of data problems as public releases:

| code | title |
|---|---|
{rows}
"""


def templates_markdown() -> str:
    """The whole of docs/council-templates.md."""
    sections = [_INTRO]
    for template in TABLE_TEMPLATES:
        sections.append(template_section(template))
        if template.name == "local_assessments":
            sections.append(_scales())
    sections.append(template_section(NARRATIVE))
    sections.append(_narrative())
    sections.append(_skills_for_care())
    sections.append(_problems())
    return "\n".join(sections)


def main(argv: list[str]) -> None:
    """Write the Markdown to the path given (stdout if none)."""
    text = templates_markdown()
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
