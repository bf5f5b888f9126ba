"""保修台账: every ticket with what the quality department asks for, filterable, exported to .xlsx
(real dates, money as numbers, written atomically)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import TypedDict

from peewee import JOIN, fn

from ..errors import ValidationError
from ..fileio import shared_file
from ..i18n import _
from ..models import CostLine, Project, Staff, Subcontractor, Ticket, Unit, Visit
from ..rules import responsibility as resp
from ..rules import ticket_states as st
from ..rules import visit_states as vs
from ..rules.categories import CATEGORIES
from ..rules.satisfaction import grade_name, rating_grade
from . import fields
from .projects import find_project

COLUMNS = ("工程名称", "房号", "报修日期", "报修内容", "是否保修期内", "责任类别", "维修单位", "到场时间", "完成时间",  # i18n: data
           "费用", "承担方", "验收人", "满意度")  # i18n: data


class LedgerRow(TypedDict):
    """A ticket as the ledger lists it; the sheet's columns (COLUMNS) are the fields after `number`."""

    id: int
    number: str
    project_name: str  # 工程名称
    unit: str  # 房号 (楼栋-单元-房号, else the location)
    reported_on: dt.date | None  # 报修日期
    content: str  # 报修内容: 【warranty item】description
    in_warranty: str  # 是否保修期内: 是 / 否
    cause: str  # 责任类别
    repairer: str  # 维修单位
    onsite_at: dt.datetime | None  # 到场时间
    completed_at: dt.datetime | None  # 完成时间
    cost: Decimal | None  # 费用 (None: no cost line entered)
    payer: str  # 承担方
    checker: str  # 验收人
    satisfaction: str  # 满意度
    state: str


def _cells(row: LedgerRow) -> list:
    """The row's values in the order of COLUMNS (money as a number for the sheet)."""
    return [row["project_name"], row["unit"], row["reported_on"], row["content"], row["in_warranty"], row["cause"],
            row["repairer"], row["onsite_at"], row["completed_at"],
            float(row["cost"]) if row["cost"] is not None else None, row["payer"], row["checker"], row["satisfaction"]]
# column widths in Excel's units (about one Latin character; a Chinese character takes two);
# together they fit an A4 landscape page at about 85 %
WIDTHS = (22, 13, 11, 38, 7, 9, 20, 16, 16, 10, 8, 9, 9)
WRAPPED = (0, 1, 3, 5, 6, 10, 11, 12)  # columns whose text wraps (the others are dates, numbers, 是/否)
LINE_POINTS = 15  # one line of 10.5 pt text (Chinese glyphs are a little taller than Latin ones)


_WIDE = re.compile("[\u2e80-\U0010ffff]")  # characters two units wide (CJK and beyond)


def _text_units(text: str) -> int:
    return len(text) + len(_WIDE.findall(text))


def row_height(values, widths=WIDTHS) -> float:
    """A height (points) that shows every wrapped cell of the row whole, so a long 报修内容 never
    runs over the next row in print."""
    import math

    lines = 1
    for index in WRAPPED:
        text = values[index]
        if not isinstance(text, str) or not text:
            continue
        room = max(1, widths[index] - 1)
        if 2 * len(text) <= room and "\n" not in text:
            continue  # one line, whatever its characters (most cells: 300,000 rows are measured)
        lines = max(lines, sum(max(1, math.ceil(_text_units(part) / room)) for part in text.split("\n")))
    return lines * LINE_POINTS + 3


def _day(value, label: str, field: str) -> dt.date | None:
    return fields.checked(fields.date, value, label, field)


