"""One apply at a time per environment on this machine: an advisory `flock` on a lock file.

The lock lives at `<root>/.reconciler/<env>/apply.lock`. `flock` is released by the kernel when
the holder exits, however it exits (SIGKILL included), so a crashed apply never leaves a stale
lock behind; the pid written into the file is only there to tell a person who holds it.
CI runners on different machines are serialised by GitLab's `resource_group`, not by this.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConfigurationError, LockedError


def lock_path(root: Path, env: str) -> Path:
    return root / ".reconciler" / env / "apply.lock"


@contextmanager
def apply_lock(root: Path, env: str) -> Iterator[Path]:
    """Hold the environment's apply lock for the block; LockedError (exit 6) if taken."""
    path = lock_path(root, env)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise ConfigurationError(
            f"cannot open the apply lock {path}: {error.strerror or error}"
        ) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = path.read_text(errors="replace").strip() or "another process"
            raise LockedError(
                f"environment {env!r} is locked by an apply in progress ({holder}); "
                f"lock file {path}"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}\n".encode())
        try:
            yield path
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
