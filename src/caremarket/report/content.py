"""Building an edition's content from gathered metric inputs: pure, no store access.

The chapters follow real Market Position Statements (see the project's MPS
structure notes): introduction and strategic context, demand, the market as
a whole, one chapter per sector, workforce, the care economy, locality pages,
commissioning intentions and key messages, what changed, and the appendix.
"""

from __future__ import annotations

from typing import Any

from caremarket.domain.freshness import Freshness, edition_too_old
from caremarket.domain.release import Licence
from caremarket.report.chapters.appendix import definitions, references, release_sources
from caremarket.report.chapters.demand import demand
from caremarket.report.chapters.economy import economy
from caremarket.report.chapters.glance import at_a_glance
from caremarket.report.chapters.intentions import intentions
from caremarket.report.chapters.introduction import introduction, strategic_context
from caremarket.report.chapters.localities import localities
from caremarket.report.chapters.outcomes import outcomes
from caremarket.report.chapters.quality_warning import quality_warning
from caremarket.report.chapters.sectors import sectors
from caremarket.report.chapters.supply import supply
from caremarket.report.chapters.workforce import workforce
from caremarket.report.checklist import take_gaps
from caremarket.report.context import Context, ReportInputs
from caremarket.report.diff import changes
from caremarket.report.disclosure import DisclosurePolicy
from caremarket.report.formatting import long_date
from caremarket.report.ledger import Ledger
from caremarket.report.model import Cell as C
from caremarket.report.model import Edition, Paragraph, Section, Table


def _changes_section(previous: dict[str, Any], ledger: Ledger) -> Section:
    found = changes(previous, list(ledger.figures.values()))
    label = f"the {previous['edition']} edition (as at {previous_date(previous)})"
    if not found:
        blocks: list[Any] = [Paragraph(f"No published figure changed since {label}.")]
    else:
        arrows = {"up": "▲ up", "down": "▼ down"}
        rows = tuple((C(c.label), C(c.before), C(c.after), C(arrows[c.direction])) for c in found)
        blocks = [
            Paragraph(
                f"{len(found)} of the council-wide figures in this edition differ from {label}."
            ),
            Table(
                f"What changed since {label}",
                ("Figure", "Last edition", "This edition", "Change"),
                rows,
            ),
        ]
    return Section("changes", "What changed since the last edition", blocks)


def previous_date(previous: dict[str, Any]) -> str:
    """The previous edition's as-of date in words."""
    from datetime import date

    return long_date(date.fromisoformat(str(previous["as_of"])))


def freshness_notices(inputs: ReportInputs) -> list[str]:
    """Cover notices when the data are old for the edition or for its as-of date."""
    newest = inputs.gathered.newest_location_release()
    if newest is None:
        return []
    found = []
    too_old = edition_too_old(newest, inputs.edition)
    if too_old is not None:
        found.append(f"OLD DATA: {too_old[0].upper()}{too_old[1:]}.")
    warning = Freshness(newest, inputs.gathered.inputs.as_of).warning()
    if warning is not None:
        found.append(warning)
    return found


def build_edition(
    inputs: ReportInputs,
    *,
    policy: DisclosurePolicy | None = None,
    previous: dict[str, Any] | None = None,
    extra_releases: tuple[tuple[str, str, object, str, str], ...] = (),
    draft: bool = False,
) -> Edition:
    """The content of one edition; `policy` makes it public, `previous` adds what changed,
    `draft` keeps the gaps in the document (a published edition lists them in the editor's
    checklist only)."""
    ledger = Ledger(inputs.gathered, policy)
    ctx = Context(inputs, ledger)
    council = inputs.gathered.inputs.council
    sections = [
        introduction(ctx),
        at_a_glance(ctx, previous),
        strategic_context(ctx),
        demand(ctx),
        supply(ctx),
        sectors(ctx),
        workforce(ctx),
        economy(ctx),
        localities(ctx),
        intentions(ctx),
    ]
    told = outcomes(ctx)
    if told is not None:
        sections.insert(sections.index(next(s for s in sections if s.key == "workforce")), told)
    if policy is None and inputs.quality_warning is not None:
        # Internal editions only, before the commissioning intentions.
        sections.insert(len(sections) - 1, quality_warning(ctx, inputs.quality_warning))
    if previous is not None:
        sections.insert(3, _changes_section(previous, ledger))
    sources = release_sources(inputs.gathered, extra_releases)
    notices = []
    if any(s.synthetic for s in sources):
        notices.append(
            "SYNTHETIC DEMO DATA: figures marked as synthetic in the appendix describe an "
            "invented market and no real service, provider or person."
        )
    notices += freshness_notices(inputs)
    editor_notes = []
    if draft:
        notices.insert(
            0,
            "DRAFT: the parts the council has not yet written or loaded are shown in place, "
            "in dashed boxes. Not for publication.",
        )
    if policy is not None:
        notices.append(policy.cover_note())
    else:
        personal = any(m.personal for m in ledger.used_metrics.values())
        drawn = "figures from the council's person-level records and " if personal else ""
        notices.append(f"Internal edition: includes {drawn}small numbers. Not for publication.")
        editor_notes.append(
            "This is the internal edition: publish the edition made with `--public`, which "
            "suppresses small numbers and leaves out figures from person-level records."
        )
    gaps = take_gaps(sections, draft=draft)
    return Edition(
        council_code=council.code,
        council_name=council.name,
        edition=inputs.edition,
        as_of=inputs.gathered.inputs.as_of,
        public=policy is not None,
        notices=notices,
        sections=sections,
        sources=sources + references(policy),
        definitions=definitions(ledger.used_metrics.values()),
        figures=list(ledger.figures.values()),
        previous_edition=None if previous is None else str(previous["edition"]),
        draft=draft,
        gaps=gaps,
        editor_notes=editor_notes,
    )


def title(edition: Edition) -> str:
    """The document's title."""
    return f"{edition.council_name} Market Position Statement {edition.edition}"


def subtitle(edition: Edition) -> str:
    """The line under the title: the date the figures describe."""
    return f"Adult social care: figures as at {long_date(edition.as_of)}"


_ = Licence
