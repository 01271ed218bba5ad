"""Evaluating zones: simulated days of calls, who serves whom, and rounds planned per zone."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

from caremarket.brokerage.zones.design import ZoningError
from caremarket.brokerage.zones.design_file import read_design
from caremarket.brokerage.zones.evaluation import carers_offered, evaluate, zone_problem
from caremarket.brokerage.zones.parameters import evaluation_parameters
from caremarket.brokerage.zones.scenario import Branch, in_design, scenario_named
from caremarket.brokerage.zones.simulation import Client, simulate_days


def _town(people: int = 40, seed: int = 1) -> tuple[list[Client], dict[str, Branch]]:
    """Two villages 20 km apart, each with a branch; half of each village served from the other."""
    rng = random.Random(seed)
    branches = {
        "W": Branch("W", "West Care", 600_000.0, 300_000.0, "good"),
        "E": Branch("E", "East Care", 620_000.0, 300_000.0, None),
    }
    clients = []
    for i in range(people):
        west = i % 2 == 0
        base = 600_000.0 if west else 620_000.0
        clients.append(
            Client(
                person=f"P{i:03d}",
                east=base + rng.uniform(-1500, 1500),
                north=300_000.0 + rng.uniform(-1500, 1500),
                hours_per_week=rng.choice([1.75, 7.0, 10.5, 14.0]),
                branch="W" if (i // 2) % 2 == 0 else "E",
                block="W 1" if west else "E 1",
                district_code="D1" if west else "D2",
                locality="West" if west else "East",
            )
        )
    return clients, branches


def test_the_same_seed_gives_the_same_days() -> None:
    """Simulated days depend only on the seed and the clients."""
    clients, _ = _town()
    assert simulate_days(clients, 3, seed=4) == simulate_days(clients, 3, seed=4)
    assert simulate_days(clients, 3, seed=4) != simulate_days(clients, 3, seed=5)


def test_calls_follow_the_declared_pattern_and_hours() -> None:
    """A week of calls gives each person about their weekly hours, in declared slots' windows."""
    p = evaluation_parameters()
    clients = [Client("P1", 0.0, 0.0, 14.0, "W"), Client("P2", 10.0, 0.0, 1.75, "W")]
    week = simulate_days(clients, 7, seed=0, parameters=p)
    for c, client in enumerate(clients):
        calls = [call for day in week for call in day.calls if call.client == c]
        minutes = sum(call.minutes for call in calls)
        # Cancellations drop a few calls; rounding to 5 minutes moves the rest a little.
        assert 0.8 * client.hours_per_week * 60 <= minutes <= 1.1 * client.hours_per_week * 60
        for call in calls:
            slot = p.slots[call.slot]
            assert slot.opens <= call.earliest < call.latest <= slot.closes
            assert call.latest - call.earliest == 2 * p.window_minutes
    days_with_care = {day.number for day in week for call in day.calls if call.client == 1}
    assert len(days_with_care) < 7  # 1.75 hours a week is not a call a day


def test_todays_pattern_and_zones_share_carers_differently() -> None:
    """Today each branch serves its own; in a zone the local principal gets 70%, the rest 30%."""
    clients, branches = _town()
    today = scenario_named("today", clients, branches)
    assert today.zone_of == tuple(c.branch for c in clients)
    assert today.crews["W"] == (("W", 1.0),)
    zoned = scenario_named("design", clients, branches, {"W 1": "1", "E 1": "2"})
    (principal, share), *framework = zoned.crews["1"]
    assert principal == "W" and zoned.crews["2"][0][0] == "E"  # each village's own office
    assert share == pytest.approx(0.7)
    assert sum(s for _, s in framework) == pytest.approx(0.3)
    localities = scenario_named("localities", clients, branches)
    assert set(localities.zone_of) == {"West", "East"}


def test_people_outside_the_design_are_set_apart() -> None:
    """Clients whose block the design does not hold are returned apart, not dropped silently."""
    clients, _ = _town()
    kept, left = in_design(clients, {"W 1": "1"})
    assert {c.block for c in kept} == {"W 1"} and {c.block for c in left} == {"E 1"}


def test_carers_are_offered_at_the_crew_branches_in_their_shares() -> None:
    """A zone's problem puts 70% of its carers at the principal's office, the rest elsewhere."""
    clients, branches = _town(80)
    (day,) = simulate_days(clients, 1)
    problem = zone_problem(day.calls, clients, (("W", 0.7), ("E", 0.3)), branches,
                           evaluation_parameters())  # fmt: skip
    at = [problem.places[c.start_place].label for c in problem.carers]
    assert len(at) == carers_offered(day.calls, evaluation_parameters())
    assert at.count("W") == round(0.7 * len(at))
    assert len(problem.visits) == len(day.calls)


def test_zones_cut_travel_against_branches_serving_everywhere() -> None:
    """Zoning the two villages plans less travel per contact hour than today's criss-crossing."""
    clients, branches = _town(40)
    days = simulate_days(clients, 1, seed=0)
    today = evaluate(scenario_named("today", clients, branches), clients, days, branches,
                     iterations=60, seconds_per_day=60)  # fmt: skip
    zoned = evaluate(scenario_named("localities", clients, branches), clients, days, branches,
                     iterations=60, seconds_per_day=60)  # fmt: skip
    ours, theirs = zoned.total(), today.total()
    assert ours.calls == theirs.calls == len(days[0].calls)
    assert ours.travel_minutes_per_contact_hour is not None
    assert theirs.travel_minutes_per_contact_hour is not None
    assert ours.travel_minutes_per_contact_hour < theirs.travel_minutes_per_contact_hour
    assert {f.zone for f in zoned.per_zone()} == {"East", "West"}
    # Every drive between two places costs at least the road model's fixed minutes.
    assert ours.minutes_per_journey is not None
    assert ours.minutes_per_journey >= evaluation_parameters().road.stop_minutes


