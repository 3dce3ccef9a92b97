"""The local record of which points Genesys has acknowledged, so a re-run sends only changes.

The data API has no GET (genesys-api.md §2), so the only way to know what is stored is to
remember what was acknowledged. A value is written only after its point came back in
`processedEntities`; a rejected point, or one whose request failed or whose answer was lost,
never gets one, so the next run sends it again. Each batch is
committed on its own, so an interrupted push keeps what was acknowledged before it stopped.

A write whose answer never came may still have landed, so before a batch is sent its points
are marked pending (value unknown). A pending point equals nothing: the next run sends it
whatever the input says, even when the input went back to the value acknowledged before.

One row per (metric id, user id, day): the value (as exact decimal text) and count last
acknowledged. A point zeroed with `--zero-mode zero` stays as value 0; a point deleted with
`value: null` is removed. A second table names each metric the ledger has ever written, so
an empty ledger for a metric Genesys holds data for can be told from one that never pushed it
(see `knows`).

Where it lives: a SQLite file (the default), or PostgreSQL (`ledger_pg`, a URL), for CI jobs
whose machine is new every run. `open_ledger` picks by the location. A push holds its metric's
lock (`lock`) from reading the ledger to the last write: two pushes of one metric at once would
each diff against what the other is about to change.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Protocol

from ..errors import LockedError, ReconcilerError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS points (
    metric_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    day TEXT NOT NULL,
    value TEXT NOT NULL,
    count INTEGER NOT NULL,
    acknowledged_at TEXT NOT NULL,
    PRIMARY KEY (metric_id, user_id, day)
) WITHOUT ROWID
"""
_METRICS_SCHEMA = """
CREATE TABLE IF NOT EXISTS metrics (
    metric_id TEXT PRIMARY KEY,
    first_written_at TEXT NOT NULL,
    last_written_at TEXT NOT NULL
)
"""
# SQLite's own lock wait for a write while another process commits a batch.
BUSY_TIMEOUT_SECONDS = 30.0


PENDING = "pending"  # the value column of a point sent but not (yet) acknowledged


@dataclass(frozen=True)
class Entry:
    value: Decimal
    count: int
    known: bool = True  # False: sent without an answer, Genesys may hold anything


UNKNOWN = Entry(Decimal(0), 0, known=False)


@dataclass(frozen=True)
class Acknowledged:
    user_id: str
    day: date
    value: Decimal | None  # None: the point was deleted
    count: int


class LedgerStore(Protocol):
    """What the push needs of a ledger, whatever holds it."""

    @property
    def label(self) -> str: ...

    def lock(self, metric_id: str) -> None: ...
    def knows(self, metric_id: str) -> bool: ...
    def entries(self, metric_id: str, first: date, last: date) -> dict[tuple[str, date], Entry]: ...
    def mark_pending(self, metric_id: str, points: Iterable[tuple[str, date]]) -> None: ...
    def record(self, metric_id: str, points: Iterable[Acknowledged]) -> None: ...
    def close(self) -> None: ...


def lock_key(metric_id: str) -> bytes:
    """A stable digest of a metric id (for lock names: any id, fixed length)."""
    return hashlib.sha256(metric_id.encode()).digest()


