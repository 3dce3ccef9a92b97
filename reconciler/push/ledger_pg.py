"""The push ledger in PostgreSQL (the `[sql]` extra, psycopg 3): a ledger that outlives the machine.

A CI job's machine is new every run and a runner's cache is neither shared nor always saved,
so a ledger there belongs in a database: `--ledger postgresql://user@host/db` (or the
RECONCILER_LEDGER variable). Same rows and rules as the SQLite ledger (module `ledger`), in
the tables `reconciler_push_points` and `reconciler_push_metrics`, created when missing.

The push lock is a session-level advisory lock per metric (`pg_try_advisory_lock`), held on
the ledger's own connection: PostgreSQL drops it when that connection ends, however the
process ends. psycopg is imported and its errors translated here only.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import LockedError, ReconcilerError
from ..extras import missing_extra
from .ledger import PENDING, Acknowledged, Entry, entries_of, lock_key

CONNECT_TIMEOUT_SECONDS = 10
# The advisory-lock key space is shared by every application on the server: the first key of
# the pair says "reconciler push" (an arbitrary fixed number), the second is the metric's.
LOCK_NAMESPACE = 0x5245_4331  # "REC1"
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS reconciler_push_points (
        metric_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        day DATE NOT NULL,
        value TEXT NOT NULL,
        count INTEGER NOT NULL,
        acknowledged_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (metric_id, user_id, day)
    )""",
    """CREATE TABLE IF NOT EXISTS reconciler_push_metrics (
        metric_id TEXT PRIMARY KEY,
        first_written_at TIMESTAMPTZ NOT NULL,
        last_written_at TIMESTAMPTZ NOT NULL
    )""",
)
_UPSERT = (
    "INSERT INTO reconciler_push_points VALUES (%s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (metric_id, user_id, day) DO UPDATE SET value = excluded.value, "
    "count = excluded.count, acknowledged_at = excluded.acknowledged_at"
)
_WRITTEN = (
    "INSERT INTO reconciler_push_metrics VALUES (%s, %s, %s) "
    "ON CONFLICT (metric_id) DO UPDATE SET last_written_at = excluded.last_written_at"
)


def libpq_url(url: str) -> str:
    """A SQLAlchemy-style `postgresql+psycopg://` URL as the plain one libpq takes."""
    scheme, rest = url.split("://", 1)
    return f"{scheme.split('+', 1)[0]}://{rest}"


