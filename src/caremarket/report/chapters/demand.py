"""Demand: the population that needs care now and in future, and the people waiting."""

from __future__ import annotations

from caremarket.domain.ascof import financial_year_starting
from caremarket.metrics import Level
from caremarket.report import charts
from caremarket.report.chapters.areas import area_choropleth
from caremarket.report.chapters.brokerage import brokerage_waiting
from caremarket.report.context import Context, figure_cell, metric_table, text_cell
from caremarket.report.formatting import number, period_label
from caremarket.report.model import Block, Chart, KeyData, KeyFigure, Paragraph, Section, Table
from caremarket.report.sentences import projection_summary

_PROJECTED = (
    ("population_aged_65_plus", "People aged 65+"),
    ("population_aged_75_plus", "People aged 75+"),
    ("population_aged_85_plus", "People aged 85+"),
    ("people_with_dementia_65_plus", "People aged 65+ with dementia (predicted)"),
    ("people_needing_care_65_plus", "People aged 65+ needing help with a daily activity"),
)


def _population(ctx: Context) -> list[Block]:
    ledger = ctx.ledger
    missing = ctx.missing("Population and projected need", "population_aged_65_plus")
    if missing is not None:
        return [missing]
    items = []
    for name, label in (("population_aged_18_64", "People aged 18 to 64"), *_PROJECTED):
        figure = ledger.figure(name, period="first")
        if figure is not None:
            items.append(KeyFigure(f"{label} in {figure.period}", figure))
    for name, label in (
        ("growth_aged_65_plus", "Projected growth in people aged 65+"),
        ("growth_aged_85_plus", "Projected growth in people aged 85+"),
    ):
        for period in ledger.periods(name)[:2]:
            figure = ledger.figure(name, period=period)
            if figure is not None:
                items.append(KeyFigure(f"{label}, {period_label(period)}", figure))
    blocks: list[Block] = [
        KeyData(
            "Our population",
            tuple(items),
            (
                "Predicted numbers apply published "
                "prevalence rates by age and sex to the population (see the appendix).",
            ),
        )
    ]
    chart = _projection_chart(ctx)
    if chart is not None:
        blocks.append(chart)
    else:
        gap = ctx.missing("Population projections", "growth_aged_65_plus")
        if gap is not None:
            blocks.append(gap)
    level, areas = ctx.areas()
    base_year = ledger.periods("population_aged_65_plus")[0]
    table = metric_table(
        ctx,
        f"Population and predicted need by {level.value} in {base_year}",
        [
            ("population_aged_65_plus", "Aged 65+"),
            ("population_aged_85_plus", "Aged 85+"),
            ("people_with_dementia_65_plus", "Dementia 65+ (predicted)"),
        ],
        [(name, {"level": level, "area_code": code, "period": "first"}) for code, name in areas],
        first_column=level.value.capitalize(),
    )
    if table is not None:
        blocks.append(table)
    growth = "growth_aged_85_plus" if ctx.ledger.available("growth_aged_85_plus") else None
    if growth is not None:
        periods = ctx.ledger.periods(growth, Level.DISTRICT)
        period = periods[1] if len(periods) > 1 else (periods[0] if periods else "")
        found = area_choropleth(
            ctx,
            growth,
            title=f"Projected growth in people aged 85+ by district, {period_label(period)}",
            legend="Growth (%)",
            period=period,
            number_format=".0f",
        )
    else:
        found = area_choropleth(
            ctx,
            "population_aged_85_plus",
            title="People aged 85+ by district",
            legend="People aged 85+",
            period="first",
        )
    if found is not None:
        blocks.append(found)
    return blocks


def _projection_chart(ctx: Context) -> Chart | None:
    ledger = ctx.ledger
    if not ledger.available("growth_aged_65_plus"):
        return None
    rows: list[tuple[int, str, float]] = []
    table_rows = []
    for name, label in _PROJECTED:
        if not ledger.available(name):
            continue
        cells = []
        for period in ledger.periods(name):
            figure = ledger.figure(name, period=period)
            if figure is None or figure.value is None:
                continue
            rows.append((int(period), label, figure.value))
            cells.append((period, figure))
        table_rows.append((label, cells))
    if not rows:
        return None
    years = sorted({str(y) for y, _, _ in rows})
    body = tuple(
        (
            text_cell(label),
            *(
                next(
                    (figure_cell(f) for p, f in cells if p == year),
                    text_cell("not available"),
                )
                for year in years
            ),
        )
        for label, cells in table_rows
    )
    table = Table("People by year: estimate, then projections", ("Measure", *years), body)
    first = years[0]
    series = [
        (label, [(p, f.value) for p, f in cells if f.value is not None])
        for label, cells in table_rows
    ]
    summary = projection_summary(series, lambda v: number(v, "people"))
    return Chart(
        ctx.next_key("demand-projection"),
        f"Older people now ({first}) and projected to {years[-1]}",
        (
            "Line chart of people aged 65+, 75+ and 85+ and of predicted need in "
            f"{ctx.council_name} "
            f"from the {first} estimate to {years[-1]}: {summary}. The table below gives "
            "the numbers."
        ),
        charts.projection(rows),
        table,
        ledger.release_ids("growth_aged_65_plus", *(n for n, _ in _PROJECTED)),
    )


