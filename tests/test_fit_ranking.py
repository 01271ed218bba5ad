"""The brokerage desk's fit ranking: requests ranked against rounds planned in the background."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from caremarket.brokerage.fit import fit_parameters
from caremarket.brokerage.workflow.fit_seam import FitQuestion
from caremarket.brokerage.workflow.need import TimeOfDay, Visit
from caremarket.fit_ranking import (
    BackgroundFitRanker,
    PreparedRounds,
    answer,
    prepare_rounds,
    request_calls,
    skill_of,
)
from caremarket.package_fit import council_fit
from caremarket.pipeline import council
from caremarket.store.duckdb_store import DuckDBStore

NORTH_PROVIDER = "1-200000002"  # runs the NR11 packages
WEST_PROVIDER = "1-200000099"  # runs the PE30 packages


def _question(district: str = "NR11", **changes: object) -> FitQuestion:
    base = FitQuestion(
        request_id=7,
        postcode_district=district,
        hours_per_week=7.0,
        visits=(Visit(TimeOfDay.MORNING, minutes=45), Visit(TimeOfDay.TEA, minutes=15)),
        skills=(),
        start_by=None,
        provider_ids=(),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def prepared(two_branch_store: Path) -> PreparedRounds:
    """The two branches' rounds, planned as the web tool plans them at start."""
    parameters = replace(fit_parameters(), rounds_iterations=50)

    def read():  # type: ignore[no-untyped-def]
        with DuckDBStore(two_branch_store, read_only=True) as store:
            return council_fit(store, council("Norfolk"), parameters, date(2026, 6, 1))

    return prepare_rounds(read, parameters)


def test_visit_pattern_becomes_calls_in_the_declared_bands() -> None:
    """Each visit is a call in its band's window, on its days; two carers when double-handed."""
    parameters = fit_parameters()
    question = _question(
        visits=(
            Visit(TimeOfDay.MORNING, ("mon", "wed"), 30, double_handed=True),
            Visit(TimeOfDay.MORNING, ("sat",), 20),
            Visit(TimeOfDay.NIGHT, minutes=60),
        ),
        skills=("Dementia", "Catheter care"),
    )
    calls, notes = request_calls(question, parameters)
    assert [c.name for c in calls] == ["morning", "morning-2"]
    assert calls[0].carers == 2 and calls[0].days == frozenset({0, 2})
    assert (calls[0].earliest, calls[0].latest) == parameters.call_bands["morning"]
    assert calls[1].days == frozenset({5}) and calls[1].duration_minutes == 20
    assert "dementia" in calls[0].skills and "catheter_care" not in calls[0].skills
    assert any("catheter care" in n for n in notes)
    assert any("night" in n for n in notes)


def test_request_without_pattern_is_read_from_its_hours_and_says_so() -> None:
    """No visits given: calls every day for the hours a week, and the note says it was read so."""
    calls, notes = request_calls(_question(visits=(), hours_per_week=14.0), fit_parameters())
    minutes = sum(c.contact_minutes_per_week for c in calls)
    assert abs(minutes - 14 * 60) <= 7 * 5 * len(calls)  # rounded to 5-minute calls
    assert any("no visit pattern" in n for n in notes)


def test_skill_words_become_planner_skills() -> None:
    """Free words name the planner's skills."""
    assert skill_of(" Moving-and handling ") == "moving_and_handling"


def test_package_near_a_branch_ranks_that_provider_first(prepared: PreparedRounds) -> None:
    """An NR11 package goes first to the provider whose rounds run in NR11, with a reason."""
    found = answer(_question("NR11"), prepared)
    first = found.ranking[0]
    assert first.provider_id == NORTH_PROVIDER
    assert first.extra_travel_minutes_per_week is not None and first.name == "North Branch"
    assert isinstance(found.hard_to_serve, bool)
    assert "2 branches' rounds on 2026-06-01" in found.reason
    west = answer(_question("PE30"), prepared)
    assert west.ranking[0].provider_id == WEST_PROVIDER


def test_only_the_providers_asked_are_ranked(prepared: PreparedRounds) -> None:
    """The ranking covers the providers named in the question, no others."""
    found = answer(_question("NR11", provider_ids=(WEST_PROVIDER,)), prepared)
    assert [f.provider_id for f in found.ranking] == [WEST_PROVIDER]
    nobody = answer(_question("NR11", provider_ids=("1-999",)), prepared)
    assert nobody.ranking == () and nobody.hard_to_serve is None and "none of" in nobody.reason


def test_district_outside_the_council_is_unknown_not_hard(prepared: PreparedRounds) -> None:
    """A district with no postcodes of the council: no ranking, hard to serve unknown, and why."""
    found = answer(_question("LE1"), prepared)
    assert found.ranking == () and found.hard_to_serve is None
    assert "LE1" in found.reason


def test_background_ranker_says_it_is_preparing_then_ranks(prepared: PreparedRounds) -> None:
    """Before the rounds are planned the answer says so; afterwards it is the ranking, kept."""
    release = threading.Event()

    def slow() -> PreparedRounds:
        release.wait(30)
        return prepared

    ranker = BackgroundFitRanker(slow)
    early = ranker(_question())
    assert early.ranking == () and early.hard_to_serve is None and "being planned" in early.reason
    release.set()
    assert ranker.wait(30)
    late = ranker(_question())
    assert late.ranking and late.ranking[0].provider_id == NORTH_PROVIDER
    assert ranker(_question()) is late


def test_background_ranker_reports_a_failure_without_a_traceback() -> None:
    """Planning that fails gives a sentence naming the failure, never a ranking."""

    def broken() -> PreparedRounds:
        raise OSError("store file gone")

    ranker = BackgroundFitRanker(broken)
    assert ranker.wait(30)
    found = ranker(_question())
    assert found.ranking == () and "could not be planned (OSError)" in found.reason


def test_no_running_packages_says_what_to_load(prepared: PreparedRounds) -> None:
    """No branch runs packages: no ranking, unknown, and the sentence names what to load."""
    found = answer(_question("NR11"), replace(prepared, rounds=()))
    assert found.ranking == () and found.hard_to_serve is None
    assert "ingest-council" in found.reason


def test_a_district_with_no_package_yet_is_still_ranked(prepared: PreparedRounds) -> None:
    """A council district where nobody has a package yet (NR9) is known, so it is ranked."""
    found = answer(_question("NR9"), prepared)
    assert found.ranking, found.reason
