"""The metric catalogue as Markdown: docs/metrics.md is this text (a test keeps it so)."""

from __future__ import annotations

from caremarket.metrics.demand import prevalences
from caremarket.metrics.finance import assumptions
from caremarket.metrics.registry import METRICS, Theme


def catalogue_markdown() -> str:
    """Every registered metric by theme, then the parameters behind them with references."""
    lines = [
        "# Metrics",
        "",
        "Generated from the metric registry (`caremarket.metrics`); "
        "`caremarket metrics list` prints the same. Every metric gives one row per "
        "area x sector x client group x period, with `all` totals; `n` is the number of "
        "people, locations or agreements behind a value. *Personal* metrics aggregate "
        "person-level council tables: public outputs show them only with small numbers "
        "suppressed, and the rows behind them never leave the council role. *Sectors* are "
        "those a metric describes (dashboards and the map offer it only there); a figure "
        "drawn from CQC locations is *not known*, never 0, where the release does not give "
        "the facts it needs (see `caremarket.domain.release_fact`).",
        "",
    ]
    for theme in Theme:
        members = [m for m in METRICS.values() if m.theme is theme]
        if not members:
            continue
        lines += [f"## {theme.value.capitalize()}", ""]
        lines += [
            "| metric | label | unit | levels | inputs | sectors | release must give | personal |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for m in sorted(members, key=lambda m: m.name):
            levels = ", ".join(m.levels)
            inputs = ", ".join(i.value for i in m.inputs)
            sectors = ", ".join(sorted(s.value for s in m.sectors)) if m.sectors else "every"
            needs = ", ".join(f.value for f in m.needs) or "-"
            lines.append(
                f"| `{m.name}` | {m.label} | {m.unit.value} | {levels} | {inputs} | {sectors} | "
                f"{needs} | {'yes' if m.personal else 'no'} |"
            )
        lines.append("")
        for m in sorted(members, key=lambda m: m.name):
            lines.append(f"- `{m.name}`: {m.description}")
        lines.append("")
    lines += ["## Parameters", "", "### Prevalence rates (demand)", ""]
    for p in prevalences().values():
        lines.append(f"- `{p.name}` ({p.label}): {p.reference}, {p.source_date}. <{p.url}>")
        if p.note:
            lines.append(f"  {p.note}")
    lines += ["", "### Finance assumptions", ""]
    for name, entry in assumptions().items():
        reference = entry["reference"]
        lines.append(
            f"- `{name}` = {entry['value']} ({entry['unit']}): {reference['title']}, "
            f"{entry['source_date']}. <{reference['url']}>"
        )
        if entry.get("note"):
            lines.append(f"  {entry['note']}")
    return "\n".join(lines) + "\n"
