"""A backup walks the audit chain from the head last found whole (issue 20: backup at the speed of a
copy), and still finds the chain broken before and after that checkpoint."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from db_helpers import database_is_postgres

from warranty_desk import audit_chain
from warranty_desk.models import AuditLog, database_proxy
from warranty_desk.services import backup
from warranty_desk.services import verify as verify_service


@pytest.fixture
def office(db, make_project):
    if database_is_postgres():
        pytest.skip("the rows are changed in the SQLite file")
    for n in range(6):
        make_project(code=f"C-{n}")
    return db


def _target(db) -> str:
    return backup.database_target(db)


def _count_hashed(monkeypatch) -> list[int]:
    hashed = []
    real = audit_chain.row_hash

    def counting(*args):
        hashed.append(int(args[1]))
        return real(*args)

    monkeypatch.setattr(audit_chain, "row_hash", counting)
    return hashed


def _unguard(db):
    for name in ("audit_log_no_update", "audit_log_no_delete", "audit_log_no_replace"):
        db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")


def _rechain(db):
    rows = db.execute_sql('SELECT id, at, "user", action, "table", record_id, old, new, note FROM audit_log '
                          "ORDER BY id").fetchall()
    previous = audit_chain.GENESIS
    for row in rows:
        link = audit_chain.row_hash(previous, *row)
        db.execute_sql("UPDATE audit_log SET prev_hash = ?, chain_hash = ? WHERE id = ?", (previous, link, row[0]))
        previous = link


def test_a_backup_walks_only_the_rows_after_the_checkpoint(office, make_project, tmp_path, monkeypatch):
    first = backup.backup_to(tmp_path / "1.wdbak")
    checkpoint = verify_service.load_checkpoint(_target(office))
    assert checkpoint and checkpoint["id"] == first.audit_head["id"] == AuditLog.select().count()
    make_project(code="C-new")
    hashed = _count_hashed(monkeypatch)
    second = backup.backup_to(tmp_path / "2.wdbak")
    assert hashed and min(hashed) > checkpoint["id"]  # the rows before it were not hashed again
    assert not second.audit_breaks
    assert second.audit_head["rows"] == AuditLog.select().count() == second.audit_head["id"]
    # the head is the one a whole walk finds
    whole, breaks = verify_service.chain_head_of_file(_file_of(office))
    assert not breaks and whole == second.audit_head


def _file_of(db):
    return backup.db_path(db)


def test_a_row_changed_after_the_checkpoint_is_found(office, make_project, tmp_path):
    backup.backup_to(tmp_path / "1.wdbak")
    checkpoint = verify_service.load_checkpoint(_target(office))
    make_project(code="C-new")
    _unguard(office)
    office.execute_sql("UPDATE audit_log SET note = '改过' WHERE id = ?", (checkpoint["id"] + 1,))
    manifest = backup.backup_to(tmp_path / "2.wdbak")
    assert manifest.audit_breaks and f"第 {checkpoint['id'] + 1} 条" in manifest.audit_breaks[0]
    assert verify_service.load_checkpoint(_target(office))["id"] == checkpoint["id"]  # not moved past a break


def test_a_chain_recomputed_before_the_checkpoint_is_found(office, tmp_path):
    backup.backup_to(tmp_path / "1.wdbak")
    _unguard(office)
    office.execute_sql("UPDATE audit_log SET note = '改过' WHERE id = 3")
    _rechain(office)  # consistent again: only the checkpoint knows
    manifest = backup.backup_to(tmp_path / "2.wdbak")
    assert manifest.audit_breaks and "校验链被重新计算过" in manifest.audit_breaks[0]


def test_rows_deleted_before_the_checkpoint_are_found(office, tmp_path):
    backup.backup_to(tmp_path / "1.wdbak")
    _unguard(office)
    office.execute_sql("DELETE FROM audit_log WHERE id = 2")
    manifest = backup.backup_to(tmp_path / "2.wdbak")
    # the count up to the checkpoint no longer matches: the whole chain is walked and the gap named
    assert any("有记录被删除或插入" in b for b in manifest.audit_breaks)
    assert any("第 3 条" in b and "接不上" in b for b in manifest.audit_breaks)


def test_the_end_cut_off_before_the_checkpoint_is_found(office, tmp_path):
    backup.backup_to(tmp_path / "1.wdbak")
    last = AuditLog.select().count()
    _unguard(office)
    office.execute_sql("DELETE FROM audit_log WHERE id >= ?", (last - 1,))
    manifest = backup.backup_to(tmp_path / "2.wdbak")
    assert manifest.audit_breaks and "已不在数据库中" in manifest.audit_breaks[0]


def test_a_row_changed_in_place_before_the_checkpoint_is_found_by_the_full_walks(office, tmp_path):
    """Changed without recomputing the chain, a row before the checkpoint keeps the checkpoint's hash and
    count: the walks of every row find it — the check after start, `verify`, and a backup whose
    checkpoint is older than CHECKPOINT_DAYS."""
    backup.backup_to(tmp_path / "1.wdbak")
    target = _target(office)
    _unguard(office)
    office.execute_sql("UPDATE audit_log SET note = '改过' WHERE id = 2")
    report = verify_service.check_after_start(target)
    assert any(p.kind == "chain" and "第 2 条" in p.text for p in report.problems)
    open_again = verify_service.load_checkpoint(target)
    assert open_again is not None  # the check after start did not note a broken chain as whole
    # the checkpoint grown old: the next backup walks every row again
    path = verify_service._checkpoint_path()
    data = json.loads(path.read_text(encoding="utf-8"))
    for head in data.values():
        head["at"] = (dt.datetime.now() - dt.timedelta(days=verify_service.CHECKPOINT_DAYS + 1)).isoformat(sep=" ")
    path.write_text(json.dumps(data), encoding="utf-8")
    manifest = backup.backup_to(tmp_path / "2.wdbak")
    assert manifest.audit_breaks and "第 2 条" in manifest.audit_breaks[0]


def test_the_check_after_start_notes_a_whole_chain_as_the_checkpoint(office, tmp_path):
    target = _target(office)
    assert verify_service.load_checkpoint(target) is None
    report = verify_service.check_after_start(target)
    assert report.ok
    assert verify_service.load_checkpoint(target)["id"] == AuditLog.select().count()


def test_a_restore_voids_the_checkpoint_without_a_false_alarm(office, make_project, tmp_path):
    older = tmp_path / "older.wdbak"
    backup.backup_to(older)
    for n in range(3):
        make_project(code=f"L-{n}")
    backup.backup_to(tmp_path / "later.wdbak")  # checkpoint beyond what `older` holds
    backup.restore_from(older, safety_backup=False)
    assert verify_service.load_checkpoint(_target(database_proxy.obj)) is None
    manifest = backup.backup_to(tmp_path / "after.wdbak")
    assert not manifest.audit_breaks


@pytest.mark.parametrize("table", ["project", "audit_log"])
def test_a_backup_refuses_a_file_with_damaged_pages(office, tmp_path, table):
    """Damaged pages — of a table, or of the audit log the chain walk reads — refuse the backup in words."""
    path = backup.db_path(office)
    office.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    con = sqlite3.connect(path)
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    with open(path, "r+b") as fh:  # a leaf page of the projects overwritten (a failing disk)
        fh.seek((root - 1) * page_size)
        fh.write(b"\x0d" + b"\xff" * 40)
    with pytest.raises(backup.DatabaseDamaged) as caught:
        backup.backup_to(tmp_path / "b.wdbak")
    assert "损坏" in str(caught.value)
    assert not (tmp_path / "b.wdbak").exists()
