"""A local accounts cluster that cannot be made is one line naming the folder, not a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caremarket.cli.main import app
from caremarket.web.accounts.cluster import server_binaries

runner = CliRunner()


def test_initdb_that_cannot_write_says_which_folder(tmp_path: Path) -> None:
    """initdb refused its folder: exit 2, one line with the folder and what to do."""
    try:
        server_binaries()
    except LookupError as error:
        pytest.skip(str(error))
    shut = tmp_path / "shut"
    shut.mkdir(mode=0o700)
    if os.geteuid() != 0:
        shut.chmod(0o500)  # not even its owner may make the folder in it
    folder = shut / "accounts"  # as root, the server runs as `postgres`, who cannot reach it
    result = runner.invoke(
        app,
        ["users", "add", "ann", "--role", "council", "--password-stdin",
         "--accounts-dir", str(folder)],
        input="a long enough password\n",
    )  # fmt: skip
    shut.chmod(0o700)
    text = result.output + result.stderr
    assert "Traceback" not in text and "CalledProcessError" not in text, text
    assert result.exit_code == 2, text
    (line,) = [x for x in result.stderr.splitlines() if x.strip()]
    assert str(folder) in line and "ermission denied" in line
    if os.geteuid() == 0:
        assert "could not be made" in line and "give --accounts-dir a folder" in line
