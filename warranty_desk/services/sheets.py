"""Reading an office's sheet as it really is: .xlsx (openpyxl), .xls (xlrd), .csv (UTF-8 or GBK).

A sheet comes back as a `Table`: the cell values row by row (row 1 of the sheet first), the merged
ranges and the formula cells saved without a calculated value, so that the importer can fill a
merged value into every row it spans (with a warning) and refuse a formula it cannot read, naming
the cell. Nothing here knows the import's columns."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from warranty_desk.i18n import _

from ..errors import ValidationError

SUPPORTED = (".xlsx", ".xlsm", ".xls", ".csv")
# Excel's error values, as a cell that shows them is read
ERROR_VALUES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")


@dataclass
class Table:
    name: str  # the sheet's name (a CSV file: its file name)
    rows: list[list] = field(default_factory=list)  # rows[0] is the sheet's row 1
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, first col, last row, last col (1-based)
    formulas_without_value: set[tuple[int, int]] = field(default_factory=set)  # (row, col), 1-based
    hidden: bool = False


def _check_file(path: Path) -> str:
    if not path.exists():
        raise ValidationError(_("找不到文件：{path}").format(path=path))
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ValidationError(
            _("不支持的文件类型“{suffix}”。请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再导入").format(suffix=suffix))
    return suffix


def sheet_names(path: str | Path, visible_only: bool = False) -> list[str]:
    """The names of the file's sheets in their order (a CSV file has one, named after the file)."""
    path = Path(path)
    suffix = _check_file(path)
    if suffix == ".csv":
        return [path.stem]
    if suffix == ".xls":
        book = _open_xls(path)
        try:
            return [s.name for s in book.sheets() if not (visible_only and s.visibility)]
        finally:
            book.release_resources()
    return [name for name, state in _xlsx_sheets(path) if not (visible_only and state != "visible")]


def _xlsx_sheets(path: Path) -> list[tuple[str, str]]:
    """(name, state) of every sheet, from the workbook's own list (opening the workbook would read
    through each sheet that does not state its size)."""
    import xml.etree.ElementTree as ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError) as exc:
        raise ValidationError(
            _("无法读取 Excel 文件“{name}”：文件已损坏、有密码保护或不是 .xlsx 格式").format(name=path.name)) from exc
    return [(node.get("name", ""), node.get("state", "visible")) for node in root.iter()
            if node.tag.rsplit("}", 1)[-1] == "sheet"]


def read_table(path: str | Path, sheet: str | None = None, max_rows: int | None = None) -> Table:
    """One sheet (by name; the first when None) as a Table; `max_rows` reads only the top rows."""
    path = Path(path)
    suffix = _check_file(path)
    if suffix == ".csv":
        rows = _read_csv(path)
        return Table(path.stem, rows[:max_rows] if max_rows else rows)
    if suffix == ".xls":
        return _read_xls(path, sheet, max_rows)
    return _read_xlsx(path, sheet, max_rows)


def _no_such_sheet(path: Path, sheet: str, names: list[str]) -> ValidationError:
    return ValidationError(_("文件“{file}”中没有名为“{sheet}”的工作表（有：{names}）").format(
        file=path.name, sheet=sheet, names="、".join(names)))


# --- CSV ---------------------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码的 CSV"))


def _read_csv(path: Path) -> list[list]:
    text = _decode(path.read_bytes())
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


# --- .xlsx ---------------------------------------------------------------------------------------

