"""Issue 19 point 5: the import templates guide the clerk — a drop-down that refuses other values for
every column with a fixed list (采暖地区 from the office's region table), required columns marked,
a note on each header, real date and number cells in the example row — for every kind."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from warranty_desk.services import import_columns as ic
from warranty_desk.services import settings
from warranty_desk.services.import_templates import LISTS_SHEET, NOTES_SHEET, write_template


def _lists(book, validation) -> list[str]:
    """The values a list check offers (it points at a column of the hidden lists sheet)."""
    sheet_name, cells = validation.formula1.split("!")
    sheet = book[sheet_name.strip("'")]
    first, last = (c.replace("$", "") for c in cells.split(":"))
    return [c.value for row in sheet[first:last] for c in row]


def _checks(sheet) -> dict[str, object]:
    """header (without its mark) → the data validation of its column."""
    by_letter = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            by_letter[cell_range.coord.split(":")[0].rstrip("0123456789")] = validation
    return {str(cell.value).lstrip("*"): by_letter.get(cell.column_letter) for cell in sheet[1]}


@pytest.mark.parametrize("kind", ["projects", "units", "tickets", "visits"])
def test_every_kind_guides_the_clerk(db, tmp_path, kind):
    settings.save_region("廊坊", "11-15", "03-15", "06-01", "09-30", "07-01")  # the office's own region
    book = load_workbook(write_template(tmp_path / f"{kind}.xlsx", kind))
    sheet = book.worksheets[0]
    assert book[LISTS_SHEET].sheet_state == "hidden" and NOTES_SHEET in book.sheetnames
    checks = _checks(sheet)
    for spec in ic.SPECS[kind]:
        header = f"*{spec.header}" if spec.required else spec.header
        cell = next(c for c in sheet[1] if c.value == header)  # required columns carry the mark
        assert cell.comment is not None and cell.comment.text.startswith(spec.note[:10])  # a note on each header
        check = checks[spec.header]
        if spec.choices is not None:  # a drop-down that refuses anything else
            assert check is not None and check.type == "list", spec.header
            assert check.showErrorMessage and check.errorStyle == "stop"
            assert _lists(book, check) == [v for v in spec.choices() if v]
        if spec.kind in (ic.DATE, ic.MOMENT):
            assert check is not None and check.type == "date" and check.errorStyle == "stop"
    # the example row holds real dates and numbers, not text
    example = {str(h.value).lstrip("*"): c.value for h, c in zip(sheet[1], sheet[2])}
    for spec in ic.SPECS[kind]:
        if spec.kind in (ic.DATE, ic.MOMENT) and example.get(spec.header) is not None:
            assert isinstance(example[spec.header], dt.datetime), spec.header
        if spec.kind in (ic.MONEY, ic.INTEGER, ic.NUMBER) and example.get(spec.header) is not None:
            assert isinstance(example[spec.header], (int, float)), spec.header
    notes = " ".join(str(c.value) for row in book[NOTES_SHEET].iter_rows() for c in row if c.value)
    if kind != "projects":
        assert "装饰装修" not in notes  # the units template no longer lists the project types


def test_the_region_list_comes_from_the_region_table(db, tmp_path):
    settings.save_region("廊坊", "11-15", "03-15", "06-01", "09-30", "07-01")
    book = load_workbook(write_template(tmp_path / "p.xlsx", "projects"))
    regions = _lists(book, _checks(book.worksheets[0])["采暖地区"])
    assert regions[0] == "北京" and regions[-1] == "廊坊"
    example = {str(h.value).lstrip("*"): c.value for h, c in zip(book.worksheets[0][1], book.worksheets[0][2])}
    assert example["竣工验收日期"] == dt.datetime(2024, 6, 15) and example["合同金额"] == 12500000


def test_a_region_named_like_a_formula_stays_text(db, tmp_path):
    settings.save_region("=HYPERLINK(\"x\")", None, None, "06-01", "09-30", "06-01")
    book = load_workbook(write_template(tmp_path / "p.xlsx", "projects"))
    lists = book[LISTS_SHEET]
    values = [c for row in lists.iter_rows() for c in row if c.value and str(c.value).startswith("=")]
    assert values and all(c.data_type == "s" for c in values)
