"""The edition's ledger of figures: each metric evaluated once per level, disclosure applied,
and every number the document prints recorded with its metric, cell and releases."""

from __future__ import annotations

from typing import Any, Literal

import polars as pl

from caremarket.analysis import Gathered, MetricResult, evaluate
from caremarket.metrics import Level, Metric, Unit, get_metric
from caremarket.metrics.definition import reader_definition
from caremarket.report.disclosure import DisclosurePolicy
from caremarket.report.formatting import number
from caremarket.report.model import Figure

# Units where a metric that was computed but has no row for a cell means none.
ADDITIVE_UNITS = frozenset(
    {Unit.COUNT, Unit.PEOPLE, Unit.BEDS, Unit.JOBS, Unit.GBP, Unit.HOURS_PER_WEEK}
)
Period = Literal["first", "last"] | str


class Ledger:
    """Metric results for one edition, with the disclosure policy of a public edition."""

    def __init__(self, gathered: Gathered, policy: DisclosurePolicy | None = None) -> None:
        self.gathered = gathered
        self.policy = policy
        self.figures: dict[str, Figure] = {}
        self._results: dict[tuple[str, Level], MetricResult] = {}
        self._frames: dict[tuple[str, Level], pl.DataFrame] = {}
        self._cells: dict[tuple[str, Level], dict[tuple[str, str, str, str], dict[str, Any]]] = {}
        self._periods: dict[tuple[str, Level], list[str]] = {}
        self.used_metrics: dict[str, Metric] = {}

    @property
    def public(self) -> bool:
        """Whether this is a public edition."""
        return self.policy is not None

    def withheld(self, name: str) -> bool:
        """Whether a public edition leaves the metric out."""
        return self.policy is not None and not self.policy.publishable(get_metric(name))

    def result(self, name: str, level: Level = Level.COUNCIL) -> MetricResult:
        """The metric at a level (evaluated once)."""
        key = (name, level)
        if key not in self._results:
            self._results[key] = evaluate(self.gathered, name, level)
        return self._results[key]

    def missing(self, name: str) -> tuple[str, ...]:
        """Why a metric cannot be shown (empty when it can)."""
        if self.withheld(name):
            return ("left out of the public edition: it is drawn from person-level records",)
        return self.result(name).missing

    def available(self, name: str) -> bool:
        """Whether the metric can be shown in this edition."""
        return not self.missing(name)

    def frame(self, name: str, level: Level = Level.COUNCIL) -> pl.DataFrame:
        """The metric's rows with `suppressed`, disclosure applied (empty if unavailable)."""
        key = (name, level)
        if key in self._frames:
            return self._frames[key]
        if not self.available(name) or level not in get_metric(name).levels:
            found = self.result(name).frame.head(0).with_columns(suppressed=pl.lit(False))
        elif self.policy is None:
            found = self.result(name, level).frame.with_columns(suppressed=pl.lit(False))
        else:
            found = self.policy.suppress(self.result(name, level).frame)
        self._frames[key] = found
        return found

    def _cell_index(
        self, name: str, level: Level
    ) -> tuple[dict[tuple[str, str, str, str], dict[str, Any]], list[str]]:
        """The metric's rows by (area, sector, client group, period), and its periods (once)."""
        key = (name, level)
        if key not in self._cells:
            frame = self.frame(name, level)
            self._cells[key] = {
                (r["area_code"], r["sector"], r["client_group"], r["period"]): r
                for r in frame.to_dicts()
            }
            self._periods[key] = sorted(frame["period"].unique().drop_nulls().to_list())
        return self._cells[key], self._periods[key]

    def periods(self, name: str, level: Level = Level.COUNCIL) -> list[str]:
        """The periods the metric has rows for, sorted."""
        return list(self._cell_index(name, level)[1])

    def figure(
        self,
        name: str,
        *,
        sector: str = "all",
        client_group: str = "all",
        level: Level = Level.COUNCIL,
        area_code: str | None = None,
        period: Period = "last",
    ) -> Figure | None:
        """One cell as a recorded figure; None when the metric cannot be shown.

        A computed additive metric with no row for the cell is zero (no
        locations, no spend); other metrics give an empty cell "not applicable".
        """
        if not self.available(name):
            return None
        metric = get_metric(name)
        result = self.result(name, level)
        index, periods = self._cell_index(name, level)
        chosen_period = self._period(periods, period)
        code = area_code or self.gathered.inputs.council.code
        row = index.get((code, sector, client_group, chosen_period))
        name_of_area = self.gathered.inputs.council.name if area_code is None else ""
        unknown = metric.unknown_in(self.gathered.inputs.facts, sector, client_group)
        if row is None or unknown is not None:
            # No row: none of something countable the release can tell (0), a cell it
            # cannot tell (not known, with the reason), or a sector the metric does not
            # describe (n/a).
            countable = metric.unit in ADDITIVE_UNITS and metric.applies_to(sector)
            value: float | None = 0.0 if countable and unknown is None else None
            n: int | None = 0 if value is not None else None
            suppressed = False
            if row is not None:
                name_of_area = row["area_name"]
        else:
            value, n, suppressed = row["value"], row["n"], row["suppressed"]
            name_of_area = row["area_name"]
        if suppressed and self.policy is not None:
            text = self.policy.marker
        elif unknown is not None:
            text = "not known"
        elif value is None:
            # A row with no value: the engine could not know it; no row, a sector the metric
            # does not describe, or nothing behind it (a share of no locations): n/a.
            nothing = row is None or n == 0 or not metric.applies_to(sector)
            text = "n/a" if nothing else "not known"
        else:
            text = number(value, metric.unit)
        found = Figure(
            key="|".join((name, level.value, code, sector, client_group, chosen_period)),
            metric=name,
            label=reader_label(metric),
            unit=metric.unit.value,
            value=value,
            text=text,
            n=n,
            area_code=code,
            area_name=name_of_area,
            sector=sector,
            client_group=client_group,
            period=chosen_period,
            release_ids=tuple(r.release_id for r in result.releases),
            suppressed=suppressed,
            note=unknown or "",
        )
        self.figures[found.key] = found
        self.used_metrics[name] = metric
        return found

    @staticmethod
    def _period(found: list[str], period: Period) -> str:
        if period not in ("first", "last"):
            return period
        if not found:
            return ""
        return str(found[0] if period == "first" else found[-1])

    def note_metric(self, name: str) -> None:
        """Record that a chart or table used a metric (for the definitions appendix)."""
        self.used_metrics[name] = get_metric(name)

    def release_ids(self, *names: str) -> tuple[str, ...]:
        """The releases behind some metrics, each once."""
        seen: dict[str, None] = {}
        for name in names:
            if self.available(name):
                for used in self.result(name).releases:
                    seen.setdefault(used.release_id, None)
        return tuple(seen)


def reader_label(metric: Metric) -> str:
    """A metric's name as readers see it (its definition's label, else its own label)."""
    written = reader_definition(metric.name)
    return metric.label if written is None else written.label
