"""The demo county's district boundaries: ONS's real 2025 Norfolk districts (OGL v3.0)."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from typing import Final

BOUNDARIES_FILE: Final = "norfolk_districts_2025.geojson"


def write_boundaries(out_dir: Path) -> Path:
    """Copy the shipped Norfolk district boundaries (GeoJSON) into the demo folder."""
    path = out_dir / BOUNDARIES_FILE
    source = resources.files("caremarket.demo").joinpath(f"data/{BOUNDARIES_FILE}")
    with resources.as_file(source) as shipped:
        shutil.copyfile(shipped, path)
    return path
