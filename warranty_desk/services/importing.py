"""Importing projects and units from a sheet: every row valid, or nothing imported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from warranty_desk.i18n import _

from ..errors import ImportFailed, RowError, ValidationError
from ..models import Project, Unit, database_proxy, tuples
from . import audit, fields, sheets
from .projects import HEADER_OF, PROJECT_FIELDS, clean_project, insert_project

UNIT_COLUMNS = [
    ("code", "工程编号", "code"),  # i18n: data (import sheet format)
    ("building", "楼栋", "building"),  # i18n: data (import sheet format)
    ("entrance", "单元", "entrance"),  # i18n: data (import sheet format)
    ("room", "房号", "room"),  # i18n: data (import sheet format)
    ("owner_name", "业主姓名", "owner_name"),  # i18n: data (import sheet format)
    ("owner_phone", "联系电话", "owner_phone"),  # i18n: data (import sheet format)
    ("handed_over_on", "交付日期", "handed_over_on"),  # i18n: data (import sheet format)
]
UNIT_HEADER_OF = {key: header for key, header, _ in UNIT_COLUMNS}

EXAMPLE_PROJECT = {
    "code": "示例-2024-001",  # i18n: data (import sheet format)
    "name": "示例：阳光花园二期住宅楼",  # i18n: data (import sheet format)
    "client": "某某房地产开发有限公司",  # i18n: data (import sheet format)
    "contact": "王经理",  # i18n: data (import sheet format)
    "phone": "010-12345678",
    "address": "北京市朝阳区某某路1号",  # i18n: data (import sheet format)
    "type": "住宅",  # i18n: data (import sheet format)
    "scale": "中型",  # i18n: data (import sheet format)
    "accepted_on": "2024-06-15",
    "handed_over_on": "2024-07-01",
    "contract_amount": "12500000.00",
    "design_life_years": 50,
    "heating_region": "北京",  # i18n: data (import sheet format)
    "manager": "李强",  # i18n: data (import sheet format)
}
EXAMPLE_UNIT = {
    "code": "示例-2024-001", "building": "1号楼", "entrance": "2单元", "room": "301",  # i18n: data (import sheet format)
    "owner_name": "张三", "owner_phone": "13800000000", "handed_over_on": "2024-07-01",  # i18n: data (import sheet format)
}


def _column_map(specs) -> dict[str, str]:
    mapping = {}
    for key, header, alias in specs:
        mapping[header] = key
        mapping[alias] = key
    return mapping


def import_projects(path: str | Path, progress=None) -> list[Project]:
    """Add every project of the sheet, or none; raises ImportFailed listing each bad cell."""
    columns = _column_map((f.key, f.header, f.alias) for f in PROJECT_FIELDS)
    rows = sheets.read_rows(path, columns)
    if not rows:
        raise ValidationError(_("表格中没有数据行"))
    errors: list[RowError] = []
    cleaned: list[dict] = []
    seen: dict[str, int] = {}
    existing = {code for (code,) in tuples(Project.select(Project.code))}
    for row_no, raw in rows:
        clean, problems = clean_project(raw)
        for key, message in problems:
            errors.append(RowError(row_no, HEADER_OF[key], message))
        code = clean.get("code")
        if code:
            if code in existing:
                errors.append(RowError(row_no, _("工程编号"), _("“{code}”已在系统中存在").format(code=code)))
            elif code in seen:
                errors.append(RowError(row_no, _("工程编号"), _("“{code}”与第{value}行重复").format(code=code, value=seen[code])))
            else:
                seen[code] = row_no
        cleaned.append(clean)
    if errors:
        raise ImportFailed(errors)
    created = []
    with database_proxy.atomic():
        for index, clean in enumerate(cleaned):
            created.append(insert_project(clean))
            if progress and index % 50 == 0:
                progress(index + 1, len(cleaned))
        audit.record("import", "project", None, None, {"file": Path(path).name, "rows": len(created)})
    return created


def import_units(path: str | Path, progress=None) -> list[Unit]:
    """Add a residential project's units and owners, all rows or none."""
    rows = sheets.read_rows(path, _column_map(UNIT_COLUMNS))
    if not rows:
        raise ValidationError(_("表格中没有数据行"))
    errors: list[RowError] = []
    projects = {p.code: p for p in Project.select()}
    existing = {
        (p, b, e, r)
        for p, b, e, r in tuples(Unit.select(Unit.project, Unit.building, Unit.entrance, Unit.room))
    }
    seen: dict[tuple, int] = {}
    clean_rows = []
    for row_no, raw in rows:
        clean: dict[str, Any] = {}
        for key, header, _alias in UNIT_COLUMNS:
            value = raw.get(key)
            try:
                if key == "owner_phone":
                    clean[key] = fields.phone(value)
                elif key == "handed_over_on":
                    clean[key] = fields.date(value)
                else:
                    clean[key] = fields.text(value, 100, header)
            except ValueError as exc:
                errors.append(RowError(row_no, header, str(exc)))
        for key in ("code", "building", "room"):
            if key in clean and not clean[key]:
                errors.append(RowError(row_no, UNIT_HEADER_OF[key], _("{value}不能为空").format(value=UNIT_HEADER_OF[key])))
        project = projects.get(clean.get("code") or "")
        if clean.get("code") and project is None:
            errors.append(RowError(row_no, _("工程编号"), _("系统中没有工程“{code}”，请先导入工程").format(code=clean["code"])))
        if project is not None:
            if project.type != "住宅":
                errors.append(RowError(row_no, _("工程编号"), _("工程“{code}”不是住宅项目，不能导入房号").format(code=project.code)))
            handed = clean.get("handed_over_on")
            if handed and project.accepted_on and handed < project.accepted_on:
                errors.append(RowError(row_no, _("交付日期"), _("早于该工程的竣工验收日期（{accepted_on}）").format(accepted_on=project.accepted_on)))
            ident = (project.id, clean.get("building", ""), clean.get("entrance", ""), clean.get("room", ""))
            if ident in existing:
                errors.append(RowError(row_no, _("房号"), _("该房号已在系统中存在")))
            elif ident in seen:
                errors.append(RowError(row_no, _("房号"), _("与第{value}行重复").format(value=seen[ident])))
            else:
                seen[ident] = row_no
            clean_rows.append((project, clean))
    if errors:
        raise ImportFailed(errors)
    created = []
    with database_proxy.atomic():
        for index, (project, clean) in enumerate(clean_rows):
            created.append(
                Unit.create(
                    project=project,
                    building=clean["building"],
                    entrance=clean.get("entrance", ""),
                    room=clean["room"],
                    owner_name=clean.get("owner_name", ""),
                    owner_phone=clean.get("owner_phone", ""),
                    handed_over_on=clean.get("handed_over_on") or project.handed_over_on,
                )
            )
            if progress and index % 200 == 0:
                progress(index + 1, len(clean_rows))
        audit.record("import", "unit", None, None, {"file": Path(path).name, "rows": len(created)})
    return created


