"""Generated sentences agree with the numbers they describe: each template is tried on rising,
falling, level and mixed series."""

from __future__ import annotations

import pytest

from caremarket.report.sentences import change_text, projection_summary, series_phrase, shape

RISING = [("2025", 100.0), ("2030", 110.0), ("2035", 120.0), ("2040", 130.0)]
FALLING = [("2025", 130.0), ("2030", 120.0), ("2035", 110.0), ("2040", 100.0)]
UP_THEN_DOWN = [("2025", 100.0), ("2030", 110.0), ("2035", 120.0), ("2040", 115.0)]
DOWN_THEN_UP = [("2025", 120.0), ("2030", 110.0), ("2035", 100.0), ("2040", 105.0)]
ZIGZAG = [("2025", 100.0), ("2030", 110.0), ("2035", 105.0), ("2040", 112.0)]
LEVEL = [("2025", 100.0), ("2030", 100.0)]


def fmt(value: float) -> str:
    """Whole numbers, as the projection table prints people."""
    return f"{value:,.0f}"


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        (RISING, "rising"),
        (FALLING, "falling"),
        (UP_THEN_DOWN, "mixed"),
        (DOWN_THEN_UP, "mixed"),
        (ZIGZAG, "mixed"),
        (LEVEL, "level"),
    ],
)
def test_shape_of_a_series(points: list[tuple[str, float]], expected: str) -> None:
    """A series is rising only when no step falls, falling only when no step rises."""
    assert shape([v for _, v in points]) == expected


def test_series_phrase_rising() -> None:
    """A rising series is said to rise, from its first value to its last."""
    text = series_phrase("People aged 85+", RISING, fmt, "future")
    assert text == "People aged 85+ is projected to rise from 100 in 2025 to 130 in 2040"


def test_series_phrase_falling() -> None:
    """A falling series is said to fall."""
    text = series_phrase("The share", FALLING, fmt, "past", "on")
    assert text == "The share fell from 130 on 2025 to 100 on 2040"
    assert "rose" not in text


def test_series_phrase_rise_then_fall_names_the_peak() -> None:
    """A series that rises then falls names its peak and says it falls after it."""
    text = series_phrase("People aged 65+", UP_THEN_DOWN, fmt, "future")
    assert text == (
        "People aged 65+ is projected to rise from 100 in 2025 to 120 in 2035, then fall to "
        "115 in 2040"
    )


def test_series_phrase_fall_then_rise_names_the_trough() -> None:
    """A series that falls then rises names its lowest point."""
    text = series_phrase("Beds", DOWN_THEN_UP, fmt, "past")
    assert text == "Beds fell from 120 in 2025 to 100 in 2035, then rose to 105 in 2040"


def test_series_phrase_zigzag_says_it_moves_both_ways() -> None:
    """A series that turns more than once is not called rising or falling."""
    text = series_phrase("Jobs", ZIGZAG, fmt, "past")
    assert "rising in some periods and falling in others" in text
    assert "rose from" not in text and "fell from" not in text


def test_series_phrase_level() -> None:
    """A level series stays at its value."""
    assert series_phrase("Jobs", LEVEL, fmt, "past") == "Jobs stayed at 100 from 2025 to 2030"


def test_projection_summary_every_group_grows_only_when_each_rises() -> None:
    """'every group grows' is written only when every series rises at every step."""
    assert "every group grows" in projection_summary([("A", RISING), ("B", RISING)], fmt)
    mixed = projection_summary(
        [("People aged 85+", RISING), ("People aged 65+", UP_THEN_DOWN)], fmt
    )
    assert "every group grows" not in mixed
    assert mixed.startswith("People aged 85+ grows throughout; ")
    assert (
        "People aged 65+ is projected to rise from 100 in 2025 to 120 in 2035, then fall" in mixed
    )


def test_projection_summary_all_falling() -> None:
    """When every series falls, the summary says every group shrinks."""
    summary = projection_summary([("A", FALLING), ("B", FALLING)], fmt)
    assert "shrinks" in summary and "grows" not in summary


@pytest.mark.parametrize(
    ("was", "now", "unit", "expected"),
    [
        (500.0, 512.0, "count", "up 12"),
        (512.0, 500.0, "count", "down 12"),
        (80.0, 82.1, "percent", "up 2.1 percentage points"),
        (82.1, 80.0, "percent", "down 2.1 percentage points"),
        (900.0, 950.5, "GBP per week", "up £50.50 a week"),
        (7.0, 7.0, "count", "no change"),
        (None, 7.0, "count", "not known"),
    ],
)
def test_change_text(was: float | None, now: float | None, unit: str, expected: str) -> None:
    """A change says up when the value rose, down when it fell, with its unit."""
    assert change_text(was, now, unit) == expected


def test_reader_reason_drops_the_editors_instruction() -> None:
    """A reason shown to readers keeps the fact and loses 'load ...' (kept for the checklist)."""
    from caremarket.report.sentences import reader_reason

    reason = (
        "Beds: not given by CQC Latest ratings of 29 May 2026 (not in this kind of release): "
        "load a CQC HSCA Active Locations release or a CQC API extract"
    )
    assert reader_reason(reason) == (
        "Beds: not given by CQC Latest ratings of 29 May 2026 (not in this kind of release)"
    )
    assert reader_reason("every location's service is named") == (
        "every location's service is named"
    )
