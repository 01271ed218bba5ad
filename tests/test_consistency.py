"""One truth across outputs: the same council, date and cell give the same figure in the
command line (`figures`, `metrics show`), the Market Position Statement (figures.json and
its HTML), the web pages and the API, on the demo county and on every real sample."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import SHARED_DATA
from tests.report.conftest import figures_in
from typer.testing import CliRunner

from caremarket.cli.main import app
from caremarket.domain.area import Area, find_council
from caremarket.pipeline import ingest_council, ingest_file
from caremarket.report.mps import write_mps
from caremarket.store.duckdb_store import DuckDBStore
from caremarket.web.app import create_app
from caremarket.web.settings import WebSettings

# The figures every output gives for a council, by sector (all client groups).
CHECKED = ("locations", "providers", "beds", "pct_good_or_outstanding", "median_rating_age_months")
LINCS = "cqc/latest_ratings_lincolnshire_2026-06.csv"
API = "cqc/api_care_homes_devon_somerset_plymouth_torbay_2021-04.csv"
Cells = dict[tuple[str, str], float | None]  # (metric, sector) -> value

runner = CliRunner()


@dataclass(frozen=True)
class Scenario:
    """A store and the council whose outputs are compared."""

    name: str
    db: Path
    council: Area


def _council(name: str) -> Area:
    found = find_council(name)
    assert found is not None
    return found


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo county (with the council's extract) and a store per real sample."""
    from caremarket.demo import generate

    made: dict[str, Path] = {}
    out = tmp_path_factory.mktemp("demo")
    manifest = generate(out, seed=2026)
    made["demo"] = out / "store.duckdb"
    with DuckDBStore(made["demo"]) as store:
        for path in (*manifest.releases, manifest.localities, *manifest.public_files):
            ingest_file(store, Path(path))
        ingest_council(store, manifest.council_dir)
    if SHARED_DATA.is_dir():
        for name, sample in (("lincolnshire", LINCS), ("api", API)):
            made[name] = tmp_path_factory.mktemp(name) / "store.duckdb"
            with DuckDBStore(made[name]) as store:
                ingest_file(store, SHARED_DATA / sample)
    return made


SCENARIOS = [
    ("demo", "Norfolk"),
    ("lincolnshire", "Lincolnshire"),
    ("api", "Devon"),
    ("api", "Somerset"),
    ("api", "Plymouth"),
    ("api", "Torbay"),
]


@pytest.fixture(params=SCENARIOS, ids=[f"{s}-{c}" for s, c in SCENARIOS])
def scenario(request: pytest.FixtureRequest, stores: dict[str, Path]) -> Scenario:
    """One council of one store (real samples skip, saying so, when absent)."""
    name, council = request.param
    if name not in stores:
        pytest.skip(f"needs the real public data samples in {SHARED_DATA} (absent here)")
    return Scenario(name, stores[name], _council(council))


