"""Each schema step from a real database file of the previous release (tests/fixtures/schema_vN.db)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from peewee import DatabaseError

from warranty_desk import migrations
from warranty_desk.db import current_version, is_postgres, open_database
from warranty_desk.models import Attachment, AttachmentBlob, AuditLog, Project, WarrantyItem, database_proxy
from warranty_desk.services import attachments, audit, backup, integrity, projects

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SCAN_V2 = "验收单扫描 v2 鑫𠀀 <b>&".encode() + bytes(range(256))  # as tests/fixtures/make_fixture_db.py


@pytest.fixture
def v1_file(tmp_path, monkeypatch):
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    target = tmp_path / "office.db"
    shutil.copy(FIXTURES / "schema_v1.db", target)
    return target


@pytest.fixture
def v2_file(tmp_path, monkeypatch):
    """The release-2 office file with its scan in the data folder, as that PC had it."""
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    target = tmp_path / "office.db"
    shutil.copy(FIXTURES / "schema_v2.db", target)
    sha = hashlib.sha256(SCAN_V2).hexdigest()
    (tmp_path / "data" / "attachments" / sha[:2]).mkdir(parents=True)
    (tmp_path / "data" / "attachments" / sha[:2] / sha).write_bytes(SCAN_V2)
    return target


@pytest.mark.parametrize("version", [1, 2])
def test_fixture_is_the_released_version(version):
    con = sqlite3.connect(f"file:{FIXTURES / f'schema_v{version}.db'}?mode=ro", uri=True)
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == version
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "attachment_blob" not in tables
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
    first = projects.find_project("V1-001")
    projects.update_project(first.id, {"code": "V1-001", "name": "升级后修改", "type": "住宅", "scale": "中型"},
                            expected_version=first.version)
    assert [r.action for r in audit.history("project", first.id)][-1] == "update"
    assert integrity.check_integrity(db) == []
    assert db.table_exists("attachment_blob") and AttachmentBlob.select().count() == 0
    db.close()


def test_opening_a_version_2_file_copies_it_aside_then_migrates_to_3(v2_file):
    db = open_database(str(v2_file))
    assert current_version(db) == migrations.latest_version() >= 3
    aside = list(v2_file.parent.glob("office.v2.*.bak.db"))
    assert len(aside) == 1
    con = sqlite3.connect(aside[0])
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 2
    assert con.execute("SELECT COUNT(*) FROM attachment").fetchone()[0] == 1
    con.close()
    # the release-2 attachment still opens from the folder; on SQLite nothing goes into the database
    scan = Attachment.get(Attachment.kind == "scan")
    assert attachments.read_bytes(scan) == SCAN_V2
    assert attachments.missing() == []
    assert AttachmentBlob.select().count() == 0
    # the audit guard of step 2 is still there, and new attachments work
    with pytest.raises(DatabaseError, match="审计日志"):
        db.execute_sql("DELETE FROM audit_log")
    att = attachments.attach("project", scan.owner_id, b"%PDF-1.4 after v3", kind="scan", filename="新.pdf")
    assert attachments.read_bytes(att) == b"%PDF-1.4 after v3"
    assert integrity.check_integrity(db) == []
    db.close()


def test_a_version_2_backup_restores_into_the_current_program(v2_file, db, tmp_path):
    """A .wdbak of release 2 (snapshot at version 2 plus its scan file) restores on SQLite and on
    PostgreSQL; on PostgreSQL the scan then lives on the server for every clerk's PC."""
    import datetime as dt
    import json
    import zipfile

    snapshot = (FIXTURES / "schema_v2.db").read_bytes()
    sha = hashlib.sha256(SCAN_V2).hexdigest()
    archive = tmp_path / "release2.wdbak"
    manifest = {"app": "WarrantyDesk", "format": 1, "schema_version": 2,
                "created_at": dt.datetime(2026, 11, 20, 18, 0).isoformat(), "source": "sqlite",
                "files": {"database.sqlite3": hashlib.sha256(snapshot).hexdigest(),
                          f"attachments/{sha[:2]}/{sha}": sha}, "counts": {"project": 2}}
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("database.sqlite3", snapshot)
        zf.writestr(f"attachments/{sha[:2]}/{sha}", SCAN_V2)
    result = backup.restore_from(archive)
    assert result.migrated_from == 2
    assert current_version(database_proxy.obj) == migrations.latest_version()
    scan = Attachment.get(Attachment.kind == "scan")
    assert attachments.read_bytes(scan) == SCAN_V2
    blobs = list(AttachmentBlob.select(AttachmentBlob.sha256, AttachmentBlob.data).tuples())
    if is_postgres(database_proxy.obj):
        assert [(s, bytes(d)) for s, d in blobs] == [(sha, SCAN_V2)]
    else:
        assert blobs == []


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


def test_step_6_adds_the_safety_report_table_to_a_version_2_file(v2_file):
    """Schema step 6 (RULES.md §4, 办法第十条): an office file of an earlier release gets the table of
    structural-safety reports; its tickets can then be marked and the report recorded."""
    import datetime as dt

    from warranty_desk.models import SafetyReport
    from warranty_desk.services import safety, tickets

    db = open_database(str(v2_file))
    assert db.table_exists("safety_report") and SafetyReport.select().count() == 0
    intake = tickets.create_ticket({"project": "V1-001", "reporter": "业主", "category": "foundation_structure",
                                    "description": "地下室墙体出现贯通裂缝", "reported_at": dt.datetime(2026, 11, 2, 9)})
    safety.mark(intake.ticket.number, "贯通裂缝", at=dt.datetime(2026, 11, 2, 9, 30))
    assert [r["number"] for r in safety.pending()] == [intake.ticket.number]
    assert integrity.check_integrity(db) == []
    db.close()


def test_the_safety_report_table_has_every_column_of_the_model(db):
    """Step 6's frozen DDL matches models.SafetyReport on both databases."""
    from warranty_desk.models import SafetyReport

    columns = {c.name for c in db.get_columns("safety_report")}
    assert columns == {f.column_name for f in SafetyReport._meta.sorted_fields}
    assert any(i.unique and i.columns == ["ticket_id"] for i in db.get_indexes("safety_report"))