def ledger_query(project=None, state: str | None = None, date_from=None, date_to=None,
                 in_warranty: bool | None = None, subcontractor=None):
    """The ledger rows as a query (one row per ticket), oldest report first."""
    start, end = _day(date_from, _("开始日期"), "date_from"), _day(date_to, _("结束日期"), "date_to")
    if start and end and end < start:
        raise ValidationError(_("结束日期（{e}）早于开始日期（{s}）").format(e=end, s=start), field="date_to")
    costs = (CostLine.select(CostLine.ticket, fn.SUM(CostLine.amount).alias("total"))
             .group_by(CostLine.ticket).alias("costs"))
    visit_grade = (Visit.select(fn.MAX(Visit.grade)).where((Visit.ticket == Ticket.id) & (Visit.status == vs.DONE)))
    query = (
        Ticket.select(Ticket.id, Ticket.number, Ticket.reported_at, Ticket.description, Ticket.category,
                      Ticket.location, Ticket.in_warranty, Ticket.cause_class, Ticket.payer, Ticket.state,
                      Ticket.onsite_at, Ticket.completed_at, Ticket.signoff_by, Ticket.signoff_kind,
                      Ticket.satisfaction, Project.name.alias("project_name"), Unit.building, Unit.entrance,
                      Unit.room, Subcontractor.name.alias("sub_name"), Staff.name.alias("staff_name"),
                      costs.c.total.alias("cost"), visit_grade.alias("visit_grade"))
        .join(Project, on=(Ticket.project == Project.id))
        .join(Unit, JOIN.LEFT_OUTER, on=(Ticket.unit == Unit.id))
        .join(Subcontractor, JOIN.LEFT_OUTER, on=(Ticket.subcontractor == Subcontractor.id))
        .join(Staff, JOIN.LEFT_OUTER, on=(Ticket.assignee == Staff.id))
        .join(costs, JOIN.LEFT_OUTER, on=(costs.c.ticket_id == Ticket.id))
        .order_by(Ticket.reported_at, Ticket.id)
    )
    if project not in (None, ""):
        query = query.where(Ticket.project == find_project(project))
    if state:
        state = st.state_key(state)  # 已关闭 / closed / Closed
        if state not in st.STATES:
            raise ValidationError(_("状态“{s}”不对，应为：{all}").format(s=state, all=" / ".join(st.state_name(s) for s in st.STATES)), field="state")
        query = query.where(Ticket.state == state)
    if start:
        query = query.where(Ticket.reported_at >= dt.datetime.combine(start, dt.time.min))
    if end:
        query = query.where(Ticket.reported_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    if in_warranty is not None:
        query = query.where(Ticket.in_warranty == bool(in_warranty))
    if subcontractor not in (None, ""):
        sub = (Subcontractor.get_or_none(Subcontractor.id == subcontractor) if isinstance(subcontractor, int)
               else Subcontractor.get_or_none(Subcontractor.name == str(subcontractor).strip()))
        if sub is None:
            raise ValidationError(_("找不到分包单位“{n}”").format(n=subcontractor), field="subcontractor")
        query = query.where(Ticket.subcontractor == sub)
    return query


def _row(r) -> LedgerRow:
    unit = "-".join(p for p in (r["building"], r["entrance"], r["room"]) if p) if r["building"] else ""
    if r["sub_name"] and r["staff_name"]:
        repairer = f"{r['sub_name']}（{r['staff_name']}）"
    elif r["sub_name"]:
        repairer = r["sub_name"]
    elif r["staff_name"]:
        repairer = _("本公司（{n}）").format(n=r["staff_name"])
    else:
        repairer = ""
    if not repairer and r["state"] == st.ELSEWHERE:
        repairer = _("业主另行委托")
    content = r["description"]
    category = CATEGORIES[r["category"]].name if r["category"] in CATEGORIES else r["category"]
    if category:
        content = f"【{category}】{content}"
    satisfaction = grade_name(rating_grade(r["satisfaction"]) or (r["visit_grade"] or ""))
    # no cost line entered: an empty cell, not 0.00 (a free repair is a line of 0 the clerk entered)
    cost = Decimal(str(r["cost"])).quantize(Decimal("0.01")) if r["cost"] is not None else None
    checker = r["signoff_by"] or (_("拒签") if r["signoff_kind"] == "refused" else "")
    return {
        "id": r["id"], "number": r["number"], "project_name": r["project_name"], "unit": unit or r["location"],
        "reported_on": r["reported_at"].date() if r["reported_at"] else None, "content": content,
        "in_warranty": "是" if r["in_warranty"] else "否",  # i18n: data
        "cause": resp.cause_name(r["cause_class"]) if r["cause_class"] else "", "repairer": repairer,
        "onsite_at": r["onsite_at"], "completed_at": r["completed_at"], "cost": cost, "payer": resp.payer_name(r["payer"]),
        "checker": checker, "satisfaction": satisfaction, "state": st.state_name(r["state"]),
    }


def ledger_rows(**filters) -> list[LedgerRow]:
    return [_row(r) for r in ledger_query(**filters).dicts()]


def _page_setup(ws, rows: int) -> None:
    """Print as a list: A4 landscape, every column on the page width, the header row on every
    page, page numbers in the footer, a filter on the header."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the list needs
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.print_title_rows = "1:1"
    ws.oddHeader.center.text = _("保修台账")
    ws.oddFooter.center.text = _("第 &P 页，共 &N 页")
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(rows, 1) + 1}"


def ledger_count(**filters) -> int:
    """How many tickets the ledger with these filters lists (for the progress of an export)."""
    query = ledger_query(**filters)
    count = Ticket.select(fn.COUNT(Ticket.id))
    if query._where is not None:  # the filters (the joined tables are only read for the columns)
        count = count.where(query._where)
    return count.scalar() or 0


PROGRESS_EVERY = 1000  # rows between two progress reports
FORMATS = {2: "yyyy-mm-dd", 7: "yyyy-mm-dd hh:mm", 8: "yyyy-mm-dd hh:mm", 9: "#,##0.00"}
# characters XML 1.0 cannot hold (openpyxl refuses them): a pasted control character becomes a space
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_COLUMN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _frame(path: Path, ws_title: str) -> None:
    """The workbook around the rows, made by openpyxl: widths, frozen header, page setup, the header
    row, and two rows that only carry the style of each column's cells (plain, and text kept from
    being a formula), which `export_ledger` reads back and replaces with the tickets."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from ..xlsx_text import put_text, safe_row

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(ws_title)
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    _page_setup(ws, 1)  # before the first row: the sheet's properties are written with it (the filter's end is set later)
    bold = Font(bold=True, size=10.5)
    body = Font(size=10.5)
    head_align = Alignment(wrap_text=True, horizontal="center", vertical="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")

    def cell(value, fmt=None, font=body, alignment=top):
        c = WriteOnlyCell(ws, value=value)
        if fmt:
            c.number_format = fmt
        c.font = font
        c.alignment = alignment
        return c

    ws.row_dimensions[1].height = 2 * LINE_POINTS + 3
    ws.append(safe_row(ws, [cell(name, font=bold, alignment=head_align) for name in COLUMNS]))
    ws.append(safe_row(ws, [cell("x", FORMATS.get(i), alignment=wrap if i in WRAPPED else top)
                            for i in range(len(COLUMNS))]))
    ws.append(safe_row(ws, [put_text(cell("=", FORMATS.get(i), alignment=wrap if i in WRAPPED else top), "=")
                            for i in range(len(COLUMNS))]))
    wb.save(str(path))


