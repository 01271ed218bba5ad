"""The council-side demo tables, written in caremarket's council templates.

The templates are declared in caremarket.ingest.council.templates; each CSV is
written with its Frictionless Table Schema (``<name>.schema.json``) beside it.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

from caremarket.demo.calibration import Calibration
from caremarket.demo.localities import DISTRICT_LOCALITIES
from caremarket.demo.market import Location
from caremarket.demo.norfolk_postcodes import Postcode, postcodes_by_district
from caremarket.ingest.council.template import Template, write_schema
from caremarket.ingest.council.templates import CLIENT_GROUPS, PERSON_SECTORS
from caremarket.ingest.council.templates import FUNDING as TEMPLATE_FUNDING

SECTORS: Final = PERSON_SECTORS
# The demo knows who pays for every agreement: no `unknown`.
FUNDING: Final = tuple(f for f in TEMPLATE_FUNDING if f != "unknown")
FRAMEWORK_TIERS: Final = ("principal", "framework", "spot")
WEEKS_PER_YEAR: Final = 365.25 / 7

Row = dict[str, str]


def write_table(directory: Path, template: Template, rows: Sequence[Row]) -> tuple[Path, Path]:
    """Write ``<name>.csv`` and its Frictionless ``<name>.schema.json`` into ``directory``."""
    csv_path = directory / f"{template.name}.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=template.columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return csv_path, write_schema(directory, template)


# People funded per sector at the "as of" date, and how they are funded (shares).
_PEOPLE: Final[dict[str, int]] = {
    "care_home_residential": 2300,
    "care_home_nursing": 900,
    "home_care": 3200,
    "supported_living": 1200,
    "extra_care": 300,
    "shared_lives": 80,
    "community": 1000,
}
_FUNDING_SHARES: Final[dict[str, tuple[float, float, float, float]]] = {
    "care_home_residential": (0.66, 0.0, 0.06, 0.28),
    "care_home_nursing": (0.55, 0.0, 0.25, 0.20),
    "home_care": (0.561, 0.289, 0.05, 0.10),
    "supported_living": (0.77, 0.15, 0.08, 0.0),
    "extra_care": (0.8, 0.05, 0.0, 0.15),
    "shared_lives": (0.9, 0.1, 0.0, 0.0),
    "community": (0.5, 0.45, 0.05, 0.0),
}
_CLIENT_GROUPS: Final[dict[str, tuple[float, ...]]] = {
    # older, dementia, LD/autism, MH, PD, younger adults, sensory, substance misuse
    "care_home_residential": (0.5, 0.3, 0.1, 0.05, 0.03, 0.01, 0.01, 0.0),
    "care_home_nursing": (0.55, 0.35, 0.02, 0.03, 0.04, 0.01, 0.0, 0.0),
    "home_care": (0.62, 0.12, 0.05, 0.05, 0.12, 0.02, 0.02, 0.0),
    "supported_living": (0.02, 0.0, 0.72, 0.18, 0.05, 0.01, 0.0, 0.02),
    "extra_care": (0.8, 0.1, 0.02, 0.02, 0.06, 0.0, 0.0, 0.0),
    "shared_lives": (0.1, 0.0, 0.75, 0.1, 0.05, 0.0, 0.0, 0.0),
    "community": (0.25, 0.05, 0.4, 0.15, 0.1, 0.02, 0.02, 0.01),
}
_HOURLY_RATE_GBP: Final[dict[str, float]] = {
    "home_care": 24.0,
    "supported_living": 21.5,
    "extra_care": 21.5,
    "community": 20.0,
}


def _cost_and_hours(rng: random.Random, sector: str) -> tuple[float, float | None]:
    if sector == "care_home_residential":
        return max(520.0, rng.gauss(760, 110)), None
    if sector == "care_home_nursing":
        return max(650.0, rng.gauss(960, 140)), None
    if sector == "shared_lives":
        return max(250.0, rng.gauss(480, 80)), None
    mean, sd, low, high = {
        "home_care": (10.5, 6.0, 1.75, 56.0),
        "supported_living": (38.0, 22.0, 4.0, 140.0),
        "extra_care": (8.0, 4.0, 1.0, 28.0),
        "community": (12.0, 6.0, 3.0, 40.0),
    }[sector]
    hours = round(min(high, max(low, rng.gauss(mean, sd))) * 4) / 4
    return hours * _HOURLY_RATE_GBP[sector], hours


def service_agreements(
    snapshot: Sequence[Location], calibration: Calibration, rng: random.Random, as_of: date
) -> list[Row]:
    """Service agreements (current and ended) calibrated to the council's yearly spend."""
    postcodes = postcodes_by_district()
    by_sector: dict[str, list[Location]] = {s: [] for s in SECTORS}
    for active in snapshot:
        if not active.dormant and active.dual_primary_id in (None, active.location_id):
            by_sector[active.sector].append(active)
    drafts: list[dict[str, Any]] = []
    for sector in SECTORS:
        current = _PEOPLE[sector]
        for n in range(round(current * 1.18)):
            ended = n >= current
            funding = rng.choices(FUNDING, weights=_FUNDING_SHARES[sector])[0]
            location: Location | None = rng.choice(by_sector[sector]) if by_sector[sector] else None
            if funding == "direct_payment" and rng.random() < 0.4:
                location = None  # personal assistants and unregistered support
            district = (
                location.address.postcode.district_code
                if location is not None
                else rng.choice(sorted(postcodes))
            )
            home: Postcode = (
                location.address.postcode
                if location is not None and location.is_care_home
                else rng.choice(postcodes[district])
            )
            start = as_of - timedelta(days=int(rng.expovariate(1 / 700)) + 1)
            end = (
                start + timedelta(days=rng.randint(0, max(0, (as_of - start).days - 1)))
                if ended
                else None
            )
            cost, hours = _cost_and_hours(rng, sector)
            if sector.startswith("care_home") or funding != "council_managed":
                tier = "spot" if rng.random() < 0.3 or funding != "council_managed" else "framework"
            else:
                tier = rng.choices(FRAMEWORK_TIERS, weights=(0.6, 0.25, 0.15))[0]
            drafts.append(
                {
                    "sector": sector,
                    "client_group": rng.choices(CLIENT_GROUPS, weights=_CLIENT_GROUPS[sector])[0],
                    "cqc_location_id": location.location_id if location is not None else "",
                    "locality": DISTRICT_LOCALITIES[district],
                    "postcode_district": home.outward,
                    "start_date": start,
                    "end_date": end,
                    "hours_per_week": hours,
                    "weekly_cost_gbp": cost,
                    "funding": funding,
                    "framework_tier": tier,
                }
            )
    # Scale costs so current council-funded agreements cost the council's yearly spend.
    council = (
        sum(
            d["weekly_cost_gbp"]
            for d in drafts
            if d["end_date"] is None and d["funding"] in ("council_managed", "direct_payment")
        )
        * WEEKS_PER_YEAR
    )
    scale = calibration.number("council_spend_gbp_per_year") / council
    people = rng.sample(range(1, 999_999), len(drafts))
    rows: list[Row] = []
    for n, (draft, person) in enumerate(zip(drafts, people, strict=True), start=1):
        hours = draft["hours_per_week"]
        end = draft["end_date"]
        rows.append(
            {
                "agreement_id": f"SA{n:06d}",
                "person_id": f"P{person:06d}",
                "sector": draft["sector"],
                "client_group": draft["client_group"],
                "cqc_location_id": draft["cqc_location_id"],
                "locality": draft["locality"],
                "postcode_district": draft["postcode_district"],
                "start_date": draft["start_date"].isoformat(),
                "end_date": end.isoformat() if end is not None else "",
                "hours_per_week": f"{hours:.2f}" if hours is not None else "",
                "weekly_cost_gbp": f"{draft['weekly_cost_gbp'] * scale:.2f}",
                "funding": draft["funding"],
                "framework_tier": draft["framework_tier"],
            }
        )
    return rows


