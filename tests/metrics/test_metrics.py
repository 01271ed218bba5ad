"""Each metric against figures worked out by hand from tiny constructed inputs."""

from __future__ import annotations

import statistics
from datetime import date

import polars as pl
import pytest

from caremarket.metrics import Level, get_metric
from caremarket.metrics.demand import prevalences
from caremarket.metrics.finance import financial_year

from .conftest import AS_OF, locations_frame


def cell(frame: pl.DataFrame, area: str, sector: str = "all", group: str = "all") -> float | None:
    """The value of one cube cell (None if the cell is absent or unknown)."""
    row = frame.filter(
        (pl.col("area_code") == area)
        & (pl.col("sector") == sector)
        & (pl.col("client_group") == group)
    )
    assert len(row) <= 1, row
    return None if row.is_empty() else row["value"][0]


NORFOLK = "E10000020"


def _three_homes() -> pl.DataFrame:
    return locations_frame(
        [
            {"location_id": "1-1", "beds": 40, "provider_id": "P1"},
            {"location_id": "1-2", "beds": 60, "provider_id": "P2", "rating": "inadequate",
             "sectors": ["care_home", "care_home_nursing"],
             "district_code": "E07000145", "district_name": "Great Yarmouth", "locality": "East"},
            {"location_id": "1-3", "beds": None, "care_home": False, "provider_id": "P1",
             "sectors": ["home_care"], "client_groups": ["older_people", "dementia"],
             "rating": "outstanding"},
        ]
    )  # fmt: skip


def test_supply_counts_roll_care_home_parts_into_care_homes(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """Locations, providers and beds by sector, with care homes over nursing and residential."""
    inputs = make_inputs(locations=_three_homes())
    locations = get_metric("locations")(inputs, Level.COUNCIL)
    assert cell(locations, NORFOLK) == 3
    assert cell(locations, NORFOLK, "care_home") == 2
    assert cell(locations, NORFOLK, "home_care", "dementia") == 1
    assert cell(get_metric("providers")(inputs, Level.COUNCIL), NORFOLK) == 2
    beds = get_metric("beds")(inputs, Level.COUNCIL)
    assert cell(beds, NORFOLK, "care_home") == 100
    assert cell(beds, NORFOLK, "home_care") is None  # unknown, not zero
    by_locality = get_metric("beds")(inputs, Level.LOCALITY)
    assert cell(by_locality, "East") == 60 and cell(by_locality, "Norwich") == 40


def test_good_or_outstanding_counts_rated_locations_only(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """Two of three rated locations are good or outstanding; not-rated ones are left out."""
    homes = _three_homes().vstack(
        locations_frame([{"location_id": "1-4", "rating": None, "publication_date": None}])
    )
    inputs = make_inputs(locations=homes)
    pct = get_metric("pct_good_or_outstanding")(inputs, Level.COUNCIL)
    assert cell(pct, NORFOLK) == pytest.approx(66.7)
    assert cell(get_metric("not_rated")(inputs, Level.COUNCIL), NORFOLK) == 1
    assert cell(get_metric("rated_inadequate")(inputs, Level.DISTRICT), "E07000145") == 1


def _population(
    rows: dict[tuple[str, int, str, int], float], kind: str = "estimate"
) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"area_code": a, "year": y, "sex": s, "age": age, "persons": p, "kind": kind}
            for (a, y, s, age), p in rows.items()
        ]
    )


