"""The operation wrapper announces exactly what a call changed (the database layer collects it; no
caller names tables), on the UI thread and off it."""

from __future__ import annotations

import datetime as dt

import pytest

from ui import operations
from ui.signals import bus
from warranty_desk.services import projects, staff, tickets


@pytest.fixture
def heard(qapp):
    changes = []
    bus().changed.connect(changes.append)
    yield changes
    bus().changed.disconnect(changes.append)


def test_perform_announces_the_tables_and_records_written(db, heard):
    ok, member = operations.perform(None, staff.save_staff, {"name": "周师傅", "phone": "13800138000"})
    assert ok and len(heard) == 1
    assert heard[0].touches("staff") and not heard[0].touches("ticket", "visit", "project")
    assert heard[0].ids("staff") == {member.id}


def test_a_refused_call_announces_nothing(db, heard, answers):
    ok, _r = operations.perform(None, staff.save_staff, {"name": ""})
    assert not ok and heard == []
    assert answers["shown"][-1][0] == "warning"


def test_a_ticket_action_announces_the_ticket_not_every_table(db, make_project, heard):
    from warranty_desk.services import handover

    project = make_project(code="OP-1")
    handover.handover(project.id, dt.date(2024, 6, 15), dt.date(2024, 7, 1))
    intake = tickets.create_ticket({"project": project.id, "reporter": "王业主", "category": "roof_waterproofing",
                                    "description": "屋面渗水", "reported_at": dt.datetime(2025, 5, 1, 9, 0)})
    ok, _r = operations.perform(None, tickets.set_cause, intake.ticket.id, "施工质量")
    assert ok
    assert heard[-1].touches_record("ticket", intake.ticket.id)
    assert not heard[-1].touches("visit", "attachment", "project")


def test_long_work_off_the_ui_thread_announces_what_it_wrote(db, qtbot, heard):
    done = []
    operations.run_background(None, "…", projects.create_project,
                              {"code": "OP-2", "name": "后台", "type": "住宅", "scale": "小型"},
                              on_done=done.append, writes=True)
    qtbot.waitUntil(lambda: bool(done) and not operations.busy(), timeout=10000)
    assert heard and heard[-1].ids("project") == {done[0].id}


def test_callers_may_not_name_tables(db):
    with pytest.raises(TypeError, match="tables"):
        operations.perform(None, staff.save_staff, {"name": "吴"}, tables=("staff",))