_REASONS: Final = (
    "no provider capacity in the area",
    "rural location: long travel between calls",
    "double-handed calls needed",
    "specific call times requested",
    "provider handed the package back",
    "awaiting discharge from hospital",
)
_NSW: Final = ("North", "South", "West")


def interim_care_list(calibration: Calibration, rng: random.Random, as_of: date) -> list[Row]:
    """People waiting for home care at ``as_of`` (calibrated) and people sourced earlier."""
    postcodes = postcodes_by_district()
    waiting = round(calibration.number("interim_care_people"))
    target_hours = calibration.number("interim_care_hours_per_week")
    nsw_share = calibration.number("interim_care_share_north_south_west")
    steps = (3.5, 5.25, 7.0, 7.0, 8.75, 10.5, 10.5, 12.25, 14.0, 17.5)
    hours = [rng.choice(steps) for _ in range(waiting)]
    # Nudge quarter hours until the list needs the published total.
    while (gap := round((target_hours - sum(hours)) * 4)) != 0:
        i = rng.randrange(waiting)
        step = 0.25 * (1 if gap > 0 else -1) * min(abs(gap), 8)
        if 1.75 <= hours[i] + step <= 28.0:
            hours[i] += step
    # Fill Norwich and East with the smallest needs until their hours reach the rest (~9%).
    order = sorted(range(waiting), key=lambda k: (hours[k], k))
    other_budget = (1 - nsw_share) * target_hours
    localities = [""] * waiting
    used = 0.0
    for k in order:
        if used + hours[k] <= other_budget:
            localities[k] = rng.choice(("Norwich", "East"))
            used += hours[k]
        else:
            localities[k] = rng.choices(_NSW, weights=(0.38, 0.3, 0.32))[0]
    districts = {
        loc: [d for d, name in DISTRICT_LOCALITIES.items() if name == loc]
        for loc in ("West", "North", "South", "Norwich", "East")
    }
    rows: list[Row] = []
    people = rng.sample(range(1, 999_999), waiting + 140)
    for k in range(waiting + 140):
        sourced = k >= waiting
        locality = (
            localities[k]
            if not sourced
            else rng.choices(
                ("West", "North", "South", "Norwich", "East"), weights=(0.27, 0.27, 0.2, 0.16, 0.1)
            )[0]
        )
        district = rng.choice(districts[locality])
        added = as_of - timedelta(days=rng.randint(1 if not sourced else 30, 200))
        rows.append(
            {
                "person_id": f"P{people[k]:06d}",
                "locality": locality,
                "postcode_district": rng.choice(postcodes[district]).outward,
                "hours_per_week": f"{hours[k] if not sourced else rng.choice(steps):.2f}",
                "date_added": added.isoformat(),
                "date_sourced": (added + timedelta(days=rng.randint(2, 28))).isoformat()
                if sourced
                else "",
                "reason": rng.choice(_REASONS),
            }
        )
    return sorted(rows, key=lambda r: (r["date_added"], r["person_id"]))


