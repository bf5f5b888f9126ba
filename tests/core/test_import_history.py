"""Issue 12: the office's past repairs (保修台账) and past visits (回访记录) come in, with their
history dated from the sheet, and show in the ledger, the quarterly report and the project."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from warranty_desk import i18n
from warranty_desk.errors import ImportFailed
from warranty_desk.models import AuditLog, CostLine, Staff, Subcontractor, Ticket, TicketEvent, Unit, Visit
from warranty_desk.rules import ticket_states as st
from warranty_desk.services import import_history, importing, ledger, tickets
from warranty_desk.services.handover import handover
from warranty_desk.services.import_templates import write_template

TICKET_HEADERS = ["工程编号", "房号", "报修日期", "报修人", "联系电话", "报修内容", "问题类别", "紧急程度", "处理结果",
                  "维修人员", "完成日期", "费用", "费用承担", "验收人", "满意度"]
VISIT_HEADERS = ["工程编号", "回访日期", "方式", "回访人", "得分", "满意度", "意见", "发现的问题"]


def _sheet(path, headers, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    book.save(path)
    return path


@pytest.fixture
def office(db, make_project):
    """A handed-over residential project (北京, accepted 2024-06-15) with two units, a subcontractor."""
    project = make_project(code="HX-1", name="历史花园")
    handover(project.id)
    Unit.create(project=project, building="1号楼", entrance="1单元", room="101", owner_name="张三", owner_phone="13800000001")
    Unit.create(project=project, building="1号楼", entrance="1单元", room="102", owner_name="李四", owner_phone="13800000002")
    Subcontractor.create(name="恒信防水工程有限公司", trade="防水")
    return project


def _repair(**over):
    row = {"工程编号": "HX-1", "房号": "1号楼-1单元-101", "报修日期": dt.datetime(2024, 11, 3, 9, 30), "报修人": "张三",
           "联系电话": "13800000001", "报修内容": "卫生间地面渗水到楼下", "问题类别": "有防水要求的卫生间、房间的防渗漏",
           "紧急程度": "一般", "处理结果": "重做防水层，闭水试验合格", "维修人员": "恒信防水工程有限公司",
           "完成日期": dt.datetime(2024, 11, 8, 16, 0), "费用": 850, "费用承担": "分包单位", "验收人": "张三", "满意度": "满意"}
    row.update(over)
    return row


def test_a_past_repair_becomes_a_closed_ticket_with_its_history(office, tmp_path):
    path = _sheet(tmp_path / "t.xlsx", TICKET_HEADERS, [
        _repair(),
        _repair(房号="1号楼-1单元-102", 报修日期="２０２５－０２－１０", 报修人=None, 联系电话=None, 报修内容="暖气片不热",
                问题类别="供热系统", 处理结果=None, 维修人员="吴刚", 完成日期=None, 费用=None, 费用承担=None, 验收人=None,
                满意度=None, 紧急程度="紧急"),
    ])
    report = importing.import_tickets(path)
    assert len(report.new) == 2 and report.new_people == ["维修人员 吴刚"]
    closed = Ticket.get(Ticket.description == "卫生间地面渗水到楼下")
    assert closed.number == "BX-2024-0001" and closed.state == st.CLOSED and closed.in_warranty
    assert closed.subcontractor.name == "恒信防水工程有限公司" and closed.assignee is None  # a known firm in 维修人员
    assert closed.completed_at == closed.closed_at == dt.datetime(2024, 11, 8, 16, 0)
    assert (closed.signoff_kind, closed.signoff_by, closed.satisfaction, closed.payer) == ("paper", "张三", 5, "subcontractor")
    events = [(e.to_state, e.at) for e in closed.events.order_by(TicketEvent.at, TicketEvent.id)]
    assert events == [(st.RECEIVED, dt.datetime(2024, 11, 3, 9, 30)), (st.DISPATCHED, dt.datetime(2024, 11, 3, 9, 30)),
                      (st.AWAITING_CHECK, dt.datetime(2024, 11, 8, 16, 0)), (st.CLOSED, dt.datetime(2024, 11, 8, 16, 0))]
    assert any("重做防水层" in e.reason for e in closed.events)
    assert CostLine.get(CostLine.ticket == closed).amount == Decimal("850.00")
    assert not Visit.select().where(Visit.ticket == closed).exists()  # history: no satisfaction call is planned now
    open_one = Ticket.get(Ticket.description == "暖气片不热")
    assert open_one.state == st.DISPATCHED and open_one.assignee.name == "吴刚" and open_one.urgency == "urgent"
    assert (open_one.reporter, open_one.phone) == ("李四", "13800000002")  # from the unit's owner
    assert open_one.reported_at == dt.datetime(2025, 2, 10, 9, 0)  # full-width date, 09:00 as at intake
    # the project's history (its ticket list) and the ledger export hold them
    assert {r["number"] for r in tickets.list_tickets(project="HX-1")} == {closed.number, open_one.number}
    out = tmp_path / "ledger.xlsx"
    ledger.export_ledger(out)
    rows = [[c for c in r] for r in load_workbook(out).active.iter_rows(values_only=True)]
    assert any(r[2] == dt.datetime(2024, 11, 3) and "卫生间地面渗水" in r[3] and r[11] is not None for r in rows[1:])
    assert Staff.get(Staff.name == "吴刚")


def test_a_repair_out_of_warranty_is_decided_by_its_report_date(office, tmp_path):
    path = _sheet(tmp_path / "t.xlsx", TICKET_HEADERS, [_repair(报修日期=dt.datetime(2026, 7, 1), 问题类别="电气管线",
                                                                报修内容="插座不通电", 完成日期=dt.datetime(2026, 7, 2),
                                                                费用承担=None, 维修人员="吴刚")])
    importing.import_tickets(path)
    ticket = Ticket.get()
    assert not ticket.in_warranty and "过保" in ticket.warranty_reason and ticket.payer == "owner"


def test_the_same_repairs_again_add_nothing_and_update_changes_through_the_same_checks(office, tmp_path):
    path = _sheet(tmp_path / "t.xlsx", TICKET_HEADERS, [_repair(), _repair(报修内容="外墙渗水", 问题类别="外墙面的防渗漏",
                                                                          完成日期=None, 验收人=None, 满意度=None)])
    importing.import_tickets(path)
    counts = (Ticket.select().count(), TicketEvent.select().count(), CostLine.select().count())
    again = importing.import_tickets(path)
    assert again.new == [] and len(again.existing) == 2
    assert (Ticket.select().count(), TicketEvent.select().count(), CostLine.select().count()) == counts
    later = _sheet(tmp_path / "t2.xlsx", TICKET_HEADERS, [_repair(费用=900), _repair(报修内容="外墙渗水", 问题类别="外墙面的防渗漏",
                                                                                    完成日期=dt.datetime(2024, 12, 1), 验收人=None, 满意度=None)])
    assert len(importing.import_tickets(later).changed) == 2 and Ticket.get(Ticket.description == "外墙渗水").state != st.CLOSED
    importing.import_tickets(later, update=True)
    wall = Ticket.get(Ticket.description == "外墙渗水")
    assert wall.state == st.CLOSED and wall.closed_at == dt.datetime(2024, 12, 1)
    assert CostLine.get(CostLine.description == import_history.COST_NOTE, CostLine.ticket == Ticket.get(
        Ticket.description == "卫生间地面渗水到楼下")).amount == Decimal("900.00")
    entry = AuditLog.select().where((AuditLog.table == "cost_line") & (AuditLog.action == "update")).get()
    assert Decimal(json.loads(entry.old)["amount"]) == Decimal("850")


def test_bad_repair_rows_are_refused_by_row_and_column(office, tmp_path, make_project):
    make_project(code="NOT-HANDED")
    path = _sheet(tmp_path / "t.xlsx", TICKET_HEADERS, [
        _repair(房号="9号楼-9单元-909"),
        _repair(问题类别="漏水"),
        _repair(工程编号="NOT-HANDED"),
        _repair(报修日期="2020-01-01"),
        _repair(完成日期=dt.datetime(2024, 10, 1)),
        _repair(满意度="很好"),
        _repair(工程编号="NOPE"),
    ])
    with pytest.raises(ImportFailed) as info:
        importing.import_tickets(path)
    found = {(e.row, e.letter) for e in info.value.errors}
    assert found == {(2, "B"), (3, "G"), (4, "A"), (5, "C"), (6, "K"), (7, "O"), (8, "A")}
    assert Ticket.select().count() == 0 and Staff.select().count() == 0


def test_past_visits_become_done_visits_in_the_quarterly_report(office, tmp_path):
    from pypdf import PdfReader

    from warranty_desk.documents.quarterly import build_quarterly_report
    from warranty_desk.documents.quarterly_figures import compute

    path = _sheet(tmp_path / "v.xlsx", VISIT_HEADERS, [
        {"工程编号": "HX-1", "回访日期": dt.date(2024, 11, 20), "方式": "现场", "回访人": "刘洋", "得分": 92,
         "意见": "对工程质量总体满意", "发现的问题": "个别窗户密封条老化"},
        {"工程编号": "HX-1", "回访日期": 45667, "方式": "电话回访", "回访人": "刘洋", "满意度": "比较满意"},
    ])
    report = importing.import_visits(path)
    assert len(report.new) == 2
    first = Visit.get(Visit.planned_on == dt.date(2024, 11, 20), Visit.status == "done")
    assert (first.method, first.score, first.grade, first.visitor) == ("onsite", 92.0, "satisfied", "刘洋")
    second = Visit.get(Visit.planned_on == dt.date(2025, 1, 10), Visit.status == "done")  # an Excel serial date
    assert (second.method, second.score, second.grade) == ("phone", None, "fairly_satisfied")
    figures = compute("2024Q4")
    assert figures.visits.done >= 1 and any("密封条" in f.description for f in figures.findings)
    out = tmp_path / "q.pdf"
    build_quarterly_report("2024Q4", out)
    text = "".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert "历史花园" in text
    again = importing.import_visits(path)
    assert again.new == [] and len(again.existing) == 2
    assert Visit.select().where(Visit.status == "done").count() == 2


def test_bad_visit_rows_are_refused(office, tmp_path):
    path = _sheet(tmp_path / "v.xlsx", VISIT_HEADERS, [
        {"工程编号": "HX-1", "回访日期": dt.date(2024, 11, 20), "方式": "飞鸽传书", "回访人": "刘洋"},
        {"工程编号": "HX-1", "回访日期": dt.date(2024, 11, 21), "方式": "电话", "回访人": "刘洋", "得分": 95, "满意度": "一般"},
        {"工程编号": "HX-1", "回访日期": dt.date(2024, 1, 1), "方式": "电话", "回访人": "刘洋"},
        {"工程编号": "HX-1", "回访日期": dt.date(2024, 11, 22), "方式": "电话", "回访人": None},
    ])
    with pytest.raises(ImportFailed) as info:
        importing.import_visits(path)
    assert {(e.row, e.letter) for e in info.value.errors} == {(2, "C"), (3, "F"), (4, "B"), (5, "D")}
    assert Visit.select().where(Visit.status == "done").count() == 0


def test_templates_of_repairs_and_visits_import_as_filled(office, tmp_path):
    for kind, headers, row in (("tickets", TICKET_HEADERS, _repair()),
                               ("visits", VISIT_HEADERS, {"工程编号": "HX-1", "回访日期": dt.date(2024, 11, 20), "方式": "上门",
                                                          "回访人": "刘洋"})):
        template = write_template(tmp_path / f"{kind}.xlsx", kind)
        book = load_workbook(template)
        sheet = book.active
        names = [str(c.value).lstrip("*") for c in sheet[1]]
        assert set(headers) <= set(names)
        sheet.append([row.get(h) for h in names])
        book.save(template)
        report = importing.run(template, kind)
        assert len(report.new) == 1, report.lines()


def test_a_bulk_import_reports_what_it_wrote(office, tmp_path):
    """Repairs are written with prepared statements, past the models' proxy: the import itself tells
    the window's change notice which tables it wrote."""
    from warranty_desk import op_changes

    path = _sheet(tmp_path / "t.xlsx", TICKET_HEADERS, [_repair()])
    with op_changes.collect() as collected:
        importing.import_tickets(path)
    changes = collected.changes()
    assert changes.touches("ticket") and changes.touches("ticket_event") and changes.touches("cost_line")


