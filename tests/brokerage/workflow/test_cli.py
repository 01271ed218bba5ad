"""`caremarket brokerage init` and `import-waiting`: the demo list becomes open requests."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import psycopg
from typer.testing import CliRunner

from caremarket.cli.main import app
from caremarket.demo.calibration import load_calibration
from caremarket.demo.council_tables import interim_care_list
from caremarket.demo.generate import AS_OF

runner = CliRunner()


def _demo_list(folder: Path) -> tuple[Path, int]:
    """The demo county's interim care list as `caremarket demo` writes it; people waiting."""
    rows = interim_care_list(load_calibration(), random.Random(2026), AS_OF)
    path = folder / "interim_care_list.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path, sum(1 for r in rows if not r["date_sourced"])


def _requests(conninfo: str) -> int:
    with psycopg.connect(conninfo) as con:
        found = con.execute("SELECT count(*) FROM brokerage.request WHERE state = 'open'")
        row = found.fetchone()
        return int(row[0]) if row else -1


def test_init_then_import_the_demo_list(empty_database: str, tmp_path: Path) -> None:
    """init makes the schema (twice is fine); the demo's people waiting become open requests."""
    first = runner.invoke(app, ["brokerage", "init", "--db-url", empty_database])
    from caremarket.brokerage.workflow.migrate import migrations

    every = [m.version for m in migrations()]
    applied = ", ".join(str(v) for v in every)
    assert first.exit_code == 0, first.output
    assert f"version {every[-1]} (applied {applied})" in first.output, first.output
    again = runner.invoke(app, ["brokerage", "init", "--db-url", empty_database])
    assert again.exit_code == 0 and "nothing to apply" in again.output
    path, waiting = _demo_list(tmp_path)
    assert waiting >= 30
    done = runner.invoke(
        app, ["brokerage", "import-waiting", "--db-url", empty_database, str(path)]
    )
    assert done.exit_code == 0, done.output
    assert f"Opened {waiting} requests" in done.output
    assert _requests(empty_database) == waiting


def test_hostile_list_imports_nothing(empty_database: str, tmp_path: Path) -> None:
    """A row with hours <= 0 refuses the whole file in one line naming file, row and column."""
    path, _ = _demo_list(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[5].split(",")
    cells[3], cells[5] = "0", ""
    lines[5] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner.invoke(app, ["brokerage", "init", "--db-url", empty_database])
    refused = runner.invoke(
        app, ["brokerage", "import-waiting", "--db-url", empty_database, str(path)]
    )
    assert refused.exit_code == 2
    (line,) = [x for x in refused.stderr.splitlines() if x.strip()]
    assert "nothing imported: interim_care_list.csv, row 6, column `hours_per_week`" in line
    assert "expected hours a week above 0" in line and "Traceback" not in refused.output
    assert _requests(empty_database) == 0


def test_no_database_named_is_a_usage_error(tmp_path: Path) -> None:
    """Without --db-url or --accounts-dir the command says what to give, exit 2."""
    path, _ = _demo_list(tmp_path)
    result = runner.invoke(app, ["brokerage", "import-waiting", str(path)])
    assert result.exit_code == 2 and "--db-url" in result.stderr


PROVIDERS = (
    "provider_id,name,email,districts,on_framework,last_resort,principal_of,rating\n"
    "1-100,Alpha Care,alpha@example.org,NR1; NR2,yes,no,Norwich,good\n"
    "1-200,Beta Care,,NR3 NR4,yes,,,\n"
    "council,Council Home Support,support@council.example,,no,yes,,\n"
)


def test_providers_file_declares_framework_principals_and_last_resort(
    database: str, tmp_path: Path
) -> None:
    """`brokerage providers` registers every row, the principal's zone and the last resort."""
    path = tmp_path / "providers.csv"
    path.write_text(PROVIDERS, encoding="utf-8")
    done = runner.invoke(app, ["brokerage", "providers", "--db-url", database, str(path)])
    assert done.exit_code == 0, done.output
    said = " ".join(done.output.split())
    assert "3 providers declared (2 on the framework, principal provider of 1 zones" in said
    assert "provider of last resort: Council Home Support" in said
    with psycopg.connect(database) as con:
        rows = con.execute(
            "SELECT provider_id, districts, on_framework, last_resort FROM brokerage.provider "
            "ORDER BY provider_id"
        ).fetchall()
        principal = con.execute("SELECT zone, provider_id FROM brokerage.zone_principal").fetchall()
    assert rows == [
        ("1-100", ["NR1", "NR2"], True, False),
        ("1-200", ["NR3", "NR4"], True, False),
        ("council", [], False, True),
    ]
    assert principal == [("Norwich", "1-100")]


def test_a_bad_providers_file_changes_nothing(database: str, tmp_path: Path) -> None:
    """A bad district, flag or email anywhere: one line naming file, row and column; no change."""
    path = tmp_path / "providers.csv"
    bad = PROVIDERS.replace("NR3 NR4,yes", "NR3 Norwich,perhaps").replace(
        "support@council.example", "=HYPERLINK()"
    )
    path.write_text(bad, encoding="utf-8")
    done = runner.invoke(app, ["brokerage", "providers", "--db-url", database, str(path)])
    said = " ".join(done.output.split())
    assert done.exit_code == 2, done.output
    assert "nothing changed" in said and "providers.csv" in said and "row 3" in said
    assert "(and 2 more problems)" in said
    with psycopg.connect(database) as con:
        assert con.execute("SELECT count(*) FROM brokerage.provider").fetchone() == (0,)
