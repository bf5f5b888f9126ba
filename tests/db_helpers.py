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