def _cli_json(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _from_figures(records: list[dict[str, Any]]) -> Cells:
    return {
        (metric, row["sector"]): row[metric]
        for row in records
        if row["client_group"] == "all"
        for metric in CHECKED
    }


@pytest.fixture
def cli(scenario: Scenario) -> Cells:
    """`caremarket figures --format json` for the council, at its latest release."""
    records = _cli_json(
        "figures", "--db", str(scenario.db), "--la", scenario.council.name, "--format", "json"
    )
    return _from_figures(records)


@pytest.fixture
def site(scenario: Scenario) -> Iterator[TestClient]:
    """The web tool over the store, public view."""
    store = DuckDBStore(scenario.db, read_only=True)
    try:
        yield TestClient(create_app(WebSettings(council=scenario.council.code), store))
    finally:
        store.close()


def _agree(expected: Cells, found: Cells, where: str) -> int:
    """Assert every cell found equals the CLI's (None for None); the number compared."""
    compared = 0
    for key, value in found.items():
        assert key in expected, f"{where}: {key} is not in `caremarket figures`"
        want = expected[key]
        if want is None or value is None:
            assert want is None and value is None, f"{where}: {key}: {value!r} != {want!r}"
        else:
            assert float(value) == pytest.approx(float(want), abs=0.051), f"{where}: {key}"
        compared += 1
    return compared


def test_metrics_show_equals_figures(scenario: Scenario, cli: Cells) -> None:
    """`caremarket metrics show` gives `figures`' value for every sector."""
    for metric in CHECKED:
        rows = _cli_json(
            "metrics", "show", "--db", str(scenario.db), "--la", scenario.council.name,
            "--metric", metric, "--format", "json",
        )  # fmt: skip
        found = {(metric, r["sector"]): r["value"] for r in rows if r["client_group"] == "all"}
        assert _agree(cli, found, f"metrics show {metric}") >= 1


def test_the_mps_equals_figures(scenario: Scenario, cli: Cells, tmp_path: Path) -> None:
    """figures.json and the HTML edition give `figures`' value for every council cell."""
    with DuckDBStore(scenario.db, read_only=True) as store:
        written = write_mps(store, scenario.council, "2026", tmp_path, pdf=False, allow_stale=True)
    document = json.loads(written.figures.read_text(encoding="utf-8"))
    council = scenario.council.code
    recorded: Cells = {}
    for figure in document["figures"]:
        level, area, group = figure["key"].split("|")[1:4]
        wanted = figure["metric"] in CHECKED and (level, area, group) == ("council", council, "all")
        if wanted and not figure["suppressed"]:
            recorded[(figure["metric"], figure["sector"])] = figure["value"]
    assert _agree(cli, recorded, "figures.json") >= 3
    printed: Cells = {}
    for found in figures_in(written.html.read_text(encoding="utf-8")):
        metric, level, area, sector, group, _ = found["data-key"].split("|")
        if metric in CHECKED and level == "council" and area == council and group == "all":
            printed[(metric, sector)] = float(found["data-value"]) if found["data-value"] else None
    assert _agree(cli, printed, "MPS HTML") >= 3


def test_the_api_equals_figures(cli: Cells, site: TestClient) -> None:  # cli before site
    """The API's metric rows, location list and map count give `figures`' values."""
    found: Cells = {}
    for metric in CHECKED:
        body = site.get(f"/api/v1/metrics/{metric}?level=council&client_group=all&limit=1000")
        assert body.status_code == 200, body.text
        for row in body.json()["items"]:
            if not row["suppressed"]:
                found[(metric, row["sector"])] = row["value"]
    assert _agree(cli, found, "API metrics") >= 3
    listed = site.get("/api/v1/locations?limit=1").json()["total"]
    assert listed == cli[("locations", "all")]
    mapped = site.get("/api/v1/map/locations").json()["metadata"]
    assert mapped["total"] == cli[("locations", "all")]
    assert mapped["count"] + mapped["without_position"] == mapped["total"]


@pytest.fixture
def by_locality(scenario: Scenario) -> dict[tuple[str, str, str], float | None]:
    """`caremarket figures --by locality --format json`: (locality, metric, sector) -> value."""
    records = _cli_json(
        "figures", "--db", str(scenario.db), "--la", scenario.council.name, "--by", "locality",
        "--format", "json",
    )  # fmt: skip
    return {
        (r["locality_code"], metric, r["sector"]): r[metric]
        for r in records
        if r["client_group"] == "all"
        for metric in CHECKED
    }


def test_web_pages_equal_figures(
    by_locality: dict[tuple[str, str, str], float | None], site: TestClient
) -> None:
    """Every sector dashboard's table by locality gives `figures --by locality`'s values."""
    expected = by_locality
    index = site.get("/dashboards").text
    sectors = sorted(set(re.findall(r'href="/dashboards/sector/([a-z_]+)"', index)))
    assert sectors
    compared = 0
    for sector in sectors:
        page = site.get(f"/dashboards/sector/{sector}")
        assert page.status_code == 200
        for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", page.text, re.S):
            code = re.search(r'href="/dashboards/locality/([^"]+)"', row)
            assert code is not None
            area = code.group(1).replace("%20", " ")
            for metric, value in re.findall(r'data-metric="(\w+)" data-value="([^"]*)"', row):
                if metric not in CHECKED or value == "":
                    continue
                want = expected[(area, metric, sector)]
                assert want is not None, (sector, area, metric)
                assert float(value) == pytest.approx(float(want), abs=0.051), (sector, area)
                compared += 1
    assert compared >= 3


def test_the_interim_care_page_counts_people_waiting_now(stores: dict[str, Path]) -> None:
    """The council's interim care page says as many people wait as the metric does (65)."""
    from caremarket.analysis import evaluate, gather
    from caremarket.web.routers.interim_care import interim_care

    norfolk = _council("Norfolk")
    with DuckDBStore(stores["demo"], read_only=True) as store:
        waiting = evaluate(gather(store, norfolk), "people_waiting").value()
        application = create_app(WebSettings(council=norfolk.code), store)
        listed = interim_care(application.state.caremarket, None)
    assert waiting == 65
    assert listed["number_waiting"] == 65
    assert len({row["person_id"] for row in listed["items"]}) == 65