_JOBS_SPLIT: Final[dict[str, float]] = {
    "care_home_nursing": 0.22,
    "care_home_residential": 0.315,
    "home_care": 0.26,
    "supported_living": 0.11,
    "extra_care": 0.022,
    "shared_lives": 0.004,
    "community": 0.069,
}
_RELATIVE_TURNOVER: Final[dict[str, float]] = {
    "care_home_nursing": 1.05,
    "care_home_residential": 1.0,
    "supported_living": 0.95,
    "extra_care": 1.0,
    "shared_lives": 0.5,
    "community": 0.8,
}


def workforce(calibration: Calibration, as_of: date) -> list[Row]:
    """Workforce rows by sector whose job-weighted totals equal the calibration figures."""
    total_jobs = round(calibration.number("workforce_jobs"))
    jobs = {s: round(total_jobs * share) for s, share in _JOBS_SPLIT.items()}
    jobs["care_home_residential"] += total_jobs - sum(jobs.values())
    hc_turnover = calibration.number("home_care_turnover_rate")
    others = [s for s in SECTORS if s != "home_care"]
    # Solve the other sectors' common level so the weighted turnover is the published one.
    leavers = (
        calibration.number("workforce_turnover_rate") * total_jobs - hc_turnover * jobs["home_care"]
    )
    level = leavers / sum(jobs[s] * _RELATIVE_TURNOVER[s] for s in others)
    turnover = {s: level * _RELATIVE_TURNOVER[s] for s in others} | {"home_care": hc_turnover}
    vacancy_rate = calibration.number("workforce_vacancy_rate")
    hc_jobs = jobs["home_care"] / total_jobs
    rest = (1 - 1.3 * hc_jobs) / (1 - hc_jobs)
    vacancy = {s: vacancy_rate * (1.3 if s == "home_care" else rest) for s in SECTORS}
    zero_hours = {s: 0.2 for s in SECTORS} | {
        "home_care": calibration.number("home_care_zero_hours_share"),
        "shared_lives": 0.0,
        "care_home_nursing": 0.15,
        "care_home_residential": 0.18,
    }
    aged_55 = calibration.number("workforce_share_aged_55_plus")
    older = {s: aged_55 for s in SECTORS} | {"shared_lives": 0.45, "care_home_nursing": 0.26}
    older["care_home_residential"] = (
        aged_55 * total_jobs
        - sum(older[s] * jobs[s] for s in SECTORS if s != "care_home_residential")
    ) / jobs["care_home_residential"]
    return [
        {
            "sector": s,
            "jobs": str(jobs[s]),
            "turnover_rate": f"{turnover[s]:.4f}",
            "vacancy_rate": f"{vacancy[s]:.4f}",
            "zero_hours_share": f"{zero_hours[s]:.4f}",
            "share_aged_55_plus": f"{older[s]:.4f}",
            "as_of_date": as_of.isoformat(),
        }
        for s in SECTORS
    ]


