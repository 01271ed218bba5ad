"""At a glance: the handful of headline figures, with their change since the last edition."""

from __future__ import annotations

from typing import Any, Final

from caremarket.report.context import Context, figure_cell, text_cell
from caremarket.report.diff import previous_of
from caremarket.report.formatting import period_label
from caremarket.report.model import Block, Cell, Figure, Missing, Paragraph, Section, Table
from caremarket.report.sentences import change_text

# (metric, sector, period, row label); {day} is the as-of date, {period} the figure's period.
HEADLINES: Final = (
    ("locations", "all", "last", "Registered adult social care services"),
    ("providers", "all", "last", "Providers running them"),
    ("beds", "all", "last", "Registered care home beds"),
    ("pct_good_or_outstanding", "all", "last", "Services rated good or outstanding by CQC"),
    ("population_aged_65_plus", "all", "first", "People aged 65 and over ({period})"),
    (
        "growth_aged_85_plus",
        "all",
        "last",
        "Projected growth in people aged 85 and over ({period})",
    ),
    ("people_waiting", "all", "last", "People waiting for home care"),
    ("spend_in_year", "all", "last", "Our spend on adult social care ({period})"),
    ("jobs", "all", "last", "Jobs in adult social care"),
    ("vacancies", "all", "last", "Vacant posts in adult social care"),
)


def headline_figures(ctx: Context) -> list[tuple[str, Figure]]:
    """The headline figures this edition can show, with their row labels."""
    found = []
    for name, sector, period, label in HEADLINES:
        figure = ctx.ledger.figure(name, sector=sector, period=period)
        if figure is None or (figure.value is None and not figure.suppressed):
            continue
        found.append((label.format(period=period_label(figure.period)), figure))
    return found


def at_a_glance(ctx: Context, previous: dict[str, Any] | None) -> Section:
    """The at-a-glance page: headline figures now and, given the last edition's, then."""
    headlines = headline_figures(ctx)
    day = ctx.as_of_text
    blocks: list[Block] = []
    if previous is None:
        rows = tuple((text_cell(label), figure_cell(figure)) for label, figure in headlines)
        blocks.append(
            Table(f"Headline figures at {day}", ("Figure", f"At {day}"), rows, style="tiles")
        )
        blocks.append(
            Missing(
                "Change since the last edition",
                (
                    "give `caremarket report mps` the folder of the last edition with "
                    "`--previous FOLDER` (it reads the figures.json written there) to show "
                    "each figure's change since then",
                ),
                reader_note="Changes since the last edition are not shown: the last "
                "edition's figures were not available to compare with.",
            )
        )
    else:
        from caremarket.report.content import previous_date

        then = previous_date(previous)
        body: list[tuple[Cell, ...]] = []
        for label, figure in headlines:
            old = previous_of(previous, figure)
            if old is None:
                body.append((text_cell(label), figure_cell(figure), Cell("not given"), Cell("")))
                continue
            was = old.get("value")
            body.append(
                (
                    text_cell(label),
                    figure_cell(figure),
                    text_cell(str(old.get("text") or "not known")),
                    text_cell(
                        change_text(
                            None if old.get("suppressed") else was,
                            None if figure.suppressed else figure.value,
                            figure.unit,
                        )
                    ),
                )
            )
        blocks.append(
            Table(
                f"Headline figures at {day}, and in the {previous['edition']} edition "
                f"(as at {then})",
                ("Figure", f"At {day}", f"At {then}", "Change"),
                tuple(body),
                style="tiles",
            )
        )
    blocks.append(
        Paragraph(
            "Each figure is explained in the chapters that follow; the appendix defines every "
            "figure and lists the releases it comes from."
        )
    )
    return Section("at-a-glance", "At a glance", blocks)
