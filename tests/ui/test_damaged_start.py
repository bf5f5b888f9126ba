"""The desktop program started on a truncated file, a file with a damaged header and a 0-byte file
(#13 finding 2): no crash and no query of the file before its check; the clerk sees what is wrong and is
offered the newest good backup — found in the backup folder itself, also a folder chosen in 设置 that
the damaged file can no longer tell — and nothing is written into the damaged file."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from damage import KINDS  # noqa: E402

from ui import backup_dialogs  # noqa: E402
from warranty_desk.db import open_database  # noqa: E402
from warranty_desk.services import backup, projects, settings  # noqa: E402


@pytest.fixture
def boxes(monkeypatch):
    """Every message box: its texts and buttons recorded, the button named in `boxes["click"]` clicked."""
    state = {"shown": [], "click": []}

    def exec_(box):
        buttons = [b.text() for b in box.buttons()]
        state["shown"].append({"title": box.windowTitle(), "text": box.text(), "info": box.informativeText(),
                               "buttons": buttons})
        wanted = state["click"].pop(0) if state["click"] else None
        box._chosen = next((b for b in box.buttons() if b.text() == wanted), None)
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    monkeypatch.setattr(QMessageBox, "clickedButton", lambda box: getattr(box, "_chosen", None))
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(
            lambda parent, title, text, *a, kind=kind, **k: state["shown"].append(
                {"title": title, "text": text, "info": "", "buttons": [], "kind": kind})))
    yield state
    lock = backup_dialogs._state.get("lock")
    if lock is not None:
        lock.release()
    backup_dialogs._state.update(lock=None)
    backup_dialogs.set_read_only(False)


@pytest.fixture
def office(tmp_path, monkeypatch, qtbot):
    """An office of 12 projects whose backups go to a folder chosen in 设置 (outside the data folder)."""
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    target = tmp_path / "office.db"
    database = open_database(str(target))
    settings.ensure_defaults()
    for n in range(12):
        projects.create_project({"code": f"S-{n:02d}", "name": f"工程{n}", "type": "住宅", "scale": "中型"})
    chosen = tmp_path / "网络盘" / "保修台备份"
    settings.set("backup_folder", str(chosen))
    made = backup.auto_backup("daily")
    assert made.parent == chosen
    database.close()
    return target


@pytest.mark.parametrize("kind", ["truncated", "header", "empty"])
def test_start_on_a_damaged_file_shows_what_is_wrong_and_offers_the_backup(office, kind, boxes, monkeypatch):
    KINDS[kind](office)
    before = office.read_bytes()

    def no_query(*_a, **_k):
        raise AssertionError("the damaged file was queried")

    monkeypatch.setattr(settings, "get", no_query)
    boxes["click"] = ["退出"]
    assert backup_dialogs.open_at_start(str(office)) is False  # the clerk chose 退出
    shown = boxes["shown"][0]
    expected = {"truncated": "不完整", "header": "文件头已损坏", "empty": "是空的"}[kind]
    assert expected in shown["text"] and str(office) in shown["text"]
    assert "网络盘" in shown["info"] and "12个工程" in shown["info"]  # the newest good backup, from its folder
    assert sorted(shown["buttons"]) == sorted(["从这个备份恢复", "选择备份文件…", "退出"])  # nothing to view read-only
    assert office.read_bytes() == before


def test_restore_from_the_offer_and_the_program_starts(office, boxes):
    KINDS["truncated"](office)
    damaged = office.read_bytes()
    boxes["click"] = ["从这个备份恢复"]
    assert backup_dialogs.open_at_start(str(office)) is True
    assert not backup_dialogs.read_only()
    assert any(b["title"] == "已恢复" and "12个工程" in b["text"] for b in boxes["shown"])
    assert projects.count_projects() == 12
    kept = list(office.parent.glob("office.db.damaged-*"))
    assert kept and kept[0].read_bytes() == damaged


def test_a_foreign_database_is_refused_not_taken_over(office, boxes):
    KINDS["foreign"](office)
    before = office.read_bytes()
    assert backup_dialogs.open_at_start(str(office)) is False
    assert "不是保修台的数据库" in boxes["shown"][0]["text"]
    assert office.read_bytes() == before


def test_a_read_only_file_opens_read_only_and_says_so(office, boxes, monkeypatch):
    """The file or its folder may not be written (a root user may write anything, so the check is the
    one the program asks the OS: os.access)."""
    real_access = backup_dialogs.integrity.os.access

    def access(path, mode, *a, **k):
        if mode == backup_dialogs.integrity.os.W_OK and str(path).startswith(str(office.parent)):
            return False
        return real_access(path, mode, *a, **k)

    monkeypatch.setattr(backup_dialogs.integrity.os, "access", access)
    before = office.read_bytes()
    assert backup_dialogs.open_at_start(str(office)) is True
    assert backup_dialogs.read_only() and backup_dialogs.read_only_reason() == "file"
    assert any("只读" in b["text"] for b in boxes["shown"])
    assert projects.count_projects() == 12  # reading works
    from ui import operations

    assert operations.refuse_when_read_only(None)
    assert "只读" in boxes["shown"][-1]["text"] and "损坏" not in boxes["shown"][-1]["text"]
    assert office.read_bytes() == before
    shutil.rmtree(office.parent / "data", ignore_errors=True)
