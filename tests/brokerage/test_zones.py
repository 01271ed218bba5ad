"""Home-care zones: blocks and their demand, neighbours, and contiguous balanced designs."""

from __future__ import annotations

import random

import polars as pl
import pytest
from shapely.geometry import Polygon

from caremarket.brokerage.zones.adjacency import components, neighbours
from caremarket.brokerage.zones.blocks import BlockLevel, build_blocks
from caremarket.brokerage.zones.design import ZoningError, design_zones, score
from caremarket.brokerage.zones.parameters import zone_parameters


def _grid(side: int, seed: int = 1) -> tuple[list[float], list[float], list[float]]:
    """A side x side grid of blocks 2 km apart with uneven workloads (a town in one corner)."""
    rng = random.Random(seed)
    x, y, w = [], [], []
    for i in range(side):
        for j in range(side):
            x.append(i * 2000.0)
            y.append(j * 2000.0)
            town = 6.0 if i < side // 3 and j < side // 3 else 1.0
            w.append(rng.uniform(5, 40) * town)
    return x, y, w


def _contiguous(labels: tuple[int, ...], adjacency: list[set[int]]) -> bool:
    zones = set(labels)
    return all(
        len(components(adjacency, [i for i, z in enumerate(labels) if z == zone])) == 1
        for zone in zones
    )


@pytest.mark.parametrize("zones", [4, 6, 8, 12])
def test_every_design_is_contiguous_and_within_five_percent(zones: int) -> None:
    """Zones are each one piece and within the declared tolerance of the mean workload."""
    x, y, w = _grid(14)
    adjacency = neighbours(x, y, 30)
    design = design_zones(w, x, y, adjacency, zones, seed=0, time_limit_s=5)
    assert design.zones == zones and set(design.labels) == set(range(zones))
    assert _contiguous(design.labels, adjacency)
    assert design.max_deviation <= zone_parameters().balance_tolerance
    assert sum(design.workloads) == pytest.approx(sum(w))


def test_the_same_seed_gives_the_same_design() -> None:
    """A design is reproducible for a seed."""
    x, y, w = _grid(8)
    adjacency = neighbours(x, y, 30)
    first = design_zones(w, x, y, adjacency, 5, seed=3, time_limit_s=60)
    again = design_zones(w, x, y, adjacency, 5, seed=3, time_limit_s=60)
    assert first.labels == again.labels