def fee_rates(calibration: Calibration) -> list[Row]:
    """Usual prices for 2025/26 and, uplifted with the National Living Wage, 2026/27."""
    base = calibration.shares("usual_prices_gbp_2025")
    uplift = 1 + calibration.number("national_living_wage_uplift_2026")
    years = (
        (calibration.targets["usual_prices_gbp_2025"].as_of, 1.0),
        (date(2026, 4, 6), uplift),
    )
    rows: list[Row] = []
    for effective, factor in years:
        for key, price in base.items():
            sector, group, unit = key.split("/")
            tiers = ("principal", "framework") if sector == "home_care" else ("",)
            for tier in tiers:
                # Framework providers are paid a little less than principal providers.
                tiered = price * factor * (0.97 if tier == "framework" else 1.0)
                rows.append(
                    {
                        "sector": sector,
                        "client_group": group,
                        "price_gbp": f"{tiered:.2f}",
                        "price_unit": unit,
                        "effective_date": effective.isoformat(),
                        "framework_tier": tier,
                        "note": "SYNTHETIC demo usual price",
                    }
                )
    return rows


# A council's PAMMS-style assessment mostly agrees with the service's CQC rating.
_PAMMS_BY_CQC: Final[dict[str | None, tuple[float, float, float, float]]] = {
    # Excellent, Good, Requires improvement, Poor
    "Outstanding": (0.7, 0.3, 0.0, 0.0),
    "Good": (0.08, 0.8, 0.12, 0.0),
    "Requires improvement": (0.0, 0.25, 0.65, 0.1),
    "Inadequate": (0.0, 0.05, 0.45, 0.5),
    None: (0.05, 0.65, 0.25, 0.05),
}
_PAMMS: Final = ("Excellent", "Good", "Requires improvement", "Poor")


def local_assessments(snapshot: Sequence[Location], rng: random.Random, as_of: date) -> list[Row]:
    """PAMMS assessments of about a third of the active services in the last two years."""
    active = sorted(
        (loc for loc in snapshot if not loc.dormant and loc.start_date < as_of - timedelta(90)),
        key=lambda loc: loc.location_id,
    )
    chosen = rng.sample(active, round(len(active) / 3))
    rows = [
        {
            "cqc_location_id": loc.location_id,
            "assessment_date": (as_of - timedelta(days=rng.randint(7, 730))).isoformat(),
            "rating": rng.choices(_PAMMS, weights=_PAMMS_BY_CQC[loc.rating])[0],
            "scale": "pamms",
        }
        for loc in chosen
    ]
    return sorted(rows, key=lambda r: (r["assessment_date"], r["cqc_location_id"]))
