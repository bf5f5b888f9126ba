"""Reading an import sheet (.xlsx or .csv in UTF-8/GBK) into rows keyed by header."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from warranty_desk.i18n import _

from ..errors import ValidationError


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


def _read_xlsx(path: Path) -> list[list]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ValidationError(_("无法读取 Excel 文件“{name}”：文件已损坏或不是 .xlsx 格式").format(name=path.name)) from exc
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_rows(path: str | Path, columns: dict[str, str]) -> list[tuple[int, dict]]:
    """Rows as (sheet row number, {field key: raw value}).

    `columns` maps each accepted header (Chinese and English) to a field key.
    Blank rows are skipped; a sheet without the needed headers is refused.
    """
    path = Path(path)
    if not path.exists():
        raise ValidationError(_("找不到文件：{path}").format(path=path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(path)
    else:
        raise ValidationError(_("不支持的文件类型“{suffix}”，请使用 .xlsx 或 .csv").format(suffix=suffix))
    header_index = None
    for index, row in enumerate(table[:10]):
        names = [str(c).strip() if c is not None else "" for c in row]
        if sum(1 for n in names if n in columns) >= 2:
            header_index = index
            break
    if header_index is None:
        wanted = "、".join(dict.fromkeys(h for h in columns if not h.isascii()))
        raise ValidationError(_("表格中找不到表头行，第一行应包含：{wanted}").format(wanted=wanted))
    headers = [str(c).strip() if c is not None else "" for c in table[header_index]]
    keys = [columns.get(h) for h in headers]
    rows = []
    for offset, row in enumerate(table[header_index + 1:], start=header_index + 2):
        values = {}
        for key, cell in zip(keys, row):
            if key:
                values[key] = cell
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
            continue
        if str(values.get("code", "") or "").startswith("示例"):  # i18n: data (the template's example row)
            continue  # the template's example row
        rows.append((offset, values))
    return rows


def missing_headers(path_rows_keys: set[str], required: dict[str, str]) -> list[str]:
    return [header for key, header in required.items() if key not in path_rows_keys]