def test_the_design_beats_a_compact_but_unbalanced_split() -> None:
    """Scored alike, the design's objective is lower than plain vertical strips."""
    x, y, w = _grid(10)
    adjacency = neighbours(x, y, 30)
    design = design_zones(w, x, y, adjacency, 5, time_limit_s=5)
    strips = score([int(v // 4000) for v in x], w, x, y, "strips")
    assert design.objective < strips.objective
    assert design.max_deviation < strips.max_deviation


def test_separate_areas_are_zoned_apart_and_too_few_zones_is_refused() -> None:
    """Two clusters 50 km apart: each gets its own zones; one zone for both is refused."""
    x, y, w = _grid(5)
    x2 = x + [v + 50_000 for v in x]
    y2, w2 = y + y, w + w
    adjacency = neighbours(x2, y2, 30)
    assert len(components(adjacency)) == 2
    design = design_zones(w2, x2, y2, adjacency, 4, time_limit_s=5)
    assert design.areas == 2
    assert {design.labels[i] for i in range(25)}.isdisjoint(
        {design.labels[i] for i in range(25, 50)}
    )
    with pytest.raises(ZoningError, match="2 separate areas with demand"):
        design_zones(w2, x2, y2, adjacency, 1)


def test_more_zones_than_blocks_is_a_clear_error() -> None:
    """Asking for more zones than blocks says so."""
    x, y, w = _grid(2)
    with pytest.raises(ZoningError, match="only 4 blocks"):
        design_zones(w, x, y, neighbours(x, y, 30), 5)


def test_a_join_leaving_the_council_is_not_a_neighbour() -> None:
    """Across the mouth of a U-shaped council (an estuary) blocks are not neighbours."""
    outline = Polygon([(0, 0), (10_000, 0), (10_000, 10_000), (7_000, 10_000), (7_000, 3_000),
                       (3_000, 3_000), (3_000, 10_000), (0, 10_000)])  # fmt: skip
    x = [1_500.0, 8_500.0, 1_500.0, 8_500.0]
    y = [9_000.0, 9_000.0, 1_500.0, 1_500.0]
    joined = neighbours(x, y, 30, outline)
    assert joined[0] == {2} and joined[1] == {3}  # not across the estuary, nor the diagonal
    assert joined[2] == {0, 3}
    assert len(neighbours(x, y, 30)[0]) >= 2  # without the outline they would join


def test_blocks_at_one_position_are_joined_not_left_alone() -> None:
    """Blocks the directory places on one point are neighbours of that point's block."""
    x = [0.0, 1000.0, 0.0, 2000.0, 1000.0]
    y = [0.0, 0.0, 1000.0, 2000.0, 0.0]
    assert len(components(neighbours(x, y, 30))) == 1


def test_district_demand_is_shared_among_its_sectors_by_postcodes() -> None:
    """Hours of NR1 go to its sectors 3:1 by postcodes; demand outside is reported, not placed."""
    postcodes = pl.DataFrame(
        {
            "postcode": ["NR1 1AA", "NR1 1AB", "NR1 1AD", "NR1 2AA", "NR2 3AA", "NR3 4ZZ"],
            "east": [100.0, 200.0, 300.0, 5000.0, 9000.0, None],
            "north": [100.0, 100.0, 100.0, 5000.0, 9000.0, None],
        }
    )
    demand = pl.DataFrame(
        {
            "postcode_district": ["NR1", "NR2", "PE30"],
            "hours_per_week": [40.0, 10.0, 7.0],
            "waiting_hours_per_week": [4.0, 0.0, 3.0],
            "people": [4.0, 1.0, 1.0],
        }
    )
    blocks = build_blocks(postcodes, demand, BlockLevel.SECTOR)
    hours = dict(zip(blocks.frame["block"], blocks.frame["hours_per_week"], strict=True))
    assert hours == {"NR1 1": pytest.approx(30.0), "NR1 2": pytest.approx(10.0), "NR2 3": 10.0}
    assert blocks.unplaced_districts == ("PE30",)
    assert blocks.unplaced_hours_per_week == pytest.approx(10.0)
    assert blocks.postcodes_without_position == 1
    frame = blocks.frame
    assert (
        frame["workload_hours_per_week"] > frame["hours_per_week"] + frame["waiting_hours_per_week"]
    ).all()
    districts = build_blocks(postcodes, demand, BlockLevel.DISTRICT).frame
    assert districts["block"].to_list() == ["NR1", "NR2"]


def test_spopt_baselines_are_scored_on_the_same_objective() -> None:
    """max-p, AZP and SKATER each give a design (or say why not), scored like ours."""
    from caremarket.brokerage.zones.baselines import spopt_designs

    x, y, w = _grid(6)
    adjacency = neighbours(x, y, 30)
    found = {b.method: b for b in spopt_designs(w, x, y, adjacency, 4)}
    assert set(found) == {"max-p", "azp", "skater"}
    ours = design_zones(w, x, y, adjacency, 4, time_limit_s=5)
    for baseline in found.values():
        assert baseline.design is not None or baseline.problem
        if baseline.design is not None:
            assert baseline.design.objective >= ours.objective - 1e-9


@pytest.mark.parametrize(("zones", "expected"), [("abc", "a range (8..16)"), ("9..3", "from 1 up")])
def test_the_command_refuses_a_bad_number_of_zones(tmp_path, zones: str, expected: str) -> None:
    """`zones design --zones` takes 12 or 8..16; anything else is exit 2 with the form."""
    from typer.testing import CliRunner

    from caremarket.cli.main import app
    from caremarket.store.duckdb_store import DuckDBStore

    DuckDBStore(tmp_path / "x").close()  # a store, so the number of zones is what is wrong
    result = CliRunner().invoke(
        app, ["zones", "design", "--la", "Norfolk", "--zones", zones, "--db", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert expected in " ".join(result.output.split())


def test_the_command_says_what_to_load_when_there_is_no_demand(tmp_path, fixtures) -> None:
    """A store with CQC releases but no council extract: one line naming what to load, exit 2."""
    from typer.testing import CliRunner

    from caremarket.cli.main import app
    from caremarket.pipeline import ingest_file
    from caremarket.store.duckdb_store import DuckDBStore

    db = tmp_path / "s.duckdb"
    with DuckDBStore(db) as store:
        ok = "constructed_hsca_2026_ok_01_March_2026_HSCA_Active_Locations.csv"
        ingest_file(store, fixtures / "cqc_hsca" / ok)
    result = CliRunner().invoke(
        app, ["zones", "design", "--la", "Rutland", "--zones", "2", "--db", str(db),
              "--out", str(tmp_path / "z")],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "no home-care demand for Rutland" in " ".join(result.output.split())
    assert "ingest-council" in result.output


def test_zones_nested_in_localities_never_cross_a_locality() -> None:
    """With a locality per block, every zone lies in one locality and is one piece."""
    x, y, w = _grid(12)
    within = ["west" if xi < 8000 else "east" for xi in x]
    adjacency = neighbours(x, y, 30)
    design = design_zones(w, x, y, adjacency, 6, seed=0, time_limit_s=3, within=within)
    assert set(design.labels) == set(range(6))
    for zone in range(6):
        assert len({within[i] for i, z in enumerate(design.labels) if z == zone}) == 1
    assert _contiguous(design.labels, adjacency)


def test_zones_are_shared_among_areas_as_fairly_as_whole_zones_allow() -> None:
    """The split of zones among areas is the one with the smallest largest gap (brute force)."""
    from itertools import product

    from caremarket.brokerage.zones.design import best_nested_gap

    loads = [4855.0, 13092.0, 6751.0, 14405.0, 5436.0]
    for zones in (8, 9, 12):
        mean = sum(loads) / zones
        brute = min(
            max(abs(load / k / mean - 1) for load, k in zip(loads, ks, strict=True))
            for ks in product(range(1, zones + 1), repeat=len(loads))
            if sum(ks) == zones
        )
        assert best_nested_gap(loads, zones) == pytest.approx(brute)
    assert best_nested_gap([10.0, 10.0], 2) == 0.0


def test_nesting_without_localities_loaded_says_what_to_load(tmp_path, two_branch_store) -> None:
    """`--in-localities` on a store with no localities: one line naming what to load, exit 2."""
    from typer.testing import CliRunner

    from caremarket.cli.main import app

    result = CliRunner().invoke(
        app, ["zones", "design", "--la", "Norfolk", "--zones", "2", "--in-localities",
              "--db", str(two_branch_store), "--out", str(tmp_path / "z")],
    )  # fmt: skip
    said = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert "no localities of Norfolk are loaded" in said and "ingest-council" in said
    assert not (tmp_path / "z").exists()
