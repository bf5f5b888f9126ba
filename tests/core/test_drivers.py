"""The PostgreSQL driver left out of peewee's import at the desktop start (warranty_desk.drivers) is
there when a server is opened after all: each case in a fresh process, where peewee is first imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from db_helpers import PG_URL, _drop_pg_database, _fresh_pg_database

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


DEFERRED_THEN_PEEWEE = """
import sys
from warranty_desk import drivers
assert drivers.defer_server_drivers()
import peewee
from warranty_desk import models
print("psycopg2" in sys.modules, "pymysql" in sys.modules, peewee.psycopg2 is None)
"""


def test_peewee_is_imported_without_the_server_drivers_when_deferred():
    assert _run(DEFERRED_THEN_PEEWEE).split() == ["False", "False", "True"]


def test_without_the_deferral_peewee_imports_as_usual():
    code = "import sys, peewee; print(peewee.psycopg2 is not None, 'psycopg2' in sys.modules)"
    assert _run(code).split() == ["True", "True"]


def test_a_server_database_made_after_the_deferral_has_the_driver():
    code = DEFERRED_THEN_PEEWEE + """
from warranty_desk.db import PostgresqlOfficeDatabase
import psycopg2.extensions
db = PostgresqlOfficeDatabase("postgresql://nobody@127.0.0.1:1/none")
print(peewee.psycopg2 is not None, db._adapter.json_type is not None,
      type(db._adapter).txn_idle == psycopg2.extensions.TRANSACTION_STATUS_IDLE)
"""
    assert _run(code).split()[-3:] == ["True", "True", "True"]


@pytest.mark.skipif(not PG_URL, reason="needs WARRANTY_DESK_TEST_PG")
def test_an_office_on_a_server_opened_after_the_deferral_reads_and_writes(tmp_path):
    url = _fresh_pg_database()
    try:
        code = DEFERRED_THEN_PEEWEE + """
import os
from warranty_desk.db import open_database
from warranty_desk.models import AuditLog, Project
from warranty_desk.services import projects, settings
open_database(sys.argv[1])
settings.ensure_defaults()
projects.create_project({"code": "PG-1", "name": "服务器上的工程", "type": "住宅", "scale": "小型"})
row = AuditLog.select().where(AuditLog.table == "project").order_by(AuditLog.id.desc()).get()
print(Project.get(Project.code == "PG-1").name, "PG-1" in row.new)
"""
        out = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, cwd=ROOT, timeout=120,
                             env=dict(os.environ, PYTHONPATH=str(ROOT), WARRANTY_DESK_DATA=str(tmp_path / "data")))
        assert out.returncode == 0, out.stderr[-3000:]
        assert out.stdout.split()[-2:] == ["服务器上的工程", "True"]
    finally:
        _drop_pg_database(url)
