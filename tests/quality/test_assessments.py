"""Local assessments beside CQC: the combined share counts CQC first, else the council's own."""

from __future__ import annotations

from datetime import date

import polars as pl

from caremarket.quality import prepare
from caremarket.quality.assessments import beside_cqc


def test_combined_share_takes_cqc_then_local() -> None:
    """CQC's rating counts where rated; else the local assessment; neither: left out."""
    ratings = pl.DataFrame(
        {
            "location_id": ["1-1", "1-2"],
            "key_question": ["overall", "overall"],
            "rating": ["good", "requires_improvement"],
            "publication_date": [date(2019, 1, 1), date(2019, 1, 1)],
        }
    )
    locations = pl.DataFrame(
        {"location_id": ["1-1", "1-2", "1-3", "1-4"], "name": ["A", "B", "C", "D"]}
    )
    assessments = pl.DataFrame(
        {
            "location_id": ["1-2", "1-3", "1-3"],
            "assessment_date": [date(2019, 6, 1), date(2018, 1, 1), date(2019, 6, 1)],
            "rating": ["good", "inadequate", "good"],
        }
    )
    histories = prepare(ratings, locations, assessments, gap_months=42)
    found = beside_cqc(histories, date(2020, 1, 1))
    assert (found.rated_cqc, found.assessed_local, found.counted_combined) == (2, 2, 3)
    assert found.pct_good_or_outstanding_cqc == 50.0
    assert found.pct_good_or_outstanding_local == 100.0
    assert found.pct_good_or_outstanding_combined == round(100 * 2 / 3, 1)
    by_id = {r["location_id"]: r for r in found.services.to_dicts()}
    assert by_id["1-3"]["counted_by"] == "local assessment"
    assert by_id["1-4"]["counted_rating"] is None
    early = beside_cqc(histories, date(2018, 6, 1))
    assert early.pct_good_or_outstanding_combined == 0.0  # only 1-3's Inadequate was known
