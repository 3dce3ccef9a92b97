"""The PostgreSQL fixtures: a server (CI's, or one started here) and a fresh database per test."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from . import pgserver

URL_VARIABLE = "RECONCILER_TEST_PG_URL"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    url = os.environ.get(URL_VARIABLE)
    if url:
        yield url
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{URL_VARIABLE} is not set: .ci/run must start PostgreSQL and export it")
    if pgserver.binaries() is None:
        pytest.fail(
            f"these tests need PostgreSQL: set {URL_VARIABLE}, or install the server "
            "(apt-get install postgresql) so the tests can start one"
        )
    folder = Path(tempfile.mkdtemp(prefix="reconciler-pg-"))
    try:
        yield pgserver.start(folder)
    finally:
        pgserver.stop(folder)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A new, empty database on the server, dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = pg_server.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
