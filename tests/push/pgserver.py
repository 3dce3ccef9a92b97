"""A throwaway PostgreSQL server on 127.0.0.1 for the tests that need one.

`.ci/run` starts one with `python tests/push/pgserver.py start DIR` (prints the URL for
RECONCILER_TEST_PG_URL) and stops it with `... stop DIR`. The `pg_url` fixture uses that URL;
without it, outside CI, it starts its own for the session when the server binaries are
installed (Debian: apt-get install postgresql). In CI a missing URL fails the test: CI must
prove that `.ci/run` starts the server.

initdb refuses to run as root, so as root the data folder is handed to the `postgres` user
(created by Debian's package) and the server runs as that user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
from pathlib import Path

USER = "reconciler"


def binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version(path: str) -> int:
    part = path.split("/")[4]
    return int(part) if part.isdigit() else 0


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(folder: Path) -> str:
    """Start a server with its data in `folder`; return its URL (trust auth, loopback only).

    As root, `folder`'s parent must be open to the `postgres` user (e.g. `mktemp -d` in /tmp).
    """
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "data"
    if os.geteuid() == 0:
        server = pwd.getpwnam("postgres")
        os.chown(folder, server.pw_uid, server.pw_gid)
    port = _free_port()
    _run(
        _as_server_user(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "-A", "trust", "-E", "UTF8"]
        )
    )
    options = f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off"
    _run(
        _as_server_user(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
    )
    return f"postgresql://{USER}@127.0.0.1:{port}/postgres"


def stop(folder: Path) -> None:
    bin_dir = binaries()
    if bin_dir is None or not (folder / "data" / "postmaster.pid").exists():
        return
    subprocess.run(
        _as_server_user(
            [str(bin_dir / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast", "stop"]
        ),
        stdout=subprocess.DEVNULL,
        check=False,
    )


def _run(command: list[str]) -> None:
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: {done.stderr.decode(errors='replace')}")


if __name__ == "__main__":
    action, where = sys.argv[1], Path(sys.argv[2])
    if action == "start":
        print(start(where))
    else:
        stop(where)
