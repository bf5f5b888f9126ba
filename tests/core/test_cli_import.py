"""Issue 12 on the command line: `import … --dry-run/--update/--no-handover/--sheet/--json`,
`project handover`, `visits plan` of a project never handed over, templates of every kind."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from openpyxl import Workbook, load_workbook


def run(*args, db):
    command = [sys.executable, "-m", "warranty_desk.cli", "--db", str(db), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


HEADERS = ["工程编号", "工程名称", "工程类型", "工程规模", "竣工验收日期", "交付日期", "采暖地区", "备注", "负责人微信"]


def _sheet(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = "工程"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def office(tmp_path):
    return tmp_path / "office.db"


def test_import_hands_over_and_project_show_lists_the_items(office, tmp_path):
    path = _sheet(tmp_path / "p.xlsx", [["CLI-1", "工程一", "住宅", "中型", dt.date(2024, 6, 15), dt.date(2024, 7, 1), "北京", "", "x"]])
    dry = run("import", "projects", str(path), "--dry-run", "--json", db=office)
    assert dry.returncode == 0, dry.stderr
    data = json.loads(dry.stdout)
    assert data["new"] == ["CLI-1"] and data["dry_run"] and data["not_imported_columns"] == ["负责人微信"]
    done = run("import", "projects", str(path), db=office)
    assert done.returncode == 0, done.stderr
    assert "已导入1个工程" in done.stdout and "已办理交付：1个工程" in done.stdout
    assert "未导入的列：负责人微信" in done.stdout
    shown = json.loads(run("project", "show", "CLI-1", "--json", db=office).stdout)
    assert {i["key"]: i["end"] for i in shown["items"]}["roof_waterproofing"] == "2029-06-15"
    due = json.loads(run("visits", "due", "--from", "2000-01-01", "--to", "2100-01-01", "--json", db=office).stdout)
    assert due and min(v["date"] for v in due) >= dt.date.today().isoformat()
    again = run("import", "projects", str(path), db=office)
    assert again.returncode == 0 and "已存在（未改动）：1条" in again.stdout


def test_no_handover_then_visits_plan_exits_2_and_project_handover_does_it(office, tmp_path):
    path = _sheet(tmp_path / "p.xlsx", [["CLI-2", "工程二", "公共建筑", "大型", dt.date(2024, 6, 15), dt.date(2024, 7, 1), "北京", "", ""]])
    assert run("import", "projects", str(path), "--no-handover", db=office).returncode == 0
    assert json.loads(run("project", "show", "CLI-2", "--json", db=office).stdout)["items"] == []
    plan = run("visits", "plan", "CLI-2", db=office)
    assert plan.returncode == 2 and "尚未办理交付" in plan.stderr and "project handover" in plan.stderr
    done = run("project", "handover", "CLI-2", "--accepted-on", "2024-06-20", "--handed-over-on", "2024-07-05", db=office)
    assert done.returncode == 0, done.stderr
    shown = json.loads(run("project", "show", "CLI-2", "--json", db=office).stdout)
    assert shown["accepted_on"] == "2024-06-20" and shown["handed_over_on"] == "2024-07-05"
    assert {i["key"] for i in shown["items"]} >= {"roof_waterproofing", "cooling"}
    assert run("visits", "plan", "CLI-2", db=office).returncode == 0
    bad = run("project", "handover", "CLI-2", "--accepted-on", "2024-08-01", "--handed-over-on", "2024-07-01", db=office)
    assert bad.returncode == 2 and "早于竣工验收日期" in bad.stderr


def test_a_refused_sheet_exits_2_naming_sheet_row_and_column(office, tmp_path):
    path = _sheet(tmp_path / "p.xlsx", [["CLI-3", "", "住宅", "中型", None, None, "北京", "", ""]])
    result = run("import", "projects", str(path), db=office)
    assert result.returncode == 2
    assert "工作表“工程”第2行 B列“工程名称”" in result.stderr
    assert run("project", "show", "CLI-3", db=office).returncode == 2


def test_sheet_option(office, tmp_path):
    path = _sheet(tmp_path / "p.xlsx", [["CLI-4", "工程四", "住宅", "中型", None, None, "北京", "", ""]])
    book = load_workbook(path)
    other = book.create_sheet("另一张")
    other.append(HEADERS)
    other.append(["CLI-5", "工程五", "住宅", "中型", None, None, "北京", "", ""])
    book.save(path)
    assert run("import", "projects", str(path), db=office).returncode == 2
    result = run("import", "projects", str(path), "--sheet", "另一张", db=office)
    assert result.returncode == 0, result.stderr
    assert run("project", "show", "CLI-5", db=office).returncode == 0
    assert run("project", "show", "CLI-4", db=office).returncode == 2


@pytest.mark.parametrize("kind,first", [("projects", "*工程编号"), ("units", "*工程编号"), ("tickets", "*工程编号"),
                                        ("visits", "*工程编号")])
def test_template_of_every_kind(office, tmp_path, kind, first):
    target = tmp_path / f"{kind}.xlsx"
    result = run("import", "template", str(target), "--kind", kind, db=office)
    assert result.returncode == 0, result.stderr
    book = load_workbook(target)
    assert book.active["A1"].value == first
