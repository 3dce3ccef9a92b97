"""Where a push reads its deals: each source streams `Row`s (or `RowError`s) one at a time.

files       CSV / JSON Lines, from a file or stdin (the reader module)
salesforce  a SOQL query through simple-salesforce (extra `[salesforce]`)
sql         a SQL query through SQLAlchemy (extra `[sql]`): a warehouse or a CRM replica

A source is opened lazily: nothing is read (and no library imported) until `rows` is
iterated, and a problem with the source as a whole (a bad query, no connection, a column the
result does not have) raises `ReconcilerError` before or while rows are read — always before
the push sends anything, since every row is read before the first write. Another CRM is one
more module with a class that has these three members.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol
from zoneinfo import ZoneInfo

from ..reader import Columns, Row, RowError


class Source(Protocol):
    @property
    def label(self) -> str:
        """What the summary says the push read from (never a secret)."""
        ...

    @property
    def unit(self) -> str:
        """What a row's number counts: "line" in a file, "record" in a query result."""
        ...

    def rows(self, columns: Columns, source_tz: ZoneInfo | None) -> Iterator[Row | RowError]: ...


def field_lookup(names: list[str], wanted: str) -> str | None:
    """The result's name for `wanted`: exact, else the one name equal ignoring case.

    SOQL and unquoted SQL identifiers are case-insensitive, and servers answer in their own
    case (PostgreSQL lower-cases, Salesforce uses the field's API name).
    """
    if wanted in names:
        return wanted
    matches = [name for name in names if name.lower() == wanted.lower()]
    return matches[0] if len(matches) == 1 else None
