"""Mistakes a user can put right, and the catalogue saying each in one line.

Commands raise `UserError`, or let through the errors the layers below raise
on purpose (no store, a store in use, a name that is not a council, no
release for the date asked...); the entry point (`caremarket.cli.main`) asks
`explain` for the line to print. Exit codes of every command:

- 0: done;
- 1: the work was done but failed a check (a file refused for its data
  problems, a plan not feasible), or an internal error: its traceback goes to
  a log file the message names (`caremarket --debug ...` prints it instead);
- 2: the command was asked for something it cannot do (a usage error, a
  missing file or store, a council that is not one, ...): one line says what
  was wrong and what to do.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

USAGE_EXIT = 2
FAILED_EXIT = 1

CREATE_STORE = "create one with `caremarket ingest FILE ...` or `caremarket demo`"


class UserError(Exception):
    """Something asked of a command that cannot be done: what was wrong, and what to do."""

    def __init__(self, what: str, todo: str = "") -> None:
        super().__init__(f"{what}; {todo}" if todo else what)


@dataclass(frozen=True, slots=True)
class Explanation:
    """How one kind of error is told to the user (None: not this one, ask the next)."""

    kind: str
    """The error's class as `module.QualName`; subclasses are explained by it too."""
    says: Callable[[Any], str | None]


def _quoted_path(message: str) -> str:
    found = re.search(r'"([^"]+)"', message)
    return found.group(1) if found else "the file"


def _duckdb(error: Exception) -> str | None:
    message = str(error)
    if "not a valid DuckDB database file" in message:
        return (
            f"{_quoted_path(message)} is not a caremarket store (not a DuckDB database file); "
            f"give --db the store's path, or {CREATE_STORE}"
        )
    if "Could not set lock" in message:
        return (
            f"the store {_quoted_path(message)} is open for writing in another program "
            f"({_holder(message)}): close it there and try again"
        )
    return None


def _holder(detail: str) -> str:
    found = re.search(r"held in (\S+) \(PID (\d+)\)", detail)
    return f"{Path(found.group(1)).name}, PID {found.group(2)}" if found else "another process"


def _store_in_use(error: Any) -> str:
    return (
        f"the store {error.path} is open for writing in another program "
        f"({_holder(error.detail)}): close it there and try again"
    )


def _os_error(error: OSError) -> str | None:
    if error.filename is None:
        return None
    reason = (error.strerror or type(error).__name__).lower()
    shown = error.filename if error.filename2 is None else f"{error.filename} -> {error.filename2}"
    if isinstance(error, PermissionError):
        return f"cannot use {shown}: {reason}; check the path, or its permissions"
    return f"cannot use {shown}: {reason}; check the path"


def _process(error: subprocess.CalledProcessError) -> str:
    program = Path(str(error.cmd[0] if isinstance(error.cmd, list) else error.cmd)).name
    output = error.stderr or error.stdout or b""
    text = output.decode(errors="replace") if isinstance(output, bytes) else str(output)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    said = f": {lines[-1]}" if lines else ""
    return f"`{program}` failed (exit {error.returncode}){said}"


def _not_a_council(error: Any) -> str:
    if error.county is not None:
        county = error.county
        title = f"{county.name} County Council" if county.tier == "county" else county.name
        return (
            f"{error.district.name} is a district of {county.name}; adult social care is "
            f"{title}'s: use --la {county.name}"
        )
    return str(error)


def _first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _lookup(error: LookupError) -> str | None:
    # KeyError and IndexError are slips in the code, not something the user asked for.
    return None if isinstance(error, KeyError | IndexError) else _first_line(error)


CATALOGUE: tuple[Explanation, ...] = (
    Explanation("caremarket.cli.user_error.UserError", str),
    Explanation(
        "caremarket.store.versions.NoStore", lambda e: f"no store at {e.path}; {CREATE_STORE}"
    ),
    Explanation("caremarket.store.versions.StoreInUse", _store_in_use),
    Explanation("_duckdb.IOException", _duckdb),
    Explanation("caremarket.domain.council_name.NotACouncil", _not_a_council),
    Explanation("caremarket.ingest.council.manifest.NoCouncilError", _first_line),
    Explanation("caremarket.web.accounts.cluster.ClusterError", _first_line),
    Explanation("caremarket.report.mps.StaleDataError", _first_line),
    Explanation("caremarket.quality.risk.NotEnoughHistory", _first_line),
    Explanation(
        "caremarket.ingest.problem.DataProblemError",
        lambda e: f"{_first_line(e)}; correct the file and try again",
    ),
    Explanation(
        "psycopg.OperationalError",
        lambda e: (
            f"cannot reach the accounts database ({_first_line(e)}); "
            "check --accounts-url, or use --accounts-dir"
        ),
    ),
    Explanation("subprocess.CalledProcessError", _process),
    Explanation("builtins.LookupError", _lookup),
    Explanation("builtins.OSError", _os_error),
)


def _names(kind: type) -> list[str]:
    return [f"{c.__module__}.{c.__qualname__}" for c in kind.__mro__]


def explain(error: BaseException) -> str | None:
    """The one line telling the user what was wrong and what to do, or None if not theirs."""
    names = _names(type(error))
    for entry in CATALOGUE:
        if entry.kind in names:
            said = entry.says(error)
            if said is not None:
                return " ".join(said.split())
    return None
