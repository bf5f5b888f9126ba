"""Writing user text into .xlsx files so that it stays text: the one helper every .xlsx export uses.

A project name such as ``=HYPERLINK("http://…","点击")`` written as a plain value becomes a live formula
(openpyxl stores any string that starts with ``=`` as a formula), and a text starting with ``+``, ``-``
or ``@`` turns into one the moment a clerk edits the cell in Excel or LibreOffice. Every string that
starts with one of these characters (or with a tab or carriage return, which spreadsheet programs skip
before looking for a formula) is written as a text cell with Excel's *quote prefix* set: it shows
exactly as typed and stays text when edited. Other values (numbers, dates, ordinary text) are written
unchanged.

    sheet.append(safe_row(sheet, [n, date, project_name, …]))   # normal and write-only sheets alike
    put_text(sheet.cell(row=3, column=2), value)                 # a cell set on its own
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    """True for a string that a spreadsheet program could read as (the start of) a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def put_text(cell, value):
    """Set `value` on an existing cell; a formula-like string is kept as text. Returns the cell."""
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"  # openpyxl made it "f" (formula) for a leading "="
        cell.quotePrefix = True
    return cell


def text_cell(sheet, value):
    """`value` as it should be appended to `sheet`: unchanged, or (formula-like text) a text cell."""
    if not looks_like_formula(value):
        return value
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    if isinstance(sheet, WriteOnlyWorksheet):
        from openpyxl.cell import WriteOnlyCell

        return put_text(WriteOnlyCell(sheet), value)
    from openpyxl.cell.cell import Cell

    return put_text(Cell(sheet), value)


def safe_row(sheet, values) -> list:
    """A row for ``sheet.append`` with every formula-like string kept as text; cells already made
    (a WriteOnlyCell with a number format, say) pass through, their text guarded too."""
    row = []
    for value in values:
        if hasattr(value, "data_type") and hasattr(value, "value"):
            if looks_like_formula(value.value):
                put_text(value, value.value)
            row.append(value)
        else:
            row.append(text_cell(sheet, value))
    return row
