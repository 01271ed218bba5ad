"""Bad input in rating histories: each defect handled by its documented rule and counted."""

from __future__ import annotations

from datetime import date

import polars as pl

from caremarket.quality import InputRule, prepare


def _rating(
    lid: str, word: str, day: date | None, release: date = date(2021, 1, 1)
) -> dict[str, object]:
    return {
        "location_id": lid,
        "key_question": "overall",
        "rating": word,
        "publication_date": day,
        "inherited": lid == "1-4",
        "release_date": release,
    }


def test_every_rule_is_counted() -> None:
    """Undated, not-rated, duplicate, gapped, re-registered and inherited input is each counted."""
    ratings = pl.DataFrame(
        [
            _rating("1-1", "good", None),  # undated
            _rating("1-1", "good", date(2015, 1, 1)),
            _rating("1-1", "not_rated", date(2016, 1, 1)),  # Inspected but not rated
            _rating("1-2", "good", date(2015, 3, 1), date(2020, 1, 1)),
            _rating("1-2", "requires_improvement", date(2015, 3, 1), date(2021, 1, 1)),  # twice
            _rating("1-2", "good", date(2019, 6, 1)),  # 51 months later: a gap
            _rating("1-3", "inadequate", date(2016, 5, 1)),  # the old id of 1-5
            _rating("1-4", "good", date(2017, 1, 1)),  # inherited
        ]
    )
    locations = pl.DataFrame(
        {
            "location_id": ["1-1", "1-2", "1-3", "1-4", "1-5"],
            "name": ["A", "B", "Oak House", "D", "Oak  House"],
            "postcode": ["EX1 1AA", "EX1 1AB", "EX2 2BB", "EX1 1AD", "EX22BB"],
            "registration_date": [date(2014, 1, 1)] * 4 + [date(2018, 1, 1)],
        }
    )
    found = prepare(ratings, locations, None, gap_months=42)
    assert found.counts == {
        InputRule.UNDATED_RATING: 1,
        InputRule.NOT_RATED_ENTRY: 1,
        InputRule.DUPLICATE_RATING: 1,
        InputRule.HISTORY_GAP: 1,
        InputRule.RE_REGISTERED: 1,
        InputRule.INHERITED_RATING: 1,
    }
    kept = found.ratings.filter(pl.col("location_id") == "1-2").sort("publication_date")
    assert kept["rating"].to_list() == ["requires_improvement", "good"]  # the later release wins
    carried = found.ratings.filter(pl.col("location_id") == "1-5")["rating"].to_list()
    assert carried == ["inadequate"]
    assert "1-3" not in found.locations["location_id"].to_list()
    assert all(rule.rule for rule in InputRule)


def test_clean_input_counts_nothing() -> None:
    """A clean history triggers no rule."""
    ratings = pl.DataFrame([_rating("1-1", "good", date(2015, 1, 1))])
    locations = pl.DataFrame({"location_id": ["1-1"], "name": ["A"], "postcode": ["EX1 1AA"]})
    assert set(prepare(ratings, locations, None, gap_months=42).counts.values()) == {0}
