"""The quality early warning: internal editions only.

A risk score about a named provider is not for publication, so the public
edition never has this chapter; the internal edition gives the quality team
the services most at risk with their reasons, the watch lists and the rules
applied to the rating histories.
"""

from __future__ import annotations

from caremarket.quality import WATCH_LISTS, Warning
from caremarket.report.context import Context
from caremarket.report.formatting import long_date
from caremarket.report.model import Block, Cell, Paragraph, Section, Table

SHOWN = 25
KEY = "quality-warning"
TITLE = "Quality early warning (internal)"


def _label(rating: str) -> str:
    return rating.replace("_", " ").capitalize()


def quality_warning(ctx: Context, warning: Warning) -> Section:
    """The chapter: the services most at risk, the watch lists, the share good or outstanding
    by CQC or local assessment, the rules for bad input."""
    scored = warning.scored
    blocks: list[Block] = [
        Paragraph(
            "For the council's quality team only: this chapter is left out of the public "
            "edition. For each service, the probability that its next CQC rating is Requires "
            "improvement or Inadequate, learnt from "
            f"{warning.training_rows:,} past outcomes of services in the loaded releases, as at "
            f"{long_date(warning.as_of)}; the reasons are the three signals weighing most for "
            "it. How well this would have worked on past rating histories is measured in the "
            "project's backtest of the warning."
        )
    ]
    lists = tuple(
        (Cell(w.title), Cell(f"{warning.watch_list(w.column).height:,}"), Cell(w.rule))
        for w in WATCH_LISTS
    )
    blocks.append(Table("Watch lists", ("List", "Services", "Rule"), lists))
    top = scored.head(SHOWN).to_dicts()
    rows = tuple(
        (
            Cell(str(r["name"] or r["location_id"])),
            Cell(_label(str(r["current_rating"]))),
            Cell(f"{100 * float(r['probability']):.0f}%"),
            Cell("; ".join(r["reasons"])),
        )
        for r in top
    )
    blocks.append(
        Table(
            f"The {len(rows)} services most at risk of a worse rating in {ctx.council_name}",
            ("Service", "CQC rating", "Probability", "Reasons"),
            rows,
            note=f"{scored.height:,} services scored.",
        )
    )
    assessed = warning.assessed
    if assessed is not None:
        shares = (
            ("CQC", assessed.pct_good_or_outstanding_cqc, assessed.rated_cqc),
            ("local assessment", assessed.pct_good_or_outstanding_local, assessed.assessed_local),
            (
                "CQC or local assessment",
                assessed.pct_good_or_outstanding_combined,
                assessed.counted_combined,
            ),
        )
        blocks.append(
            Table(
                "Services good or outstanding by CQC or local assessment",
                ("Rated by", "Good or outstanding", "Services rated"),
                tuple(
                    (
                        Cell(by),
                        Cell("unknown (none rated)" if pct is None else f"{pct:.1f}%"),
                        Cell(f"{n:,}"),
                    )
                    for by, pct, n in shares
                ),
                note=(
                    "Each service counts once: by CQC's overall rating where CQC has rated it, "
                    "else by the council's latest assessment."
                ),
            )
        )
    rules = tuple(
        (Cell(rule.value.replace("_", " ")), Cell(f"{count:,}"), Cell(rule.rule))
        for rule, count in warning.counts.items()
    )
    blocks.append(
        Table(
            "Rules for bad input in the rating histories", ("Rule", "Count", "What is done"), rules
        )
    )
    return Section(KEY, TITLE, blocks)
