"""Two clerks, one record: the second save is refused (已被他人修改), the form keeps the clerk's
input, and 重新载入 fetches the other clerk's version with the clerk's own changes put back on top."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from warranty_desk.models import AuditLog, Project, Visit
from warranty_desk.services import handover, projects, visit_records


def _other_clerk_saves(project_id: int, **changes) -> Project:
    project = projects.find_project(project_id)
    values = projects.form_values(project)
    values.update(changes)
    return projects.update_project(project_id, values, project.version)


def test_project_form_conflict_keeps_input_then_reload_and_save(app_window, qtbot, make_project, answers):
    project = make_project(code="CF-1", name="原名", manager="张经理", phone="010-12345678")
    page = app_window.page("工程项目")
    app_window.go(2)
    page.open_project(project.id)
    detail = page.detail
    detail.form.widgets["name"].setText("我改的名字 <b>&")
    detail.form.widgets["manager"].setText("李经理")
    # meanwhile, on another PC: the phone and the manager change
    _other_clerk_saves(project.id, phone="010-87654321", manager="王经理")
    detail.load()  # a data-changed signal meanwhile must not adopt the new version silently

    qtbot.mouseClick(detail.save_button, Qt.MouseButton.LeftButton)
    saved = Project.get_by_id(project.id)
    assert (saved.name, saved.manager, saved.phone) == ("原名", "王经理", "010-87654321")  # nothing overwritten
    assert "已被他人修改" in detail.conflict_bar.message()
    assert detail.conflict_bar.reload_button.isVisible()
    assert detail.form.value("name") == "我改的名字 <b>&" and detail.form.value("manager") == "李经理"
    assert detail.form.value("phone") == "010-12345678"  # untouched until the clerk reloads
    assert not [s for s in answers["shown"] if s[0] == "warning"]  # the bar, not a box

    qtbot.mouseClick(detail.conflict_bar.reload_button, Qt.MouseButton.LeftButton)
    assert detail.form.value("name") == "我改的名字 <b>&"  # the clerk's changes stay
    assert detail.form.value("manager") == "李经理"
    assert detail.form.value("phone") == "010-87654321"  # the other clerk's change is taken in
    message = detail.conflict_bar.message()
    assert "项目经理（对方改为：王经理）" in message and "联系电话" not in message

    qtbot.mouseClick(detail.save_button, Qt.MouseButton.LeftButton)
    saved = Project.get_by_id(project.id)
    assert (saved.name, saved.manager, saved.phone) == ("我改的名字 <b>&", "李经理", "010-87654321")
    assert detail.conflict_bar.isHidden()
    assert AuditLog.select().where((AuditLog.table == "project") & (AuditLog.action == "update")).count() == 2


def test_visit_form_conflict_keeps_input_then_reload_and_save(qtbot, db, make_project, answers):
    from ui.visit_form import VisitDialog

    today = dt.date.today()
    project = make_project(code="CF-2", accepted_on=today - dt.timedelta(days=20),
                           handed_over_on=today - dt.timedelta(days=20))
    handover.handover(project.id)
    visit = Visit.select().where(Visit.project == project.id).order_by(Visit.planned_on).first()
    dialog = VisitDialog(visit.id)
    qtbot.addWidget(dialog)
    dialog.show()
    f = dialog.form
    f.widgets["visitor"].setEditText("小周")
    f.widgets["met_person"].setText("业主本人")
    f.widgets["opinion"].setPlainText("门窗密封条老化 𠀀")
    row = dialog.findings.add_row()
    dialog.findings.cellWidget(row, 0).setEditText("门窗")
    dialog.findings.cellWidget(row, 2).setText("北侧窗密封条老化")
    # meanwhile another clerk records the same visit (a different person met, their own finding)
    data = visit_records.visit_data(visit.id)
    visit_records.record_visit(visit.id, {
        # half an hour ago, not 09:00 today: before nine in the morning that would be a visit in the future
        "method": "电话", "done_at": dt.datetime.now().replace(microsecond=0) - dt.timedelta(minutes=30), "visitor": "小王",
        "met_person": "业主家属", "opinion": "", "answers": {}, "template_id": data["template"]["id"],
        "findings": [{"id": None, "area": "屋面", "category": "", "description": "屋面有积水", "make_ticket": False}],
    }, data["version"])

    dialog._save_clicked()
    assert dialog.isVisible()  # not closed
    assert "已被他人修改" in dialog.conflict_bar.message()
    assert Visit.get_by_id(visit.id).met_person == "业主家属"  # nothing overwritten
    assert f.value("met_person") == "业主本人" and f.value("opinion") == "门窗密封条老化 𠀀"

    qtbot.mouseClick(dialog.conflict_bar.reload_button, Qt.MouseButton.LeftButton)
    assert f.value("met_person") == "业主本人" and f.value("visitor") == "小周"
    assert "被访人（接待人）（对方改为：业主家属）" in dialog.conflict_bar.message()
    descriptions = [r["description"] for r in dialog.findings.rows()]
    assert sorted(descriptions) == ["北侧窗密封条老化", "屋面有积水"]  # the other clerk's finding kept too

    dialog._save_clicked()
    saved = Visit.get_by_id(visit.id)
    assert (saved.met_person, saved.visitor, saved.opinion) == ("业主本人", "小周", "门窗密封条老化 𠀀")
    assert "屋面有积水" in saved.findings and "北侧窗密封条老化" in saved.findings
    assert not dialog.isVisible()
