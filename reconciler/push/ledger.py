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
`value: null` is removed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType

from ..errors import ReconcilerError

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


class Ledger:
    """SQLite ledger at `path`; `readonly=True` (dry-run) never creates or changes the file."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        self._db: sqlite3.Connection | None
        try:
            if readonly:
                if not path.exists():
                    self._db = None
                    return
                self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(path)
                self._db.execute(_SCHEMA)
                # A write that changes nothing: a read-only ledger fails here, before the push
                # sends anything, rather than after the API acknowledged the first batch.
                self._db.execute("DELETE FROM points WHERE 0")
                self._db.commit()
        except (sqlite3.Error, OSError) as error:
            raise ReconcilerError(f"cannot open ledger {path}: {error}") from None

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
                    f"bad row in ledger {self.path}: {user_id} {day} {value!r} ({count!r}); "
                    "fix or delete it (without a ledger, a push re-sends every point)"
                ) from None
        return entries

    def mark_pending(self, metric_id: str, points: Iterable[tuple[str, date]]) -> None:
        """Before sending (user id, day) points: unknown what Genesys holds until acknowledged."""
        if self.readonly or self._db is None:
            raise ReconcilerError("the ledger was opened read-only")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [(metric_id, user, day.isoformat(), PENDING, 0, now) for user, day in points]
        try:
            with self._db:
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

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
