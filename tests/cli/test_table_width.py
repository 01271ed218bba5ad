"""Tables fit an 80-column terminal: nothing cut, ids whole, what is left out is named."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from caremarket.cli.main import app

OK = "constructed_hsca_2026_ok_01_March_2026_HSCA_Active_Locations.csv"
runner = CliRunner(env={"COLUMNS": "80"})


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store with one CQC release for Rutland."""
    db = tmp_path_factory.mktemp("width") / "store.duckdb"
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "cqc_hsca" / OK
    assert runner.invoke(app, ["ingest", "--db", str(db), str(fixture)]).exit_code == 0
    return str(db)


def _fits(text: str) -> list[str]:
    lines = text.splitlines()
    assert lines
    assert max(len(line) for line in lines) <= 80, "\n".join(lines)
    assert "…" not in text, text
    return lines


@pytest.mark.parametrize(
    "args",
    [
        ["figures", "--la", "Rutland"],
        ["figures", "--la", "Rutland", "--by", "district"],
        ["releases"],
        ["sources"],
        ["metrics", "list"],
        ["metrics", "show", "--la", "Rutland", "--metric", "locations", "--by", "district"],
    ],
    ids=lambda a: " ".join(a[:3]),
)
def test_tables_fit_80_columns(args: list[str], store: str) -> None:
    """At 80 columns no line is longer and no cell is cut with an ellipsis."""
    needs_store = args[0] in ("figures", "releases") or args[:2] == ["metrics", "show"]
    result = runner.invoke(app, [*args, *(["--db", store] if needs_store else [])])
    assert result.exit_code == 0, result.output
    _fits(result.stdout)


def test_release_ids_are_whole_and_wide_shows_every_column(store: str) -> None:
    """The release id `releases remove` takes is printed whole; --wide adds what was left out."""
    listed = runner.invoke(app, ["releases", "--db", store, "--format", "json"])
    release_id = listed.stdout.split('"release_id": "')[1].split('"')[0]
    narrow = runner.invoke(app, ["releases", "--db", store])
    lines = _fits(narrow.stdout)
    assert any(release_id in line for line in lines)
    assert "Left out at this width" in narrow.stdout and "--wide" in narrow.stdout
    wide = runner.invoke(app, ["releases", "--db", store, "--wide"])
    assert "Open Government Licence v3.0" in wide.stdout
    assert "Left out" not in wide.stdout
