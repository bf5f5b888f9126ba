"""Issue 12: an office's own project sheets come in as they really are, and imported projects are
handed over (items + visit plan) exactly as the 交付 button does; dry run, re-import, --update."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from warranty_desk.errors import ImportFailed, ValidationError
from warranty_desk.models import AuditLog, Project, Visit, WarrantyItem
from warranty_desk.services import dashboard, handover, importing, settings
from warranty_desk.services.importing import import_projects, import_units

DATA = Path(__file__).resolve().parent.parent / "data"
HEADERS = ["工程编号", "工程名称", "建设单位", "工程类型", "工程规模", "竣工验收日期", "交付日期", "采暖地区"]


def _sheet(path, rows, headers=HEADERS, title=None):
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _project(code, accepted=dt.date(2024, 6, 15), handed=dt.date(2024, 7, 1), **over):
    row = {"工程编号": code, "工程名称": f"工程{code}", "建设单位": "某建设单位", "工程类型": "住宅", "工程规模": "中型",
           "竣工验收日期": accepted, "交付日期": handed, "采暖地区": "北京"}
    row.update(over)
    return row


def _rows(dicts, headers=HEADERS):
    return [[d.get(h) for h in headers] for d in dicts]


# --- handover on import ----------------------------------------------------------------------------

def test_a_project_with_both_dates_is_handed_over_as_the_handover_button_does(db, tmp_path):
    path = _sheet(tmp_path / "p.xlsx", _rows([_project("H-1"), _project("H-2", 工程规模="小型", 采暖地区="上海")]))
    report = import_projects(path)
    assert sorted(report.handed_over) == ["H-1", "H-2"]
    by_import = {i.key: (i.start_on, i.end_on, i.agreed_unit, i.agreed_amount)
                 for i in handover.items_of(Project.get(Project.code == "H-1"))}
    # RULES.md §2: periods from 竣工验收 2024-06-15; 北京's heating season; 50-year design life
    assert by_import["roof_waterproofing"][1] == dt.date(2029, 6, 15)
    assert by_import["electrical"][1] == dt.date(2026, 6, 15)
    assert by_import["heating"][1] == dt.date(2026, 3, 15)
    assert by_import["foundation_structure"][1] == dt.date(2074, 6, 15)
    assert "heating" not in {i.key for i in handover.items_of(Project.get(Project.code == "H-2"))}  # 上海: no heating
    # the same as the 交付 button: a project created by hand and handed over gives the same items
    from warranty_desk.services.projects import create_project

    manual = create_project({"code": "M-1", "name": "手工", "type": "住宅", "scale": "中型", "heating_region": "北京"})
    handover.handover(manual.id, dt.date(2024, 6, 15), dt.date(2024, 7, 1))
    assert {i.key: (i.start_on, i.end_on, i.agreed_unit, i.agreed_amount) for i in handover.items_of(manual)} == by_import
    # and its visit plan from the go-live date on (set to the day of the first import)
    go_live = settings.go_live_date()
    assert go_live == dt.date.today()
    planned = Visit.select().where(Visit.project == Project.get(Project.code == "H-1"))
    assert planned.count() > 0 and all(v.planned_on >= go_live for v in planned)
    assert dashboard.visits_overdue(dt.date.today()) == []


def test_planned_visits_before_the_go_live_date_are_not_made(db, tmp_path):
    settings.set("go_live_date", "2025-01-01")
    import_projects(_sheet(tmp_path / "p.xlsx", _rows([_project("G-1", 工程规模="小型")])))
    visits = list(Visit.select().where(Visit.project == Project.get(Project.code == "G-1")).order_by(Visit.planned_on))
    assert visits and visits[0].planned_on >= dt.date(2025, 1, 1)
    # from the go-live date on, the plan is the rules' plan: quarterly for a small project
    assert any(dt.date(2025, 1, 1) <= v.planned_on <= dt.date(2025, 4, 30) for v in visits)
    assert settings.go_live_date() == dt.date(2025, 1, 1)  # an office's own setting is kept


def test_agreed_periods_and_heating_cooling_columns(db, tmp_path):
    headers = HEADERS + ["屋面防水保修期", "是否供暖", "是否供冷", "给排水管道保修期"]
    rows = [[*_rows([_project("A-1")])[0], "8年", "否", "是", 3]]
    import_projects(_sheet(tmp_path / "a.xlsx", rows, headers))
    items = {i.key: i for i in handover.items_of(Project.get(Project.code == "A-1"))}
    assert (items["roof_waterproofing"].agreed_unit, items["roof_waterproofing"].agreed_amount) == ("years", 8)
    assert items["roof_waterproofing"].end_on == dt.date(2032, 6, 15)
    assert items["plumbing"].agreed_amount == 3 and items["plumbing"].end_on == dt.date(2027, 6, 15)
    assert "heating" not in items and "cooling" in items  # 北京, but the sheet says no district heating


def test_a_shorter_agreed_period_refuses_the_row_naming_item_and_minimum(db, tmp_path):
    headers = HEADERS + ["屋面防水保修期"]
    rows = [[*_rows([_project("S-1")])[0], "3年"], [*_rows([_project("S-2")])[0], ""]]
    with pytest.raises(ImportFailed) as info:
        import_projects(_sheet(tmp_path / "s.xlsx", rows, headers))
    [error] = info.value.errors
    assert (error.row, error.letter, error.column) == (2, "I", "屋面防水保修期")
    assert "屋面防水工程" in error.message and "5年" in error.message
    assert Project.select().count() == 0 and WarrantyItem.select().count() == 0


def test_no_handover_opts_out(db, tmp_path):
    report = import_projects(_sheet(tmp_path / "n.xlsx", _rows([_project("N-1")])), handover=False)
    assert report.handed_over == [] and WarrantyItem.select().count() == 0
    project = Project.get(Project.code == "N-1")
    assert project.handed_over_on == dt.date(2024, 7, 1)  # the dates are kept for a later handover
    from warranty_desk.services.visits import plan_project

    with pytest.raises(ValidationError, match="尚未办理交付"):
        plan_project("N-1")


# --- the office's sheets as they really are --------------------------------------------------------

def _office_sheet(path):
    """What an office really keeps: a title row, headers with units and line breaks, merged
    client cells, a 备注 and an unknown column, full-width digits, serial dates, a formula."""
    book = Workbook()
    sheet = book.active
    sheet.title = "2024年竣工"
    sheet.append(["某某建筑公司 2024年竣工工程一览表"])
    sheet.merge_cells("A1:H1")
    sheet.append(["工程\n编号", "工程名称", "建设单位", "工程 类型", "工程规模", "竣工验收日期", "交付日期",
                  "合同金额（万元）", "联系电话", "备注", "负责人微信"])
    sheet.append(["ＧＣ－２０２４－００１", "阳光花园一期", "阳光置业有限公司", "住宅", "中型", 45458, "２０２４－０７－０１",
                  "1,250.5", "１３９１２３４５６７８", "一期", "wx1"])
    sheet.append(["GC-2024-002", "阳光花园二期", None, "住宅", "小型", dt.datetime(2024, 6, 20), 45474,
                  800, "010-12345678", "", "wx2"])
    sheet.merge_cells("C3:C4")  # 建设单位 over two rows
    book.save(path)
    return path


def test_an_office_sheet_lands_where_each_value_belongs(db, tmp_path):
    report = import_projects(_office_sheet(tmp_path / "office.xlsx"))
    assert report.sheet == "2024年竣工" and report.header_row == 2
    first = Project.get(Project.code == "GC-2024-001")  # a full-width code is stored half-width
    second = Project.get(Project.code == "GC-2024-002")
    assert first.accepted_on == dt.date(2024, 6, 15) and first.handed_over_on == dt.date(2024, 7, 1)
    assert second.handed_over_on == dt.date(2024, 7, 1)  # an Excel serial number in a date column
    assert first.contract_amount == Decimal("12505000.00") and second.contract_amount == Decimal("8000000.00")
    assert first.phone == "13912345678" and first.notes == "一期"
    assert second.client.name == "阳光置业有限公司"  # the merged cell filled into the second row
    assert any("合并单元格" in n.message and "C列" in n.message and "第3–4行" in n.message for n in report.warnings)
    assert report.unmapped == ["负责人微信"]
    assert "未导入的列：负责人微信" in report.lines()


def test_a_formula_without_a_saved_value_is_refused_naming_the_cell(db, tmp_path):
    path = _office_sheet(tmp_path / "office.xlsx")
    book = load_workbook(path)
    book.active["H4"] = "=H3*2"  # openpyxl saves formulas without a calculated value
    book.save(path)
    with pytest.raises(ImportFailed) as info:
        import_projects(path)
    [error] = info.value.errors
    assert (error.sheet, error.row, error.letter) == ("2024年竣工", 4, "H")
    assert "H4" in error.message and "公式" in error.message and "合同金额（万元）" in error.message
    assert Project.select().count() == 0


def test_a_full_width_code_is_found_by_the_command_line(db, tmp_path):
    from warranty_desk.services.projects import find_project

    import_projects(_office_sheet(tmp_path / "office.xlsx"))
    assert find_project("ＧＣ－２０２４－００１").code == "GC-2024-001"
    assert find_project("GC－2024－001").code == "GC-2024-001"


def test_a_missing_required_column_is_named_once(db, tmp_path):
    path = _sheet(tmp_path / "m.xlsx", [["X-1", "住宅", "中型"]], headers=["工程编号", "工程类型", "工程规模"])
    with pytest.raises(ImportFailed) as info:
        import_projects(path)
    assert [(e.row, e.column) for e in info.value.errors] == [(1, "工程名称")]
    assert "没有“工程名称”这一列" in info.value.errors[0].message


def test_an_unknown_money_unit_is_refused(db, tmp_path):
    path = _sheet(tmp_path / "u.xlsx", [["X-1", "工程", "住宅", "中型", 100]],
                  headers=["工程编号", "工程名称", "工程类型", "工程规模", "合同金额（美元）"])
    with pytest.raises(ImportFailed, match="美元"):
        import_projects(path)


def test_xls_files_are_read(db):
    """tests/data/office.xls: the office sheet above saved as .xls by LibreOffice (merged cells,
    title row, full-width digits)."""
    report = import_projects(DATA / "office.xls")
    assert Project.get(Project.code == "GC-2024-001").accepted_on == dt.date(2024, 6, 15)
    assert Project.get(Project.code == "GC-2024-002").client.name == "阳光置业有限公司"
    assert report.unmapped == ["负责人微信"]


def test_unsupported_files_say_how_to_convert(db, tmp_path):
    path = tmp_path / "p.ods"
    path.write_bytes(b"PK")
    with pytest.raises(ValidationError, match="另存为"):
        import_projects(path)
    broken = tmp_path / "p.xls"
    broken.write_bytes(b"not an xls")
    with pytest.raises(ValidationError, match="另存为"):
        import_projects(broken)


def test_several_sheets_the_clerk_picks_one_and_every_message_names_it(db, tmp_path):
    book = Workbook()
    first = book.active
    first.title = "在保工程"
    first.append(HEADERS)
    first.append(_rows([_project("S-1")])[0])
    second = book.create_sheet("过保工程")
    second.append(HEADERS)
    second.append(_rows([_project("S-2", 工程规模="巨型")])[0])
    path = tmp_path / "two.xlsx"
    book.save(path)
    with pytest.raises(ValidationError, match="在保工程、过保工程"):
        import_projects(path)
    with pytest.raises(ImportFailed) as info:
        import_projects(path, sheet="过保工程")
    assert info.value.errors[0].message.startswith("工作表“过保工程”第2行 E列“工程规模”")
    import_projects(path, sheet="在保工程")
    assert [p.code for p in Project.select()] == ["S-1"]
    with pytest.raises(ValidationError, match="没有名为“其他”的工作表"):
        import_projects(path, sheet="其他")


# --- dry run, re-import, update --------------------------------------------------------------------

def test_dry_run_reports_and_writes_nothing(db, tmp_path, make_project):
    make_project(code="OLD-1")
    path = _sheet(tmp_path / "d.xlsx", _rows([_project("NEW-1"), _project("OLD-1")]))
    report = importing.check(path, "projects")
    assert report.new == ["NEW-1"] and report.handed_over == ["NEW-1"] and report.changed == ["OLD-1"]
    assert Project.select().count() == 1 and settings.go_live_date() is None
    assert any("将新建工程项目：1条" in line for line in report.lines())


def test_the_same_sheet_again_adds_nothing_and_update_keeps_the_old_values_in_the_audit_log(db, tmp_path):
    path = _sheet(tmp_path / "r.xlsx", _rows([_project("R-1"), _project("R-2")]))
    import_projects(path)
    visits = Visit.select().count()
    again = import_projects(path)
    assert again.new == [] and again.existing == ["R-1", "R-2"]
    assert Project.select().count() == 2 and Visit.select().count() == visits
    changed = _sheet(tmp_path / "r2.xlsx", _rows([_project("R-1", 工程名称="阳光花园（更正）", 竣工验收日期=dt.date(2024, 6, 1)),
                                                  _project("R-2")]))
    left = import_projects(changed)
    assert left.changed == ["R-1"] and Project.get(Project.code == "R-1").name == "工程R-1"  # not without --update
    updated = import_projects(changed, update=True)
    assert updated.changed == ["R-1"] and updated.existing == ["R-2"] and updated.handed_over == ["R-1"]
    project = Project.get(Project.code == "R-1")
    assert project.name == "阳光花园（更正）"
    assert {i.key: i.end_on for i in handover.items_of(project)}["electrical"] == dt.date(2026, 6, 1)  # handed over again
    entry = AuditLog.select().where((AuditLog.table == "project") & (AuditLog.record_id == project.id)
                                    & (AuditLog.action == "update")).get()
    assert json.loads(entry.old)["name"] == "工程R-1"


def test_cancel_leaves_nothing(db, tmp_path):
    rows = _rows([_project(f"C-{i:03d}") for i in range(120)])
    path = _sheet(tmp_path / "c.xlsx", rows)
    calls = {"n": 0}

    def cancel():
        calls["n"] += 1
        return calls["n"] > 3  # after some rows were read and written

    with pytest.raises(importing.ImportCancelled):
        import_projects(path, cancel=cancel)
    assert Project.select().count() == 0 and Visit.select().count() == 0 and settings.go_live_date() is None


def test_units_again_are_existing_and_update_changes_the_owner(db, tmp_path, make_project):
    make_project(code="U-1")
    headers = ["工程编号", "楼栋", "单元", "房号", "业主姓名", "联系电话"]
    path = _sheet(tmp_path / "u.xlsx", [["U-1", "1号楼", "1单元", "101", "张三", "13800000000"]], headers)
    import_units(path)
    assert import_units(path).existing == ["U-1 1号楼-1单元-101"]
    moved = _sheet(tmp_path / "u2.xlsx", [["U-1", "１号楼", "1单元", "１０１", "李四", "13800000001"]], headers)
    report = import_units(moved, update=True)
    assert report.changed == ["U-1 1号楼-1单元-101"]
    from warranty_desk.models import Unit

    unit = Unit.get()
    assert (unit.owner_name, unit.owner_phone) == ("李四", "13800000001")
    entry = AuditLog.select().where((AuditLog.table == "unit") & (AuditLog.action == "update")).get()
    assert json.loads(entry.old)["owner_name"] == "张三"
