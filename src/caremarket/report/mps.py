"""Writing a council's Market Position Statement: read what the edition needs from the store,
build its content, and write the HTML, the PDF and the machine-readable figures."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import polars as pl

from caremarket.analysis import Gathered, gather
from caremarket.brokerage.workflow.figures import BrokerageReading
from caremarket.domain.area import Area, districts_of
from caremarket.domain.freshness import edition_too_old
from caremarket.figures import council_figures
from caremarket.quality import NotEnoughHistory, Warning
from caremarket.report.branding import Branding, load_branding
from caremarket.report.checklist import CHECKLIST_SUFFIX, write_checklist
from caremarket.report.content import build_edition
from caremarket.report.context import ReportInputs, TrendPoint
from caremarket.report.diff import read_previous, write_figures
from caremarket.report.disclosure import disclosure_policy
from caremarket.report.html import render_html
from caremarket.report.model import Edition
from caremarket.store.store import Store
from caremarket.track_record import demand_track_record

Step = Callable[[str], None]
TREND_RELEASES = 12
Extra = tuple[str, str, object, str, str]


class StaleDataError(ValueError):
    """The data are too old for the edition asked for (go ahead with `allow_stale`)."""


@dataclass(frozen=True, slots=True)
class WrittenEdition:
    """The files one edition wrote."""

    edition: Edition
    html: Path
    pdf: Path | None
    figures: Path
    checklist: Path
    """The editor's checklist beside the edition: what it leaves out and why."""


def _table_exists(store: Store, table: str) -> bool:
    found = store.query(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?", [table]
    )
    return bool(found["n"][0])


def read_boundaries(
    store: Store, council: Area
) -> tuple[dict[str, tuple[str, dict[str, object]]], tuple[Extra, ...]]:
    """The latest loaded boundary of each of the council's districts, and its releases."""
    codes = [d.code for d in districts_of(council.code)] or [council.code]
    rows = store.query(
        """
        SELECT b.area_code, b.area_name, b.geometry, r.release_id, r.source_title,
               r.release_date, r.licence, r.file_name
        FROM boundary b JOIN release r USING (release_id)
        WHERE b.area_code IN (SELECT unnest(?))
        QUALIFY row_number() OVER (
            PARTITION BY b.area_code
            ORDER BY (b.layer = 'ltla') DESC, r.release_date DESC, r.loaded_at DESC) = 1
        """,
        [codes],
    )
    shapes = {
        row["area_code"]: (row["area_name"] or row["area_code"], json.loads(row["geometry"]))
        for row in rows.to_dicts()
    }
    releases = tuple(
        (
            row["release_id"],
            row["source_title"],
            row["release_date"],
            row["licence"],
            f"{row['file_name']}; used for district boundaries on maps",
        )
        for row in rows.unique("release_id").to_dicts()
    )
    return shapes, releases


def read_narrative(store: Store, council: Area, as_of: date) -> pl.DataFrame | None:
    """The council's latest narrative blocks on or before a date (None when none are loaded)."""
    if not _table_exists(store, "narrative_block"):
        return None
    rows = store.query(
        """
        SELECT n.* FROM narrative_block n
        WHERE n.la_code = ? AND n.release_id = (
            SELECT r.release_id FROM release r JOIN narrative_block x USING (release_id)
            WHERE x.la_code = ? AND r.release_date <= ?
            ORDER BY r.release_date DESC, r.loaded_at DESC LIMIT 1)
        """,
        [council.code, council.code, as_of],
    )
    return None if rows.is_empty() else rows


def read_trend(store: Store, council: Area, as_of: date) -> tuple[TrendPoint, ...]:
    """The share rated good or outstanding per sector at each CQC release covering the council."""
    dates = store.query(
        """
        SELECT DISTINCT r.release_date AS d
        FROM release r JOIN release_coverage c USING (release_id)
        WHERE r.source_id LIKE 'cqc_%' AND c.la_code = ? AND r.release_date <= ?
        ORDER BY d DESC LIMIT ?
        """,
        [council.code, as_of, TREND_RELEASES],
    )["d"].to_list()
    points: list[TrendPoint] = []
    if len(dates) < 2:
        return ()  # a trend needs two releases
    for day in sorted(dates):
        try:
            figures = council_figures(store, council, day)
        except LookupError:
            continue  # a release of ratings only: no locations to count on that day
        release = figures.releases[0].release_id if figures.releases else ""
        for row in figures.table.filter(pl.col("client_group") == "all").to_dicts():
            rated = sum(
                int(row[k] or 0)
                for k in ("outstanding", "good", "requires_improvement", "inadequate")
            )
            points.append(
                TrendPoint(day, row["sector"], row["pct_good_or_outstanding"], rated, release)
            )
    return tuple(points)


