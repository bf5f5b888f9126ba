"""The check after start (#13 finding 4, the start-up half of `verify`): once the window shows, a worker
thread walks the audit chain and the attachment files; a row changed behind the program's back is told
by its number, the program goes on (not read-only)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtWidgets import QMessageBox

from ui import backup_dialogs
from warranty_desk.services import session


@pytest.fixture
def shown(monkeypatch):
    boxes = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: boxes.append((box.windowTitle(), box.text())) or 0)
    return boxes


def _run(qtbot, target):
    check = backup_dialogs.start_full_check(target, None, delay_ms=0)
    assert check is not None
    qtbot.waitUntil(lambda: check.report is not None, timeout=30000)
    return check


def test_a_sound_office_is_checked_quietly(qtbot, db, make_project, shown):
    for n in range(3):
        make_project(code=f"K-{n}")
    check = _run(qtbot, session.location(with_server=True) if db.__class__.__name__.startswith("Postgres")
                 else db.database)
    assert check.report.ok and check.report.audit_rows >= 3 and shown == []


def test_a_changed_audit_row_is_told_by_its_number(qtbot, db, make_project, shown):
    if db.__class__.__name__.startswith("Postgres"):
        pytest.skip("the row is changed in the SQLite file")
    for n in range(3):
        make_project(code=f"K-{n}")
    path = db.database
    con = sqlite3.connect(path)
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("UPDATE audit_log SET \"user\" = '别人' WHERE id = 2")
    con.commit()
    con.close()
    check = _run(qtbot, path)
    assert not check.report.ok
    assert shown and shown[0][0] == "数据核验发现不符" and "修改记录第 2 条" in shown[0][1]
    assert not backup_dialogs.read_only()  # the data can still be used