def _waiting(ctx: Context) -> list[Block]:
    missing = ctx.missing("People waiting for home care", "people_waiting")
    if missing is not None:
        return [missing]
    day = ctx.as_of_text
    items = []
    for name, sentence in (
        ("people_waiting", f"People on the interim care list at {day}"),
        ("hours_waiting", f"Hours of home care they need at {day}"),
        ("median_days_waiting", "Median days waited so far"),
        ("p90_days_waiting", "Days waited by the longest-waiting tenth"),
    ):
        figure = ctx.ledger.figure(name)
        if figure is not None:
            items.append(KeyFigure(sentence, figure))
    blocks: list[Block] = [KeyData("Supply and demand: people waiting for home care", tuple(items))]
    level, areas = ctx.areas()
    table = metric_table(
        ctx,
        f"People waiting for home care by {level.value} at {day}",
        [
            ("people_waiting", "People"),
            ("hours_waiting", "Hours of care"),
            ("share_of_hours_waiting", "Share of hours"),
        ],
        [(name, {"level": level, "area_code": code}) for code, name in areas],
        first_column=level.value.capitalize(),
    )
    if table is not None:
        blocks.append(table)
    return blocks


def demand(ctx: Context) -> Section:
    """The demand chapter."""
    section = Section("demand", "Demand")
    section.subsections = [
        Section("demand-population", "Population and need", _population(ctx), page_break=False),
        Section("demand-waiting", "People waiting for care", _waiting(ctx), page_break=False),
        Section(
            "demand-brokerage",
            "Sourcing care for the people waiting",
            brokerage_waiting(ctx),
            page_break=False,
        ),
    ]
    record = _track_record(ctx)
    if record:
        section.subsections.append(
            Section(
                "demand-track-record",
                "How projections like these have done",
                record,
                page_break=False,
            )
        )
    return section


_MEASURE_WORDS = {
    "2C": "admissions of people aged 65 and over to care homes",
    "2B": "admissions of people aged 18 to 64 to care homes",
}


def _track_record(ctx: Context) -> list[Block]:
    """The council's projections of past years against what the returns later recorded."""
    record = ctx.inputs.track_record
    if record is None or record.scored.is_empty():
        return []
    rows = []
    sentences = []
    for row in record.scored.sort("measure_code", "horizon", descending=[True, False]).to_dicts():
        words = _MEASURE_WORDS.get(row["measure_code"], row["measure_code"])
        span = (
            f"{financial_year_starting(row['base_year'])} to "
            f"{financial_year_starting(row['target_year'])}"
        )
        projected = (
            f"{row['projection_error_pct']:+.1f}%"
            if row["projection_error_pct"] is not None
            else "not known"
        )
        rows.append(
            (
                text_cell(words[0].upper() + words[1:]),
                text_cell(span),
                text_cell(f"{row['recorded']:,.0f}"),
                text_cell(f"{row['naive_error_pct']:+.1f}%"),
                text_cell(projected),
            )
        )
        summary = record.summary.filter(
            (record.summary["measure_code"] == row["measure_code"])
            & (record.summary["horizon"] == row["horizon"])
            & (record.summary["method"] == "naive")
        )
        others = (
            f"; across {summary['councils'][0]} councils the middle gap was "
            f"{summary['median_abs_error_pct'][0]:.0f}%"
            if summary.height and summary["councils"][0]
            else ""
        )
        side = "below" if row["naive_error_pct"] < 0 else "above"
        sentences.append(
            f"Over {row['horizon']} years ({span}), holding the first year's rate of {words} "
            f"per head of population would have given a number {abs(row['naive_error_pct']):.0f}% "
            f"{side} the one recorded for {ctx.council_name}{others}."
        )
    table = Table(
        "Past projections against the numbers later recorded",
        ("Measure", "Years", "Recorded", "Rate held", "Projected"),
        tuple(rows),
        note=(
            "Rate held: the first year's admissions per head of population, on the population "
            "later recorded. Projected: the first year's admissions grown with a population "
            "projection published by then; not known where no such projection is at hand. "
            "A gap is (forecast - recorded) / recorded. "
            "Source: NHS England, Adult Social Care Outcomes Framework (measures 2B and 2C, "
            "formerly 2A(1) and 2A(2))."
        ),
    )
    return [Paragraph(" ".join(sentences)), table]
