"""Shared fixtures: a fresh database per test, optionally on PostgreSQL (WARRANTY_DESK_TEST_PG)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile

import pytest

# what tests import by name lives in db_helpers.py: a test module's `from conftest import …` would find
# tests/ui/conftest.py instead whenever tests/core and tests/ui are collected in one call
from db_helpers import PG_URL, _drop_pg_database, _fresh_pg_database, database_is_postgres  # noqa: F401

from warranty_desk.db import open_database
from warranty_desk.models import database_proxy
from warranty_desk.services import settings

# this PC's config file (the database address saved in 设置) never reaches the tests or their subprocesses
os.environ["WARRANTY_DESK_CONFIG"] = tempfile.mkdtemp(prefix="wd-test-config-")
# the command line speaks the environment's language when the office chose none: the tests run (and
# start the program) in a neutral C locale, so a developer's own LANG does not change what they read
for _var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_var, None)
os.environ["LANG"] = "C.UTF-8"


@pytest.fixture
def db_target(tmp_path):
    """A file path (SQLite) or URL (PostgreSQL, when WARRANTY_DESK_TEST_PG is set) for a new database."""
    if PG_URL:
        url = _fresh_pg_database()
        yield url
        database_proxy.obj and database_proxy.obj.close()
        _drop_pg_database(url)  # the throw-away databases do not pile up on a developer's server
        return
    yield str(tmp_path / "office.db")


@pytest.fixture
def db(db_target, tmp_path, monkeypatch):
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("WARRANTY_DESK_USER", "测试员")
    database = open_database(db_target)
    settings.ensure_defaults()
    yield database
    database.close()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory):
    """A demo office built once per session (SQLite), copied for tests that want it."""
    from warranty_desk.services.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    # the demo's signatures and scans go to its own data folder, copied with the database
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WARRANTY_DESK_DATA", str(path.parent / "data"))
        database = open_database(str(path))
        settings.ensure_defaults()
        build_demo(today=dt.date(2026, 11, 29))
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database.close()
    return path


@pytest.fixture
def demo_db(demo_file, tmp_path, monkeypatch):
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("WARRANTY_DESK_USER", "测试员")
    target = tmp_path / "demo.db"
    shutil.copy(demo_file, target)
    if (demo_file.parent / "data").exists():
        shutil.copytree(demo_file.parent / "data", tmp_path / "data", dirs_exist_ok=True)
    database = open_database(str(target))
    yield database
    database.close()


@pytest.fixture
def make_project(db):
    """Create a project through the service; keyword arguments override the defaults."""
    from warranty_desk.services.projects import create_project

    counter = {"n": 0}

    def factory(**overrides):
        counter["n"] += 1
        data = {
            "code": f"T-{counter['n']:03d}",
            "name": f"测试工程{counter['n']}",
            "client": "测试建设单位",
            "type": "住宅",
            "scale": "中型",
            "heating_region": "北京",
            "accepted_on": dt.date(2024, 6, 15),
            "handed_over_on": dt.date(2024, 7, 1),
        }
        data.update(overrides)
        return create_project(data)

    return factory

