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
    try:
        return _XlsxReader(path).table(name, max_rows)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - a file our reader does not follow: openpyxl reads it, or says why not
        return _read_xlsx_openpyxl(path, name, max_rows)


def _read_xlsx_openpyxl(path: Path, name: str | None, max_rows: int | None) -> Table:
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


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# Excel's built-in number formats that show a date (14–22, 45–47) and the Chinese ones (27–36, 50–58)
BUILTIN_DATE_FORMATS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])


class _XlsxReader:
    """A sheet of an .xlsx read straight from its XML in one streaming pass: cell values (shared and
    inline strings, numbers, booleans, errors, dates by their cell's number format), merged ranges,
    formulas saved without a value. Several times faster than openpyxl's read-only mode on a sheet of
    tens of thousands of rows, which builds an object per cell and per shared string."""

    def __init__(self, path: Path):
        self.path = path
        self.archive = zipfile.ZipFile(path)

    def _xml(self, member: str):
        import xml.etree.ElementTree as ElementTree

        return ElementTree.fromstring(self.archive.read(member))

    def table(self, name: str | None, max_rows: int | None) -> Table:
        try:
            member, title, state, date1904 = self._sheet(name)
            strings = self._shared_strings()
            dates = self._date_styles()
            return self._read(member, title, state, date1904, strings, dates, max_rows)
        finally:
            self.archive.close()

    def _sheet(self, name: str | None) -> tuple[str, str, str, bool]:
        book = self._xml("xl/workbook.xml")
        date1904 = any(_local(n.tag) == "workbookPr" and n.get("date1904") in ("1", "true") for n in book.iter())
        sheets = [n for n in book.iter() if _local(n.tag) == "sheet"]
        names = [n.get("name", "") for n in sheets]
        if name is not None and name not in names:
            raise _no_such_sheet(self.path, name, names)
        node = sheets[names.index(name)] if name is not None else sheets[0]
        rel_id = next(v for k, v in node.attrib.items() if _local(k) == "id")
        rels = self._xml("xl/_rels/workbook.xml.rels")
        target = next(r.get("Target") for r in rels.iter() if r.get("Id") == rel_id)
        member = target.lstrip("/") if target.startswith("/") else "xl/" + target
        return member, node.get("name", ""), node.get("state", "visible"), date1904

    def _shared_strings(self) -> list[str]:
        import xml.etree.ElementTree as ElementTree

        if "xl/sharedStrings.xml" not in self.archive.namelist():
            return []
        strings = []
        with self.archive.open("xl/sharedStrings.xml") as source:
            for _event, node in ElementTree.iterparse(source):
                if _local(node.tag) == "si":
                    strings.append(self._text_of(node))
                    node.clear()
        return strings

    @staticmethod
    def _text_of(node) -> str:
        """The text of a string item: its <t>, or its runs' <t>, without phonetic (rPh) runs."""
        parts = []
        for child in node:
            tag = _local(child.tag)
            if tag == "t":
                parts.append(child.text or "")
            elif tag == "r":
                parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
        return "".join(parts)

    def _date_styles(self) -> set[int]:
        """Indexes of the cell styles whose number format shows a date."""
        from openpyxl.styles.numbers import is_date_format

        if "xl/styles.xml" not in self.archive.namelist():
            return set()
        styles = self._xml("xl/styles.xml")
        custom = {int(n.get("numFmtId")): n.get("formatCode", "") for n in styles.iter() if _local(n.tag) == "numFmt"}
        dates = set()
        for section in styles:
            if _local(section.tag) != "cellXfs":
                continue
            for index, xf in enumerate(x for x in section if _local(x.tag) == "xf"):
                fmt = int(xf.get("numFmtId", "0"))
                if fmt in BUILTIN_DATE_FORMATS or (fmt in custom and is_date_format(custom[fmt])):
                    dates.add(index)
        return dates

    def _read(self, member, title, state, date1904, strings, dates, max_rows) -> Table:
        import xml.etree.ElementTree as ElementTree

        from openpyxl.utils.cell import column_index_from_string
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

        epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        rows: list[list] = []
        merged: list[tuple[int, int, int, int]] = []
        formulas: set[tuple[int, int]] = set()
        columns: dict[str, int] = {}
        row_no = 0
        parent = None
        with self.archive.open(member) as source:
            for event, node in ElementTree.iterparse(source, events=("start", "end")):
                tag = _local(node.tag)
                if event == "start":
                    if tag == "sheetData":
                        parent = node
                    continue
                if tag == "row":
                    row_no = int(node.get("r") or row_no + 1)
                    if max_rows and row_no > max_rows:
                        break
                    cells: list = []
                    col = 0
                    for cell in node:
                        if _local(cell.tag) != "c":
                            continue
                        ref = cell.get("r")
                        if ref:
                            letters = ref.rstrip("0123456789")
                            col = columns.get(letters) or columns.setdefault(letters, column_index_from_string(letters))
                        else:
                            col += 1
                        value, has_formula, has_value = self._value(cell, strings, dates, epoch, from_excel)
                        if has_formula and not has_value:
                            formulas.add((row_no, col))
                        if value is not None:
                            if len(cells) < col:
                                cells.extend([None] * (col - len(cells)))
                            cells[col - 1] = value
                    if len(rows) < row_no - 1:
                        rows.extend([] for _ in range(row_no - 1 - len(rows)))
                    rows.append(cells)
                    if parent is not None:
                        parent.clear()  # rows already read are not kept as XML
                elif tag == "mergeCell":
                    ref = node.get("ref", "")
                    first, _sep, last = ref.partition(":")
                    merged.append(self._cell(first, column_index_from_string) + self._cell(last or first, column_index_from_string))
        return Table(title, rows, sorted(merged), formulas, hidden=state != "visible")

    @staticmethod
    def _cell(ref: str, column_index) -> tuple[int, int]:
        letters = ref.rstrip("0123456789")
        return int(ref[len(letters):]), column_index(letters)

    @staticmethod
    def _value(cell, strings, dates, epoch, from_excel):
        kind = cell.get("t", "n")
        text, has_formula, inline = None, False, None
        for child in cell:
            tag = _local(child.tag)
            if tag == "v":
                text = child.text
            elif tag == "f":
                has_formula = True
            elif tag == "is":
                inline = _XlsxReader._text_of(child)
        if kind == "inlineStr":
            return inline, has_formula, inline is not None
        if text is None or text == "":
            return None, has_formula, False
        if kind == "s":
            return strings[int(text)], has_formula, True
        if kind in ("str", "e"):
            return text, has_formula, True
        if kind == "b":
            return text in ("1", "true"), has_formula, True
        if kind == "d":
            import datetime as dt

            return dt.datetime.fromisoformat(text.rstrip("Z")), has_formula, True
        number = float(text) if any(ch in text for ch in ".eE") else int(text)
        if int(cell.get("s", "0")) in dates:
            return from_excel(number, epoch), has_formula, True
        return number, has_formula, True


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
