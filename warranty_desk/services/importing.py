"""Importing an office's sheets: projects (handed over in the same step), units and owners, past
repairs and past visits. Every row valid, or nothing imported.

The steps, shared by every kind and by the command line and the import window:
1. `open_sheet`: the file's sheets, the header row found below any title rows, each column beside
   the field it fills (matched after normalising; the clerk may change it), a few sample values.
2. `check` (a dry run, the window's preview): every row read and checked — what would be created,
   what already exists, what would be updated, every problem by sheet, row and column, every column
   that is not imported. Nothing is written.
3. `run`: the same check and, when there is no problem, every record written in one transaction;
   progress reported, a cancel rolls everything back.
"""

from __future__ import annotations

import abc
import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from warranty_desk.i18n import N_, _, said

from .. import op_changes
from ..errors import ImportFailed, RowError, ValidationError
from ..models import Project, Region, Unit, WarrantyItem, database_proxy, tuples
from ..rules import categories as cat
from . import audit, fields, settings, sheets
from . import import_columns as ic
from .projects import clean_project, insert_projects, update_project

UPDATED_BY_IMPORT = audit.note(N_("表格导入更新"))  # the audit note of a record a sheet updated

KINDS = ("projects", "units", "tickets", "visits")
BATCH = 500  # rows written by one INSERT of a bulk import (units, tickets, visits)
PREVIEW_ROWS = 20  # rows shown in the import window's preview
HEADER_SEARCH_ROWS = 30  # title rows above the header are skipped; the header is within these
EXAMPLE_PREFIX = "示例"  # i18n: data (the template's example row: a code starting with this is not imported)


class ImportCancelled(ValidationError):
    def __init__(self):
        super().__init__(_("导入已取消，未导入任何数据"))


@dataclass
class Notice:
    """A warning about the sheet that does not stop the import (a merged cell filled in)."""

    message: str
    row: int | None = None


@dataclass
class SheetView:
    """What `open_sheet` found: the sheets, the chosen one, its header row and its columns."""

    path: str
    kind: str
    sheets: list[str]
    sheet: str
    header_row: int  # 1-based; 0 when no header row was found
    columns: list[ic.Column]
    remembered: bool = False  # the columns follow a mapping the clerk chose before

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


@dataclass
class ImportReport:
    """The outcome of a check or an import, as the clerk reads it."""

    kind: str
    file: str
    sheet: str = ""
    header_row: int = 0
    dry_run: bool = True
    update: bool = False
    columns: list[ic.Column] = field(default_factory=list)
    rows: int = 0  # data rows read
    new: list[str] = field(default_factory=list)  # labels of the records created (or to create)
    existing: list[str] = field(default_factory=list)  # already present and unchanged
    changed: list[str] = field(default_factory=list)  # present but different: updated with --update
    errors: list[RowError] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    handed_over: list[str] = field(default_factory=list)  # projects handed over by this import
    new_people: list[str] = field(default_factory=list)  # staff, subcontractors created along the way
    go_live: dt.date | None = None
    created: list = field(default_factory=list)  # the projects created (not on a dry run)
    created_count: int = 0  # records created (every kind)
    preview: list[tuple[int, dict]] = field(default_factory=list)  # the first rows read: (row, {key: value})

    @property
    def unmapped(self) -> list[str]:
        """The sheet's columns that are not imported (those with a header)."""
        return [c.header for c in self.columns if c.key is None and c.header]

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        """The summary: what was (or would be) created, what exists, what is not imported."""
        title = _(ic.KIND_TITLES[self.kind])
        out = []
        if self.errors and not self.dry_run:
            out.append(_("导入失败，未导入任何数据（工作表“{sheet}”）。共{n}处错误：").format(sheet=self.sheet, n=len(self.errors)))
            out.extend(e.message for e in self.errors)
            out.extend(self._column_lines())
            return out
        if self.dry_run:
            out.append(_("试导入（未写入任何数据）：工作表“{sheet}”，表头在第{row}行，共{n}行数据").format(
                sheet=self.sheet, row=self.header_row, n=self.rows))
            out.append(_("将新建{title}：{n}条").format(title=title, n=len(self.new)))
        else:
            # "已导入N个工程" is the line scripts have read since the first release: kept, per kind
            out.append(_(ic.IMPORTED_LINES[self.kind]).format(n=len(self.new), sheet=self.sheet))
        if self.handed_over:
            verb = _("将办理交付") if self.dry_run else _("已办理交付")
            out.append(_("{verb}：{n}个工程（生成保修项目和回访计划）").format(verb=verb, n=len(self.handed_over)))
        if self.existing:
            out.append(_("已存在（未改动）：{n}条").format(n=len(self.existing)))
        if self.changed:
            if self.update:
                verb = _("将更新") if self.dry_run else _("已更新")
                out.append(_("{verb}：{n}条（原值记入修改记录）").format(verb=verb, n=len(self.changed)))
            else:
                out.append(_("已存在但与表格不同：{n}条（未改动；要更新请选择“更新已有记录”或 --update）").format(
                    n=len(self.changed)))
        if self.new_people:
            out.append(_("将新建人员/单位：{names}").format(names="、".join(self.new_people)) if self.dry_run
                       else _("已新建人员/单位：{names}").format(names="、".join(self.new_people)))
        if self.go_live:
            out.append(_("启用日期：{day}（此前的计划回访不生成，以导入的回访记录为准）").format(day=self.go_live.isoformat()))
        out.extend(self._column_lines())
        if self.errors:
            out.append(_("有{n}处错误，不能导入：").format(n=len(self.errors)))
            out.extend(e.message for e in self.errors)
        return out

    def _column_lines(self) -> list[str]:
        out = []
        if self.unmapped:
            out.append(_("未导入的列：{names}").format(names="、".join(self.unmapped)))
        for notice in self.warnings:
            out.append(_("提示：{message}").format(message=notice.message))
        return out

    def as_dict(self) -> dict:
        return {
            "kind": self.kind, "file": self.file, "sheet": self.sheet, "header_row": self.header_row,
            "dry_run": self.dry_run, "update": self.update, "rows": self.rows,
            "new": self.new, "existing": self.existing, "changed": self.changed,
            "handed_over": self.handed_over, "new_people": self.new_people,
            "go_live": self.go_live.isoformat() if self.go_live else None,
            "not_imported_columns": self.unmapped,
            "columns": [{"column": c.letter, "header": c.header, "field": c.key} for c in self.columns],
            "warnings": [n.message for n in self.warnings],
            "errors": [{"row": e.row, "column": e.letter, "header": e.column, "message": e.message} for e in self.errors],
        }


