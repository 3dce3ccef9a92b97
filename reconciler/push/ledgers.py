"""Open the push ledger a location names: a PostgreSQL URL, or a SQLite file."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from .ledger import Ledger, LedgerStore
from .ledger_pg import PostgresLedger


def is_database_url(location: str) -> bool:
    return "://" in location


def open_ledger(location: str | Path, *, readonly: bool = False) -> LedgerStore:
    """A PostgreSQL URL opens `ledger_pg.PostgresLedger`; anything else is a SQLite file."""
    if isinstance(location, str) and is_database_url(location):
        scheme = location.split("://", 1)[0].lower()
        if scheme.split("+", 1)[0] not in ("postgresql", "postgres"):
            raise UsageError(
                f"--ledger: {scheme}:// is not a ledger location "
                "(a file path, or a postgresql:// URL)"
            )
        return PostgresLedger(location, readonly=readonly)
    return Ledger(Path(location), readonly=readonly)