def edition_inputs(
    store: Store,
    council: Area,
    edition: str,
    as_of: date | None = None,
    *,
    gathered: Gathered | None = None,
    national: pl.DataFrame | None = None,
    with_trend: bool = True,
) -> tuple[ReportInputs, tuple[Extra, ...]]:
    """Everything the edition is built from, read from the store."""
    found = gathered or gather(store, council, as_of, national=national)
    day = found.inputs.as_of
    shapes, boundary_releases = read_boundaries(store, council)
    trend = read_trend(store, council, day) if with_trend else ()
    inputs = ReportInputs(
        gathered=found,
        edition=edition,
        boundaries=shapes,
        boundary_release_ids=tuple(r[0] for r in boundary_releases),
        trend=trend,
        narrative=read_narrative(store, council, day),
        track_record=demand_track_record(store, council),
    )
    return inputs, boundary_releases


def internal_warning(store: Store, council: Area, inputs: ReportInputs) -> Warning | None:
    """The quality early warning for the internal edition (None when histories are too thin)."""
    from caremarket.early_warning import council_warning

    try:
        return council_warning(store, council, inputs.gathered.inputs.as_of)
    except NotEnoughHistory:
        return None


def file_stem(council: Area, edition: str, public: bool, draft: bool = False) -> str:
    """The edition's file name without suffix: norfolk-mps-2026[-public][-draft]."""
    slug = "-".join(council.name.lower().replace(",", "").replace("'", "").split())
    return f"{slug}-mps-{edition}" + ("-public" if public else "") + ("-draft" if draft else "")


def write_mps(
    store: Store,
    council: Area,
    edition: str,
    out: Path,
    *,
    public: bool = False,
    previous: Path | None = None,
    as_of: date | None = None,
    pdf: bool = True,
    step: Step | None = None,
    allow_stale: bool = False,
    draft: bool = False,
    branding: Branding | None = None,
    brokerage: BrokerageReading | None = None,
) -> WrittenEdition:
    """Write one edition (HTML, PDF, figures.json and the editor's checklist) into `out`;
    ValueError for a bad --previous, StaleDataError when the data are more than a year older
    than the edition's year (unless `allow_stale`: the cover then says how old they are).

    A published edition leaves out what the council has not written or loaded and lists it
    in the checklist; `draft` shows those gaps in the document under a DRAFT watermark.
    `brokerage` is the workflow's figures read beforehand (None: the edition says they were
    not included)."""
    say = step or (lambda _: None)
    earlier = read_previous(previous) if previous is not None else None
    say("Gathering figures")
    inputs, extra = edition_inputs(store, council, edition, as_of)
    if public and brokerage is not None and brokerage.figures is not None:
        hidden = brokerage.figures.get("threshold")
        if hidden != disclosure_policy().threshold:
            raise ValueError(
                "a public edition needs the brokerage figures read with small numbers hidden "
                f"(threshold {disclosure_policy().threshold}, got {hidden})"
            )
    inputs = replace(inputs, brokerage=brokerage)
    newest = inputs.gathered.newest_location_release()
    too_old = None if newest is None else edition_too_old(newest, edition)
    if too_old is not None and not allow_stale:
        raise StaleDataError(
            f"{council.name}'s {edition} edition not written: {too_old}. Load a newer CQC "
            "release, choose an earlier --edition, or give --allow-stale to publish it with "
            "a notice of the data's age on the cover"
        )
    if not public:
        inputs = replace(inputs, quality_warning=internal_warning(store, council, inputs))
    say("Building the content")
    built = build_edition(
        inputs,
        policy=disclosure_policy() if public else None,
        previous=earlier,
        extra_releases=extra,
        draft=draft,
    )
    built.branding = branding or load_branding()
    out.mkdir(parents=True, exist_ok=True)
    stem = file_stem(council, edition, public, draft)
    say("Writing the HTML")
    html = out / f"{stem}.html"
    html.write_text(render_html(built), encoding="utf-8")
    figures = write_figures(built, out)
    checklist = write_checklist(built, out / f"{stem}{CHECKLIST_SUFFIX}")
    written_pdf = None
    if pdf:
        say("Writing the PDF")
        from caremarket.report.pdf import write_pdf

        written_pdf = write_pdf(built, out / f"{stem}.pdf")
    say("Done")
    return WrittenEdition(built, html, written_pdf, figures, checklist)
