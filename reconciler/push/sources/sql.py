"""A SQL query as a push source, through SQLAlchemy (the `[sql]` extra): any database it speaks.

`--db` is a SQLAlchemy URL: `sqlite:///deals.db`, `postgresql://user@host/crm` (the psycopg
driver is used for PostgreSQL; `postgresql+psycopg://` says so explicitly). Put the password
in the URL only through an environment variable or `~/.pgpass`; the summary shows the URL with
the password hidden.

Rows are streamed (a server-side cursor where the driver has one, `yield_per` batches), inside
a transaction that is rolled back at the end, so a query that writes changes nothing; give the
push a read-only database user all the same. Columns are the result's column names, matched
ignoring case (PostgreSQL folds unquoted names to lower case). A date column is an
already-daily row; a timestamp with a time zone is placed in the agent's zone; one without a
time zone needs `--source-tz`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from ...errors import ReconcilerError, UsageError
from ...extras import missing_extra
from ..reader import Columns, Row, RowError, row_from_fields
from . import field_lookup

YIELD_PER = 1000
CONNECT_TIMEOUT_SECONDS = 10


def engine_url(text: str) -> Any:
    """`text` as a SQLAlchemy URL; a PostgreSQL URL without a driver gets psycopg (v3)."""
    try:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError
    except ImportError:
        raise missing_extra("a SQL database", "sql") from None
    try:
        url = make_url(text)
    except ArgumentError:
        raise UsageError(
            "not a database URL (expected e.g. sqlite:///deals.db or postgresql://host/db)"
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def shown_url(text: str) -> str:
    """The URL for messages and summaries: never its password."""
    try:
        return str(engine_url(text).render_as_string(hide_password=True))
    except ReconcilerError:
        return "the database"


def database_error(error: Exception, where: str) -> ReconcilerError:
    """A DBAPI / SQLAlchemy error as one line: the driver's own first line, not SQLAlchemy's."""
    original = getattr(error, "orig", None) or error
    text = " ".join(str(original).split("\n")[0].split())[:300] or type(error).__name__
    return ReconcilerError(f"{where}: {text}")


def create_engine(url_text: str) -> Any:
    url = engine_url(url_text)
    from sqlalchemy import create_engine as sqlalchemy_engine
    from sqlalchemy.exc import NoSuchModuleError

    options: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql":
        options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    try:
        return sqlalchemy_engine(url, **options)
    except (NoSuchModuleError, ImportError):
        raise missing_extra(f"the {url.drivername} database driver", "sql") from None


@dataclass(frozen=True)
class SqlSource:
    query: str
    url: str

    @property
    def label(self) -> str:
        return f"SQL query on {shown_url(self.url)}"

    @property
    def unit(self) -> str:
        return "record"

    def rows(self, columns: Columns, source_tz: ZoneInfo | None) -> Iterator[Row | RowError]:
        engine = create_engine(self.url)
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        where = shown_url(self.url)
        try:
            # Rolled back at the end (never committed): the query changes nothing.
            with engine.connect() as connection, connection.begin() as transaction:
                result = connection.execution_options(
                    stream_results=True, yield_per=YIELD_PER
                ).execute(text(self.query))
                if not result.returns_rows:
                    raise ReconcilerError(f"{where}: the SQL query returns no rows")
                names = list(result.keys())
                picked = _columns(names, columns.required(), where)
                for number, record in enumerate(result, start=1):
                    fields = {name: record[i] for name, i in picked.items()}
                    yield row_from_fields(number, fields, columns, source_tz)
                transaction.rollback()
        except SQLAlchemyError as error:
            raise database_error(error, f"the SQL query on {where} failed") from None
        finally:
            engine.dispose()


def _columns(names: list[str], wanted: list[str], where: str) -> dict[str, int]:
    picked: dict[str, int] = {}
    for name in wanted:
        found = field_lookup(names, name)
        if found is None:
            raise ReconcilerError(
                f"{where}: the SQL query result has no column {name!r} "
                f"(it has: {', '.join(names) or 'none'}); alias one with AS {name}"
            )
        picked[name] = names.index(found)
    return picked
