"""A damaged database opened read-only: every write from the UI is refused before the core is
asked (operations.perform), and the save/create buttons are disabled."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ui import backup_dialogs, operations
from warranty_desk.models import Project
from warranty_desk.services import projects


@pytest.fixture
def read_only():
    backup_dialogs.set_read_only(True)
    yield
    backup_dialogs.set_read_only(False)


def test_perform_refuses_writes_without_calling_the_core(qtbot, db, make_project, answers, read_only):
    called = []
    ok, result = operations.perform(None, lambda: called.append(1))
    assert (ok, result, called) == (False, None, [])
    assert answers["shown"][-1][0] == "warning"
    assert "数据库已损坏，当前为只读模式，请从备份恢复" in answers["shown"][-1][2]
    # reading (an export, a backup, a restore) still works
    ok, value = operations.perform(None, lambda: 42, writes=False)
    assert (ok, value) == (True, 42)
    assert operations.run_background(None, "导入", lambda: called.append(2), writes=True) is None
    assert called == []


def test_project_page_buttons_disabled_and_save_refused(app_window, qtbot, make_project, answers):
    project = make_project(code="RO-1", name="原名")
    page = app_window.page("工程项目")
    app_window.go(2)
    page.open_project(project.id)
    detail = page.detail
    assert detail.save_button.isEnabled()
    backup_dialogs.set_read_only(True)  # the full check found damage while the program runs
    try:
        assert not detail.save_button.isEnabled() and not detail.handover_button.isEnabled()
        assert not page.list.new_button.isEnabled() and page.list.template_button.isEnabled()
        assert detail.history_button.isEnabled()  # looking is still allowed
        assert detail.save_button.toolTip() == operations.READ_ONLY_MESSAGE
        detail.form.widgets["name"].setText("改过的名字")
        assert detail.save() is False  # Enter / a shortcut: refused with the message, nothing written
        assert "只读模式" in answers["shown"][-1][2]
        assert Project.get_by_id(project.id).name == "原名"
        assert detail.form.value("name") == "改过的名字"  # the clerk's typing is kept
    finally:
        backup_dialogs.set_read_only(False)
    assert detail.save_button.isEnabled()
    qtbot.mouseClick(detail.save_button, Qt.MouseButton.LeftButton)
    assert Project.get_by_id(project.id).name == "改过的名字"


def test_dialogs_built_while_read_only_cannot_save(qtbot, db, make_project, answers, read_only):
    from ui.project_form import ProjectDialog

    dialog = ProjectDialog()
    qtbot.addWidget(dialog)
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    assert not save.isEnabled()
    dialog.form.load({"code": "RO-2", "name": "新工程", "type": "住宅", "scale": "中型"})
    dialog._save_clicked()  # Enter
    assert not Project.select().where(Project.code == "RO-2").exists()
    assert projects.count_projects() == 0
