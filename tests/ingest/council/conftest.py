"""Building council extract folders from the constructed fixtures."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

COUNCIL_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "council"
NORFOLK_YAML = "council: Norfolk\nextract_date: 2026-06-01\n"

MakeFolder = Callable[..., Path]


@pytest.fixture
def council_folder(tmp_path: Path) -> MakeFolder:
    """A maker of extract folders: fixture files copied under their template names."""
    count = 0

    def make(files: dict[str, str], manifest: str | None = NORFOLK_YAML) -> Path:
        nonlocal count
        count += 1
        folder = tmp_path / f"extract_{count}"
        folder.mkdir()
        if manifest is not None:
            (folder / "council.yaml").write_text(manifest, encoding="utf-8")
        for target, fixture in files.items():
            source = COUNCIL_FIXTURES / fixture
            if source.is_dir():
                shutil.copytree(source, folder / target)
            else:
                shutil.copyfile(source, folder / target)
        return folder

    return make
