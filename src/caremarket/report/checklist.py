"""The editor's checklist: what an edition lacks, written beside it instead of inside it.

A published edition carries no build instruction: every part the council has
not written or loaded (a `Missing` block) is taken out of the document and
listed here with what to load and how, together with the figures the edition
suppresses or cannot know and why. A draft keeps the gaps in place as well.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from caremarket.report.formatting import long_date
from caremarket.report.model import Block, Edition, Gap, Missing, Paragraph, Section

CHECKLIST_SUFFIX = "-editor-checklist.md"


def take_gaps(sections: list[Section], *, draft: bool) -> list[Gap]:
    """Every gap in the sections, in document order; unless `draft`, each is taken out (a
    reader's note left in its place when it has one) and sections left empty are dropped."""
    found: list[Gap] = []

    def walk(items: list[Section], trail: tuple[str, ...]) -> list[Section]:
        kept: list[Section] = []
        for section in items:
            where = (*trail, section.title)
            blocks: list[Block] = []
            for block in section.blocks:
                if isinstance(block, Missing):
                    found.append(Gap(" > ".join(where), block.what, block.hints))
                    if draft:
                        blocks.append(block)
                    elif block.reader_note:
                        blocks.append(Paragraph(block.reader_note))
                else:
                    blocks.append(block)
            section.blocks = blocks
            section.subsections = walk(section.subsections, where)
            if section.blocks or section.subsections:
                kept.append(section)
        return kept

    kept = walk(sections, ())
    sections[:] = kept
    return found


def checklist_markdown(edition: Edition) -> str:
    """The checklist as Markdown: what is missing and what to load, suppressed and unknown
    figures and why, and notes for whoever publishes the edition."""
    kind = "public" if edition.public else "internal"
    lines = [
        f"# Editor's checklist: {edition.council_name} Market Position Statement {edition.edition}",
        "",
        f"The {kind} edition with figures as at {long_date(edition.as_of)}. This file is not "
        "part of the published document: it lists what the document leaves out and what to do "
        "about it. Give `--draft` to `caremarket report mps` to see these gaps in the "
        "document itself, under a DRAFT watermark.",
        "",
        "## Parts left out of the published edition",
        "",
    ]
    if not edition.gaps:
        lines.append("None: every part of the document has its content.")
    for gap in edition.gaps:
        lines.append(f"- [ ] **{gap.section}**: {gap.what}")
        lines += [f"  - {hint}" for hint in gap.hints]
    lines += ["", "## Suppressed figures", ""]
    suppressed = Counter(f.label for f in edition.figures if f.suppressed)
    if suppressed:
        lines.append(
            "Shown as the suppression marker because fewer people, locations or records than "
            "the small-number threshold lie behind them (see the public edition's cover):"
        )
        lines += [f"- {label}: {n} figure{'s' if n > 1 else ''}" for label, n in suppressed.items()]
    else:
        lines.append(
            "None." if edition.public else "None: an internal edition suppresses no figure."
        )
    lines += ["", "## Figures shown as not known", ""]
    unknown = Counter((f.label, f.note) for f in edition.figures if f.note)
    if unknown:
        lines += [
            f"- {label}: {n} figure{'s' if n > 1 else ''}, because {note}"
            for (label, note), n in unknown.items()
        ]
    else:
        lines.append("None.")
    if edition.editor_notes:
        lines += ["", "## Before publishing", ""]
        lines += [f"- {note}" for note in edition.editor_notes]
    return "\n".join(lines) + "\n"


def write_checklist(edition: Edition, path: Path) -> Path:
    """Write the editor's checklist."""
    path.write_text(checklist_markdown(edition), encoding="utf-8")
    return path