def test_an_imported_visit_takes_the_place_of_the_planned_one_near_it(db, make_project, tmp_path):
    """From the go-live date on the plan is the rules' plan; a past visit imported close to a planned
    one (within the plan's merge window) takes its place instead of leaving a duplicate to do."""
    from warranty_desk.services import settings

    settings.set("go_live_date", "2024-01-01")
    project = make_project(code="RP-1", scale="小型")
    handover(project.id)
    planned = Visit.select().where((Visit.project == project) & (Visit.status == "planned")).order_by(Visit.planned_on)
    first = planned.first()
    path = _sheet(tmp_path / "v.xlsx", VISIT_HEADERS, [
        {"工程编号": "RP-1", "回访日期": first.planned_on + dt.timedelta(days=3), "方式": "上门", "回访人": "刘洋"}])
    importing.import_visits(path)
    days = [v.planned_on for v in Visit.select().where((Visit.project == project) & (Visit.status == "planned"))]
    assert first.planned_on not in days
    assert Visit.select().where((Visit.project == project) & (Visit.status == "done")).count() == 1


def test_a_grade_is_taken_by_its_key_or_its_name_in_either_language(office, tmp_path):
    """满意度 in a sheet may be the grade's Chinese or English name or its key; it is stored as the key.
    A repair's 满意度 likewise becomes the owner's 1–5 rating; a word that is no grade is refused."""
    from warranty_desk.rules import satisfaction

    with i18n.override("en"):
        english = satisfaction.grade_name(satisfaction.FAIRLY_SATISFIED)
    path = _sheet(tmp_path / "v.xlsx", VISIT_HEADERS, [
        {"工程编号": "HX-1", "回访日期": dt.date(2024, 11, 20), "方式": "电话", "回访人": "刘洋", "满意度": english},
        {"工程编号": "HX-1", "回访日期": dt.date(2024, 12, 20), "方式": "电话", "回访人": "刘洋", "满意度": "neutral"},
        {"工程编号": "HX-1", "回访日期": dt.date(2025, 1, 20), "方式": "电话", "回访人": "刘洋", "得分": 95, "满意度": "Satisfied"},
    ])
    importing.import_visits(path)
    assert sorted(v.grade for v in Visit.select().where(Visit.status == "done", Visit.visitor == "刘洋")) == sorted(
        ["fairly_satisfied", "neutral", "satisfied"])
    path = _sheet(tmp_path / "t.xlsx", TICKET_HEADERS, [_repair(满意度="Less satisfied")])
    importing.import_tickets(path)
    assert Ticket.get(Ticket.description == "卫生间地面渗水到楼下").satisfaction == 2
    bad = _sheet(tmp_path / "b.xlsx", VISIT_HEADERS, [
        {"工程编号": "HX-1", "回访日期": dt.date(2025, 2, 20), "方式": "电话", "回访人": "刘洋", "满意度": "超级满意"}])
    with pytest.raises(ImportFailed) as info:
        importing.import_visits(bad)
    assert "超级满意" in str(info.value)
