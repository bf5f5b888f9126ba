"""报表 → 保修台账: the filters choose which tickets are exported; the file is written off the UI
thread; a wrong date range is said under the filters and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from warranty_desk.models import Subcontractor
from warranty_desk.services import tickets
from warranty_desk.services.handover import handover


@pytest.fixture
def office(make_project):
    a = make_project(code="L-1", name="<b>台账</b> & 甲")
    b = make_project(code="L-2", name="台账乙")
    handover(a.id)
    handover(b.id)
    sub = Subcontractor.create(name="鑫㐂防水")
    now = dt.datetime.now().replace(second=0, microsecond=0)

    def ticket(project, days_ago, description, **extra):
        data = {"project": project.code, "reporter": "业主", "category": "roof_waterproofing",
                "description": description, "reported_at": now - dt.timedelta(days=days_ago), **extra}
        return tickets.create_ticket(data).ticket

    t1 = ticket(a, 40, "甲-旧")
    t2 = ticket(a, 5, "甲-分包")
    tickets.dispatch(t2.id, subcontractor=sub.id, at=now - dt.timedelta(days=4))
    ticket(a, 3, "甲-保修期外", in_warranty=False, override_reason="业主自行改造")
    ticket(b, 2, "乙-新")
    return {"a": a, "b": b, "sub": sub, "t1": t1, "t2": t2, "now": now}


def _export(page, qtbot, monkeypatch, path):
    from ui import operations

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "")))
    qtbot.mouseClick(page.ledger_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not operations.busy(), timeout=20000)


def _contents(path) -> list[str]:
    ws = load_workbook(path).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    return [r[3] for r in rows]


def test_ledger_export_with_filters(app_window, qtbot, monkeypatch, tmp_path, office):
    app_window.go(6)
    page = app_window.page("报表")
    page.refresh()  # projects and subcontractors made after the window opened

    _export(page, qtbot, monkeypatch, tmp_path / "all.xlsx")
    assert len(_contents(tmp_path / "all.xlsx")) == 4

    page.ledger_project.setCurrentIndex(page.ledger_project.findData(office["a"].id))
    _export(page, qtbot, monkeypatch, tmp_path / "a.xlsx")
    assert sorted(_contents(tmp_path / "a.xlsx")) == sorted(["【屋面防水工程】甲-旧", "【屋面防水工程】甲-分包",
                                                            "【屋面防水工程】甲-保修期外"])

    page.ledger_warranty.setCurrentIndex(page.ledger_warranty.findData(False))
    _export(page, qtbot, monkeypatch, tmp_path / "out.xlsx")
    assert _contents(tmp_path / "out.xlsx") == ["【屋面防水工程】甲-保修期外"]

    page.ledger_warranty.setCurrentIndex(0)
    page.ledger_sub.setCurrentIndex(page.ledger_sub.findData(office["sub"].id))
    page.ledger_state.setCurrentIndex(page.ledger_state.findData("dispatched"))
    _export(page, qtbot, monkeypatch, tmp_path / "sub.xlsx")
    ws = load_workbook(tmp_path / "sub.xlsx").active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[3] for r in rows] == ["【屋面防水工程】甲-分包"] and rows[0][6] == "鑫㐂防水"
    assert rows[0][0] == "<b>台账</b> & 甲" and isinstance(rows[0][2], dt.datetime)  # a real date cell

    page.ledger_sub.setCurrentIndex(0)
    page.ledger_state.setCurrentIndex(0)
    since = (office["now"] - dt.timedelta(days=10)).date().isoformat()
    page.ledger_from.setText(since)
    _export(page, qtbot, monkeypatch, tmp_path / "recent.xlsx")
    assert "【屋面防水工程】甲-旧" not in _contents(tmp_path / "recent.xlsx")
    assert len(_contents(tmp_path / "recent.xlsx")) == 2


def test_a_wrong_date_range_is_refused_under_the_filters(app_window, qtbot, monkeypatch, tmp_path, office):
    app_window.go(6)
    page = app_window.page("报表")
    page.ledger_from.setText("2026-02-30")
    assert page.ledger_error.isVisible() and page.ledger_error.text()
    page.ledger_from.setText("2026-06-01")
    assert not page.ledger_error.isVisible()
    page.ledger_to.setText("2026-05-01")
    target = tmp_path / "never.xlsx"
    _export(page, qtbot, monkeypatch, target)
    assert "早于开始日期" in page.ledger_error.text() and page.ledger_error.isVisible()
    assert not target.exists()