def test_beds_per_1000_aged_75_plus(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """Beds over the 75+ population of the same area, per 1,000."""
    population = _population(
        {
            ("E07000148", 2025, "persons", 80): 3000.0,
            ("E07000148", 2025, "persons", 74): 9999.0,  # under 75: not counted
            ("E07000145", 2025, "persons", 90): 2000.0,
        }
    )
    inputs = make_inputs(locations=_three_homes(), population=population)
    result = get_metric("beds_per_1000_aged_75_plus")(inputs, Level.DISTRICT)
    assert cell(result, "E07000148") == pytest.approx(1000 * 40 / 3000, abs=0.05)
    assert cell(result, "E07000145") == pytest.approx(1000 * 60 / 2000, abs=0.05)
    council = get_metric("beds_per_1000_aged_75_plus")(inputs, Level.COUNCIL)
    assert cell(council, NORFOLK) == pytest.approx(1000 * 100 / 5000, abs=0.05)


def test_beds_per_1000_uses_the_as_of_years_population(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """The denominator is the as-of year's: interpolated between an older estimate and a
    projection, never the older estimate alone."""
    estimate = _population({("E07000148", 2020, "persons", 80): 2000.0})
    projection = _population(
        {
            ("E07000148", 2024, "persons", 80): 3000.0,
            ("E07000148", 2028, "persons", 80): 5000.0,
        },
        kind="projection",
    )
    inputs = make_inputs(locations=_three_homes(), population=estimate, projection=projection)
    result = get_metric("beds_per_1000_aged_75_plus")(inputs, Level.DISTRICT)
    # 2026 lies half way between the 2024 and 2028 projections: 4,000 people aged 75+.
    assert cell(result, "E07000148") == pytest.approx(1000 * 40 / 4000, abs=0.05)
    later = _population({("E07000148", 2026, "persons", 80): 8000.0})
    inputs = make_inputs(locations=_three_homes(), population=later, projection=projection)
    result = get_metric("beds_per_1000_aged_75_plus")(inputs, Level.DISTRICT)
    assert cell(result, "E07000148") == pytest.approx(1000 * 40 / 8000, abs=0.05)


def test_population_between_an_estimate_and_a_projection_is_interpolated(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """A year after the latest estimate and before the first projection year is on the line
    between them, and says so."""
    from caremarket.metrics.demand import population_in_year

    estimate = _population({("E07000148", 2024, "persons", 80): 3000.0})
    projection = _population({("E07000148", 2028, "persons", 80): 5000.0}, kind="projection")
    inputs = make_inputs(population=estimate, projection=projection)
    found = population_in_year(inputs, Level.DISTRICT, 75, None, 2026).row(0, named=True)
    assert found["persons"] == pytest.approx(4000.0)
    assert found["basis"] == "2026, interpolated between the 2024 estimate and the 2028 projection"


def _agreements() -> pl.DataFrame:
    rows = [
        # id, person, sector, group, location, start, end, hours, weekly, funding, tier, locality
        ("A1", "P000001", "home_care", "older_people", "1-3", date(2024, 1, 1), None, 10.0, 240.0,
         "council_managed", "principal", "Norwich"),
        ("A2", "P000002", "home_care", "dementia", "", date(2025, 10, 1), None, 7.0, 168.0,
         "direct_payment", "spot", "East"),
        ("A3", "P000003", "care_home_residential", "older_people", "1-1", date(2025, 1, 1),
         date(2025, 6, 30), None, 700.0, "council_managed", "framework", "Norwich"),
        ("A4", "P000004", "care_home_nursing", "older_people", "1-2", date(2020, 1, 1), None,
         None, 1000.0, "health", "spot", "East"),
        ("A5", "P000005", "care_home_residential", "older_people", "1-1", date(2026, 1, 1), None,
         None, 800.0, "council_managed", "framework", "Norwich"),
        ("A6", "P000006", "care_home_residential", "older_people", "1-1", date(2026, 1, 1), None,
         None, 900.0, "self_funded", "spot", "Norwich"),
    ]  # fmt: skip
    names = [
        "agreement_id",
        "person_id",
        "sector",
        "client_group",
        "cqc_location_id",
        "start_date",
        "end_date",
        "hours_per_week",
        "weekly_cost_gbp",
        "funding",
        "framework_tier",
        "locality",
    ]
    frame = pl.DataFrame([dict(zip(names, r, strict=True)) for r in rows], infer_schema_length=None)
    districts = {"Norwich": ("E07000148", "Norwich"), "East": ("E07000145", "Great Yarmouth")}
    return frame.with_columns(
        district_code=pl.col("locality").replace_strict({k: v[0] for k, v in districts.items()}),
        district_name=pl.col("locality").replace_strict({k: v[1] for k, v in districts.items()}),
        hours_per_week=pl.col("hours_per_week").cast(pl.Float64),
    )


def test_spend_in_year_prorates_agreements_over_the_financial_year(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """Council spend in 2025-26 counts each council-funded agreement's days in the year."""
    first, last, label = financial_year(AS_OF)
    assert (first, last, label) == (date(2025, 4, 1), date(2026, 3, 31), "2025-26")
    inputs = make_inputs(agreements=_agreements(), locations=_three_homes())
    spend = get_metric("spend_in_year")(inputs, Level.COUNCIL)
    a1 = 240.0 * 365 / 7
    a2 = 168.0 * ((last - date(2025, 10, 1)).days + 1) / 7
    a3 = 700.0 * ((date(2025, 6, 30) - first).days + 1) / 7
    a5 = 800.0 * ((last - date(2026, 1, 1)).days + 1) / 7
    assert cell(spend, NORFOLK) == pytest.approx(a1 + a2 + a3 + a5, abs=1)
    assert cell(spend, NORFOLK, "home_care") == pytest.approx(a1 + a2, abs=1)
    assert cell(spend, NORFOLK, "care_home") == pytest.approx(a3 + a5, abs=1)
    assert set(spend["period"]) == {"2025-26"}
    share = get_metric("direct_payment_share_of_spend")(inputs, Level.COUNCIL)
    assert cell(share, NORFOLK) == pytest.approx(round(100 * a2 / (a1 + a2 + a3 + a5), 1))


def test_people_funded_hours_and_accredited_supply(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """Running council-funded agreements on the day; accredited = principal or framework."""
    inputs = make_inputs(agreements=_agreements(), locations=_three_homes())
    assert cell(get_metric("people_funded")(inputs, Level.COUNCIL), NORFOLK) == 3  # A1 A2 A5
    hours = get_metric("hours_commissioned_per_week")(inputs, Level.COUNCIL)
    assert cell(hours, NORFOLK) == 10.0  # council-managed only: A1
    accredited = get_metric("accredited_locations")(inputs, Level.COUNCIL)
    assert cell(accredited, NORFOLK) == 2  # 1-3 (principal, A1) and 1-1 (framework, A5)
    places = get_metric("accredited_beds")(inputs, Level.COUNCIL)
    assert cell(places, NORFOLK, "care_home") == 40
    share = get_metric("council_share_of_beds")(inputs, Level.COUNCIL)
    # A4 (health) in 1-2 and A5 in 1-1 fill 2 of 100 beds; A3 has ended, A6 self-funds.
    assert cell(share, NORFOLK, "care_home") == 2.0


def test_self_funder_spend_estimate_uses_the_declared_assumptions(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """Occupied beds not publicly funded, at the council's median price plus the premium."""
    from caremarket.metrics.finance import assumption

    inputs = make_inputs(agreements=_agreements(), locations=_three_homes())
    result = get_metric("self_funder_spend_estimate")(inputs, Level.COUNCIL)
    occupancy = assumption("care_home_occupancy")
    premium = assumption("self_funder_price_premium")
    weeks = assumption("weeks_per_year")
    # Only residential has a council-managed running price (A5, 800); 1-2 is nursing: left out.
    expected = (40 * occupancy - 1) * 800 * (1 + premium) * weeks
    assert cell(result, NORFOLK, "care_home_residential") == pytest.approx(expected, abs=500)


def _interim() -> pl.DataFrame:
    added = [
        date(2026, 5, 30),
        date(2026, 4, 1),
        date(2026, 1, 10),
        date(2025, 12, 1),
        date(2026, 5, 1),
    ]
    sourced = [None, None, None, date(2026, 2, 1), date(2026, 7, 1)]  # 4th sourced before as-of
    return pl.DataFrame(
        {
            "person_id": [f"P00000{i}" for i in range(5)],
            "hours_per_week": [10.0, 7.5, 14.0, 20.0, 3.5],
            "date_added": added,
            "date_sourced": sourced,
            "locality": ["East", "East", "Norwich", "Norwich", "Norwich"],
            "district_code": ["E07000145", "E07000145", "E07000148", "E07000148", "E07000148"],
            "district_name": ["Great Yarmouth", "Great Yarmouth", "Norwich", "Norwich", "Norwich"],
            "reason": ["capacity"] * 5,
        }
    )


def test_interim_care_list_waiting_figures(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """People and hours waiting on the day, days waited and each locality's share."""
    inputs = make_inputs(interim_care=_interim())
    waiting_days = [
        (AS_OF - d).days
        for d in (date(2026, 5, 30), date(2026, 4, 1), date(2026, 1, 10), date(2026, 5, 1))
    ]
    assert cell(get_metric("people_waiting")(inputs, Level.COUNCIL), NORFOLK, "home_care") == 4
    assert cell(get_metric("hours_waiting")(inputs, Level.COUNCIL), NORFOLK) == 35.0
    median = get_metric("median_days_waiting")(inputs, Level.COUNCIL)
    assert cell(median, NORFOLK) == statistics.median(waiting_days)
    p90 = get_metric("p90_days_waiting")(inputs, Level.COUNCIL)
    assert cell(p90, NORFOLK) == pytest.approx(
        statistics.quantiles(waiting_days, n=10, method="inclusive")[-1]
    )
    share = get_metric("share_of_hours_waiting")(inputs, Level.LOCALITY)
    assert cell(share, "East") == pytest.approx(round(100 * 17.5 / 35, 1))
    assert cell(share, "Norwich") == pytest.approx(round(100 * 17.5 / 35, 1))


def test_workforce_figures_from_rates(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """Leavers, vacancies, zero-hours share and near-retirement from jobs and rates."""
    workforce = pl.DataFrame(
        {
            "sector": ["home_care", "care_home_residential", "home_care"],
            "jobs": [1000, 3000, 500],
            "turnover_rate": [0.3, 0.2, 0.9],
            "vacancy_rate": [0.1, 0.05, 0.5],
            "zero_hours_share": [0.5, 0.1, 0.9],
            "share_aged_55_plus": [0.25, 0.3, 0.9],
            "as_of_date": [
                date(2025, 9, 30),
                date(2025, 9, 30),
                date(2024, 9, 30),
            ],  # older row ignored
        }
    )
    inputs = make_inputs(workforce=workforce)
    assert cell(get_metric("jobs")(inputs, Level.COUNCIL), NORFOLK) == 4000
    assert cell(get_metric("leavers_per_year")(inputs, Level.COUNCIL), NORFOLK) == 300 + 600
    vacancies = get_metric("vacancies")(inputs, Level.COUNCIL)
    assert cell(vacancies, NORFOLK, "home_care") == round(1000 * 0.1 / 0.9)
    zero = get_metric("zero_hours_share")(inputs, Level.COUNCIL)
    assert cell(zero, NORFOLK) == pytest.approx(round(100 * (500 + 300) / 4000, 1))
    retire = get_metric("may_retire_within_10_years")(inputs, Level.COUNCIL)
    assert cell(retire, NORFOLK) == 250 + 900


def test_a_published_all_sector_row_is_used_not_summed(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """Skills for Care gives an all-sector estimate; it is not added to the sectors again."""
    workforce = pl.DataFrame(
        {
            "sector": ["home_care", "all"],
            "jobs": [1000, 15000],
            "turnover_rate": [0.3, 0.25],
            "vacancy_rate": [0.1, 0.08],
            "zero_hours_share": [0.5, 0.2],
            "share_aged_55_plus": [0.25, 0.3],
            "as_of_date": [date(2025, 9, 30)] * 2,
        }
    )
    inputs = make_inputs(workforce=workforce)
    assert cell(get_metric("jobs")(inputs, Level.COUNCIL), NORFOLK) == 15000
    assert cell(get_metric("jobs")(inputs, Level.COUNCIL), NORFOLK, "home_care") == 1000
    assert cell(get_metric("zero_hours_share")(inputs, Level.COUNCIL), NORFOLK) == 20.0


def test_dementia_projection_applies_the_published_rates(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """Men and women in each age band times the Dementia UK rate, for base and projected years."""
    rates = prevalences()["dementia_65_plus"].rates
    rate = {(r["sex"], r["age_from"]): r["rate"] for r in rates.to_dicts()}
    estimate = _population(
        {
            ("E07000148", 2025, "males", 67): 1000.0,
            ("E07000148", 2025, "females", 92): 500.0,
            ("E07000148", 2025, "persons", 67): 1000.0,
            ("E07000148", 2025, "persons", 92): 500.0,
        }
    )
    projection = _population(
        {
            ("E07000148", 2030, "males", 67): 1200.0,
            ("E07000148", 2030, "females", 92): 800.0,
            ("E07000148", 2030, "persons", 67): 1200.0,
            ("E07000148", 2030, "persons", 92): 800.0,
        },
        "projection",
    )
    inputs = make_inputs(population=estimate, projection=projection)
    result = get_metric("people_with_dementia_65_plus")(inputs, Level.DISTRICT)
    base = result.filter(pl.col("period") == "2025")["value"][0]
    later = result.filter(pl.col("period") == "2030")["value"][0]
    assert base == round(1000 * rate[("males", 65)] + 500 * rate[("females", 90)])
    assert later == round(1200 * rate[("males", 65)] + 800 * rate[("females", 90)])
    growth = get_metric("growth_aged_65_plus")(inputs, Level.DISTRICT)
    assert growth["period"].to_list() == ["2025-2030"]
    assert growth["value"][0] == pytest.approx(round(100 * (2000 / 1500 - 1), 1))


def test_prevalence_files_carry_references() -> None:
    """Every prevalence table has a dated reference and rates between 0 and 1."""
    for prevalence in prevalences().values():
        assert prevalence.reference and prevalence.url.startswith("http")
        assert prevalence.source_date.year >= 2014
        assert prevalence.rates["rate"].is_between(0, 1).all()


def test_openings_closures_and_beds_between_releases(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """A home that opened, one that closed and one that grew, against the previous release."""
    now = locations_frame([{"location_id": "1-1", "beds": 45}, {"location_id": "1-5", "beds": 20}])
    then = locations_frame([{"location_id": "1-1", "beds": 40}, {"location_id": "1-9", "beds": 30}])
    inputs = make_inputs(locations=now, previous_locations=then, previous_as_of=date(2026, 5, 1))
    assert cell(get_metric("openings")(inputs, Level.COUNCIL), NORFOLK) == 1
    assert cell(get_metric("closures")(inputs, Level.COUNCIL), NORFOLK) == 1
    assert cell(get_metric("beds_gained")(inputs, Level.COUNCIL), NORFOLK) == 5 + 20
    assert cell(get_metric("beds_lost")(inputs, Level.COUNCIL), NORFOLK) == 30
    assert set(get_metric("openings")(inputs, Level.COUNCIL)["period"]) == {"2026-05-01/2026-06-01"}


def test_quality_rank_among_the_region_s_councils(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """Rank 1 is the highest share good or outstanding; ties share the better rank."""
    national = pl.DataFrame(
        {
            "la_code": [NORFOLK, "E10000029", "E10000003", "E06000031"],
            "la_name": ["Norfolk", "Suffolk", "Cambridgeshire", "Peterborough"],
            "sector": ["all"] * 4,
            "client_group": ["all"] * 4,
            "pct_good_or_outstanding": [80.0, 85.0, 80.0, 90.0],
        }
    )
    inputs = make_inputs(locations=_three_homes(), national=national)
    rank = get_metric("quality_rank_among_comparators")(inputs, Level.COUNCIL)
    assert cell(rank, NORFOLK) == 3
    assert rank["n"][0] == 4


def test_local_assessments_and_fees(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """Latest council assessment per location; the fee in force on the day."""
    assessments = pl.DataFrame(
        {
            "cqc_location_id": ["1-1", "1-1", "1-2", "1-7"],
            "assessment_date": [
                date(2025, 1, 1),
                date(2026, 3, 1),
                date(2026, 2, 1),
                date(2026, 2, 1),
            ],
            "rating": ["inadequate", "good", "requires_improvement", "good"],
        }
    )
    fees = pl.DataFrame(
        {
            "sector": ["home_care", "home_care", "care_home_residential"],
            "client_group": ["all", "all", "older_people"],
            "price_gbp": [23.5, 25.1, 780.0],
            "price_unit": ["hour", "hour", "week"],
            "effective_date": [date(2025, 4, 1), date(2026, 4, 1), date(2026, 4, 1)],
        }
    )
    inputs = make_inputs(locations=_three_homes(), local_assessments=assessments, fees=fees)
    local = get_metric("pct_good_or_outstanding_local")(inputs, Level.COUNCIL)
    assert cell(local, NORFOLK) == 50.0  # 1-1 now Good, 1-2 RI; 1-7 is not a counted location
    hourly = get_metric("usual_hourly_rate_gbp")(inputs, Level.COUNCIL)
    assert cell(hourly, NORFOLK, "home_care") == 25.1
    weekly = get_metric("usual_weekly_price_gbp")(inputs, Level.COUNCIL)
    assert cell(weekly, NORFOLK, "care_home_residential", "older_people") == 780.0


def test_usual_rate_is_null_when_contract_routes_differ(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """Principal and framework rates differ: no single usual rate, unless one is set for all."""

    def fees(tiers: list[str | None], prices: list[float]) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "sector": ["home_care"] * len(tiers),
                "client_group": ["all"] * len(tiers),
                "price_gbp": prices,
                "price_unit": ["hour"] * len(tiers),
                "effective_date": [date(2026, 4, 1)] * len(tiers),
                "framework_tier": pl.Series(tiers, dtype=pl.String),
            }
        )

    metric = get_metric("usual_hourly_rate_gbp")
    split = metric(
        make_inputs(fees=fees(["principal", "framework"], [24.05, 23.33])), Level.COUNCIL
    )
    assert split.filter(pl.col("sector") == "home_care")["value"].to_list() == [None]
    same = metric(make_inputs(fees=fees(["principal", "framework"], [23.0, 23.0])), Level.COUNCIL)
    assert cell(same, NORFOLK, "home_care") == 23.0
    every = metric(make_inputs(fees=fees(["principal", None], [24.05, 22.0])), Level.COUNCIL)
    assert cell(every, NORFOLK, "home_care") == 22.0
