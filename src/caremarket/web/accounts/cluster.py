"""A local PostgreSQL cluster in a folder, for the demo, development and tests.

Uses Debian's server binaries (/usr/lib/postgresql/*/bin; install with
`scripts/ensure-system-packages.sh`). PostgreSQL refuses to run as root, so
as root the cluster runs as the `postgres` user through `runuser`. The
cluster listens on 127.0.0.1 and on a Unix socket in its folder, asks every
connection for the password of its `postgres` role (scram-sha-256), and
syncs what it writes to disk (fsync on). The password is generated when the
cluster is made and kept in the folder (`SECRET_FILE`, mode 600): only whoever
can read the folder can connect. A cluster made before passwords were asked
is given one on its next start. For production, `--accounts-url` points at a
managed server.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class ClusterError(RuntimeError):
    """The local cluster could not be made or started: which folder, what failed, what to do."""


def _failed(step: str, folder: Path, output: bytes | None) -> ClusterError:
    """The error for a server program that failed, from the last line it wrote."""
    said = [line.strip() for line in (output or b"").decode(errors="replace").splitlines()]
    said = [line for line in said if line]
    reason = said[-1] if said else "it gave no reason"
    owner = " (the server runs as user `postgres`)" if os.geteuid() == 0 else ""
    todo = (
        f"give --accounts-dir a folder the server's user can create and write{owner}, "
        "e.g. one under /tmp or /var/lib"
        if "ermission denied" in reason or "not empty" in reason or "ead-only" in reason
        else f"see {folder / 'server.log'}"
        if step == "start"
        else "check the folder and the PostgreSQL installation"
    )
    return ClusterError(
        f"the local accounts database could not {step} in {folder}: {reason}; {todo}"
    )


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


SECRET_FILE = "caremarket-accounts.secret"
"""The file in the cluster's folder holding the `postgres` role's password."""


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
    def secret_file(self) -> Path:
        """Where the `postgres` role's password is kept (mode 600)."""
        return self.folder / SECRET_FILE

    @property
    def conninfo(self) -> str:
        """The connection string for the cluster's `postgres` database (with its password)."""
        password = self.secret_file.read_text().strip()
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres password={password}"

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
            self._initialise(bin_dir, data)
        self._pg_ctl_start(bin_dir, data)
        (data / "port").write_text(str(self.port))
        if not self.secret_file.exists():
            self._ask_passwords(bin_dir, data)
        return self

    def _initialise(self, bin_dir: Path, data: Path) -> None:
        """initdb with a generated password for `postgres`, asked of every connection."""
        secret = secrets.token_urlsafe(32)
        with tempfile.TemporaryDirectory(prefix="caremarket-initdb-") as scratch:
            pwfile = Path(scratch) / "pw"
            pwfile.write_text(secret + "\n")
            pwfile.chmod(0o600)
            if os.geteuid() == 0:
                shutil.chown(scratch, "postgres", "postgres")
                shutil.chown(pwfile, "postgres", "postgres")
            initdb = subprocess.run(
                _as_owner(
                    [
                        str(bin_dir / "initdb"),
                        "-D",
                        str(data),
                        "-U",
                        "postgres",
                        "--auth=scram-sha-256",
                        f"--pwfile={pwfile}",
                        "-E",
                        "UTF8",
                    ]
                ),
                check=False,
                capture_output=True,
            )
        if initdb.returncode != 0:
            raise _failed("be made", data, initdb.stderr or initdb.stdout)
        self._keep_secret(secret)

    def _keep_secret(self, secret: str) -> None:
        descriptor = os.open(self.secret_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secret + "\n")
        self.secret_file.chmod(0o600)

    def _ask_passwords(self, bin_dir: Path, data: Path) -> None:
        """Give a cluster made to trust local connections a password, then ask for it."""
        # Imported here: psycopg is only needed to harden a cluster made before passwords.
        import psycopg

        secret = secrets.token_urlsafe(32)
        with psycopg.connect(
            f"host={data} port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as con:
            con.execute("SET password_encryption = 'scram-sha-256'")
            con.execute(f"ALTER ROLE postgres PASSWORD '{secret}'")
        self._keep_secret(secret)
        hba = data / "pg_hba.conf"
        lines = [
            line
            if line.lstrip().startswith("#") or not line.strip()
            else line.replace("trust", "scram-sha-256")
            for line in hba.read_text().splitlines()
        ]
        hba.write_text("\n".join(lines) + "\n")
        subprocess.run(
            _as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "reload"]),
            check=True,
            capture_output=True,
        )

    def _pg_ctl_start(self, bin_dir: Path, data: Path) -> None:
        options = f"-p {self.port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=on"
        try:
            self._pg_ctl(bin_dir, data, options)
        except subprocess.CalledProcessError as error:
            raise _failed("start", data, error.stderr or error.stdout) from None

    def _pg_ctl(self, bin_dir: Path, data: Path, options: str) -> None:
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
