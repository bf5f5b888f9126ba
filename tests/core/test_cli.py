"""The command-line contract of DESIGN.md, run as a clerk's script would run it."""

import datetime as dt
import json
import subprocess
import sys

import pytest
from openpyxl import Workbook

from warranty_desk.rules.workdays import is_working_day


def run(*args, db=None, env=None):
    command = [sys.executable, "-m", "warranty_desk.cli"]
    if db:
        command += ["--db", str(db)]
    return subprocess.run(command + list(args), capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "x.db"
    result = run("demo", db=db)
    assert result.returncode == 0, result.stderr
    assert "演示数据已装入" in result.stdout
    return db


def test_demo_then_project_show_json(demo_db):
    codes = run("visits", "due", "--from", "2020-01-01", "--to", "2031-12-31", "--json", db=demo_db)
    code = json.loads(codes.stdout)[0]["project_code"]
    result = run("project", "show", code, "--json", db=demo_db)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["code"] == code and data["items"]
    for item in data["items"]:
        assert set(item) >= {"key", "minimum", "agreed", "start", "end"}
        assert item["start"] == data["accepted_on"]
        assert dt.date.fromisoformat(item["end"]) > dt.date.fromisoformat(item["start"])


def test_demo_office_looks_real(demo_db):
    from warranty_desk.db import open_database
    from warranty_desk.models import Project, Staff, Subcontractor, Ticket, Unit, Visit

    database = open_database(str(demo_db))
    try:
        assert 25 <= Project.select().count() <= 40
        assert {p.type for p in Project.select()} == {"residential", "public", "industrial", "municipal", "decoration"}
        assert {p.scale for p in Project.select()} == {"small", "medium", "large"}
        assert len({p.region_id for p in Project.select()}) >= 10
        years = {p.accepted_on.year for p in Project.select()}
        assert max(years) - min(years) >= 5
        assert Unit.select().count() > 300
        assert Staff.select().count() >= 5 and Subcontractor.select().count() >= 5
        assert Visit.select().where(Visit.status == "done").count() > 50
        assert Visit.select().where(Visit.status == "planned").count() > 50
        assert Ticket.select().count() > 20
    finally:
        database.close()


def test_demo_refuses_a_database_with_projects(demo_db):
    result = run("demo", db=demo_db)
    assert result.returncode == 2 and "空数据库" in result.stderr


def test_visits_due_over_a_quarter_are_on_working_days(demo_db):
    result = run("visits", "due", "--from", "2026-10-01", "--to", "2026-12-31", "--json", db=demo_db)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) >= 5
    for row in rows:
        day = dt.date.fromisoformat(row["date"])
        assert dt.date(2026, 10, 1) <= day <= dt.date(2026, 12, 31)
        assert is_working_day(day), row
        assert day.weekday() < 5 or day in (dt.date(2026, 10, 10),)
    text = run("visits", "due", "--from", "2026-10-01", "--to", "2026-12-31", db=demo_db)
    assert f"共{len(rows)}次回访" in text.stdout


def test_visits_due_with_dates_in_the_wrong_order(demo_db):
    result = run("visits", "due", "--from", "2026-12-31", "--to", "2026-10-01", db=demo_db)
    assert result.returncode == 2 and "早于开始日期" in result.stderr
    result = run("visits", "due", "--from", "tomorrow", "--to", "2026-10-01", db=demo_db)
    assert result.returncode == 2 and "不是日期" in result.stderr


def test_visits_plan_rebuilds(demo_db):
    codes = json.loads(run("visits", "due", "--from", "2026-12-01", "--to", "2027-12-31", "--json", db=demo_db).stdout)
    result = run("visits", "plan", codes[0]["project_code"], db=demo_db)
    assert result.returncode == 0, result.stderr
    assert "已重新编制回访计划" in result.stdout
    assert run("visits", "plan", "NO-SUCH", db=demo_db).returncode == 2


def test_project_show_unknown_code(demo_db):
    result = run("project", "show", "NOPE", db=demo_db)
    assert result.returncode == 2 and "NOPE" in result.stderr and result.stderr.count("\n") == 1


def test_import_template_then_bad_sheet_exits_2_listing_rows(tmp_path):
    db = tmp_path / "i.db"
    template = tmp_path / "t.xlsx"
    assert run("import", "template", str(template), db=db).returncode == 0
    book = Workbook()
    sheet = book.active
    sheet.append(["工程编号", "工程名称", "工程类型", "工程规模", "竣工验收日期", "交付日期"])
    sheet.append(["A-1", "甲", "住宅", "中型", "2024-06-15", "2024-07-01"])
    sheet.append(["A-2", "", "住宅", "巨型", "2024-06-15", "2024-05-01"])
    book.save(tmp_path / "bad.xlsx")
    result = run("import", "projects", str(tmp_path / "bad.xlsx"), db=db)
    assert result.returncode == 2
    assert "第3行 B列“工程名称”" in result.stderr and "第3行 D列“工程规模”" in result.stderr and "第3行 F列“交付日期”" in result.stderr
    assert "导入失败，未导入任何数据" in result.stderr and "已导入" not in result.stderr
    assert run("project", "show", "A-1", db=db).returncode == 2  # nothing imported
    result = run("import", "projects", str(template), db=db)
    assert result.returncode == 2 and "没有数据行" in result.stderr  # only the example row


def test_db_from_environment(tmp_path):
    import os

    env = dict(os.environ, WARRANTY_DESK_DB=str(tmp_path / "env.db"))
    result = run("visits", "due", "--from", "2026-01-01", "--to", "2026-01-31", env=env)
    assert result.returncode == 0 and (tmp_path / "env.db").exists()


def test_core_imports_without_qt():
    code = (
        "import sys, pkgutil, importlib, warranty_desk\n"
        "for info in pkgutil.walk_packages(warranty_desk.__path__, 'warranty_desk.'):\n"
        "    importlib.import_module(info.name)\n"
        "print(any(m.startswith('PySide6') for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