def test_people_waiting_get_calls_planned_and_counted() -> None:
    """Waiting people's calls are drawn, planned in their zone, and counted apart."""
    clients, branches = _town(20)
    waiting = replace(clients[0], person="W001", hours_per_week=14.0, branch="W", waiting=True)
    everyone = [*clients, waiting]
    days = simulate_days(everyone, 1, seed=0)
    theirs = [c for c in days[0].calls if c.client == len(clients)]
    assert theirs
    found = evaluate(scenario_named("localities", everyone, branches), everyone, days, branches,
                     iterations=30, seconds_per_day=30)  # fmt: skip
    total = found.total()
    assert total.waiting_calls == len(theirs)
    assert 0 <= total.waiting_unplaced <= total.unplaced


def test_waiting_hours_do_not_choose_the_principal_provider() -> None:
    """A zone's principal is the branch with most hours served there, not hours waiting."""
    branches = {
        "W": Branch("W", "West Care", 600_000.0, 300_000.0),
        "V": Branch("V", "Village Care", 600_500.0, 300_000.0),
    }
    served = [
        Client("P1", 600_100.0, 300_000.0, 10.0, "W", "W 1"),
        Client("P2", 600_200.0, 300_000.0, 5.0, "V", "W 1"),
    ]
    waiting = Client("P3", 600_300.0, 300_000.0, 1000.0, "V", "W 1", waiting=True)
    zoned = scenario_named("design", [*served, waiting], branches, {"W 1": "1"})
    assert zoned.crews["1"][0] == ("W", pytest.approx(0.7))


def test_drives_in_rural_areas_are_faster_per_km_than_in_towns() -> None:
    """The same zone's problem charges less road time per km where homes are rural."""
    clients, branches = _town(10)
    (day,) = simulate_days(clients, 1)
    p = evaluation_parameters()
    urban = [replace(c, area="urban") for c in clients]
    rural = [replace(c, area="rural") for c in clients]
    crew = (("W", 1.0),)
    slow = zone_problem(day.calls, urban, crew, branches, p).travel
    fast = zone_problem(day.calls, rural, crew, branches, p).travel
    assert (fast[slow > 0] < slow[slow > 0]).any()
    assert (fast <= slow + 1e-9).all()


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("not json at all", "not GeoJSON"),
        ({"type": "Feature"}, "FeatureCollection"),
        ({"type": "FeatureCollection", "features": []}, "no `council`"),
        ({"type": "FeatureCollection", "properties": {"council": "Norfolk"}, "features": []},
         "no zones"),
        ({"type": "FeatureCollection", "properties": {"council": "Norfolk"},
          "features": [{"properties": {"zone": 1}}]}, "feature 1"),
        ({"type": "FeatureCollection", "properties": {"council": "Norfolk", "blocks": "wards"},
          "features": [{"properties": {"zone": 1, "blocks": ["NR1 1"]}}]}, "`blocks` must be"),
        ({"type": "FeatureCollection", "properties": {"council": "Norfolk"},
          "features": [{"properties": {"zone": 1, "blocks": ["NR1 1"]}},
                       {"properties": {"zone": 2, "blocks": ["NR1 1"]}}]}, "zone 1 and zone 2"),
    ],
)  # fmt: skip
def test_a_bad_design_file_is_a_clear_error(
    tmp_path: Path, document: object, expected: str
) -> None:
    """Each defect of a design file is refused in words naming it."""
    text = document if isinstance(document, str) else json.dumps(document)
    path = tmp_path / "design.geojson"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ZoningError, match=expected.replace("(", r"\(")):
        read_design(path)


def test_evaluate_refuses_a_bad_design_with_exit_2(tmp_path: Path) -> None:
    """`zones evaluate` on a file that is not a design: one line, exit 2, no traceback."""
    from typer.testing import CliRunner

    from caremarket.cli.main import app
    from caremarket.store.duckdb_store import DuckDBStore

    DuckDBStore(tmp_path / "x").close()  # a store, so the design is what is wrong
    path = _write(tmp_path / "d.geojson", {"type": "FeatureCollection", "features": []})
    result = CliRunner().invoke(app, ["zones", "evaluate", str(path), "--db", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "no `council`" in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_evaluate_says_what_to_load_when_no_one_is_served(tmp_path: Path, fixtures: Path) -> None:
    """A store with CQC releases but no agreements: one line naming what to load, exit 2."""
    from typer.testing import CliRunner

    from caremarket.cli.main import app
    from caremarket.pipeline import ingest_file
    from caremarket.store.duckdb_store import DuckDBStore

    db = tmp_path / "s.duckdb"
    with DuckDBStore(db) as store:
        ok = "constructed_hsca_2026_ok_01_March_2026_HSCA_Active_Locations.csv"
        ingest_file(store, fixtures / "cqc_hsca" / ok)
    design = _write(
        tmp_path / "d.geojson",
        {"type": "FeatureCollection", "properties": {"council": "Rutland"},
         "features": [{"properties": {"zone": 1, "blocks": ["LE15 6"]}}]},
    )  # fmt: skip
    result = CliRunner().invoke(app, ["zones", "evaluate", str(design), "--db", str(db)])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "no running home-care agreements of Rutland" in text and "ingest-council" in text
