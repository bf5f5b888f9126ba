"""Import projects and units: all rows or none, every bad row listed by row and column."""

import csv
import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from warranty_desk.errors import ImportFailed, ValidationError
from warranty_desk.models import Project, Unit
from warranty_desk.services.importing import import_projects, import_units, write_template

HEADERS = ["工程编号", "工程名称", "建设单位", "联系人", "联系电话", "工程地址", "工程类型", "工程规模",
           "竣工验收日期", "交付日期", "合同金额", "设计使用年限", "采暖地区", "项目经理"]


def _row(code, **over):
    row = {"工程编号": code, "工程名称": f"工程{code}", "建设单位": "某建设单位", "联系人": "王", "联系电话": "010-1234567",
           "工程地址": "北京", "工程类型": "住宅", "工程规模": "中型", "竣工验收日期": "2024-06-15",
           "交付日期": "2024-07-01", "合同金额": "1,000,000.00", "设计使用年限": "50", "采暖地区": "北京", "项目经理": "李强"}
    row.update(over)
    return [row[h] for h in HEADERS]


def _xlsx(path, rows, headers=HEADERS):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _csv(path, rows, encoding):
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def _fill_by_header(sheet, values: dict):
    """Append a row to a template sheet, each value under its header (required marks dropped)."""
    headers = [str(c.value).lstrip("*") for c in sheet[1]]
    sheet.append([values.get(h) for h in headers])


def test_template_filled_in_imports(db, tmp_path):
    template = write_template(tmp_path / "template.xlsx")
    book = load_workbook(template)
    sheet = book.active
    headers = [str(c.value) for c in sheet[1]]
    assert [h.lstrip("*") for h in headers][:len(HEADERS) - 4] == HEADERS[:10]
    assert "*工程编号" in headers and "工程地址" in headers  # required columns marked
    _fill_by_header(sheet, dict(zip(HEADERS, _row("P-1"))))
    _fill_by_header(sheet, dict(zip(HEADERS, _row("P-2", 竣工验收日期=dt.datetime(2023, 5, 4), 交付日期=dt.datetime(2023, 5, 10)))))
    book.save(template)
    report = import_projects(template)
    assert [p.code for p in report.created] == ["P-1", "P-2"]  # the example row is skipped
    p2 = Project.get(Project.code == "P-2")
    assert p2.accepted_on == dt.date(2023, 5, 4) and p2.region.name == "北京"
    assert Project.get(Project.code == "P-1").contract_amount == Decimal("1000000.00")


def test_one_sheet_with_bad_rows_imports_nothing_and_lists_each(db, tmp_path, make_project):
    path = _xlsx(tmp_path / "bad.xlsx", [
        _row("OK-1"),
        _row("BAD-2", 工程名称=""),
        _row("BAD-3", 交付日期="2024-06-01"),
        _row("BAD-4", 工程规模="特大"),
        _row("OK-1"),
        _row("BAD-6", 竣工验收日期="明年六月"),
    ])
    with pytest.raises(ImportFailed) as info:
        import_projects(path)
    found = {(e.row, e.column) for e in info.value.errors}
    assert found == {(3, "工程名称"), (4, "交付日期"), (5, "工程规模"), (6, "工程编号"), (7, "竣工验收日期")}
    assert "第3行" in info.value.message and "工程名称不能为空" in info.value.message
    assert "工作表“Sheet”第3行 B列“工程名称”" in info.value.message  # sheet, row, column letter and header
    assert Project.select().count() == 0


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_csv_in_utf8_bom_and_gbk(db, tmp_path, encoding):
    path = _csv(tmp_path / "p.csv", [_row("C-1", 工程名称="鑫苑小区"), _row("C-2")], encoding)
    import_projects(path)
    assert Project.get(Project.code == "C-1").name == "鑫苑小区"


def test_malformed_spreadsheet_is_refused_clearly(db, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"this is not a spreadsheet")
    with pytest.raises(ValidationError, match="无法读取"):
        import_projects(path)
    wrong = _xlsx(tmp_path / "wrong.xlsx", [["a", "b"]], headers=["甲", "乙"])
    with pytest.raises(ValidationError, match="表头"):
        import_projects(wrong)


def test_hostile_text_is_kept_literally(db, tmp_path):
    path = _xlsx(tmp_path / "h.xlsx", [_row("H-1", 工程名称="<b>张三 & 李四</b> 𠀀㐂")])
    import_projects(path)
    assert Project.get(Project.code == "H-1").name == "<b>张三 & 李四</b> 𠀀㐂"


def _units_sheet(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["工程编号", "楼栋", "单元", "房号", "业主姓名", "联系电话", "交付日期"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_units_import_hundreds_of_rows(db, tmp_path, make_project):
    make_project(code="R-1")
    rows = [["R-1", f"{b}号楼", "1单元", f"{f}0{d}", f"业主{b}{f}{d}", "13800000000", "2024-07-01"]
            for b in range(1, 11) for f in range(1, 19) for d in (1, 2)]
    report = import_units(_units_sheet(tmp_path / "u.xlsx", rows))
    assert Unit.select().count() == 360 == len(report.new)


def test_units_bad_rows_import_nothing(db, tmp_path, make_project):
    make_project(code="R-1")
    make_project(code="PUB", type="公共建筑")
    rows = [
        ["R-1", "1号楼", "1单元", "101", "张三", "13800000000", "2024-07-01"],
        ["R-1", "1号楼", "1单元", "101", "李四", "13800000001", "2024-07-01"],  # duplicate
        ["NOPE", "1号楼", "1单元", "102", "王五", "13800000002", "2024-07-01"],  # unknown project
        ["R-1", "1号楼", "1单元", "103", "赵六", "abc-phone", "2024-07-01"],  # letters in phone
        ["R-1", "1号楼", "1单元", "104", "钱七", "13800000004", "2024-01-01"],  # before acceptance
        ["PUB", "1号楼", "1单元", "105", "孙八", "13800000005", "2024-07-01"],  # not residential
    ]
    with pytest.raises(ImportFailed) as info:
        import_units(_units_sheet(tmp_path / "u.xlsx", rows))
    found = {(e.row, e.column) for e in info.value.errors}
    assert found == {(3, "房号"), (4, "工程编号"), (5, "联系电话"), (6, "交付日期"), (7, "工程编号")}
    assert Unit.select().count() == 0
