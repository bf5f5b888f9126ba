"""The import templates (projects, units, past repairs, past visits): the headers with the required
ones marked, a note on each header, a drop-down that refuses other values for every column with a
fixed list (采暖地区 from the office's region table), date and number checks, real date and number
cells in the example row, and a sheet of instructions. The sheets are Chinese forms (data formats)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from warranty_desk.i18n import _

from ..errors import ValidationError
from ..fileio import shared_file
from ..xlsx_text import put_text
from . import import_columns as ic

LAST_ROW = 20000  # the checks and formats reach this far down the sheet
LISTS_SHEET = "选项"  # i18n: data (the hidden sheet that holds the drop-down lists)
NOTES_SHEET = "填写说明"  # i18n: data
SHEET_TITLES = {"projects": "工程项目", "units": "房号业主", "tickets": "维修记录", "visits": "回访记录"}  # i18n: data
FORMATS = {ic.DATE: "yyyy-mm-dd", ic.MOMENT: "yyyy-mm-dd hh:mm", ic.MONEY: "#,##0.00", ic.INTEGER: "0",
           ic.NUMBER: "0.##", ic.CODE: "@", ic.PHONE: "@", ic.TEXT: "@"}
FIRST_DAY, LAST_DAY = dt.date(1950, 1, 1), dt.date(2099, 12, 31)
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_FONT = Font(color="808080", italic=True)

KIND_NOTES = {
    "projects": [
        "每行一个工程。两个日期（竣工验收日期、交付日期）都填的工程，导入时即办理交付：按工程类型、地区、设计使用年限生成保修项目，并编制回访计划。",  # i18n: data
        "“×× 保修期”各列只在合同约定的保修期长于法定最低期限时填写；短于法定最低期限的行不会导入。",  # i18n: data
        "已在系统中的工程编号视为“已存在”，不会重复导入；要用表格更新已有工程，在导入窗口勾选“更新已有记录”（命令行 --update）。",  # i18n: data
    ],
    "units": [
        "每行一户。工程须是已导入的住宅工程；同一工程的 楼栋-单元-房号 不能重复。",  # i18n: data
    ],
    "tickets": [
        "每行一次以往的报修（保修台账）。填了完成日期的导入为已关闭的工单，没填的为进行中的工单。",  # i18n: data
        "工程须已导入并办理交付（有保修项目）；是否在保修期内按报修日期和该保修项目的截止日判断。",  # i18n: data
        "同一工程、房号、报修日期和报修内容的记录视为“已存在”，再次导入不会重复。",  # i18n: data
    ],
    "visits": [
        "每行一次以往的回访，导入为已完成的回访记录。启用日期以前的计划回访不再生成，以这些记录为准。",  # i18n: data
        "同一工程、房号、回访日期和回访人的记录视为“已存在”，再次导入不会重复。",  # i18n: data
    ],
}
COMMON_NOTES = [
    "表头带 * 的列必填；鼠标停在表头上可看该列的说明。有下拉箭头的列只能从列表中选择。",  # i18n: data
    "第2行是示例（以“示例”开头的工程编号不会导入），可删除或覆盖。",  # i18n: data
    "日期请用日期单元格，或写成 2024-06-15；金额、年限写数字。",  # i18n: data
    "任何一行有错误时，整张表都不会导入，并逐行逐列列出错误；不认识的列会列为“未导入的列”。",  # i18n: data
]


def _put_text(sheet, row: int, column: int, value):
    """A cell holding text as text (xlsx_text, the one helper of every export): a region's name the
    clerk typed is never read by a spreadsheet as a formula."""
    return put_text(sheet.cell(row=row, column=column), value)


def _header_text(spec: ic.Spec) -> str:
    return ("*" if spec.required else "") + spec.header


def _validation_for(spec: ic.Spec, lists, column: str) -> DataValidation | None:
    """The check of a column: a drop-down for a fixed list, a range for dates and numbers."""
    where = f"{column}2:{column}{LAST_ROW}"
    if spec.choices is not None:
        values = [v for v in spec.choices() if v]
        if not values:
            return None
        source = lists.register(spec, values)
        check = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                               errorStyle="stop", errorTitle=spec.header,
                               error=("请从下拉列表中选择：" + " / ".join(values))[:250])  # i18n: data
    elif spec.kind in (ic.DATE, ic.MOMENT):
        check = DataValidation(type="date", operator="between", formula1=_serial(FIRST_DAY), formula2=_serial(LAST_DAY),
                               allow_blank=True, showErrorMessage=True, errorStyle="stop", errorTitle=spec.header,
                               error="请填写日期，例如 2024-06-15")  # i18n: data
    elif spec.kind == ic.MONEY:
        check = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                               showErrorMessage=True, errorStyle="stop", errorTitle=spec.header,
                               error="请填写金额（数字，不能为负）")  # i18n: data
    elif spec.kind == ic.INTEGER:
        check = DataValidation(type="whole", operator="between", formula1="5", formula2="200", allow_blank=True,
                               showErrorMessage=True, errorStyle="stop", errorTitle=spec.header,
                               error="请填写 5 到 200 之间的整数")  # i18n: data
    elif spec.kind == ic.NUMBER:
        check = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                               showErrorMessage=True, errorStyle="stop", errorTitle=spec.header,
                               error="请填写 0 到 100 之间的数")  # i18n: data
    else:
        return None
    check.add(where)
    return check


def _serial(day: dt.date) -> str:
    return str((day - ic.EXCEL_EPOCH).days)


class _Lists:
    """The hidden sheet of drop-down lists, one column per list (a list written inline in the check
    may not exceed 255 characters; a range has no such limit)."""

    def __init__(self, book: Workbook):
        self.sheet = book.create_sheet(LISTS_SHEET)
        self.sheet.sheet_state = "hidden"
        self.next = 1

    def register(self, spec: ic.Spec, values: list[str]) -> str:
        column = self.next
        self.next += 1
        _put_text(self.sheet, 1, column, spec.header)
        for row, value in enumerate(values, start=2):
            _put_text(self.sheet, row, column, value)
        letter = get_column_letter(column)
        return f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"


def write_template(path: str | Path, kind: str = "projects") -> Path:
    """Write the import template of `kind` (projects, units, tickets, visits) to an .xlsx file."""
    if kind not in ic.SPECS:
        raise ValidationError(_("模板种类应为：{kinds}").format(kinds=" / ".join(ic.SPECS)))
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(_("模板只能保存为 .xlsx 文件"))
    specs = ic.SPECS[kind]
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLES[kind]
    lists = _Lists(book)
    for index, spec in enumerate(specs, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=_header_text(spec))
        cell.font = REQUIRED_FONT if spec.required else HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        note = spec.note
        if spec.choices is not None:
            values = [v for v in spec.choices() if v]
            if values and len(values) > 6:
                note += "\n可选：" + "、".join(values)  # i18n: data
        comment = Comment(note, "保修台")  # i18n: data
        comment.width, comment.height = 260, 120
        cell.comment = comment
        sheet.column_dimensions[letter].width = max(spec.width, len(spec.header) * 2 + 4)
        if spec.kind in FORMATS and not (spec.kind == ic.TEXT and spec.choices):
            sheet.column_dimensions[letter].number_format = FORMATS[spec.kind]
        check = _validation_for(spec, lists, letter)
        if check is not None:
            sheet.add_data_validation(check)
        example = _example(spec)
        if example is not None:
            target = _put_text(sheet, 2, index, example) if isinstance(example, str) else sheet.cell(
                row=2, column=index, value=float(example) if isinstance(example, Decimal) else example)
            target.font = EXAMPLE_FONT
            if spec.kind in FORMATS:
                target.number_format = FORMATS[spec.kind]
    sheet.row_dimensions[1].height = 30
    sheet.freeze_panes = "A2"
    # printed (to check a filled sheet on paper): landscape, the header row on every page
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "1:1"
    _write_notes(book, kind, specs)
    book.move_sheet(LISTS_SHEET, offset=len(book.sheetnames))  # the hidden lists last
    with shared_file(path) as tmp:  # a template is handed on: readable as the umask allows
        book.save(str(tmp))
    return path


def _example(spec: ic.Spec):
    if spec.example is not None:
        return spec.example
    if spec.choices is not None and spec.key == "heating_region":
        values = spec.choices()
        return values[0] if values else None
    return None


def _write_notes(book: Workbook, kind: str, specs: list[ic.Spec]) -> None:
    notes = book.create_sheet(NOTES_SHEET)
    notes.page_setup.orientation = "landscape"
    notes.sheet_properties.pageSetUpPr.fitToPage = True
    notes.page_setup.fitToWidth, notes.page_setup.fitToHeight = 1, 0
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 8
    notes.column_dimensions["C"].width = 90
    _put_text(notes, 1, 1, "填写说明").font = Font(bold=True, size=14)  # i18n: data
    row = 2
    for line in KIND_NOTES[kind] + COMMON_NOTES:
        _put_text(notes, row, 1, "• " + line)
        row += 1
    row += 1
    for column, title in enumerate(("列名", "必填", "说明"), start=1):  # i18n: data
        _put_text(notes, row, column, title).font = HEADER_FONT
    for spec in specs:
        row += 1
        top = Alignment(vertical="top")
        name = _put_text(notes, row, 1, spec.header)
        name.font, name.alignment = (REQUIRED_FONT if spec.required else Font()), top
        _put_text(notes, row, 2, "是" if spec.required else "").alignment = top  # i18n: data
        text = spec.note
        if spec.choices is not None:
            text += " 可选：" + " / ".join(v for v in spec.choices() if v)  # i18n: data
        _put_text(notes, row, 3, text).alignment = Alignment(wrap_text=True, vertical="top")
        notes.row_dimensions[row].height = 15 * max(1, -(-len(text) // 44))  # the wrapped lines (44 wide)
