"""`caremarket serve`: the council it serves, and a clean stop on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caremarket.cli.main import app
from caremarket.web.accounts.cluster import free_port

OK = "constructed_hsca_2026_ok_01_March_2026_HSCA_Active_Locations.csv"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "cqc"
runner = CliRunner()


@pytest.fixture(scope="module")
def rutland(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store whose only CQC release covers Rutland."""
    db = tmp_path_factory.mktemp("serve") / "rutland.duckdb"
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "cqc_hsca" / OK
    assert runner.invoke(app, ["ingest", "--db", str(db), str(fixture)]).exit_code == 0
    return db


def test_a_council_the_store_does_not_cover(rutland: Path) -> None:
    """--la for a council without releases in the store is one line listing what it covers."""
    result = runner.invoke(app, ["serve", "--db", str(rutland), "--la", "Norfolk County Council"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    (line,) = [x for x in result.stderr.splitlines() if x.strip()]
    assert "no CQC release in the store covers Norfolk (it covers: Rutland)" in line


def test_several_councils_are_listed(tmp_path: Path) -> None:
    """Without --la on a store covering two councils, serve lists them and asks, exit 2."""
    samples = [
        SHARED / "latest_ratings_lincolnshire_2026-06.csv",
        SHARED / "api_care_homes_devon_somerset_plymouth_torbay_2021-04.csv",
    ]
    if not all(p.exists() for p in samples):
        pytest.skip(f"the real samples are not in {SHARED}")
    db = str(tmp_path / "two.duckdb")
    for sample in samples:
        loaded = runner.invoke(app, ["ingest", "--db", db, "--lenient", str(sample)])
        assert loaded.exit_code == 0, loaded.output
    result = runner.invoke(app, ["serve", "--db", db])
    assert result.exit_code == 2
    (line,) = [x for x in result.stderr.splitlines() if x.strip()]
    assert "Devon (E10000008)" in line and "Lincolnshire (E10000019)" in line
    assert "choose one with --la" in line


def test_serves_the_council_the_store_covers_and_stops_cleanly(rutland: Path) -> None:
    """Without --la serve shows the one council covered; SIGINT stops it with nothing on stderr."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "caremarket"), "serve", "--db", str(rutland),
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        page = ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode()
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/areas", timeout=30)
                break
            except OSError:
                time.sleep(0.5)
        assert "Rutland" in page
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=60)
    assert server.returncode == 0, err
    assert "Ctrl+C stops it" in out
    assert "leaked" not in err and "Warning" not in err and "Traceback" not in err, err
