"""A local PostgreSQL cluster in a folder, for the demo, development and tests.

Uses Debian's server binaries (/usr/lib/postgresql/*/bin; install with
`scripts/ensure-system-packages.sh`). PostgreSQL refuses to run as root, so
as root the cluster runs as the `postgres` user through `runuser`. The
cluster listens on 127.0.0.1 only and trusts local connections: it is for
one machine's demo and tests, not for production, where `--accounts-url`
points at a managed server.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path


def server_binaries() -> Path:
    """The newest installed PostgreSQL server's bin folder (LookupError if none)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4])
    )
    if not found:
        raise LookupError(
            "PostgreSQL server is not installed: run scripts/ensure-system-packages.sh "
            "(apt-get install -y postgresql)"
        )
    return Path(found[-1]).parent


def free_port() -> int:
    """A TCP port on loopback nobody is listening on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@dataclass(slots=True)
class LocalCluster:
    """A PostgreSQL cluster in `folder`, started on `port` (initialised when new)."""

    folder: Path
    port: int

    @property
    def conninfo(self) -> str:
        """The connection string for the cluster's `postgres` database."""
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    @classmethod
    def in_folder(cls, folder: Path) -> LocalCluster:
        """The cluster kept in a folder, on the port it used before (or a free one)."""
        remembered = folder / "port"
        if remembered.exists():
            return cls(folder, int(remembered.read_text().strip()))
        return cls(folder, free_port())

    def running(self) -> bool:
        """Whether the server in the folder is up."""
        if not (self.folder / "PG_VERSION").exists():
            return False
        status = subprocess.run(
            _as_owner(
                [str(server_binaries() / "pg_ctl"), "-D", str(self.folder.resolve()), "status"]
            ),
            check=False,
            capture_output=True,
        )
        return status.returncode == 0

    def start(self) -> LocalCluster:
        """Initialise the folder if needed and start the server (unless up); returns self."""
        if self.running():
            return self
        bin_dir = server_binaries()
        data = self.folder.resolve()
        data.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(data, "postgres", "postgres")
            data.chmod(0o700)
        if not (data / "PG_VERSION").exists():
            subprocess.run(
                _as_owner(
                    [
                        str(bin_dir / "initdb"),
                        "-D",
                        str(data),
                        "-U",
                        "postgres",
                        "-A",
                        "trust",
                        "--no-sync",
                        "-E",
                        "UTF8",
                    ]
                ),
                check=True,
                capture_output=True,
            )
        options = f"-p {self.port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_owner(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(data / "server.log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        (data / "port").write_text(str(self.port))
        return self

    def stop(self) -> None:
        """Stop the server (fast shutdown); the folder stays for the next start."""
        subprocess.run(
            _as_owner(
                [
                    str(server_binaries() / "pg_ctl"),
                    "-D",
                    str(self.folder.resolve()),
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                ]
            ),
            check=False,
            capture_output=True,
        )