@dataclass
class Options:
    update: bool = False
    handover: bool = True  # projects: hand over a row with both dates
    progress: Callable[[int, int], None] | None = None
    cancel: Callable[[], bool] | None = None
    total: int = 1  # steps: every row read, then every record written
    done: int = 0

    def step(self) -> None:
        """One row read or one record written: every 50 steps the clerk's cancel is honoured and
        the progress reported."""
        self.done += 1
        if self.done % 50 == 0:
            self.check_cancel()
            if self.progress is not None:
                self.progress(min(self.done, self.total), self.total)

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel():
            raise ImportCancelled()


# --- reading the sheet -------------------------------------------------------------------------

def _header_text(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _score(row: list, known: dict[str, str]) -> int:
    return len({ic.match_header(v, known)[0] for v in row if v not in (None, "")} - {None})


def _find_header(table: sheets.Table, known: dict[str, str]) -> int:
    """The 1-based row that holds the most known headers (at least two), within the top rows."""
    best, best_row = 1, 0
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        score = _score(row, known)
        if score > best:
            best, best_row = score, index + 1
    return best_row


def _choose_sheet(path: Path, kind: str, sheet: str | None) -> tuple[list[str], sheets.Table]:
    names = sheets.sheet_names(path)
    if sheet is not None:
        return names, sheets.read_table(path, sheet)
    if len(names) == 1:
        return names, sheets.read_table(path, names[0])
    known = ic.known_headers(ic.SPECS[kind])
    candidates = []
    for name in sheets.sheet_names(path, visible_only=True):
        top = sheets.read_table(path, name, max_rows=HEADER_SEARCH_ROWS)
        if _find_header(top, known):
            candidates.append(name)
    if len(candidates) > 1:
        raise ValidationError(_("文件“{file}”中有多个工作表都有{title}的表头：{names}。请选择要导入的工作表（命令行：--sheet 工作表名）").format(
            file=path.name, title=_(ic.KIND_TITLES[kind]), names="、".join(candidates)))
    return names, sheets.read_table(path, candidates[0] if candidates else names[0])


def _columns(table: sheets.Table, header_row: int, kind: str, mapping: dict[int, str | None] | None) -> list[ic.Column]:
    known = ic.known_headers(ic.SPECS[kind])
    header = table.rows[header_row - 1] if header_row else []
    width = max((len(r) for r in table.rows[header_row:header_row + 200]), default=0)
    width = max(width, len(header))
    columns = []
    for index in range(width):
        raw = header[index] if index < len(header) else None
        key, unit = ic.match_header(raw, known) if raw not in (None, "") else (None, "")
        if mapping is not None and index in mapping:
            key = mapping[index]
            unit = ic.parse_header(raw).unit if raw not in (None, "") else ""
        samples = [r[index] for r in table.rows[header_row:header_row + 5] if index < len(r) and r[index] not in (None, "")]
        text = _header_text(raw)
        if not text and not samples and key is None:
            continue  # an empty column: nothing to import or to report
        columns.append(ic.Column(index, get_column_letter(index + 1), text, key, unit, samples[:3]))
    return columns


def open_sheet(path: str | Path, kind: str, sheet: str | None = None) -> SheetView:
    """The file's sheets and, for the chosen one, its header row and columns with their fields
    (the mapping remembered for the same headers, else the headers' own meaning)."""
    _check_kind(kind)
    path = Path(path)
    names, table = _choose_sheet(path, kind, sheet)
    header_row = _find_header(table, ic.known_headers(ic.SPECS[kind]))
    columns = _columns(table, header_row or 1, kind, None)
    remembered = remembered_mapping(kind, [c.header for c in columns])
    if remembered is not None:
        for column in columns:
            column.key = remembered.get(column.header, column.key)
    return SheetView(str(path), kind, names, table.name, header_row, columns, remembered is not None)


def go_live_date() -> dt.date | None:
    """启用日期: planned visits before it are not made (None until the first import sets it)."""
    return settings.go_live_date()


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError(_("导入类型应为：{kinds}").format(kinds=" / ".join(KINDS)))


# --- remembered mappings -----------------------------------------------------------------------

def _signature(kind: str, headers: list[str]) -> str:
    return kind + "|" + "|".join(ic.squeeze(h) for h in headers)


def remembered_mapping(kind: str, headers: list[str]) -> dict[str, str | None] | None:
    """The mapping (header → field key or None) chosen last time for a sheet with these headers."""
    saved = settings.get("import_mappings") or {}
    return saved.get(_signature(kind, headers))


def remember_mapping(kind: str, columns: list[ic.Column]) -> None:
    """Keep the clerk's choice for the next sheet with the same headers (only when it differs
    from what the headers alone would give)."""
    known = ic.known_headers(ic.SPECS[kind])
    headers = [c.header for c in columns]
    chosen = {c.header: c.key for c in columns}
    automatic = {c.header: ic.match_header(c.header, known)[0] if c.header else None for c in columns}
    saved = dict(settings.get("import_mappings") or {})
    signature = _signature(kind, headers)
    if chosen == automatic:
        if signature not in saved:
            return
        saved.pop(signature)
    else:
        saved[signature] = chosen
    settings.set("import_mappings", saved)


# --- rows --------------------------------------------------------------------------------------

@dataclass
class Row:
    number: int  # the sheet's row number
    values: dict  # field key → normalised value
    cells: dict  # field key → (letter, header) of the column it came from


class Reader:
    """Turns a sheet into rows of normalised values, collecting problems by row and column."""

    def __init__(self, table: sheets.Table, header_row: int, columns: list[ic.Column], kind: str,
                 report: ImportReport):
        self.table, self.header_row, self.kind, self.report = table, header_row, kind, report
        self.specs = {s.key: s for s in ic.SPECS[kind]}
        self.columns = [c for c in columns if c.key]
        self.by_key = {c.key: c for c in self.columns if c.key}

    def spec_of(self, column: ic.Column) -> ic.Spec:
        """The field a mapped column fills."""
        assert column.key is not None
        return self.specs[column.key]

    def error(self, row: int, key: str | None, message: str, column: ic.Column | None = None) -> None:
        column = column or (self.by_key.get(key) if key else None)
        if column is not None:
            header, letter = column.header, column.letter
        else:
            spec = self.specs.get(key) if key else None
            header, letter = (spec.header if spec else ""), ""
        self.report.errors.append(RowError(row, header, message, sheet=self.table.name, letter=letter))

    def check_columns(self) -> bool:
        """Required columns present, no field filled from two columns, money units understood."""
        ok = True
        seen: dict[str | None, ic.Column] = {}
        for column in self.columns:
            if column.key in seen:
                first = seen[column.key]
                self.error(self.header_row, None, _("{a}列“{ha}”和{b}列“{hb}”都对应“{field}”，请只保留一列（或把其中一列设为“不导入”）").format(
                    a=first.letter, ha=first.header, b=column.letter, hb=column.header,
                    field=self.spec_of(column).header), column)
                ok = False
            seen[column.key] = column
            spec = self.spec_of(column)
            if spec.kind == ic.MONEY and ic.money_factor(column.unit) is None:
                self.error(self.header_row, None, _("金额单位“{unit}”看不懂，表头请写成“{h}（元）”或“{h}（万元）”").format(
                    unit=column.unit, h=spec.header), column)
                ok = False
        for spec in self.specs.values():
            if spec.required and spec.key not in seen:
                self.error(self.header_row, spec.key, _("表格中没有“{header}”这一列（必填）。请在表头行加上这一列，或在导入窗口中指定对应的列").format(
                    header=spec.header))
                ok = False
        return ok

    def _filled(self) -> dict[tuple[int, int], object]:
        """The value each cell of a merged range takes (its top-left value), with a warning."""
        filled = {}
        letters = {c.index + 1: c for c in self.columns}
        for r0, c0, r1, c1 in self.table.merged:
            if r0 <= self.header_row or (r0 == r1 and c0 == c1):
                continue  # a title or header merged over several columns
            value = self._raw(r0, c0)
            touched = [letters[c] for c in range(c0, c1 + 1) if c in letters]
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    filled[(r, c)] = value
            if touched and value not in (None, ""):
                names = "、".join(_("{letter}列“{header}”").format(letter=c.letter, header=c.header) for c in touched)
                rows = _("第{a}行").format(a=r0) if r0 == r1 else _("第{a}–{b}行").format(a=r0, b=r1)
                self.report.warnings.append(Notice(
                    _("工作表“{sheet}”{rows} {names}是合并单元格，已把“{value}”填入其中每一格").format(
                        sheet=self.table.name, rows=rows, names=names, value=value), r0))
        return filled

    def _raw(self, row: int, col: int):
        cells = self.table.rows[row - 1] if row - 1 < len(self.table.rows) else []
        return cells[col - 1] if col - 1 < len(cells) else None

    def rows(self, options: Options) -> list[Row]:
        """The data rows, each read once: the sheet's own row is let go as its Row is made (a whole
        office's history is hundreds of thousands of rows; holding both doubled an import's memory)."""
        filled = self._filled()
        out = []
        table_rows: list = self.table.rows
        for index in range(self.header_row, len(table_rows)):
            cells, table_rows[index] = table_rows[index], None
            offset = index + 1
            values, where, blank = {}, {}, True
            problems = []
            for column in self.columns:
                position = (offset, column.index + 1)
                raw = filled[position] if position in filled else (cells[column.index] if column.index < len(cells) else None)
                if position in self.table.formulas_without_value:
                    problems.append((column, _("单元格 {cell} 是公式，但文件中没有保存计算结果。请在 Excel 中打开后保存一次，或把公式改为数值，再导入").format(
                        cell=f"{column.letter}{offset}")))
                    blank = False
                    continue
                if isinstance(raw, str) and raw.strip() in sheets.ERROR_VALUES:
                    problems.append((column, _("单元格 {cell} 是错误值 {value}，请改正后再导入").format(
                        cell=f"{column.letter}{offset}", value=raw.strip())))
                    blank = False
                    continue
                spec = self.spec_of(column)
                try:
                    value = ic.normalise(raw, spec.kind, ic.money_factor(column.unit) if spec.kind == ic.MONEY else None)
                except ValueError as exc:
                    problems.append((column, str(exc)))
                    blank = False
                    continue
                if value not in (None, ""):
                    blank = False
                values[column.key] = value
                where[column.key] = column
            if blank:
                continue
            if str(values.get("code") or "").startswith(EXAMPLE_PREFIX):
                continue  # the template's example row
            for column, message in problems:
                self.error(offset, column.key, message, column)
            # the columns of a row read without a problem are those of every such row: one dict shared
            out.append(Row(offset, values, where if problems else self.by_key))
            options.step()
        return out


# --- the kinds ---------------------------------------------------------------------------------

class Kind(abc.ABC):
    """One kind of sheet: `plan` checks every row (no writes), `apply` writes the planned records."""

    name = ""
    table = ""

    def __init__(self, reader: Reader, report: ImportReport, options: Options):
        self.reader, self.report, self.options = reader, report, options

    def error(self, row: Row, key: str, message: str) -> None:
        self.reader.error(row.number, key, message, row.cells.get(key))

    @abc.abstractmethod
    def plan(self, rows: list[Row]) -> None:
        """Check every row; fill the report (new, existing, changed, errors); keep what to write."""

    @abc.abstractmethod
    def apply(self) -> None:
        """Write what `plan` kept (inside the import's transaction)."""

    def created_ids(self) -> list:
        """The ids of the records created, as first–last ranges, for the import's audit record (a bulk
        import writes one audit record for the rows it created; each update is audited by itself)."""
        return id_ranges(getattr(self, "new_ids", []))


def bulk_insert(model, rows: list[dict]) -> None:
    """Insert many rows of one table (each a dict of the same fields) with one prepared statement:
    the INSERT that `insert_many` builds for the first row, run over every row with the values each
    field converts (defaults filled as peewee fills them). peewee building SQL text for each row of a
    30,000-row history costs more than writing it."""
    if not rows:
        return
    sql, _params = model.insert_many(rows[:1]).sql()
    columns = [c.strip().strip('"`') for c in sql.split("(", 1)[1].split(") VALUES", 1)[0].split(",")]
    plan = []
    for column in columns:
        field = model._meta.columns[column]
        if field.name in rows[0]:
            plan.append((field.name, field.db_value, None))
        else:
            plan.append((None, field.db_value, field.default))

    def values(row: dict) -> list:
        out = []
        for name, convert, default in plan:
            if name is not None:
                out.append(convert(row[name]))
            else:
                out.append(convert(default() if callable(default) else default))
        return out

    database = model._meta.database
    database.cursor().executemany(sql, [values(row) for row in rows])
    # a prepared statement does not pass the models' proxy: tell the window's change notice ourselves
    op_changes.note(model._meta.table_name, None, in_transaction=database.transaction_depth() > 0)


def id_ranges(ids: list[int]) -> list[str]:
    """[1, 2, 3, 7] → ["1-3", "7"]: the ids of a bulk import, short enough for one audit record."""
    out: list[str] = []
    start = last = -1
    for value in sorted(ids):
        if start < 0:
            start = last = value
        elif value == last + 1:
            last = value
        else:
            out.append(f"{start}-{last}" if last != start else str(start))
            start = last = value
    if start >= 0:
        out.append(f"{start}-{last}" if last != start else str(start))
    return out


def same_value(old, new) -> bool:
    """Whether a stored value and a sheet's value are the same (an empty cell is no value)."""
    if old in (None, "") and new in (None, ""):
        return True
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return old is not None and new is not None and Decimal(str(old)) == Decimal(str(new))
        except InvalidOperation:
            return False
    if isinstance(old, dt.datetime) and isinstance(new, dt.datetime):
        return old.replace(microsecond=0, tzinfo=None) == new.replace(microsecond=0, tzinfo=None)
    return old == new


class Projects(Kind):
    name, table = "projects", "project"
    EXTRA_TEXT = {"designer": 200, "supervisor": 200, "developer": 200, "materials": 4000, "notes": 4000}
    # a change of one of these makes the items or the visit plan differ: the handover is run again
    HANDOVER_FIELDS = {"accepted_on", "handed_over_on", "type", "scale", "heating_region", "design_life_years",
                       "has_heating", "has_cooling"}

    def plan(self, rows: list[Row]) -> None:
        self.to_create: list[tuple[Row, dict, dict]] = []
        self.to_update: list[tuple[Row, Project, dict, dict]] = []
        existing = {p.code: p for p in Project.select()}
        handed = {pid for (pid,) in tuples(WarrantyItem.select(WarrantyItem.project).distinct())}
        regions = {r.name: r for r in Region.select()}
        region_names = set(regions)
        seen: dict[str, int] = {}
        for row in rows:
            self.options.step()
            errors_before = len(self.report.errors)
            project = existing.get(str(row.values.get("code") or "").strip())
            raw = _project_raw(project) if project is not None else {}
            raw.update({k: v for k, v in row.values.items() if v not in (None, "")})
            clean, problems = clean_project(raw, region_names)
            for key, message in problems:
                self.error(row, key, message)
            agreed = self._extras(row, raw, clean)
            code = clean.get("code")
            if not code:
                continue
            if code in seen:
                self.error(row, "code", _("“{code}”与第{value}行重复").format(code=code, value=seen[code]))
                continue
            seen[code] = row.number
            if len(self.report.errors) > errors_before:
                continue
            will_hand_over = bool(self.options.handover and clean.get("accepted_on") and clean.get("handed_over_on"))
            if will_hand_over or (project is not None and project.id in handed):
                self._check_items(row, project, clean, agreed, regions)
            if project is None:
                self.report.new.append(code)
                self.to_create.append((row, clean, agreed))
                if will_hand_over:
                    self.report.handed_over.append(code)
                continue
            changes = self._changes(project, clean, agreed, row)
            if not changes:
                self.report.existing.append(code)
                continue
            self.report.changed.append(code)
            if self.options.update:
                self.to_update.append((row, project, clean, agreed))
                if will_hand_over and (project.id not in handed or set(changes) & self.HANDOVER_FIELDS
                                       or any(k.startswith(ic.AGREED) for k in changes)):
                    self.report.handed_over.append(code)

    def _extras(self, row: Row, raw: dict, clean: dict) -> dict:
        """The columns beyond the project form's fields: heating/cooling, the names printed in the
        manual, the settled amount, agreed periods. Returns the agreed periods."""
        for key in ("has_heating", "has_cooling"):
            if key in row.values:
                try:
                    value = ic.yes_no(row.values[key])
                except ValueError as exc:
                    self.error(row, key, str(exc))
                    continue
                if value is not None:
                    clean[key] = value
        for key, limit in self.EXTRA_TEXT.items():
            if key in raw:
                try:
                    clean[key] = fields.text(raw[key], limit, self.reader.specs[key].header)
                except ValueError as exc:
                    self.error(row, key, str(exc))
        if "settled_amount" in raw:
            try:
                clean["settled_amount"] = fields.money(raw["settled_amount"])
            except ValueError as exc:
                self.error(row, "settled_amount", str(exc))
        agreed = {}
        for key, value in row.values.items():
            if not key.startswith(ic.AGREED) or value in (None, ""):
                continue
            item = key[len(ic.AGREED):]
            try:
                period = ic.period(value, item)
                if period is None:
                    continue
                agreed[item] = period
                cat.check_agreed(item, period[0], period[1], clean.get("design_life_years") or 50)
            except ValueError as exc:
                self.error(row, key, str(exc))
        return agreed

    def _check_items(self, row: Row, project: Project | None, clean: dict, agreed: dict, regions: dict) -> None:
        """The warranty items handover would make, worked out without writing (a period in
        heating seasons where the region has no heating is refused here)."""
        from .handover import compute_items

        if clean.get("accepted_on") is None:
            return
        region = regions.get(clean.get("heating_region") or "")
        if "has_heating" in clean:
            has_heating = clean["has_heating"]
        else:
            has_heating = project.has_heating if project is not None else None
        if "has_cooling" in clean:
            has_cooling = clean["has_cooling"]
        else:
            has_cooling = project.has_cooling if project is not None else clean["type"] == cat.PUBLIC
        probe = Project(type=clean["type"], scale=clean["scale"], region=region, has_heating=has_heating,
                        has_cooling=bool(has_cooling), accepted_on=clean["accepted_on"],
                        design_life_years=clean.get("design_life_years") or 50)
        try:
            compute_items(probe, agreed)
        except ValidationError as exc:
            key = ic.AGREED + exc.field if exc.field and ic.AGREED + exc.field in row.cells else "accepted_on"
            self.error(row, key, exc.message)

    def _changes(self, project: Project, clean: dict, agreed: dict, row: Row) -> dict:
        current = _project_raw(project)
        changes = {}
        for key, value in row.values.items():
            if value in (None, "") or key.startswith(ic.AGREED):
                continue
            new = clean.get(key, value)
            if key == "code":
                continue
            if not same_value(current.get(key), new):
                changes[key] = (current.get(key), new)
        if agreed:
            items = {i.key: i for i in WarrantyItem.select().where(WarrantyItem.project == project)}
            for key, (unit, amount) in agreed.items():
                item = items.get(key)
                if item is None or (item.agreed_unit, item.agreed_amount) != (unit, amount):
                    changes[ic.AGREED + key] = (None, (unit, amount))
        return changes

    def apply(self) -> None:
        from . import handover

        to_hand_over = []
        created = insert_projects([clean for _row, clean, _agreed in self.to_create])
        for project, (_row, _clean, agreed) in zip(created, self.to_create, strict=True):
            self.report.created.append(project)
            if project.code in self.report.handed_over:
                to_hand_over.append((project, agreed))
            self.options.step()
        # the new projects' items and visit plans, a batch of projects at a time (the same rules)
        handover.hand_over_new(to_hand_over)
        for _row, project, clean, agreed in self.to_update:
            raw = _project_raw(project)
            raw.update(clean)
            updated = update_project(project.id, raw, project.version)
            if project.code in self.report.handed_over:
                handover.handover(updated.id, updated.accepted_on, updated.handed_over_on, agreed)


def _project_raw(project: Project) -> dict:
    """A project's values as the importer's keys (what an update starts from)."""
    return {
        "code": project.code, "name": project.name, "client": project.client.name if project.client else "",
        "contact": project.contact, "phone": project.phone, "address": project.address, "type": project.type,
        "scale": project.scale, "accepted_on": project.accepted_on, "handed_over_on": project.handed_over_on,
        "contract_amount": project.contract_amount, "settled_amount": project.settled_amount,
        "design_life_years": project.design_life_years,
        "heating_region": project.region.name if project.region else "", "manager": project.manager,
        "has_heating": project.has_heating, "has_cooling": project.has_cooling, "designer": project.designer,
        "supervisor": project.supervisor, "developer": project.developer, "materials": project.materials,
        "notes": project.notes,
    }


class Units(Kind):
    name, table = "units", "unit"

    def _insert(self, rows: list[dict]) -> None:
        bulk_insert(Unit, rows)

    def plan(self, rows: list[Row]) -> None:
        self.to_create: list[tuple[Project, dict]] = []
        self.to_update: list[tuple[Unit, dict]] = []
        projects = {p.code: p for p in Project.select()}
        # the office's units by place, as tuples (400,000 model instances at 10× the default office were
        # most of the import's memory); a unit the sheet changes is read whole below
        existing = {(pid, building, entrance, room): (uid, owner_name, owner_phone, handed_over_on)
                    for uid, pid, building, entrance, room, owner_name, owner_phone, handed_over_on in tuples(
                        Unit.select(Unit.id, Unit.project, Unit.building, Unit.entrance, Unit.room, Unit.owner_name,
                                    Unit.owner_phone, Unit.handed_over_on))}
        seen: dict[tuple, int] = {}
        for row in rows:
            self.options.step()
            clean: dict[str, Any] = {}
            bad = False
            for spec in ic.UNIT_SPECS:
                value = row.values.get(spec.key)
                try:
                    if spec.kind == ic.PHONE:
                        clean[spec.key] = fields.phone(value)
                    elif spec.kind == ic.DATE:
                        clean[spec.key] = fields.date(value)
                    else:
                        clean[spec.key] = fields.text(value, 100, spec.header)
                except ValueError as exc:
                    self.error(row, spec.key, str(exc))
                    bad = True
                    continue
                if spec.required and not clean[spec.key]:
                    self.error(row, spec.key, _("{value}不能为空").format(value=spec.header))
                    bad = True
            project = projects.get(clean.get("code") or "")
            if clean.get("code") and project is None:
                self.error(row, "code", _("系统中没有工程“{code}”，请先导入工程").format(code=clean["code"]))
                continue
            if project is None:
                continue
            if not cat.is_residential(project.type):
                self.error(row, "code", _("工程“{code}”不是住宅项目，不能导入房号").format(code=project.code))
                continue
            handed = clean.get("handed_over_on")
            if handed and project.accepted_on and handed < project.accepted_on:
                self.error(row, "handed_over_on", _("早于该工程的竣工验收日期（{accepted_on}）").format(accepted_on=project.accepted_on))
                bad = True
            ident = (project.id, clean.get("building", ""), clean.get("entrance", ""), clean.get("room", ""))
            label = f"{project.code} " + "-".join(p for p in ident[1:] if p)
            if ident in seen:
                self.error(row, "room", _("与第{value}行重复").format(value=seen[ident]))
                continue
            seen[ident] = row.number
            if bad:
                continue
            stored = existing.get(ident)
            if stored is None:
                self.report.new.append(label)
                self.to_create.append((project, clean))
                continue
            current = dict(zip(("owner_name", "owner_phone", "handed_over_on"), stored[1:], strict=True))
            changes = {k: clean[k] for k in ("owner_name", "owner_phone", "handed_over_on")
                       if row.values.get(k) not in (None, "") and not same_value(current[k], clean[k])}
            if not changes:
                self.report.existing.append(label)
            else:
                self.report.changed.append(label)
                if self.options.update:
                    self.to_update.append((Unit.get_by_id(stored[0]), changes))

    def apply(self) -> None:
        rows = []
        for project, clean in self.to_create:
            rows.append({"project": project.id, "building": clean["building"], "entrance": clean.get("entrance", ""),
                         "room": clean["room"], "owner_name": clean.get("owner_name", ""),
                         "owner_phone": clean.get("owner_phone", ""),
                         "handed_over_on": clean.get("handed_over_on") or project.handed_over_on})
            self.options.step()
            if len(rows) >= BATCH:
                self._insert(rows)
                rows = []
        if rows:
            self._insert(rows)
        for unit, changes in self.to_update:
            old = audit.snapshot(unit)
            for key, value in changes.items():
                setattr(unit, key, value)
            unit.version += 1
            unit.save()
            before, after = audit.changed(old, audit.snapshot(unit))
            audit.record("update", "unit", unit.id, before, after, said(UPDATED_BY_IMPORT))


def _kind_class(kind: str) -> type[Kind]:
    if kind == "projects":
        return Projects
    if kind == "units":
        return Units
    from . import import_history

    return import_history.Tickets if kind == "tickets" else import_history.Visits


# --- check and run -----------------------------------------------------------------------------

def _prepare(path, kind: str, sheet: str | None, mapping: dict[int, str | None] | None, report: ImportReport,
             options: Options) -> tuple[Reader, list[Row]]:
    path = Path(path)
    _names, table = _choose_sheet(path, kind, sheet)
    known = ic.known_headers(ic.SPECS[kind])
    header_row = _find_header(table, known)
    report.sheet = table.name
    if not header_row and mapping is None:
        wanted = "、".join(s.header for s in ic.SPECS[kind] if s.required)
        raise ValidationError(_("工作表“{sheet}”中找不到表头行（前{n}行中没有“{wanted}”等列名）").format(
            sheet=table.name, n=HEADER_SEARCH_ROWS, wanted=wanted))
    header_row = header_row or 1
    if mapping is None:
        remembered = remembered_mapping(kind, [c.header for c in _columns(table, header_row, kind, None)])
        columns = _columns(table, header_row, kind, None)
        if remembered is not None:
            for column in columns:
                column.key = remembered.get(column.header, column.key)
    else:
        columns = _columns(table, header_row, kind, mapping)
    report.header_row = header_row
    report.columns = columns
    reader = Reader(table, header_row, columns, kind, report)
    if not reader.check_columns():
        return reader, []
    options.total = max(1, len(table.rows) - header_row) * 3  # read, check, write
    rows = reader.rows(options)
    report.rows = len(rows)
    report.preview = [(r.number, dict(r.values)) for r in rows[:PREVIEW_ROWS]]
    return reader, rows


def _give_back_memory() -> None:
    """Hand the memory an import let go back to the operating system (glibc keeps freed blocks for
    reuse: after a sheet of 100,000 rows is read and let go, tens of MB that the next step would not
    need). Nothing where there is no glibc."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # another C library (musl): nothing to do
        pass


def check(path, kind: str, sheet: str | None = None, mapping: dict[int, str | None] | None = None,
          update: bool = False, handover: bool = True, progress=None, cancel=None) -> ImportReport:
    """A dry run: every row read and checked, nothing written."""
    _check_kind(kind)
    report = ImportReport(kind, Path(path).name, dry_run=True, update=update)
    options = Options(update, handover, progress, cancel)
    with settings.cached():
        reader, rows = _prepare(path, kind, sheet, mapping, report, options)
        if rows:
            _kind_class(kind)(reader, report, options).plan(rows)
    if kind in ("projects", "visits"):  # the day from which the rules' plan holds (set by the first import)
        report.go_live = settings.go_live_date() or dt.date.today()
    return report


def run(path, kind: str, sheet: str | None = None, mapping: dict[int, str | None] | None = None,
        update: bool = False, handover: bool = True, progress=None, cancel=None) -> ImportReport:
    """Import every row, or none: raises ImportFailed listing every problem, ImportCancelled when
    cancelled (nothing written either way)."""
    _check_kind(kind)
    report = ImportReport(kind, Path(path).name, dry_run=False, update=update)
    options = Options(update, handover, progress, cancel)
    with database_proxy.atomic() as transaction, settings.cached():
        reader, rows = _prepare(path, kind, sheet, mapping, report, options)
        _give_back_memory()  # the sheet itself, read into rows
        if not rows and not report.errors:
            raise ValidationError(_("工作表“{sheet}”中没有数据行").format(sheet=report.sheet))
        worker = _kind_class(kind)(reader, report, options)
        if rows:
            worker.plan(rows)
        if report.errors:
            transaction.rollback()
            raise ImportFailed(report.errors, report)
        if settings.go_live_date() is None and (report.new or report.changed):
            settings.set("go_live_date", dt.date.today().isoformat())
        if kind in ("projects", "visits"):
            report.go_live = settings.go_live_date()
        options.check_cancel()
        worker.apply()
        options.check_cancel()
        report.created_count = len(report.new) if kind != "projects" else len(report.created)
        if mapping is not None:
            remember_mapping(kind, report.columns)
        audit.record("import", worker.table, None, None, {
            "file": report.file, "sheet": report.sheet, "rows": report.rows, "created": len(report.new),
            "created_ids": worker.created_ids(),
            "updated": len(report.changed) if update else 0, "existing": len(report.existing),
            "not_imported_columns": report.unmapped})
    _give_back_memory()
    if options.progress is not None:
        options.progress(1, 1)
    return report


# --- the names the rest of the program has used --------------------------------------------------

def import_projects(path, progress=None, **options) -> ImportReport:
    """Add every project of the sheet (handing over those with both dates), or none."""
    return _dispatch(path, "projects", progress, options)


def import_units(path, progress=None, **options) -> ImportReport:
    """Add a residential project's units and owners, all rows or none."""
    return _dispatch(path, "units", progress, options)


def import_tickets(path, progress=None, **options) -> ImportReport:
    """Add past repairs (the 保修台账) as tickets with their history, all rows or none."""
    return _dispatch(path, "tickets", progress, options)


def import_visits(path, progress=None, **options) -> ImportReport:
    """Add past visits (回访记录) as done visits, all rows or none."""
    return _dispatch(path, "visits", progress, options)


def _dispatch(path, kind, progress, options) -> ImportReport:
    dry_run = options.pop("dry_run", False)
    if dry_run:
        return check(path, kind, progress=progress, **options)
    return run(path, kind, progress=progress, **options)


def write_template(path: str | Path, kind: str = "projects") -> Path:
    """An empty import sheet of `kind` (see services.import_templates)."""
    from .import_templates import write_template as write

    return write(path, kind)
