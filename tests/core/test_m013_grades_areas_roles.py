"""Schema step 13: a visit's satisfaction grade, a finding's area, a staff member's role and the
description of a cost line a history import made are stored as keys (issue #15), the text made from
them where they are shown. Tested on a copy of a demo office made by the release before the step
(tests/fixtures/demo_v12.db.gz, made by main at schema version 12 with
tests/fixtures/make_demo_fixture.py: the demo office with graded visits and findings, past repairs
and visits imported from sheets, a clerk and a role the office typed on the staff list), and on both
dialects from an office written as that release wrote it."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import pytest
from db_helpers import column_counts, release_copy

from warranty_desk import i18n, migrations
from warranty_desk.db import current_version, open_database
from warranty_desk.migrations import m013_grades_areas_roles as step13
from warranty_desk.models import AuditLog, CostLine, Staff, Visit, VisitFinding
from warranty_desk.rules import finding_areas, satisfaction, staff_roles
from warranty_desk.services import import_history, staff, tickets, visit_records

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "demo_v12.db.gz"
CJK = re.compile(r"[\u3400-\u9fff]")
KEYS = {
    ("visit", "grade"): (*satisfaction.KEYS, ""),
    ("visit_finding", "area"): finding_areas.AREAS,
    ("staff", "role"): (*staff_roles.ROLES, "外聘电工（按次结算）"),  # the role the office typed: as typed
}


@pytest.fixture
def release_office(tmp_path, monkeypatch):
    """The demo office as the release before step 13 left it (a copy of the file)."""
    return release_copy(FIXTURE, tmp_path, monkeypatch)


def test_the_fixture_is_the_release_before_the_step(release_office):
    con = sqlite3.connect(f"file:{release_office}?mode=ro", uri=True)
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == step13.VERSION - 1
    for table, column, mapping in step13.COLUMNS:
        assert set(column_counts(con, table, column)) & set(mapping), (table, column)
    assert column_counts(con, "staff", "role")["外聘电工（按次结算）"] == 1
    con.close()


def test_a_release_office_opens_with_keys_and_loses_nothing(release_office):
    con = sqlite3.connect(release_office)
    before = {(t, c): column_counts(con, t, c) for t, c, _m in step13.COLUMNS}
    typed_costs = dict(con.execute('SELECT "id", "description" FROM "cost_line" WHERE "description" <> ?',
                                   (step13.IMPORTED_COST,)).fetchall())
    audit_before = con.execute('SELECT "id", "chain_hash", "note" FROM "audit_log" ORDER BY "id"').fetchall()
    con.close()

    db = open_database(str(release_office))
    assert current_version(db) == migrations.latest_version()
    for table, column, mapping in step13.COLUMNS:
        after = dict(db.execute_sql(f'SELECT "{column}", COUNT(*) FROM "{table}" GROUP BY 1').fetchall())
        assert after == {mapping.get(k, k): n for k, n in before[(table, column)].items()}, (table, column)
        if (table, column) in KEYS:
            assert set(after) <= set(KEYS[(table, column)]), (table, column, after)
    assert before[("visit", "grade")]["比较满意"] == Visit.select().where(Visit.grade == satisfaction.FAIRLY_SATISFIED).count()
    # what the clerk typed stays as typed: the cost lines entered by hand, the typed role
    assert {c.id: c.description for c in CostLine.select().where(CostLine.description != import_history.COST_NOTE)} == typed_costs
    assert Staff.get(Staff.name == "外聘电工").role == "外聘电工（按次结算）"
    assert Staff.get(Staff.name == "导入维修工").role == staff_roles.REPAIRER
    assert Staff.get(Staff.name == "发布版文员").role == staff_roles.CLERK
    # the audit log is append-only: its rows (and their chain) are untouched and still verify
    assert [(a.id, a.chain_hash, a.note) for a in AuditLog.select().order_by(AuditLog.id)][:len(audit_before)] == audit_before
    from warranty_desk.services import verify

    report = verify.verify(db, file=str(release_office), attachments=False)
    assert report.ok, [p.text for p in report.problems]

    # the names are made from the keys, in the language asked for
    imported = CostLine.get(CostLine.description == import_history.COST_NOTE)
    finding = VisitFinding.get(VisitFinding.area == "doors_windows")
    graded = Visit.get(Visit.grade == satisfaction.LESS_SATISFIED)
    with i18n.override("zh_CN"):
        assert tickets.cost_description(imported.description) == "以往维修费用（表格导入）"
        assert visit_records.area_name(finding.area) == "门窗"
        assert satisfaction.grade_name(graded.grade) == "不太满意"
        assert staff_roles.role_name(staff_roles.REPAIRER) == "维修人员"
    with i18n.override("en"):
        for text in (tickets.cost_description(imported.description), visit_records.area_name(finding.area),
                     satisfaction.grade_name(graded.grade), staff_roles.role_name(staff_roles.REPAIRER),
                     visit_records.area_name("basement"), staff_roles.role_name("project_manager")):
            assert text and not CJK.search(text), text
    # names an earlier release stored (the audit log keeps them) are still named
    with i18n.override("en"):
        assert satisfaction.grade_name("不太满意") == satisfaction.grade_name(satisfaction.LESS_SATISFIED)
        assert visit_records.area_name("门窗") == visit_records.area_name("doors_windows")

    # and the office goes on working: a new record, a new role, a new import store keys
    planned = Visit.select().where(Visit.status == "planned").order_by(Visit.planned_on).first()
    with i18n.override("en"):
        visit_records.record_visit(planned.id, {
            "method": "On site", "visitor": "Tester", "met_person": "Owner", "done_at": dt.datetime.combine(planned.planned_on, dt.time(10)),
            "answers": {}, "findings": [{"area": "Roof", "description": "tiles loose", "category": ""},
                                        {"area": "车库顶板", "description": "渗水", "category": ""}]})
    assert {f.area for f in VisitFinding.select().where(VisitFinding.visit == planned.id)} == {"roof", "车库顶板"}
    added = staff.save_staff({"name": "新维修工", "role": "Repairer"})
    assert added.role == staff_roles.REPAIRER


def test_step_13_on_both_dialects(db_target, tmp_path, monkeypatch):
    """An office written as the release before step 13 wrote it (grades, areas and roles by their
    Chinese names, an imported cost line's description as its Chinese words), on SQLite or
    PostgreSQL, opened by this release."""
    from warranty_desk.services import settings
    from warranty_desk.services.demo import build_demo

    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("WARRANTY_DESK_USER", "测试员")
    db = open_database(db_target)
    settings.ensure_defaults()
    build_demo(today=dt.date(2026, 11, 29))
    ticket = tickets.list_tickets()[0]
    CostLine.create(ticket=ticket["id"], kind="other", description=import_history.COST_NOTE, quantity=1,
                    unit_price=100, amount=100, borne_by="us")
    Staff.create(name="导入维修工", role=staff_roles.REPAIRER)
    Staff.create(name="外聘电工", role="外聘电工（按次结算）")
    VisitFinding.create(visit=Visit.select().first(), area="车库顶板", description="渗水")
    counts = {(t, c): dict(db.execute_sql(f'SELECT "{c}", COUNT(*) FROM "{t}" GROUP BY 1').fetchall())
              for t, c, _m in step13.COLUMNS}
    assert counts[("visit", "grade")].get(satisfaction.FAIRLY_SATISFIED)
    param = "?" if "sqlite" in type(db).__name__.lower() else "%s"
    with db.atomic():  # back to what the release before wrote
        for table, column, mapping in step13.COLUMNS:
            for old, new in mapping.items():
                if old == "Clerk":
                    continue
                db.execute_sql(f'UPDATE "{table}" SET "{column}" = {param} WHERE "{column}" = {param}', (old, new))
        db.execute_sql(f'DELETE FROM "schema_version" WHERE "version" >= {param}', (step13.VERSION,))
    assert Visit.select().where(Visit.grade == "比较满意").exists()
    assert CostLine.select().where(CostLine.description == "以往维修费用（表格导入）").exists()
    db.close()

    db = open_database(db_target)
    assert current_version(db) == migrations.latest_version()
    for table, column, _mapping in step13.COLUMNS:
        after = dict(db.execute_sql(f'SELECT "{column}", COUNT(*) FROM "{table}" GROUP BY 1').fetchall())
        assert after == counts[(table, column)], (table, column)
    # the longest key fits the column on PostgreSQL too
    visit = Visit.select().first()
    Visit.update(grade=satisfaction.FAIRLY_SATISFIED).where(Visit.id == visit.id).execute()
    db.close()


def test_names_in_either_language_reach_the_same_key():
    for text in ("比较满意", "fairly_satisfied", " Fairly satisfied ", satisfaction.grade_name(satisfaction.FAIRLY_SATISFIED)):
        assert satisfaction.grade_key(text) == satisfaction.FAIRLY_SATISFIED
    with i18n.override("en"):
        english = satisfaction.grade_name(satisfaction.NEUTRAL)
        area = finding_areas.area_name("doors_windows")
        role = staff_roles.role_name(staff_roles.CLERK)
    assert satisfaction.grade_key(english) == satisfaction.NEUTRAL and satisfaction.grade_key("一般") == satisfaction.NEUTRAL
    for text in ("门窗", "doors_windows", area, area.upper()):
        assert finding_areas.area_key(text) == "doors_windows"
    for text in ("文员", "clerk", role):
        assert staff_roles.role_key(text) == staff_roles.CLERK
    assert finding_areas.area_key("车库顶板") == "车库顶板" and staff_roles.role_key("外聘电工") == "外聘电工"
    assert satisfaction.grade_key("超级满意") == "超级满意"  # not a grade: given back for the rule that refuses it


def test_json_output_keeps_the_names_scripts_read_and_adds_the_keys(release_office, capsys):
    """`--json` is a contract: a visit's grade, a finding's area and an imported cost line's
    description still carry the Chinese the first releases printed, in every language, with the keys
    beside them."""
    from warranty_desk import cli

    open_database(str(release_office))
    imported = CostLine.get(CostLine.description == import_history.COST_NOTE).ticket
    graded = Visit.select().join(VisitFinding).where(VisitFinding.area == "doors_windows",
                                                    Visit.grade == satisfaction.SATISFIED).first()
    assert graded is not None
    for lang in ("zh_CN", "en"):
        assert cli.main(["--db", str(release_office), "--lang", lang, "ticket", "show", imported.number, "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        line = next(c for c in shown["cost_lines"] if "description_key" in c)
        assert line["description"] == "以往维修费用（表格导入）"
        assert line["description_key"] == {"said": "以往维修费用（表格导入）", "with": {}}
        assert cli.main(["--db", str(release_office), "--lang", lang, "visits", "show", str(graded.id), "--json"]) == 0
        visit = json.loads(capsys.readouterr().out)
        assert (visit["grade"], visit["grade_key"]) == ("满意", "satisfied")
        assert ("门窗", "doors_windows") in {(f["area"], f.get("area_key")) for f in visit["findings"]}


def test_json_output_keeps_the_sentences_scripts_read_for_a_new_ticket(release_office, capsys):
    """A ticket made now keeps its decision and history as templates; `--json` prints them as the
    Chinese sentences the first releases printed, in every language, with the template beside."""
    from warranty_desk import cli
    from warranty_desk.models import Project

    open_database(str(release_office))
    project = Project.get(Project.code == "EN-001")
    made = tickets.create_ticket({"project": project.code, "reporter": "张三", "phone": "13800000000", "channel": "letter",
                                  "category": "roof_waterproofing", "description": "顶层渗水",
                                  "reported_at": dt.datetime(2026, 11, 28, 9, 0)})
    for lang in ("zh_CN", "en"):
        assert cli.main(["--db", str(release_office), "--lang", lang, "ticket", "show", made.ticket.number, "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        assert shown["warranty_reason"].startswith("屋面防水工程 保修至 ")
        assert shown["warranty_reason_key"]["said"] == "{item_name} 保修至 {isoformat}，剩余 {left:,} 天"
        assert shown["events"][0]["reason"] == "来函报修" and shown["events"][0]["reason_key"]["said"] == "{channel}报修"