_XML_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    if not _XML_SPECIAL.search(value):
        return value  # most texts: nothing to escape
    text = _ILLEGAL_XML.sub(" ", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")  # kept as typed (a bare CR would be read back as a line feed)


def export_ledger(path, progress=None, **filters) -> int:
    """Write the ledger to an .xlsx file (atomically); returns the number of tickets written.

    Streamed, so that 300,000 tickets take seconds and little memory: the tickets are read one by one
    from the database and their rows written straight into the sheet's XML inside the .xlsx (the rest
    of the workbook — styles, widths, page setup, header — is made by openpyxl in `_frame`, whose cell
    objects cost ~30 µs each: minutes for an office's ten years). `progress(done, total)` is told every
    thousand rows."""
    import tempfile
    import zipfile

    from openpyxl.utils.datetime import to_excel

    from ..xlsx_text import looks_like_formula

    target = str(path)
    if not target.lower().endswith(".xlsx"):
        raise ValidationError(_("台账只能导出为 .xlsx 文件，请把文件名改为 …xlsx"), field="path")
    query = ledger_query(**filters)
    total = ledger_count(**filters) if progress is not None else 0
    with tempfile.TemporaryDirectory(prefix="wd-ledger-") as work:
        frame = Path(work) / "frame.xlsx"
        _frame(frame, _("保修台账"))
        with zipfile.ZipFile(frame) as source, shared_file(target) as tmp:
            sheet = next(n for n in source.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
            xml = source.read(sheet).decode("utf-8")
            head, rest = xml.split('<row r="2"', 1)
            templates, rest = rest.split("</row>", 1)
            quoted, tail = rest.split("</row>", 1)
            tail = tail.split("</sheetData>", 1)[1]
            plain_style = dict(re.findall(r'<c r="([A-Z]+)2" s="(\d+)"', templates))
            quoted_style = dict(re.findall(r'<c r="([A-Z]+)3" s="(\d+)"', quoted))
            letters = _COLUMN_LETTERS[:len(COLUMNS)]
            plain = [plain_style[c] for c in letters]
            text_only = [quoted_style[c] for c in letters]
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
                for info in source.infolist():
                    if info.filename != sheet:
                        out.writestr(info, source.read(info.filename))
                with out.open(sheet, "w", force_zip64=True) as fh:
                    fh.write(head.encode("utf-8"))
                    n = _write_rows(fh, query, letters, plain, text_only, to_excel, looks_like_formula,
                                    progress, total)
                    fh.write(b"</sheetData>")
                    last = f"{letters[-1]}{max(n, 1) + 1}"
                    fh.write(re.sub(r'<autoFilter ref="[^"]*"', f'<autoFilter ref="A1:{last}"', tail).encode("utf-8"))
    if progress is not None:
        progress(n, max(total, n))
    return n


def _write_rows(fh, query, letters, plain, text_only, to_excel, looks_like_formula, progress, total) -> int:
    chunk: list[str] = []
    n = 0
    for r in query.dicts().iterator():  # one ticket at a time, none kept
        values = _cells(_row(r))
        n += 1
        number = n + 1
        chunk.append(f'<row r="{number}" ht="{row_height(values)}" customHeight="1">')
        for i, value in enumerate(values):
            ref = f"{letters[i]}{number}"
            if value is None:
                chunk.append(f'<c r="{ref}" s="{plain[i]}"/>')
            elif isinstance(value, str):
                # text a clerk typed is never a formula (xlsx_text): the column's quote-prefixed style
                style = text_only[i] if looks_like_formula(value) else plain[i]
                chunk.append(f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
                             f"{_xml_text(value)}</t></is></c>")
            elif isinstance(value, (dt.date, dt.datetime)):
                chunk.append(f'<c r="{ref}" s="{plain[i]}" t="n"><v>{to_excel(value)}</v></c>')
            else:
                chunk.append(f'<c r="{ref}" s="{plain[i]}" t="n"><v>{value!r}</v></c>')
        chunk.append("</row>")
        if n % PROGRESS_EVERY == 0:
            fh.write("".join(chunk).encode("utf-8"))
            chunk.clear()
            if progress is not None:
                progress(n, max(total, n))
    fh.write("".join(chunk).encode("utf-8"))
    return n
