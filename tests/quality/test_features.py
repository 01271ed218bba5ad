"""Features: declared with a source, computed only from what was known at the cut-off."""

from __future__ import annotations

from datetime import date

import polars as pl
from polars.testing import assert_frame_equal

from caremarket.quality import FEATURES, Histories, features_at, prepare, warning_parameters
from caremarket.quality.features import FEATURE_NAMES, outcomes_after
from caremarket.quality.history import ASSESSMENT_SCHEMA

from .conftest import synthetic_rows

CUTOFF = date(2018, 1, 1)


def _planted(future: date) -> tuple[Histories, Histories]:
    """The same histories without and with, dated `future`: a rating of every service, an
    assessment, a registered manager's absence and a successor registration of one service."""
    ratings, locations = synthetic_rows(60)
    locations = locations.with_columns(
        registered_manager_absent=pl.lit(False), registered_manager_absent_date=pl.lit(None)
    ).cast({"registered_manager_absent_date": pl.Date})
    assessments = pl.DataFrame(
        {"location_id": ["1-1001"], "assessment_date": [date(2017, 5, 1)], "rating": ["good"]},
        schema=ASSESSMENT_SCHEMA,
    )
    plant = pl.DataFrame(
        [
            {
                "location_id": lid,
                "key_question": kq,
                "rating": "inadequate",
                "publication_date": future,
                "inherited": True,
                "release_date": date(2021, 1, 19),
            }
            for lid in locations["location_id"].to_list()
            for kq in ("overall", "safe", "well_led")
        ],
        schema=ratings.schema,
    )
    later = pl.DataFrame(
        {"location_id": ["1-1001", "1-1002"], "assessment_date": [future, future],
         "rating": ["inadequate", "inadequate"]},
        schema=ASSESSMENT_SCHEMA,
    )  # fmt: skip
    absent = locations.with_columns(
        registered_manager_absent=pl.lit(True), registered_manager_absent_date=pl.lit(future)
    )
    successor = absent.head(1).with_columns(
        location_id=pl.lit("1-9999"), registration_date=pl.lit(future)
    )
    links = pl.DataFrame(
        {"location_id": ["1-9999"], "related_location_id": ["1-1000"],
         "relationship": ["predecessor"], "reason": ["New Provider"]}
    )  # fmt: skip
    before = prepare(ratings, locations, assessments, gap_months=42)
    after = prepare(
        pl.concat([ratings, plant]),
        pl.concat([absent, successor]),
        pl.concat([assessments, later]),
        gap_months=42,
        relationships=links,
    )
    return before, after


def test_a_future_rating_changes_no_feature() -> None:
    """Ratings, assessments, manager absences and re-registrations dated a day after the cut-off
    change no feature value."""
    before, after = _planted(date(2018, 1, 2))
    parameters = warning_parameters()
    assert_frame_equal(
        features_at(before, CUTOFF, parameters).sort("location_id"),
        features_at(after, CUTOFF, parameters).sort("location_id"),
    )


def test_a_rating_on_the_cutoff_is_known() -> None:
    """A rating published on the cut-off day itself is known: the planted check can fail."""
    before, after = _planted(CUTOFF)
    parameters = warning_parameters()
    old = features_at(before, CUTOFF, parameters).sort("location_id")
    new = features_at(after, CUTOFF, parameters).sort("location_id")
    assert new["is_last_inadequate"].sum() == new.height
    assert old["is_last_inadequate"].sum() < old.height
    assert new["is_registered_manager_absent"].sum() == new.height
    assert old["is_registered_manager_absent"].sum() == 0
    assert "1-9999" in new["location_id"].to_list()


def test_every_feature_is_declared_with_a_source() -> None:
    """Each feature has a label, a source and a description; flags are named is_ and hold 0/1."""
    frame = features_at(prepare(*synthetic_rows(40), None, gap_months=42), CUTOFF,
                        warning_parameters())  # fmt: skip
    assert frame.columns == ["location_id", *FEATURE_NAMES]
    for feature in FEATURES:
        assert feature.label and feature.description and feature.source.value, feature.name
        assert feature.flag == feature.name.startswith("is_"), feature.name
        if feature.flag:
            assert set(frame[feature.name].drop_nulls().unique().to_list()) <= {0.0, 1.0}


def _histories(rows: list[tuple[str, str, date]]) -> Histories:
    ratings = pl.DataFrame(
        [
            {"location_id": "1-1", "key_question": kq, "rating": word, "publication_date": day}
            for kq, word, day in rows
        ]
    )
    locations = pl.DataFrame({"location_id": ["1-1"], "registration_date": [date(2014, 1, 1)]})
    return prepare(ratings, locations, None, gap_months=42)


