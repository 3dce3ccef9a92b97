"""`push --sql`: SQLAlchemy against SQLite files and a real PostgreSQL server."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest

from reconciler.cli import main
from reconciler.errors import ConfigurationError, ReconcilerError
from reconciler.push.pusher import PushReport, PushRequest, run
from reconciler.push.reader import Columns
from reconciler.push.sources.sql import SqlSource
from reconciler.push.summary import render

from .emulated import ALICE, CHLOE, NOW, Org, make_org
from .loopback import loopback_root

COLUMNS = Columns("owner_email", "closed_at", "amount")
QUERY = "SELECT owner_email, closed_at, amount FROM deals WHERE won"


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    made = make_org(tmp_path)
    yield made
    made.client.close()


def push(org: Org, source: SqlSource, columns: Columns = COLUMNS, **fields: Any) -> PushReport:
    request = PushRequest(
        metric="Daily_Revenue_Closed",
        input="",
        ledger_path=fields.pop("ledger_path", org.tmp / "ledger.sqlite"),
        columns=columns,
        source=source,
        **fields,
    )
    return run(org.client, request, now=lambda: NOW)


def sqlite_deals(path: Path, rows: list[tuple[str | None, str, object, int]]) -> str:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE deals (owner_email TEXT, closed_at TEXT, amount, won INTEGER)")
        db.executemany("INSERT INTO deals VALUES (?, ?, ?, ?)", rows)
    return f"sqlite:///{path}"


def test_sqlite_rows_with_offsets_and_dates(org: Org) -> None:
    url = sqlite_deals(
        org.tmp / "crm.db",
        [
            (ALICE, "2026-11-27T23:30:00-05:00", "1250.50", 1),  # Friday in New York
            (ALICE, "2026-11-27T10:00:00-05:00", 100, 1),
            (CHLOE, "2026-11-28", 10.25, 1),  # an already-daily row
            (CHLOE, "2026-11-28", 99, 0),  # not won: the query leaves it out
        ],
    )
    report = push(org, SqlSource(QUERY, url))
    assert not report.failed, render(report)
    assert org.stored() == {(ALICE, "2026-11-27"): (1350.5, 2), (CHLOE, "2026-11-28"): (10.25, 1)}


def test_a_bad_value_is_reported_by_record_number(org: Org) -> None:
    url = sqlite_deals(
        org.tmp / "crm.db",
        [(ALICE, "2026-11-27", "12", 1), (ALICE, "2026-11-26", "lots", 1)],
    )
    report = push(org, SqlSource(QUERY, url))
    assert report.failed
    assert "unreadable: record 2: value 'lots' is not a number" in render(report)


def test_a_broken_query_is_one_line_and_nothing_is_sent(org: Org) -> None:
    url = sqlite_deals(org.tmp / "crm.db", [(ALICE, "2026-11-27", 1, 1)])
    with pytest.raises(ReconcilerError) as raised:
        push(org, SqlSource("SELECT owner_email, closed_at, amount FROM dealz", url))
    assert str(raised.value) == (f"the SQL query on {url} failed: no such table: dealz")
    with pytest.raises(ReconcilerError, match=r"no column 'amount' \(it has: owner_email, "):
        push(org, SqlSource("SELECT owner_email, closed_at FROM deals", url))
    assert org.data_posts() == 0


def test_a_query_that_writes_is_rolled_back(org: Org) -> None:
    path = org.tmp / "crm.db"
    url = sqlite_deals(path, [(ALICE, "2026-11-27", 1, 1)])
    query = "UPDATE deals SET amount = 999 RETURNING owner_email, closed_at, amount"
    report = push(org, SqlSource(query, url))
    assert org.stored() == {(ALICE, "2026-11-27"): (999.0, 1)}, render(report)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT amount FROM deals").fetchall() == [(1,)]


def test_without_the_extra_the_error_names_the_install_command(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.exc"):
        monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ConfigurationError) as raised:
        push(org, SqlSource(QUERY, "sqlite:///x.db"))
    assert str(raised.value) == (
        "a SQL database needs an optional dependency: pip install 'genesys-reconciler[sql]'"
    )


def pg_deals(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(
            "CREATE TABLE deals (owner_email TEXT, closed_at TIMESTAMPTZ, close_date DATE, "
            "amount NUMERIC(14, 2), won BOOLEAN)"
        )
        with db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO deals VALUES (%s, %s, %s, %s, %s)",
                [
                    (ALICE, "2026-11-28T04:30:00Z", date(2026, 11, 28), "1250.10", True),
                    (ALICE, "2026-11-27T15:00:00Z", date(2026, 11, 27), "0.20", True),
                    (CHLOE, "2026-11-28T04:30:00Z", date(2026, 11, 28), "7", True),
                    (CHLOE, "2026-11-28T05:30:00Z", date(2026, 11, 28), "8", False),
                ],
            )


def test_postgresql_timestamptz_and_numeric_columns(org: Org, pg_url: str) -> None:
    pg_deals(pg_url)
    # Upper-case names: PostgreSQL answers in lower case, matched ignoring case.
    columns = Columns("OWNER_EMAIL", "Closed_At", "Amount")
    report = push(org, SqlSource(QUERY, pg_url), columns)
    assert not report.failed, render(report)
    # 04:30 UTC Saturday: Friday in New York (Alice), Saturday in London (Chloe).
    assert org.stored() == {(ALICE, "2026-11-27"): (1250.3, 2), (CHLOE, "2026-11-28"): (7.0, 1)}
    daily = push(
        org,
        SqlSource("SELECT owner_email, close_date, amount FROM deals WHERE won", pg_url),
        Columns("owner_email", "close_date", "amount"),
    )
    assert not daily.failed, render(daily)
    assert org.stored()[(ALICE, "2026-11-28")] == (1250.1, 1)


def test_postgresql_errors_are_one_line_without_the_password(org: Org, pg_url: str) -> None:
    pg_deals(pg_url)
    with pytest.raises(ReconcilerError) as raised:
        push(org, SqlSource("SELECT owner_email, closed_at, amount FROM nope", pg_url))
    message = str(raised.value)
    assert 'relation "nope" does not exist' in message and "\n" not in message
    wrong = pg_url.replace("reconciler@", "reconciler:s3cret@").rsplit("/", 1)[0] + "/missing"
    with pytest.raises(ReconcilerError) as raised:
        push(org, SqlSource(QUERY, wrong))
    assert 'database "missing" does not exist' in str(raised.value)
    assert "s3cret" not in str(raised.value) and "***" in str(raised.value)
    assert org.data_posts() == 0


def test_the_cli_reads_a_postgresql_query(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with loopback_root(tmp_path) as (root, emulator, today):
        with psycopg.connect(pg_url, autocommit=True) as db:
            db.execute("CREATE TABLE d (agent TEXT, day DATE, value NUMERIC)")
            db.execute("INSERT INTO d VALUES (%s, %s, 12.5)", (ALICE, today))
        args = ["push", "--root", str(root), "-e", "e2e", "--metric", "Daily_Revenue_Closed"]
        sql = ["--sql", "SELECT agent, day AS timestamp, value FROM d", "--db", pg_url]
        code = main([*args, *sql])
        out = capsys.readouterr().out
        assert code == 0, out
        assert [p["value"] for p in emulator.data_points()] == [12.5]
        assert main([*args, "--sql", "SELECT 1"]) == 4
        assert "--sql needs --db" in capsys.readouterr().err
