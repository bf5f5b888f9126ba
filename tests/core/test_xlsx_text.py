"""Every .xlsx export writes user text as text: a leading =, +, -, @ never becomes a formula (#13 finding 9).

Checked three ways: openpyxl reads every hostile text back as a text cell with the quote prefix, the
file holds no formula element at all, and (where LibreOffice is installed) an office program opening
the file shows the text exactly as typed instead of evaluating it."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from warranty_desk.models import Visit
from warranty_desk.services import annual_plan, importing, ledger, staff, tickets
from warranty_desk.services.handover import handover
from warranty_desk.xlsx_text import looks_like_formula, safe_row

HOSTILE = [
    '=HYPERLINK("http://example.com/x","点击")',
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    "=1+1 <b>&</b> 𠀀",
    "\t=2+2",
]
CORE = Path(__file__).resolve().parents[2] / "warranty_desk"


def _no_formulas(path: Path) -> None:
    """No cell of the file is a formula (no <f> element in any sheet)."""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), name


def _texts(path: Path) -> dict[str, object]:
    """Every string cell of the first sheet: value → cell."""
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}


def _as_office_sees_it(path: Path, tmp_path: Path) -> list[list[str]]:
    """The first sheet as LibreOffice shows it (converted to CSV by the office program itself)."""
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed")
    out = tmp_path / "lo"
    out.mkdir(exist_ok=True)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)
    with open(out / (path.stem + ".csv"), encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _check(path: Path, expected: list[str], tmp_path: Path) -> None:
    _no_formulas(path)
    cells = _texts(path)
    for text in expected:
        assert text in cells, text
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    seen = {value for row in _as_office_sees_it(path, tmp_path) for value in row}
    for text in expected:
        assert text.strip() in {v.strip() for v in seen}, text  # shown as typed, not evaluated
    assert "点击" not in seen  # the HYPERLINK formula was not evaluated into its link text


def test_annual_visit_plan_keeps_user_text_as_text(db, make_project, tmp_path):
    names = HOSTILE[:4]
    worker = staff.save_staff({"name": "@王师傅", "phone": "+86 138 0000 0000"})
    for n, name in enumerate(names):
        project = make_project(name=name, contact=HOSTILE[4], address=HOSTILE[5], phone="+86 10 1234 5678")
        Visit.create(project=project, planned_on=dt.date(2027, 3, n + 1), kind="periodic", staff=worker,
                     purposes="=cmd|' /C calc'!A0")
    annual_plan.sign(2027, "compiled", "=HYPERLINK(\"x\")", dt.date(2026, 11, 20), today=dt.date(2026, 11, 29))
    path = tmp_path / "plan.xlsx"
    assert annual_plan.export_xlsx(2027, path) == 4
    _check(path, names + [HOSTILE[4], "@王师傅", "+86 10 1234 5678", "=cmd|' /C calc'!A0",
                          '=HYPERLINK("x")'], tmp_path)


def test_ledger_keeps_user_text_as_text(db, make_project, tmp_path):
    project = make_project(code="F-1", name="+工程 -甲")
    handover(project.id)
    tickets.create_ticket({"project": "F-1", "reporter": "@业主", "category": "plumbing", "location": "-1层",
                           "description": "漏水", "reported_at": "2025-01-02 09:00"})
    path = tmp_path / "ledger.xlsx"
    assert ledger.export_ledger(path) == 1
    _check(path, ["+工程 -甲"], tmp_path)


def test_import_template_has_no_formulas(db, tmp_path):  # the template lists the regions of the database
    path = importing.write_template(tmp_path / "template.xlsx")
    _no_formulas(path)


def test_the_helper_on_normal_and_write_only_sheets(tmp_path):
    for write_only in (False, True):
        book = openpyxl.Workbook(write_only=write_only)
        sheet = book.create_sheet("s") if write_only else book.active
        sheet.append(safe_row(sheet, [*HOSTILE, 12, -3.5, dt.date(2026, 1, 2), "普通文字", None]))
        path = tmp_path / f"h{write_only}.xlsx"
        book.save(path)
        _no_formulas(path)
        row = next(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True))
        assert list(row[:len(HOSTILE)]) == HOSTILE
        assert row[len(HOSTILE):len(HOSTILE) + 3] == (12, -3.5, dt.datetime(2026, 1, 2))
    assert looks_like_formula("=1") and not looks_like_formula("１=1") and not looks_like_formula(5)


def _sheet_names(tree: ast.AST) -> set[str]:
    """Names bound to a worksheet in a module: `x = book.active`, `x = book.create_sheet(…)`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            if isinstance(value, ast.Attribute) and value.attr == "active":
                names.add(node.targets[0].id)
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "create_sheet":
                names.add(node.targets[0].id)
    return names


def test_every_xlsx_export_appends_rows_through_the_helper():
    """One helper serves every export: each `sheet.append(…)` in the core goes through safe_row."""
    offenders = []
    for path in CORE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "openpyxl" not in source:
            continue
        tree = ast.parse(source)
        sheets = _sheet_names(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in sheets):
                arg = node.args[0] if node.args else None
                wrapped = (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "safe_row")
                empty = isinstance(arg, ast.List) and not arg.elts
                if not (wrapped or empty):
                    offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders, offenders
