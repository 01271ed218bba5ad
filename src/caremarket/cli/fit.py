"""`caremarket brokerage fit`: where each waiting package (or one asked about) fits best."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from caremarket.brokerage.fit import (
    Fit,
    FitRequest,
    daily_calls,
    fit_parameters,
    hard_to_serve,
    rank,
)
from caremarket.brokerage.fit.rank import DAY_NAMES
from caremarket.brokerage.rounds.templates import known_skills
from caremarket.cli.options import DbOption, LaOption, WideOption, date_option
from caremarket.cli.render import Fit as Columns
from caremarket.cli.render import OutputFormat, write_records
from caremarket.cli.user_error import UserError
from caremarket.package_fit import council_fit, council_rounds
from caremarket.pipeline import council
from caremarket.store.versions import reading


def _words(text: str | None) -> frozenset[str]:
    return frozenset(w.strip() for w in (text or "").replace(",", ";").split(";") if w.strip())


def _uncovered(fit: Fit) -> str:
    parts = []
    for item in fit.uncovered:
        days = "every day" if len(item.days) == 7 else ",".join(DAY_NAMES[d] for d in item.days)
        parts.append(f"{item.call} ({days}): {item.reason}")
    return "; ".join(parts)


def _records(
    request: FitRequest, hours: float, fits: list[Fit], top: int
) -> list[dict[str, object]]:
    hard = hard_to_serve(fits)
    shown: list[Fit | None] = list(fits[:top]) or [None]
    rows: list[dict[str, object]] = []
    for n, fit in enumerate(shown, start=1):
        rows.append(
            {
                "person_id": request.id,
                "postcode_district": request.postcode_district,
                "hours_per_week": hours,
                "hard_to_serve": hard,
                "rank": n if fit else None,
                "provider_id": fit.provider_id if fit else None,
                "location_id": fit.location_id if fit else None,
                "branch": fit.name if fit else None,
                "fits_whole_week": fit.feasible if fit else None,
                "extra_travel_minutes_per_week": fit.extra_travel_minutes_per_week if fit else None,
                "extra_travel_minutes_per_contact_hour": (
                    fit.extra_travel_minutes_per_contact_hour if fit else None
                ),
                "extra_lateness_minutes_per_week": (
                    fit.extra_lateness_minutes_per_week if fit else None
                ),
                "calls_left_out": _uncovered(fit) if fit else "no home-care branch runs packages",
            }
        )
    return rows


def fit(
    la: LaOption,
    db: DbOption = Path("caremarket.duckdb"),
    district: Annotated[
        str | None,
        typer.Option(
            "--district",
            help="Rank one package in this postcode district (e.g. NR5) instead of "
            "the people waiting on the interim care list.",
        ),
    ] = None,
    hours: Annotated[
        float | None,
        typer.Option("--hours", help="With --district: hours a week of the package.", min=0.25),
    ] = None,
    skills: Annotated[
        str,
        typer.Option("--skills", help="With --district: skills every call needs, ;-separated."),
    ] = "personal_care",
    double_handed: Annotated[
        str,
        typer.Option(
            "--double-handed",
            help="With --district: call bands made by two carers, e.g. morning;bed.",
        ),
    ] = "",
    top: Annotated[int, typer.Option("--top", help="Branches shown per package.", min=1)] = 3,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Running packages and waiting list on this date."),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, csv or json.")
    ] = OutputFormat.TABLE,
    wide: WideOption = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the branches' rounds.")] = 0,
) -> None:
    """Rank home-care branches by the extra travel and time a package costs their rounds.

    Each branch's rounds are planned from the packages it runs now (service agreements
    loaded by `caremarket ingest-council`); the package's calls are fitted in without
    moving the calls already there. A package no branch can take within the declared
    travel per contact hour (brokerage/data/fit.yaml) is flagged hard to serve.
    Postcode districts only: no names or addresses are read or shown.
    """
    parameters = fit_parameters()
    area = council(la)
    day = date_option(as_of)
    wanted: list[tuple[FitRequest, float]] = []
    if district is not None:
        if hours is None:
            raise typer.BadParameter("give the package's hours a week", param_hint="--hours")
        needs = _words(skills)
        unknown = sorted(needs - set(known_skills()))
        if unknown:
            raise typer.BadParameter(
                f"unknown skill(s) {', '.join(unknown)}; known: {', '.join(known_skills())}",
                param_hint="--skills",
            )
        bands = _words(double_handed)
        if bands - set(parameters.call_bands):
            raise typer.BadParameter(
                f"call bands are {', '.join(parameters.call_bands)}",
                param_hint="--double-handed",
            )
        calls = daily_calls(hours, parameters, needs, bands)
        wanted.append((FitRequest("request", district.strip().upper(), calls), hours))
    console = Console(stderr=True)
    with reading(db) as store:
        found = council_fit(store, area, parameters, day, [district] if district else [])
    if district is not None and not found.travel.knows(district):
        raise UserError(
            f"postcode district {district.upper()} has no postcodes of {area.name}",
            "give an outward code such as NR5",
        )
    if district is None:
        if not found.waiting:
            raise UserError(
                f"nobody is waiting for home care in {area.name} on {found.as_of.isoformat()}",
                "load the interim care list with `caremarket ingest-council`, or ask about "
                "one package with --district and --hours",
            )
        wanted = [(r, found.waiting_hours[r.id]) for r in found.waiting]
    if not found.branches:
        raise UserError(
            f"no home-care branch of {area.name} runs a package on {found.as_of.isoformat()}",
            "load the council's service agreements with `caremarket ingest-council`",
        )
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task(
            f"Planning branches' rounds from their packages on {found.as_of.isoformat()}",
            total=len(found.branches),
        )
        rounds = council_rounds(found, parameters, seed, lambda: progress.advance(task))
        ranking = progress.add_task("Ranking branches for each package", total=len(wanted))
        records: list[dict[str, object]] = []
        hard = 0
        for request, weekly in wanted:
            fits = rank(request, rounds, found.travel, parameters)
            hard += hard_to_serve(fits)
            records += _records(request, weekly, fits, top)
            progress.advance(ranking)
    write_records(
        records,
        output,
        title=f"Where each package fits, {area.name}, {found.as_of.isoformat()}",
        fit=Columns(optional=("provider_id", "branch", "hours_per_week")),
        wide=wide,
    )
    console.print(
        f"{hard} of {len(wanted)} package(s) hard to serve: no branch takes the whole week "
        f"within {parameters.hard_to_serve_minutes_per_contact_hour:.1f} extra travel minutes "
        "per contact hour (brokerage/data/fit.yaml).",
        highlight=False,
    )