def test_history_features_of_one_service() -> None:
    """Downgrades, the run of ratings below Good, age and overdue months come out as counted."""
    histories = _histories(
        [
            ("overall", "good", date(2015, 1, 1)),
            ("overall", "requires_improvement", date(2016, 1, 1)),
            ("overall", "inadequate", date(2016, 7, 1)),
            ("safe", "inadequate", date(2016, 7, 1)),
            ("well_led", "requires_improvement", date(2016, 7, 1)),
            ("overall", "not_rated", date(2016, 9, 1)),  # Inspected but not rated
        ]
    )
    row = features_at(histories, date(2017, 7, 1), warning_parameters()).row(0, named=True)
    assert row["num_ratings"] == 3
    assert row["num_downgrades"] == 2
    assert row["num_successive_worse_than_good"] == 2
    assert row["is_last_inadequate"] == 1.0
    assert row["is_safe_weaker"] == 0.0  # Safe is Inadequate, as overall
    assert row["num_key_questions_worse_than_good"] == 2
    assert 11.9 < row["rating_age_months"] < 12.1
    assert 5.9 < row["overdue_months"] < 6.1  # Inadequate: re-inspected within 6 months


def test_manager_absence_and_ownership_change_as_known_at_the_cutoff() -> None:
    """Absence months count to the cut-off; a later absence is not known; unknown stays null;
    a change of hands is recent for the declared months after the successor registered."""
    ratings = pl.DataFrame(
        [
            {"location_id": lid, "key_question": "overall", "rating": "good",
             "publication_date": date(2015, 1, 1)}
            for lid in ("1-1", "1-2", "1-3", "1-4")
        ]
    )  # fmt: skip
    locations = pl.DataFrame(
        {
            "location_id": ["1-1", "1-2", "1-3", "1-4"],
            "registration_date": [date(2014, 1, 1)] * 3 + [date(2016, 1, 1)],
            "registered_manager_absent": [True, True, None, False],
            "registered_manager_absent_date": [date(2016, 7, 1), date(2019, 1, 1), None, None],
        }
    )
    links = pl.DataFrame(
        {"location_id": ["1-4"], "related_location_id": ["1-0"],
         "relationship": ["predecessor"], "reason": ["Legal Entity Change"]}
    )  # fmt: skip
    histories = prepare(ratings, locations, None, gap_months=42, relationships=links)
    parameters = warning_parameters()
    found = {
        r["location_id"]: r
        for r in features_at(histories, date(2017, 7, 1), parameters).iter_rows(named=True)
    }
    assert found["1-1"]["is_registered_manager_absent"] == 1.0
    assert 11.9 < found["1-1"]["registered_manager_absent_months"] < 12.1
    assert found["1-2"]["is_registered_manager_absent"] == 0.0  # absent only from 2019
    assert found["1-2"]["registered_manager_absent_months"] == 0.0
    assert found["1-3"]["is_registered_manager_absent"] is None  # the release did not say
    assert found["1-3"]["registered_manager_absent_months"] is None
    assert found["1-4"]["is_re_registered"] == 1.0
    assert found["1-4"]["is_recent_ownership_change"] == 1.0  # 18 months after it
    assert found["1-1"]["is_re_registered"] == 0.0
    later = features_at(histories, date(2018, 7, 1), parameters).filter(
        pl.col("location_id") == "1-4"
    )
    assert later["is_recent_ownership_change"].item() == 0.0  # 30 months: past the 24
    assert later["is_re_registered"].item() == 1.0


def test_outcome_is_the_next_rating_on_the_scale() -> None:
    """The outcome after a cut-off skips not-rated reports and takes the next rating."""
    histories = _histories(
        [
            ("overall", "good", date(2015, 1, 1)),
            ("overall", "not_rated", date(2016, 1, 1)),
            ("overall", "requires_improvement", date(2017, 1, 1)),
        ]
    )
    found = outcomes_after(histories, date(2015, 6, 1)).row(0, named=True)
    assert found["next_rating"] == "requires_improvement"
    assert found["is_worse_than_good"] == 1.0
    assert outcomes_after(histories, date(2015, 6, 1), known_by=date(2016, 6, 1)).is_empty()


def test_every_feature_and_rule_is_documented() -> None:
    """docs/quality-warning.md names every declared feature and every input rule."""
    from pathlib import Path

    from caremarket.quality import InputRule

    docs = (Path(__file__).resolve().parents[2] / "docs" / "quality-warning.md").read_text()
    for name in [*FEATURE_NAMES, *[r.value for r in InputRule]]:
        assert f"`{name}`" in docs, name
