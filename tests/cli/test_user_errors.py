"""Every command, asked for something it cannot do, says so in one line and exits 2.

The commands are found by walking the `caremarket` command itself, so a new
command is covered as soon as it is added (or this test says which sample
value it needs for a required parameter).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner, Result

from caremarket.cli.main import CaremarketGroup, app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OK = "constructed_hsca_2026_ok_01_March_2026_HSCA_Active_Locations.csv"
runner = CliRunner()

# Store options that may make a new store (loads and the demo); every other --db must exist.
CREATING = {("ingest",), ("ingest-council",), ("fetch",)}
DATE_OPTIONS = {"as_of", "release_date", "extract_date", "start", "end"}


@dataclass(frozen=True)
class Command:
    """One command (or group with its own options) as the user calls it."""

    path: tuple[str, ...]
    command: Any

    @property
    def params(self) -> list[Any]:
        """The command's parameters, without --help."""
        return [p for p in self.command.params if p.name != "help"]

    def param(self, name: str) -> Any | None:
        """The parameter of that name, if the command has one."""
        return next((p for p in self.params if p.name == name), None)


def _walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[Command]:
    sub = getattr(command, "commands", None)
    if sub is None:
        yield Command(path, command)
        return
    if path and any(p.name != "help" for p in command.params):
        yield Command(path, command)  # a group that runs itself (`releases`)
    for name, child in sorted(sub.items()):
        yield from _walk(child, (*path, name))


COMMANDS = list(_walk(typer.main.get_command(app)))