class Ledger:
    """SQLite ledger at `path`; `readonly=True` (dry-run) never creates or changes the file."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        self._lock_fds: list[int] = []
        self._db: sqlite3.Connection | None
        try:
            if readonly:
                if not path.exists():
                    self._db = None
                    return
                self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
                self._db.execute(_SCHEMA)
                self._db.execute(_METRICS_SCHEMA)
                # A write that changes nothing: a read-only ledger fails here, before the push
                # sends anything, rather than after the API acknowledged the first batch.
                self._db.execute("DELETE FROM points WHERE 0")
                self._db.commit()
        except (sqlite3.Error, OSError) as error:
            raise ReconcilerError(f"cannot open ledger {path}: {error}") from None

    @property
    def label(self) -> str:
        return str(self.path)

    def lock(self, metric_id: str) -> None:
        """Hold `metric_id`'s push lock until `close`; LockedError (exit 6) if another has it.

        An `flock` on a file beside the ledger, one per metric: the kernel releases it however
        the holder exits, so a killed push leaves no stale lock. A read-only (dry-run) ledger
        takes none: it writes nothing.
        """
        if self.readonly:
            return
        path = self.path.with_name(f"{self.path.name}.{lock_key(metric_id).hex()[:16]}.lock")
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise ReconcilerError(f"cannot open the push lock {path}: {error.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            holder = path.read_text(errors="replace").strip() or "another process"
            raise LockedError(
                f"metric {metric_id} is being pushed by another process ({holder}) with ledger "
                f"{self.path}; run again when it has finished (lock file {path})"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}\n".encode())
        self._lock_fds.append(fd)

    def knows(self, metric_id: str) -> bool:
        """Whether this ledger ever wrote `metric_id` (a point, or the metrics table says so)."""
        if self._db is None:
            return False
        try:
            tables = {
                row[0]
                for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            queries = ["SELECT 1 FROM points WHERE metric_id = ? LIMIT 1"]
            if "metrics" in tables:  # a ledger written before the table existed has none
                queries.append("SELECT 1 FROM metrics WHERE metric_id = ?")
            return any(self._db.execute(q, (metric_id,)).fetchone() for q in queries)
        except sqlite3.Error as error:
            raise ReconcilerError(f"cannot read ledger {self.path}: {error}") from None

    def _written(self, metric_id: str, now: str) -> None:
        assert self._db is not None
        self._db.execute(
            "INSERT INTO metrics VALUES (?, ?, ?) "
            "ON CONFLICT (metric_id) DO UPDATE SET last_written_at = excluded.last_written_at",
            (metric_id, now, now),
        )

    def entries(self, metric_id: str, first: date, last: date) -> dict[tuple[str, date], Entry]:
        """Acknowledged points of `metric_id` with first <= day <= last."""
        if self._db is None:
            return {}
        try:
            rows = self._db.execute(
                "SELECT user_id, day, value, count FROM points "
                "WHERE metric_id = ? AND day BETWEEN ? AND ?",
                (metric_id, first.isoformat(), last.isoformat()),
            ).fetchall()
        except sqlite3.Error as error:
            raise ReconcilerError(f"cannot read ledger {self.path}: {error}") from None
        return entries_of(rows, str(self.path))

    def mark_pending(self, metric_id: str, points: Iterable[tuple[str, date]]) -> None:
        """Before sending (user id, day) points: unknown what Genesys holds until acknowledged."""
        if self.readonly or self._db is None:
            raise ReconcilerError("the ledger was opened read-only")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [(metric_id, user, day.isoformat(), PENDING, 0, now) for user, day in points]
        try:
            with self._db:
                self._written(metric_id, now)
                self._db.executemany(
                    "INSERT OR REPLACE INTO points VALUES (?, ?, ?, ?, ?, ?)", rows
                )
        except sqlite3.Error as error:
            raise ReconcilerError(f"cannot write ledger {self.path}: {error}") from None

    def record(self, metric_id: str, points: Iterable[Acknowledged]) -> None:
        """Write acknowledged points in one transaction (one call per acknowledged batch)."""
        if self.readonly or self._db is None:
            raise ReconcilerError("the ledger was opened read-only")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            with self._db:
                self._written(metric_id, now)
                for point in points:
                    if point.value is None:
                        self._db.execute(
                            "DELETE FROM points WHERE metric_id = ? AND user_id = ? AND day = ?",
                            (metric_id, point.user_id, point.day.isoformat()),
                        )
                    else:
                        self._db.execute(
                            "INSERT OR REPLACE INTO points VALUES (?, ?, ?, ?, ?, ?)",
                            (
                                metric_id,
                                point.user_id,
                                point.day.isoformat(),
                                str(point.value),
                                point.count,
                                now,
                            ),
                        )
        except sqlite3.Error as error:
            raise ReconcilerError(f"cannot write ledger {self.path}: {error}") from None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        for fd in self._lock_fds:
            os.close(fd)  # releases the flock
        self._lock_fds.clear()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def entries_of(
    rows: Iterable[tuple[str, str, str, int]], where: str
) -> dict[tuple[str, date], Entry]:
    """Ledger rows (user id, day, value text, count) as entries; a bad row is an error."""
    entries: dict[tuple[str, date], Entry] = {}
    for user_id, day, value, count in rows:
        try:
            if value == PENDING:
                entries[(user_id, date.fromisoformat(day))] = UNKNOWN
                continue
            amount = Decimal(value)
            if not amount.is_finite() or not isinstance(count, int):
                raise ValueError
            entries[(user_id, date.fromisoformat(day))] = Entry(amount, count)
        except (ValueError, TypeError, ArithmeticError):
            raise ReconcilerError(
                f"bad row in ledger {where}: {user_id} {day} {value!r} ({count!r}); "
                "fix or delete it (without a ledger, a push re-sends every point)"
            ) from None
    return entries