def write_template(path: str | Path, kind: str = "projects") -> Path:
    """An empty import sheet with the headers, an example row and a notes sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..fileio import shared_file
    from ..rules.categories import PROJECT_SCALES, PROJECT_TYPES
    from ..xlsx_text import safe_row

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(_("模板只能保存为 .xlsx 文件"))
    book = Workbook()
    sheet = book.active
    if kind == "units":
        sheet.title = "房号业主"  # i18n: data (import sheet format)
        headers = [h for _, h, _ in UNIT_COLUMNS]
        example: list[Any] = [EXAMPLE_UNIT[k] for k, _, _ in UNIT_COLUMNS]
    else:
        sheet.title = "工程项目"  # i18n: data (import sheet format)
        headers = [f.header for f in PROJECT_FIELDS]
        example = [EXAMPLE_PROJECT[f.key] for f in PROJECT_FIELDS]
        types = DataValidation(type="list", formula1='"' + ",".join(PROJECT_TYPES) + '"', allow_blank=False)
        scales = DataValidation(type="list", formula1='"' + ",".join(PROJECT_SCALES) + '"', allow_blank=False)
        sheet.add_data_validation(types)
        sheet.add_data_validation(scales)
        types.add("G2:G5000")
        scales.add("H2:H5000")
    sheet.append(safe_row(sheet, headers))
    sheet.append(safe_row(sheet, example))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[2]:
        cell.font = Font(color="808080", italic=True)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 16
    notes = book.create_sheet("填写说明")  # i18n: data (import sheet format)
    notes.append(safe_row(notes, ["说明"]))  # i18n: data (import sheet format)
    notes.append(safe_row(notes, ["第2行是示例（以“示例”开头的工程编号不会导入），可删除或覆盖。"]))  # i18n: data (import sheet format)
    notes.append(safe_row(notes, ["日期写成 2024-06-15，或使用 Excel 日期单元格。"]))  # i18n: data (import sheet format)
    notes.append(safe_row(notes, ["工程类型：" + " / ".join(PROJECT_TYPES) + "；工程规模：" + " / ".join(PROJECT_SCALES)]))  # i18n: data (import sheet format)
    notes.append(safe_row(notes, ["任何一行有错误时，整张表都不会导入，并逐行列出错误。"]))  # i18n: data (import sheet format)
    with shared_file(path) as tmp:
        book.save(tmp)
    return path