def shown(url: str) -> str:
    """`url` without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _signed32(data: bytes) -> int:
    return int.from_bytes(data[:4], "big", signed=True)


class PostgresLedger:
    """The ledger in PostgreSQL at `url`; `readonly=True` (dry-run) creates and writes nothing."""

    def __init__(self, url: str, *, readonly: bool = False) -> None:
        try:
            import psycopg
        except ImportError:
            raise missing_extra("a PostgreSQL ledger", "sql") from None
        self.url = url
        self.readonly = readonly
        self._error: type[Exception] = psycopg.Error
        try:
            self._db: Any = psycopg.connect(
                libpq_url(url),
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                application_name=f"reconciler push (pid {os.getpid()})",
            )
        except psycopg.Error as error:
            raise self._failed("open", error) from None
        try:
            if readonly:
                found = self._db.execute(
                    "SELECT to_regclass('reconciler_push_points') IS NOT NULL"
                ).fetchone()
                self._tables = bool(found and found[0])
            else:
                with self._db.transaction():
                    # Two first pushes at once would race on CREATE TABLE IF NOT EXISTS.
                    self._db.execute("SELECT pg_advisory_xact_lock(%s, 0)", (LOCK_NAMESPACE,))
                    for statement in _SCHEMA:
                        self._db.execute(statement)
                self._tables = True
        except psycopg.Error as error:
            self._db.close()
            raise self._failed("open", error) from None

    @property
    def label(self) -> str:
        return shown(self.url)

    def _failed(self, doing: str, error: Exception) -> ReconcilerError:
        # psycopg's text names host, port and user; the password is never in it.
        reason = " ".join(str(error).split())[:300] or type(error).__name__
        return ReconcilerError(f"cannot {doing} ledger {shown(self.url)}: {reason}")

    def lock(self, metric_id: str) -> None:
        """Hold `metric_id`'s advisory lock on this connection; LockedError (exit 6) if taken."""
        if self.readonly:
            return
        key = _signed32(lock_key(metric_id))
        try:
            row = self._db.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", (LOCK_NAMESPACE, key)
            ).fetchone()
            if row and row[0]:
                return
            holder = self._db.execute(
                "SELECT a.application_name, a.client_addr FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                "AND l.classid::bigint = %s AND l.objid::bigint = %s AND l.granted LIMIT 1",
                (LOCK_NAMESPACE & 0xFFFFFFFF, key & 0xFFFFFFFF),
            ).fetchone()
        except self._error as error:
            raise self._failed("lock", error) from None
        who = f"{holder[0]} from {holder[1] or 'a local socket'}" if holder else "another push"
        raise LockedError(
            f"metric {metric_id} is being pushed by {who} with ledger {self.label}; "
            "run again when it has finished"
        )

    def knows(self, metric_id: str) -> bool:
        if not self._tables:
            return False
        try:
            row = self._db.execute(
                "SELECT EXISTS (SELECT 1 FROM reconciler_push_metrics WHERE metric_id = %s) "
                "OR EXISTS (SELECT 1 FROM reconciler_push_points WHERE metric_id = %s)",
                (metric_id, metric_id),
            ).fetchone()
        except self._error as error:
            raise self._failed("read", error) from None
        return bool(row and row[0])

    def entries(self, metric_id: str, first: date, last: date) -> dict[tuple[str, date], Entry]:
        if not self._tables:
            return {}
        try:
            rows = self._db.execute(
                "SELECT user_id, day::text, value, count FROM reconciler_push_points "
                "WHERE metric_id = %s AND day BETWEEN %s AND %s",
                (metric_id, first, last),
            ).fetchall()
        except self._error as error:
            raise self._failed("read", error) from None
        return entries_of(rows, self.label)

    def mark_pending(self, metric_id: str, points: Iterable[tuple[str, date]]) -> None:
        now = self._writable()
        rows = [(metric_id, user, day, PENDING, 0, now) for user, day in points]
        self._write(metric_id, now, lambda cursor: cursor.executemany(_UPSERT, rows))

    def record(self, metric_id: str, points: Iterable[Acknowledged]) -> None:
        now = self._writable()
        points = list(points)
        kept = [
            (metric_id, p.user_id, p.day, str(p.value), p.count, now)
            for p in points
            if p.value is not None
        ]
        gone = [(metric_id, p.user_id, p.day) for p in points if p.value is None]

        def write(cursor: Any) -> None:
            if kept:
                cursor.executemany(_UPSERT, kept)
            if gone:
                cursor.executemany(
                    "DELETE FROM reconciler_push_points "
                    "WHERE metric_id = %s AND user_id = %s AND day = %s",
                    gone,
                )

        self._write(metric_id, now, write)

    def _writable(self) -> datetime:
        if self.readonly:
            raise ReconcilerError("the ledger was opened read-only")
        return datetime.now(UTC)

    def _write(self, metric_id: str, now: datetime, write: Any) -> None:
        """One transaction per batch, as in the SQLite ledger: a kill keeps what was committed."""
        try:
            with self._db.transaction(), self._db.cursor() as cursor:
                cursor.execute(_WRITTEN, (metric_id, now, now))
                write(cursor)
        except self._error as error:
            raise self._failed("write", error) from None

    def close(self) -> None:
        self._db.close()  # also releases the advisory locks

    def __enter__(self) -> PostgresLedger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
