"""The PDF edition: A4 pages with numbers, a contents page with page numbers; pages saved as
PNG under test-artifacts/ to look at."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.report.conftest import ARTIFACTS, need_poppler

from caremarket.domain.area import Area
from caremarket.report.mps import write_mps
from caremarket.store.duckdb_store import DuckDBStore


def test_pdf_has_page_numbers_contents_and_renders(
    demo_store: DuckDBStore, norfolk: Area, tmp_path: Path
) -> None:
    """Every page after the cover says `Page N of M`; the contents gives chapters' pages."""
    need_poppler()
    written = write_mps(demo_store, norfolk, "2026", tmp_path)
    assert written.pdf is not None
    info = subprocess.run(["pdfinfo", str(written.pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert pages > 15
    assert "595.276 x 841.89" in info.stdout or "A4" in info.stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(written.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    for number in range(2, pages + 1):
        assert f"Page {number} of {pages}" in text[number - 1], number
    contents = text[1]
    assert "Contents" in contents
    found = dict(re.findall(r"^\s*\d+\s+([A-Z][A-Za-z ,]+?)[ .]+(\d+)\s*$", contents, re.M))
    assert int(found["Demand"]) > 2
    assert "Demand" in text[int(found["Demand"]) - 1]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "12", str(written.pdf),
         str(ARTIFACTS / "norfolk-demo")],
        check=True,
    )  # fmt: skip
    assert list(ARTIFACTS.glob("norfolk-demo-*.png"))
