"""The test database's helpers that test modules import by name (`from db_helpers import …`): which
server the core tests run on (WARRANTY_DESK_TEST_PG), a throw-away PostgreSQL database per test, and
whether the open database is PostgreSQL. Kept out of conftest.py: the name `conftest` is the module of
whichever conftest.py pytest read last (tests/ui has its own)."""

from __future__ import annotations

import os
import uuid

from warranty_desk.models import database_proxy

PG_URL = os.environ.get("WARRANTY_DESK_TEST_PG")  # e.g. postgresql://postgres@localhost/postgres


def _fresh_pg_database() -> str:
    """Create an empty PostgreSQL database for one test and return its URL."""
    import psycopg2

    assert PG_URL
    name = f"wd_test_{uuid.uuid4().hex[:12]}"
    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    conn.cursor().execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return PG_URL.rsplit("/", 1)[0] + "/" + name


def _drop_pg_database(url: str) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    try:
        conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg2.Error:
        pass  # still in use by a session of another role: a leftover, never a test failure
    finally:
        conn.close()


def database_is_postgres() -> bool:
    return isinstance(database_proxy.obj, __import__("peewee").PostgresqlDatabase)


def release_copy(fixture, tmp_path, monkeypatch):
    """A copy of a database a past release made (`tests/fixtures/demo_v*.db.gz`), unpacked into
    tmp_path, with the data folder and the operator of a test: what a schema step's test opens."""
    import gzip
    import shutil

    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("WARRANTY_DESK_USER", "测试员")
    target = tmp_path / "office.db"
    with gzip.open(fixture) as packed, open(target, "wb") as out:
        shutil.copyfileobj(packed, out)
    return target


def column_counts(con, table: str, column: str) -> dict:
    """How many rows hold each value of a column (a sqlite3 connection)."""
    return dict(con.execute(f'SELECT "{column}", COUNT(*) FROM "{table}" GROUP BY 1').fetchall())
