"""The window shows before the check of the file's pages has answered (#20); what the clerk does
meanwhile waits for that answer: saved on a sound file, refused on a damaged one (which is told, with
the latest good backup offered, and never written)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from damage import garbage_pages, hold_early_check  # noqa: E402

from ui import backup_dialogs, operations  # noqa: E402
from warranty_desk import early_check  # noqa: E402
from warranty_desk.models import database_proxy  # noqa: E402
from warranty_desk.services import projects  # noqa: E402


@pytest.fixture
def gate(monkeypatch):
    """The early check answers only when the test says so (a large office on a busy machine)."""
    release = hold_early_check(monkeypatch)
    yield release
    release.set()


@pytest.fixture
def office(demo_file, tmp_path, monkeypatch, qtbot, answers):
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("WARRANTY_DESK_USER", "测试员")
    target = tmp_path / "office.db"
    shutil.copy(demo_file, target)
    yield target
    check = backup_dialogs.start_check()
    if check is not None and not check.done:
        check.check.pending.wait(30)
    lock = backup_dialogs._state.get("lock")
    if lock is not None:
        lock.release()
    backup_dialogs._state.update(lock=None, start_check=None)
    operations.hold_writes(None)
    backup_dialogs.set_read_only(False)
    if database_proxy.obj is not None:
        database_proxy.obj.close()


NEW = {"code": "S-NEW", "name": "开窗后马上保存的工程", "type": "住宅", "scale": "小型"}


def test_a_save_right_after_start_waits_for_the_check_then_is_saved(office, gate, qtbot):
    assert backup_dialogs.open_at_start(str(office), early_check.start(str(office)))
    pending = backup_dialogs.start_check()
    assert pending is not None and not pending.done  # the window would be built and shown now
    assert projects.count_projects() > 0  # the pages read meanwhile
    started = []
    backup_dialogs.after_start_check(lambda: started.append("backups, phone link, full check"))
    assert started == []  # nothing else starts before the answer
    QTimer.singleShot(300, gate.set)
    ok, _result = operations.perform(None, projects.create_project, dict(NEW))
    assert ok and pending.done and pending.outcome is True
    assert started == ["backups, phone link, full check"]
    assert not backup_dialogs.read_only()
    assert projects.find_project("S-NEW").name == NEW["name"]


def test_damage_found_after_the_window_showed_is_told_and_nothing_is_written(office, gate, qtbot, monkeypatch,
                                                                             answers):
    garbage_pages(office)
    before = office.read_bytes()
    offered = []

    def offer(check, target):
        offered.append(check.problems)
        return backup_dialogs.VIEW  # the clerk looks at the damaged file read-only

    monkeypatch.setattr(backup_dialogs, "offer_restore_when_damaged", offer)
    assert backup_dialogs.open_at_start(str(office), early_check.start(str(office)))
    pending = backup_dialogs.start_check()
    assert pending is not None and not pending.done
    QTimer.singleShot(300, gate.set)
    ok, _result = operations.perform(None, projects.create_project, dict(NEW))
    assert not ok  # waited for the answer, then refused: the file is damaged
    assert offered and offered[0]  # the damage told, the latest good backup offered
    assert backup_dialogs.read_only()
    assert any("只读" in text for _kind, _title, text in answers["shown"])
    database_proxy.obj.close()
    assert office.read_bytes() == before


def test_the_clerk_may_quit_when_told_of_the_damage(office, gate, qtbot, monkeypatch):
    garbage_pages(office)
    monkeypatch.setattr(backup_dialogs, "offer_restore_when_damaged", lambda check, target: backup_dialogs.QUIT)
    quits = []
    monkeypatch.setattr(backup_dialogs.QApplication.instance(), "quit", lambda: quits.append(1))
    assert backup_dialogs.open_at_start(str(office), early_check.start(str(office)))
    gate.set()
    pending = backup_dialogs.start_check()
    qtbot.waitUntil(lambda: pending.done, timeout=10000)
    assert pending.outcome is False and quits == [1]
