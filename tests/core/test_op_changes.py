"""Operations report what they changed, as the database layer saw it (op_changes.py): tables and
records of committed writes; a rolled-back transaction reports nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from warranty_desk import op_changes
from warranty_desk.errors import ValidationError
from warranty_desk.models import Staff, Visit, database_proxy
from warranty_desk.services import handover, projects, staff


def test_a_service_reports_its_tables_and_records(db):
    with op_changes.collect() as collected:
        project = projects.create_project({"code": "OC-1", "name": "变更报告", "type": "住宅", "scale": "小型",
                                           "client": "某建设单位"})
    changes = collected.changes()
    assert {"project", "client", "audit_log"} <= changes.tables
    assert changes.ids("project") == {project.id}
    assert changes.touches("project") and not changes.touches("ticket", "visit")
    assert changes.touches_record("project", project.id) and not changes.touches_record("project", project.id + 1)


def test_a_handover_reports_items_and_visits(db, make_project):
    project = make_project(code="OC-2")
    with op_changes.collect() as collected:
        items, visits = handover.handover(project.id, dt.date(2024, 6, 15), dt.date(2024, 7, 1))
    changes = collected.changes()
    assert {"project", "warranty_item", "visit"} <= changes.tables
    assert changes.ids("visit") >= {v.id for v in visits}
    assert changes.ids("warranty_item") >= {i.id for i in items}


def test_a_refused_operation_reports_nothing(db, make_project):
    project = make_project(code="OC-3")
    with op_changes.collect() as collected:
        with pytest.raises(ValidationError):
            with database_proxy.atomic():
                Staff.create(name="临时")  # written, then rolled back with the refusal
                projects.update_project(project.id, {"code": "OC-3", "name": ""}, project.version)
    assert not collected.changes()
    assert Staff.select().count() == 0


def test_bulk_writes_name_their_table_and_id_lists_their_records(db, make_project):
    project = make_project(code="OC-4")
    handover.handover(project.id, dt.date(2024, 6, 15), dt.date(2024, 7, 1))
    ids = [v.id for v in Visit.select(Visit.id).where(Visit.project == project).limit(2)]
    with op_changes.collect() as collected:
        Visit.update(purposes="x").where(Visit.id.in_(ids)).execute()
        Staff.insert_many([{"name": "甲"}, {"name": "乙"}]).execute()
    changes = collected.changes()
    assert changes.ids("visit") == set(ids) and "visit" not in changes.whole
    assert "staff" in changes.whole and changes.touches_record("staff", 12345)


def test_nothing_is_kept_outside_an_operation(db):
    Staff.create(name="丙")
    with op_changes.collect() as collected:
        pass
    assert not collected.changes() and collected.changes() == op_changes.NOTHING


def test_nested_operations_report_to_their_caller(db):
    with op_changes.collect() as outer:
        with op_changes.collect() as inner:
            member = staff.save_staff({"name": "丁"})
        assert inner.changes().ids("staff") == {member.id}
    assert outer.changes().ids("staff") == {member.id}


def test_changes_known_by_table_only():
    changes = op_changes.OpChanges.of(["ticket"])
    assert changes.touches_record("ticket", 7) and not changes.touches("visit")
    assert op_changes.OpChanges.of([]).everything
    merged = op_changes.OpChanges.of(["ticket"]) | op_changes.OpChanges(frozenset({"visit"}), {"visit": frozenset({3})})
    assert merged.tables == {"ticket", "visit"} and merged.ids("visit") == {3}


def test_service_transactions_take_the_write_lock_at_once(db):
    """Through the models' proxy a transaction is the database's own: BEGIN IMMEDIATE on an SQLite
    file (db.py), so a save waits for another window instead of failing half-way."""
    if not hasattr(db, "connection") or db.__class__.__name__.startswith("Postgres"):
        pytest.skip("SQLite")
    begun = []
    db.connection().set_trace_callback(lambda sql: begun.append(sql) if sql.startswith("BEGIN") else None)
    try:
        staff.save_staff({"name": "钱"})
    finally:
        db.connection().set_trace_callback(None)
    assert begun == ["BEGIN IMMEDIATE"]
