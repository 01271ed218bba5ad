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


def _link(lid: str, related: str, kind: str = "predecessor", reason: str = "New Provider") -> dict:
    return {
        "location_id": lid,
        "related_location_id": related,
        "relationship": kind,
        "reason": reason,
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
            _rating("1-3", "inadequate", date(2016, 5, 1)),  # the old id of 1-5 (same name)
            _rating("1-4", "good", date(2017, 1, 1)),  # inherited
            _rating("1-6", "requires_improvement", date(2016, 2, 1)),  # CQC: predecessor of 1-7
            _rating("1-7", "good", date(2019, 2, 1)),
        ]
    )
    locations = pl.DataFrame(
        {
            "location_id": ["1-1", "1-2", "1-3", "1-4", "1-5", "1-6", "1-7", "1-8"],
            "name": ["A", "B", "Oak House", "D", "Oak  House", "F", "G", "H"],
            "postcode": ["EX1 1AA", "EX1 1AB", "EX2 2BB", "EX1 1AD", "EX22BB", "EX1", "EX2", "EX3"],
            "registration_date": [date(2014, 1, 1)] * 4
            + [date(2018, 1, 1), date(2014, 1, 1), date(2018, 1, 1), date(2018, 1, 1)],
            "deregistration_date": [None, None, date(2017, 12, 31), None, None, None, None, None],
        }
    )
    relationships = pl.DataFrame(
        [
            _link("1-7", "1-6"),
            _link("1-8", "1-99", reason="Legal Entity Change"),
            _link("1-1", "1-98", kind="successor"),  # a later registration not loaded
        ]
    )
    found = prepare(ratings, locations, None, gap_months=42, relationships=relationships)
    assert found.counts == {
        InputRule.UNDATED_RATING: 1,
        InputRule.NOT_RATED_ENTRY: 1,
        InputRule.DUPLICATE_RATING: 1,
        InputRule.HISTORY_GAP: 1,
        InputRule.RE_REGISTERED: 1,
        InputRule.PREDECESSOR_NOT_LOADED: 1,
        InputRule.SUCCESSOR_NOT_LOADED: 1,
        InputRule.RE_REGISTERED_BY_NAME: 1,
        InputRule.INHERITED_RATING: 3,  # 1-4 as marked; 1-5 and 1-7 from their old ids
    }
    kept = found.ratings.filter(pl.col("location_id") == "1-2").sort("publication_date")
    assert kept["rating"].to_list() == ["requires_improvement", "good"]  # the later release wins
    carried = found.ratings.filter(pl.col("location_id") == "1-5")["rating"].to_list()
    assert carried == ["inadequate"]
    linked = found.ratings.filter(pl.col("location_id") == "1-7").sort("publication_date")
    assert linked["rating"].to_list() == ["requires_improvement", "good"]
    ended = dict(found.locations.select("location_id", "deregistration_date").iter_rows())
    assert ended["1-3"] == date(2017, 12, 31)  # deregistered before 1-5 registered
    assert ended["1-6"] == date(2018, 1, 1)  # ends when its successor 1-7 registered
    changed = found.locations.filter(pl.col("is_ownership_change"))["location_id"].to_list()
    assert sorted(changed) == ["1-7", "1-8"]
    assert all(rule.rule for rule in InputRule)


def test_two_registered_ids_of_one_name_are_two_services() -> None:
    """Same name and postcode, the older id still registered: nothing is linked or dropped."""
    ratings = pl.DataFrame([_rating("1-1", "good", date(2015, 1, 1))])
    locations = pl.DataFrame(
        {
            "location_id": ["1-1", "1-2"],
            "name": ["Oak House", "Oak House"],
            "postcode": ["EX1 1AA", "EX1 1AA"],
            "registration_date": [date(2014, 1, 1), date(2020, 12, 1)],
        }
    )
    found = prepare(ratings, locations, None, gap_months=42)
    assert found.counts[InputRule.RE_REGISTERED_BY_NAME] == 0
    assert sorted(found.locations["location_id"].to_list()) == ["1-1", "1-2"]


def test_a_chain_of_registrations_ends_at_the_latest_id() -> None:
    """A -> B -> C by CQC's links: A's and B's ratings start C's history; each id ends as the
    next registers."""
    ratings = pl.DataFrame(
        [
            _rating("1-A", "inadequate", date(2015, 1, 1)),
            _rating("1-B", "requires_improvement", date(2017, 1, 1)),
            _rating("1-C", "good", date(2019, 1, 1)),
        ]
    )
    locations = pl.DataFrame(
        {
            "location_id": ["1-A", "1-B", "1-C"],
            "registration_date": [date(2014, 1, 1), date(2016, 1, 1), date(2018, 6, 1)],
        }
    )
    links = pl.DataFrame([_link("1-B", "1-A"), _link("1-B", "1-C", kind="successor")])
    found = prepare(ratings, locations, None, gap_months=42, relationships=links)
    ended = dict(found.locations.select("location_id", "deregistration_date").iter_rows())
    assert ended == {"1-A": date(2016, 1, 1), "1-B": date(2018, 6, 1), "1-C": None}
    history = found.ratings.filter(pl.col("location_id") == "1-C").sort("publication_date")
    assert history["rating"].to_list() == ["inadequate", "requires_improvement", "good"]
    assert found.counts[InputRule.RE_REGISTERED] == 2


def test_clean_input_counts_nothing() -> None:
    """A clean history triggers no rule."""
    ratings = pl.DataFrame([_rating("1-1", "good", date(2015, 1, 1))])
    locations = pl.DataFrame({"location_id": ["1-1"], "name": ["A"], "postcode": ["EX1 1AA"]})
    assert set(prepare(ratings, locations, None, gap_months=42).counts.values()) == {0}
