"""Rating histories built in code for the quality tests: small, seeded, with a learnable pattern.

A service's chance of a next rating worse than Good rises with its last rating
and with a weak Safe rating, so a model has something real to find.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from caremarket.quality import Histories, prepare

WORDS = ("outstanding", "good", "requires_improvement", "inadequate")
START = date(2014, 6, 1)


def synthetic_rows(services: int = 160, seed: int = 7) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(ratings, locations) for `services` made-up care homes rated from 2014 to 2021."""
    rng = np.random.default_rng(seed)
    ratings: list[dict[str, object]] = []
    locations: list[dict[str, object]] = []
    for i in range(services):
        location_id = f"1-{1000 + i}"
        provider_id = f"1-P{i % 40}"
        locations.append(
            {
                "location_id": location_id,
                "provider_id": provider_id,
                "name": f"Home {i}",
                "postcode": f"EX{i % 9} {i % 7}AB",
                "la_code": "E10000008",
                "beds": int(rng.integers(5, 80)),
                "registration_date": START - timedelta(days=int(rng.integers(0, 900))),
                "sectors": ["care_home", "care_home_residential"],
                "client_groups": ["older_people"],
            }
        )
        day = START + timedelta(days=int(rng.integers(0, 400)))
        score = int(rng.choice(4, p=[0.05, 0.7, 0.2, 0.05]))
        while day < date(2021, 1, 1):
            safe = min(3, score + int(rng.random() < 0.3))
            ratings.append(_row(location_id, "overall", WORDS[score], day))
            ratings.append(_row(location_id, "safe", WORDS[safe], day))
            worse = rng.random() < 0.1 + 0.2 * score + 0.15 * (safe > score)
            score = (
                int(min(3, max(1, score + 1))) if worse else int(rng.choice([0, 1], p=[0.1, 0.9]))
            )
            day += timedelta(days=int(rng.integers(180, 900)))
    return pl.DataFrame(ratings), pl.DataFrame(locations)


def _row(location_id: str, question: str, rating: str, day: date) -> dict[str, object]:
    return {
        "location_id": location_id,
        "key_question": question,
        "rating": rating,
        "publication_date": day,
        "inherited": False,
        "release_date": date(2021, 1, 19),
    }


@pytest.fixture(scope="session")
def synthetic() -> Histories:
    """Seeded made-up histories of 160 care homes, rules applied."""
    ratings, locations = synthetic_rows()
    return prepare(ratings, locations, None, gap_months=42)