def _open_xlsx(path: Path, data_only: bool):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(path, read_only=True, data_only=data_only)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationError(
            _("无法读取 Excel 文件“{name}”：文件已损坏、有密码保护或不是 .xlsx 格式").format(name=path.name)) from exc


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+)(?::([A-Z]+[0-9]+))?"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _scan_xml(sheet) -> tuple[list[tuple[int, int, int, int]], bool]:
    """The merged ranges of a read-only openpyxl sheet, and whether it holds any formula
    (openpyxl's read-only mode reads neither; the sheet's XML is scanned in chunks)."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    def cell(ref: bytes) -> tuple[int, int]:
        letters, row = coordinate_from_string(ref.decode())
        return row, column_index_from_string(letters)

    merged: set[tuple[int, int, int, int]] = set()
    has_formula, tail = False, b""
    with sheet._get_source() as source:  # noqa: SLF001 - the documented way to the sheet's XML
        while chunk := source.read(1 << 20):
            data = tail + chunk
            has_formula = has_formula or bool(_FORMULA.search(data))
            for match in _MERGE.finditer(data):  # a tag cut between two chunks is whole in the next
                first = cell(match.group(1))
                last = cell(match.group(2)) if match.group(2) else first
                merged.add((first[0], first[1], last[0], last[1]))
            tail = data[-300:]
    return sorted(merged), has_formula


def _read_xlsx(path: Path, name: str | None, max_rows: int | None) -> Table:
    book = _open_xlsx(path, data_only=True)
    try:
        names = [s.title for s in book.worksheets]
        if name is not None and name not in names:
            raise _no_such_sheet(path, name, names)
        sheet = book[name] if name is not None else book.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong size; read every row there is
        rows = [list(r) for r in sheet.iter_rows(values_only=True, max_row=max_rows)]
        merged, has_formula = _scan_xml(sheet)
        table = Table(sheet.title, rows, merged, hidden=sheet.sheet_state != "visible")
    finally:
        book.close()
    if has_formula:
        table.formulas_without_value = _formulas_without_value(path, table, max_rows)
    return table


def _formulas_without_value(path: Path, table: Table, max_rows: int | None) -> set[tuple[int, int]]:
    """Cells that hold a formula whose calculated value was not saved (read as empty)."""
    book = _open_xlsx(path, data_only=False)
    found = set()
    try:
        sheet = book[table.name]
        sheet.reset_dimensions()
        for r, row in enumerate(sheet.iter_rows(values_only=True, max_row=max_rows), start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, str) and value.startswith("="):
                    saved = table.rows[r - 1][c - 1] if r <= len(table.rows) and c <= len(table.rows[r - 1]) else None
                    if saved is None or saved == "":
                        found.add((r, c))
    finally:
        book.close()
    return found


# --- .xls ----------------------------------------------------------------------------------------

def _open_xls(path: Path):
    try:
        import xlrd
    except ImportError:  # a build without xlrd: say how to get a file we can read
        raise ValidationError(_("无法读取 .xls 文件“{name}”。请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再导入").format(
            name=path.name)) from None
    try:
        return xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception as exc:  # noqa: BLE001 - xlrd raises many kinds for a broken file
        raise ValidationError(
            _("无法读取 Excel 文件“{name}”：文件已损坏、有密码保护或不是 .xls 格式。可在 Excel 或 WPS 中“另存为”.xlsx 后再试").format(
                name=path.name)) from exc


def _read_xls(path: Path, name: str | None, max_rows: int | None) -> Table:
    import xlrd

    book = _open_xls(path)
    try:
        names = book.sheet_names()
        if name is not None and name not in names:
            raise _no_such_sheet(path, name, names)
        sheet = book.sheet_by_name(name) if name is not None else book.sheet_by_index(0)
        rows = []
        for r in range(sheet.nrows if not max_rows else min(sheet.nrows, max_rows)):
            row = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    value = xlrd.error_text_from_code.get(cell.value, "#VALUE!")
                elif cell.ctype == xlrd.XL_CELL_EMPTY or cell.ctype == xlrd.XL_CELL_BLANK:
                    value = None
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(cell.value)
                else:
                    value = cell.value
                row.append(value)
            rows.append(row)
        merged = [(r0 + 1, c0 + 1, r1, c1) for r0, r1, c0, c1 in sheet.merged_cells]
        return Table(sheet.name, rows, merged, hidden=bool(sheet.visibility))
    finally:
        book.release_resources()