def _ids(commands: list[Command]) -> list[str]:
    return [" ".join(c.path) for c in commands]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Existing files and folders to give commands, and a loaded store."""
    root = tmp_path_factory.mktemp("user-errors")
    store = root / "store.duckdb"
    loaded = runner.invoke(app, ["ingest", "--db", str(store), str(FIXTURES / "cqc_hsca" / OK)])
    assert loaded.exit_code == 0, loaded.output
    (root / "some.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (root / "folder").mkdir()
    design = {"type": "FeatureCollection", "properties": {"council": "Rutland"},
              "features": [{"properties": {"zone": 1, "blocks": ["LE15 6"]}}]}  # fmt: skip
    (root / "design.geojson").write_text(json.dumps(design), encoding="utf-8")
    return {"store": store, "csv": root / "some.csv", "folder": root / "folder", "root": root}


def _sample(name: str, files: dict[str, Path]) -> list[str]:
    """A good value for a required parameter, by its name."""
    csv, folder = str(files["csv"]), str(files["folder"])
    samples: dict[str, list[str]] = {
        "la": ["Rutland"],
        "metric": ["locations"],
        "out": [str(files["root"] / "out")],
        "date": ["2026-03-01"],
        "role": ["council"],
        "name": ["someone"],
        "benchmark_name": ["mankowska"],
        "paths": [csv],
        "directory": [folder],
        "folder": [str(files["root"] / "templates")],
        "visits": [csv],
        "carers": [csv],
        "plan_json": [csv],
        "care_list": [csv],
        "providers_file": [csv],
        "absent": ["C01"],
        "from_": ["10:30"],
        "design_file": [str(files["root"] / "design.geojson")],
    }
    assert name in samples, f"give tests/cli/test_user_errors.py a sample value for `{name}`"
    return samples[name]


def _invocation(cmd: Command, files: dict[str, Path], **given: list[str]) -> list[str]:
    """The command with a good value for every required parameter, and those given."""
    args = list(cmd.path)
    for param in cmd.params:
        if param.name in given:
            value = given[param.name]
        elif param.required:
            value = _sample(param.name, files)
        else:
            continue
        if param.param_type_name == "argument":
            args += value
        else:
            args += [param.opts[0], *value]
    return args


def _one_line(result: Result, *expected: str) -> str:
    """The error line, after checking it is one line, exit 2 and no traceback."""
    text = result.output + (result.stderr or "")
    assert "Traceback" not in text, text
    assert result.exit_code == 2, (result.exit_code, text)
    assert isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    for part in expected:
        assert part in lines[0], (part, lines[0])
    return lines[0]


def test_every_command_is_walked() -> None:
    """The walk finds the commands the README documents, sub-commands included."""
    found = set(_ids(COMMANDS))
    expected = {"ingest", "figures", "serve", "releases", "releases remove", "report mps",
                "metrics show", "quality risk", "rounds plan", "users add", "demo"}  # fmt: skip
    assert expected <= found


@pytest.mark.parametrize("cmd", COMMANDS, ids=_ids(COMMANDS))
def test_unknown_option(cmd: Command, files: dict[str, Path]) -> None:
    """An option the command does not have is one line naming it, exit 2."""
    result = runner.invoke(app, [*_invocation(cmd, files), "--no-such-option"])
    _one_line(result, "--no-such-option", f"caremarket {' '.join(cmd.path)} --help")


REQUIRED = [c for c in COMMANDS if any(p.required for p in c.params)]


@pytest.mark.parametrize("cmd", REQUIRED, ids=_ids(REQUIRED))
def test_missing_required(cmd: Command) -> None:
    """A command without what it requires says what is missing, exit 2."""
    _one_line(runner.invoke(app, list(cmd.path)), "Missing")


INPUTS = [
    (c, p.name)
    for c in COMMANDS
    for p in c.params
    if getattr(p.type_descriptor.parameter_info, "exists", False) and p.name != "db"
]


@pytest.mark.parametrize(
    ("cmd", "name"), INPUTS, ids=[f"{' '.join(c.path)}-{n}" for c, n in INPUTS]
)
def test_missing_input_file(cmd: Command, name: str, files: dict[str, Path]) -> None:
    """An input file or folder that is not there is named, exit 2."""
    missing = str(files["root"] / "not-there.csv")
    args = _invocation(cmd, files, **{name: [missing]})
    _one_line(runner.invoke(app, args), "not-there.csv", "does not exist")


WITH_STORE = [c for c in COMMANDS if c.param("db") is not None]
READING = [c for c in WITH_STORE if c.path not in CREATING]


def test_store_commands_are_found() -> None:
    """Every command that reads a store is checked below, and only loads may make one."""
    expected = {"figures", "serve", "releases", "releases remove", "report mps", "metrics show",
                "quality risk", "quality backtest", "quality assessments"}  # fmt: skip
    assert expected <= set(_ids(READING))
    assert {c.path for c in WITH_STORE} - {c.path for c in READING} == CREATING


@pytest.mark.parametrize("cmd", READING, ids=_ids(READING))
def test_missing_store(cmd: Command, files: dict[str, Path]) -> None:
    """A --db naming no store is refused with what to do, and no store is made there."""
    typo = files["root"] / "caremarket.duckbd"
    args = _invocation(cmd, files, db=[str(typo)], release_ids=["x"])
    _one_line(
        runner.invoke(app, args), f"no store at {typo}", "caremarket ingest", "caremarket demo"
    )
    assert not typo.exists()


@pytest.fixture(scope="module")
def locked(files: dict[str, Path]) -> Iterator[Path]:
    """A copy of the loaded store, held open for writing by another process."""
    held = files["root"] / "held.duckdb"
    shutil.copyfile(files["store"], held)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
         "print('held', flush=True); sys.stdin.read()", str(held)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    yield held
    holder.terminate()
    holder.wait(timeout=10)


@pytest.mark.parametrize("cmd", WITH_STORE, ids=_ids(WITH_STORE))
def test_locked_store(cmd: Command, files: dict[str, Path], locked: Path) -> None:
    """A store another program holds open for writing is named with that program, exit 2."""
    given: dict[str, list[str]] = {
        "db": [str(locked)],
        "release_ids": ["x"],
        "sources": ["cqc-hsca"],
    }
    if cmd.path == ("ingest-council",):
        given["la"] = ["Rutland"]
    args = _invocation(cmd, files, **given)
    _one_line(runner.invoke(app, args), str(locked), "open for writing in another program", "PID")


WITH_COUNCIL = [c for c in COMMANDS if c.param("la") is not None]


@pytest.mark.parametrize("cmd", WITH_COUNCIL, ids=_ids(WITH_COUNCIL))
def test_a_district_points_to_its_council(cmd: Command, files: dict[str, Path]) -> None:
    """--la Exeter names Devon, whose council has the duty, exit 2."""
    args = _invocation(cmd, files, la=["Exeter"], db=[str(files["store"])], sources=["cqc-api"])
    _one_line(runner.invoke(app, args), "Exeter is a district of Devon", "--la Devon")


@pytest.mark.parametrize("cmd", WITH_COUNCIL, ids=_ids(WITH_COUNCIL))
def test_not_a_council(cmd: Command, files: dict[str, Path]) -> None:
    """--la with a name no council has says how to name one, exit 2."""
    args = _invocation(cmd, files, la=["Narnia"], db=[str(files["store"])], sources=["cqc-api"])
    _one_line(runner.invoke(app, args), "`Narnia`", "GSS code")


DATED = [(c, p.name) for c in COMMANDS for p in c.params if p.name in DATE_OPTIONS]


@pytest.mark.parametrize(("cmd", "name"), DATED, ids=[f"{' '.join(c.path)}-{n}" for c, n in DATED])
def test_bad_date(cmd: Command, name: str, files: dict[str, Path]) -> None:
    """A date that is not one is refused with an example of a good one, exit 2."""
    given = {name: ["2026-13-45"], "db": [str(files["store"])], "release_ids": ["x"]}
    if cmd.path in CREATING:
        given["db"] = [str(files["root"] / "dated.duckdb")]
    args = _invocation(cmd, files, **given)
    _one_line(runner.invoke(app, args), "2026-13-45", "2026-06-01")


def _broken_app() -> typer.Typer:
    """A command line built like `caremarket` with one command that has a bug."""
    broken = typer.Typer(cls=CaremarketGroup, pretty_exceptions_enable=False)

    @broken.callback()
    def root(debug: bool = typer.Option(False, "--debug")) -> None:
        """The root."""

    @broken.command()
    def divide(by: int = 0) -> None:
        """Divide by a number (zero is a bug here)."""
        print(1 / by)

    return broken


def test_internal_error_points_to_a_log() -> None:
    """A bug prints one line naming a log file holding the traceback, exit 1; --debug shows it."""
    result = runner.invoke(_broken_app(), ["divide"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    (line,) = [x for x in result.stderr.splitlines() if x.strip()]
    assert "internal error (ZeroDivisionError)" in line and "--debug" in line
    log = Path(re.search(r"details are in (\S+?):", line).group(1))  # type: ignore[union-attr]
    assert "Traceback" in log.read_text(encoding="utf-8")
    log.unlink()
    debugged = runner.invoke(_broken_app(), ["--debug", "divide"])
    assert isinstance(debugged.exception, ZeroDivisionError)
