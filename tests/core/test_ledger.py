"""保修台账 export: one row per ticket, dates as dates, money as numbers, filters, atomic write."""

import datetime as dt

import openpyxl
import pytest

from warranty_desk import cli
from warranty_desk.errors import ValidationError
from warranty_desk.models import Ticket
from warranty_desk.services import ledger
from warranty_desk.services.ledger import COLUMNS, export_ledger


def test_demo_ledger_opens_with_one_row_per_ticket_and_real_types(demo_db, tmp_path):
    target = tmp_path / "台账.xlsx"
    count = export_ledger(target)
    assert count == Ticket.select().count() > 50
    ws = openpyxl.load_workbook(target).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert len(rows) == count + 1
    body = rows[1:]
    assert all(isinstance(r[2], dt.datetime) for r in body)  # 报修日期: a real date cell
    assert all(isinstance(r[9], (int, float)) for r in body)  # 费用: a number
    assert all(r[7] is None or isinstance(r[7], dt.datetime) for r in body)
    assert {r[4] for r in body} <= {"是", "否"}
    closed = [r for r in body if r[8] is not None and r[11]]
    assert closed and any(r[9] > 0 for r in closed)
    assert not list(tmp_path.glob("*.part"))


def test_filters(demo_db, tmp_path):
    everything = ledger.ledger_rows()
    out = ledger.ledger_rows(in_warranty=False)
    assert out and all(r["是否保修期内"] == "否" for r in out)
    first = everything[0]
    one_project = ledger.ledger_rows(project=Ticket.get_by_id(first["id"]).project.code)
    assert first["id"] in {r["id"] for r in one_project} and len(one_project) < len(everything)
    year = ledger.ledger_rows(date_from="2026-01-01", date_to="2026-12-31")
    assert year and all(r["报修日期"].year == 2026 for r in year)
    with pytest.raises(ValidationError, match="早于开始日期"):
        ledger.ledger_rows(date_from="2026-12-31", date_to="2026-01-01")
    with pytest.raises(ValidationError, match="只能导出为 .xlsx"):
        export_ledger(tmp_path / "x.csv")


def test_formula_like_text_stays_text(db, make_project, tmp_path):
    from warranty_desk.services import tickets
    from warranty_desk.services.handover import handover

    p = make_project(code="F-1")
    handover(p.id)
    tickets.create_ticket({"project": "F-1", "reporter": "甲", "category": "plumbing",
                           "location": "=SUM(A1:A9)", "description": "<b>&</b> 漏水", "reported_at": "2025-01-02 09:00"})
    export_ledger(tmp_path / "f.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "f.xlsx").active
    assert ws["B2"].data_type == "s" and ws["B2"].value == "=SUM(A1:A9)"
    assert ws["D2"].value == "【给排水管道】<b>&</b> 漏水"


def test_cli_export_ledger(demo_db, tmp_path, capsys):
    target = tmp_path / "l.xlsx"
    assert cli.main(["--db", demo_db.database, "export", "ledger", "-o", str(target)]) == 0
    assert target.exists() and "已导出保修台账" in capsys.readouterr().out
