"""Data safety in the desktop program: 备份到…, 从备份恢复, start-up check, 修改记录."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from ui import backup_dialogs, data_safety, operations, record_history
from warranty_desk import instance_lock
from warranty_desk.models import Project
from warranty_desk.services import backup, projects


@pytest.fixture
def answer_boxes(monkeypatch):
    """Message boxes answer themselves and remember what they said."""
    shown = []

    def record(kind, reply=None):
        def box(parent, title, text, *a, **k):
            shown.append((kind, title, text))
            return reply
        return box

    monkeypatch.setattr(QMessageBox, "information", record("info"))
    monkeypatch.setattr(QMessageBox, "warning", record("warning"))
    monkeypatch.setattr(QMessageBox, "critical", record("critical"))
    monkeypatch.setattr(QMessageBox, "question", record("question", QMessageBox.StandardButton.Yes))
    return shown


def test_backup_to_then_restore_from_the_tab(qtbot, db, make_project, tmp_path, answer_boxes):
    make_project(code="UI-1", name="界面备份工程")
    tab = data_safety.DataSafetyTab()
    qtbot.addWidget(tab)
    target = tmp_path / "U盘" / "备份.wdbak"
    task = tab.backup_to(str(target))  # off the UI thread: the window keeps painting meanwhile
    assert task is not None
    qtbot.waitUntil(lambda: not operations.busy(), timeout=30000)
    assert target.exists() and answer_boxes[-1][0] == "info" and "1个工程" in answer_boxes[-1][2]
    projects.create_project({"code": "UI-2", "name": "之后新增", "type": "住宅", "scale": "小型"})
    assert data_safety.restore_with_confirmation(tab, str(target))
    assert [p.code for p in Project.select()] == ["UI-1"]
    assert answer_boxes[-1][1] == "已恢复" and "恢复前的数据已另存为" in answer_boxes[-1][2]
    if backup.keeps_replaced_file():  # a file: kept as it was, renamed beside it, and the clerk told where
        question = next(text for kind, _title, text in answer_boxes if kind == "question")
        assert "原样保留在它旁边" in question
        kept = list(Path(db.database).parent.glob("*-before-restore-*"))
        assert len(kept) == 1 and str(kept[0]) in answer_boxes[-1][2]
        return
    tab.refresh()
    assert tab.list.count() == 1  # the automatic copy made before the restore
    assert "恢复前自动保存" in tab.list.item(0).text()


def test_a_restore_waits_for_the_work_under_way_and_names_it(qtbot, db, make_project, tmp_path, answer_boxes,
                                                              monkeypatch):
    """A restore pulls the database away: refused while a backup or the import window is at work,
    with a message naming that work (not a guess), and done once the work has ended."""
    import threading

    from ui import import_window
    from warranty_desk.services import importing

    make_project(code="UI-1")
    target = tmp_path / "备份.wdbak"
    backup.backup_to(str(target))
    release = threading.Event()
    real_backup, real_open = backup.backup_to, importing.open_sheet

    def held(real):
        def call(*args, **kwargs):
            release.wait(20)
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(backup, "backup_to", held(real_backup))
    monkeypatch.setattr(importing, "open_sheet", held(real_open))
    tab = data_safety.DataSafetyTab()
    qtbot.addWidget(tab)
    assert tab.backup_to(str(tmp_path / "又一份.wdbak")) is not None
    assert not data_safety.restore_with_confirmation(tab, str(target))
    assert answer_boxes[-1][2] == "备份还没有完成，请等它完成后再恢复"
    sheet = tmp_path / "p.csv"
    sheet.write_text("工程编号,工程名称,工程类型,工程规模\nI-1,导入工程,住宅,小型\n", encoding="utf-8")
    window = import_window.ImportWindow(None, "projects", str(sheet))
    qtbot.addWidget(window)
    assert not data_safety.restore_with_confirmation(tab, str(target))
    assert answer_boxes[-1][2] == "备份、读取导入表格还没有完成，请等它完成后再恢复"
    release.set()
    qtbot.waitUntil(lambda: not operations.busy() and not import_window.busy(), timeout=30000)
    assert data_safety.restore_with_confirmation(tab, str(target))
    assert answer_boxes[-1][1] == "已恢复"


def test_a_foreign_file_is_refused_with_a_message(qtbot, db, make_project, tmp_path, answer_boxes):
    make_project(code="UI-1")
    bad = tmp_path / "合同.wdbak"
    bad.write_bytes(b"not ours")
    assert not data_safety.restore_with_confirmation(None, str(bad))
    assert "不是保修台的备份文件" in answer_boxes[-1][2]
    assert Project.select().count() == 1


def test_history_dialog_shows_who_and_what(qtbot, db, make_project):
    project = make_project(code="H-1", name="旧名")
    projects.update_project(project.id, {"code": "H-1", "name": "新名", "type": "住宅", "scale": "中型"},
                            expected_version=project.version)
    dialog = record_history.HistoryDialog("project", project.id, "H-1")
    qtbot.addWidget(dialog)
    table = dialog.table
    assert table.rowCount() == 2
    assert table.item(1, 1).text() == "测试员" and table.item(1, 2).text() == "修改"
    assert "名称：旧名 → 新名" in table.item(1, 3).text()


def test_open_at_start_damaged_file_offers_latest_backup(qtbot, db, make_project, tmp_path, monkeypatch):
    if db.__class__.__name__.startswith("Postgres"):
        pytest.skip("SQLite file")
    for n in range(40):
        make_project(code=f"S-{n}", notes="记录" * 300)
    backup.auto_backup("daily")
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = db.database
    db.close()
    with open(path, "r+b") as fh:  # a failing disk: garbage over the middle of the file
        size = fh.seek(0, 2)
        for offset in range(8192, size - 4096, 16384):
            fh.seek(offset + 100)
            fh.write(b"\xde\xad\xbe\xef" * 200)
    offered = []

    def fake_offer(check, target):
        offered.append((check.read_only, check.problems[:1]))

    monkeypatch.setattr(backup_dialogs, "offer_restore_when_damaged", fake_offer)
    assert backup_dialogs.open_at_start(path)
    assert offered and offered[0][0] is True
    assert backup_dialogs.read_only()
    assert backup.latest_good_backup() is not None
    backup_dialogs._state["lock"].release()
    backup_dialogs._state.update(lock=None)
    backup_dialogs.set_read_only(False)


def test_second_window_told_already_running(qtbot, tmp_path, monkeypatch):
    path = str(tmp_path / "office.db")
    held = instance_lock.acquire(path)
    chosen = []
    monkeypatch.setattr(backup_dialogs, "instance_lock", _Other(held))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: chosen.append(self.text()) or 0)
    monkeypatch.setattr(QMessageBox, "clickedButton", lambda self: self.defaultButton())
    assert backup_dialogs.open_at_start(path) is False
    assert "保修台已在运行" in chosen[0]
    held.release()


class _Other:
    """instance_lock as seen from a second program: the lock is held by someone else."""

    AlreadyRunning = instance_lock.AlreadyRunning

    def __init__(self, held):
        self.held = held

    def acquire(self, path):
        raise instance_lock.AlreadyRunning(instance_lock.read_holder(path))


def test_damage_only_the_full_check_finds_switches_to_read_only(qtbot, db, make_project, monkeypatch):
    """An index that no longer matches its table passes the quick check at start; the full check in
    the background finds it, the database is reopened read-only and a backup is offered."""
    if db.__class__.__name__.startswith("Postgres"):
        pytest.skip("SQLite file")
    import sqlite3

    from peewee import OperationalError

    from warranty_desk.models import database_proxy
    from warranty_desk.services import integrity

    for n in range(5):
        make_project(code=f"F-{n}", name=f"工程{n}", phone=f"1380000000{n}")
    path = db.database
    db.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA writable_schema=ON")  # the index now claims another column: its entries are wrong
    con.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX \"project_name\" ON \"project\" (\"phone\")' "
                "WHERE name = 'project_name'")
    con.commit()
    con.close()
    offered = []
    monkeypatch.setattr(backup_dialogs, "offer_restore_when_damaged",
                        lambda check, target: offered.append((check.read_only, check.problems[:1])))

    assert backup_dialogs.open_at_start(path)  # quick check: the pages are sound
    assert not backup_dialogs.read_only()
    check = backup_dialogs.start_full_check(path, delay_ms=0)
    qtbot.waitUntil(lambda: check.problems is not None, timeout=10000)
    assert check.problems and "project_name" in check.problems[0]
    assert backup_dialogs.read_only()
    assert offered and offered[0][0] is True
    assert Project.select().count() == 5  # still readable
    with pytest.raises(OperationalError, match="readonly|read-only"):
        projects.create_project({"code": "NEW", "name": "新", "type": "住宅", "scale": "小型"})
    assert integrity.full_check_file(path) and integrity.check_file(path, quick=True) == []
    database_proxy.obj.close()
    backup_dialogs._state["lock"].release()
    backup_dialogs._state.update(lock=None, full_check=None)
    backup_dialogs.set_read_only(False)


def test_full_check_of_a_sound_file_changes_nothing(qtbot, db, make_project):
    if db.__class__.__name__.startswith("Postgres"):
        pytest.skip("SQLite file")
    make_project(code="OK-1")
    check = backup_dialogs.start_full_check(db.database, delay_ms=0)
    qtbot.waitUntil(lambda: check.problems is not None, timeout=10000)
    assert check.problems == [] and not backup_dialogs.read_only()
    projects.create_project({"code": "OK-2", "name": "新", "type": "住宅", "scale": "小型"})
    assert Project.select().count() == 2
    backup_dialogs._state.update(full_check=None)


def test_the_program_version_is_recorded_after_the_window_shows(qtbot, tmp_path):
    import json

    from warranty_desk.models import Setting
    from warranty_desk.version import app_version

    path = str(tmp_path / "office.db")
    assert backup_dialogs.open_at_start(path)
    qtbot.waitUntil(lambda: Setting.get_or_none(Setting.key == "meta.app_version") is not None, timeout=5000)
    assert json.loads(Setting.get_by_id("meta.app_version").value) == app_version()
    Setting._meta.database.close()
    backup_dialogs._state["lock"].release()
    backup_dialogs._state.update(lock=None)
    backup_dialogs.set_read_only(False)
