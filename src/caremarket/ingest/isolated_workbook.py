"""Old binary .xls workbooks read in a separate process, within a memory limit.

A damaged .xls can make the spreadsheet reader ask for tens of gigabytes (a
record claiming a huge string or table), and the binary format has no cheap
way to check its shape first, as xlsx and ods have. So the sheets are read in
a child process whose address space is capped: a file that needs more than
the limit stops that process, and the ingest reports a problem instead.
The child imports only the reader, and hands back every sheet's cell values.
"""

from __future__ import annotations

import pickle
import signal
import subprocess
import sys
from pathlib import Path

from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode

Cells = list[list[object]]


def read_isolated(path: Path, memory_bytes: int, timeout: float = 600.0) -> dict[str, Cells]:
    """Every sheet's cell values, read in a child process limited to `memory_bytes`."""
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "caremarket.ingest.isolated_workbook",
                str(path),
                str(memory_bytes),
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DataProblemError([_unreadable(path, f"no answer in {timeout:.0f} s")]) from None
    if done.returncode != 0:
        code = done.returncode
        how = signal.Signals(-code).name if code < 0 else f"exit {code}"
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = said[-1] if said else how
        if "MemoryError" in detail or "memory allocation" in detail or code < 0:
            raise DataProblemError(
                [
                    DataProblem(
                        ProblemCode.TOO_LARGE,
                        path.name,
                        f"an XLS workbook readable within {memory_bytes:,} bytes of memory",
                        value=f"the reader stopped ({how})",
                    )
                ]
            )
        raise DataProblemError([_unreadable(path, detail)])
    sheets: dict[str, Cells] = pickle.loads(done.stdout)
    return sheets


def _unreadable(path: Path, detail: str) -> DataProblem:
    return DataProblem(
        ProblemCode.TRUNCATED_FILE, path.name, "a readable XLS workbook", value=detail
    )


def _main(path: str, memory_bytes: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(path)
        sheets = {
            name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in book.sheet_names
        }
    except Exception as error:  # calamine raises several unrelated types
        sys.stderr.write(f"{type(error).__name__}: {error}\n")
        sys.exit(2)
    sys.stdout.buffer.write(pickle.dumps(sheets))


if __name__ == "__main__":
    _main(sys.argv[1], int(sys.argv[2]))
