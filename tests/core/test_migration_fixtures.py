"""Each schema step from a real database file of the previous release (tests/fixtures/schema_vN.db)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from peewee import DatabaseError

from warranty_desk import migrations
from warranty_desk.db import current_version, open_database
from warranty_desk.models import AuditLog, Project, WarrantyItem
from warranty_desk.services import audit, backup, integrity, projects

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def v1_file(tmp_path, monkeypatch):
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    target = tmp_path / "office.db"
    shutil.copy(FIXTURES / "schema_v1.db", target)
    return target


def test_fixture_is_the_released_version_1():
    con = sqlite3.connect(f"file:{FIXTURES / 'schema_v1.db'}?mode=ro", uri=True)
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
    con.close()


def test_opening_a_version_1_file_copies_it_aside_then_migrates(v1_file):
    db = open_database(str(v1_file))
    assert current_version(db) == migrations.latest_version()
    aside = list(v1_file.parent.glob("office.v1.*.bak.db"))
    assert len(aside) == 1
    assert integrity.check_file(aside[0]) == []
    con = sqlite3.connect(aside[0])
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
    assert con.execute("SELECT COUNT(*) FROM project").fetchone()[0] == 2
    con.close()
    # the data came through, and the program works on it
    assert [p.code for p in Project.select().order_by(Project.code)] == ["V1-001", "V1-002"]
    assert WarrantyItem.select().count() > 0
    first = projects.by_code("V1-001")
    projects.update_project(first.id, {"code": "V1-001", "name": "升级后修改", "type": "住宅", "scale": "中型"},
                            expected_version=first.version)
    assert [r.action for r in audit.history("project", first.id)][-1] == "update"
    assert integrity.check_integrity(db) == []
    db.close()


def test_step_2_makes_the_audit_log_append_only(v1_file):
    con = sqlite3.connect(v1_file)
    con.execute("UPDATE audit_log SET note = 'v1 allowed this'")  # before the step: no guard
    con.commit()
    con.close()
    db = open_database(str(v1_file))
    assert AuditLog.select().where(AuditLog.note == "v1 allowed this").count() > 0
    with pytest.raises(DatabaseError, match="审计日志"):
        db.execute_sql("DELETE FROM audit_log")
    db.close()


def test_reopening_after_migration_does_not_copy_aside_again(v1_file):
    open_database(str(v1_file)).close()
    open_database(str(v1_file)).close()
    assert len(list(v1_file.parent.glob("office.v1.*.bak.db"))) == 1


def test_a_version_1_backup_restores_into_the_current_program(v1_file, db, tmp_path):
    """A .wdbak made by release 1 (its snapshot at version 1) restores and is migrated."""
    import datetime as dt
    import hashlib
    import json
    import zipfile

    snapshot = (FIXTURES / "schema_v1.db").read_bytes()
    archive = tmp_path / "release1.wdbak"
    manifest = {"app": "WarrantyDesk", "format": 1, "schema_version": 1,
                "created_at": dt.datetime(2026, 11, 1, 18, 0).isoformat(), "source": "sqlite",
                "files": {"database.sqlite3": hashlib.sha256(snapshot).hexdigest()}, "counts": {"project": 2}}
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("database.sqlite3", snapshot)
    result = backup.restore_from(archive)
    assert result.migrated_from == 1
    assert Project.select().count() == 2
