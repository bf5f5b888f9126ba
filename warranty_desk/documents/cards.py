"""保修卡: one card per unit of a residential project (one per project without units).

Layouts (setting ``card_layout``): ``a4_grid`` — four 95 × 135 mm cards per A4 sheet with cut
marks; ``a5`` — one card per A5 page, scaled up.

Speed: everything that is the same on every card of a project (frame, title, project name, the
items table, hotline and response times) is drawn once into a PDF form XObject and placed on each
card; per card only the unit, owner, handover date and QR code are drawn.
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Table

from ..i18n import N_, _, join_list
from ..rules import categories as cat
from ..services.projects import find_project
from . import data, qr
from .style import (
    ACCENT,
    BOLD_FONT,
    CELL_SHRINK,
    FONT,
    GREY,
    INK,
    LINE,
    CJKParagraph,
    atomic_pdf,
    canvas_runs,
    fit_paragraph,
    fmt_date,
    grid_table,
    make_canvas,
    para_text,
    printed_in,
    styles,
)

CARD_W = 95 * mm
CARD_H = 135 * mm
PAD = 5 * mm
COLS, ROWS = 2, 2
LABEL_W = 15 * mm
QR_SIZE = 24 * mm
INFO_TOP = CARD_H - 19 * mm  # below the title band
ROW_H = 5.2 * mm
FOOT_H = 31 * mm
SEAL = 21 * mm  # the square for the company's seal
COMPANY_W = 36 * mm  # the company's name in the title band
LAYOUTS = ("a4_grid", "a5")

# short item names for the QR text (a phone shows it as plain text)
SHORT_NAMES = {"foundation_structure": N_("主体结构"), "roof_waterproofing": N_("屋面防水"),
               "wet_room_waterproofing": N_("卫生间防水"), "exterior_wall_seepage": N_("外墙防渗"),
               "heating": N_("供暖"), "cooling": N_("供冷"), "electrical": N_("电气"), "plumbing": N_("给排水"),
               "equipment": N_("设备"), "decoration": N_("装修")}


def card_number(project, unit) -> str:
    """The card's own number: the project code and the unit's record number (stable when units
    are added), or the project code alone for a project's one card."""
    return f"{project.code}-{unit.id:05d}" if unit is not None else project.code


def qr_payload(project, unit, comp, items=None) -> str:
    """What an owner's phone shows when it scans the card: the office's web page when the office
    set one, otherwise readable text — the card number, the unit, the hotline and until when each
    item is covered (`items`: the project's warranty items, when the caller has them already)."""
    if comp.website:
        return comp.website
    where = f"{project.name} {unit.label}" if unit is not None else project.name
    lines = [_("保修卡 {number}").format(number=card_number(project, unit)), where]
    if comp.hotline:
        lines.append(_("报修电话：{tel}").format(tel=comp.hotline))
    ends: dict = {}
    for item in data.items_of(project) if items is None else items:
        name = _(SHORT_NAMES[item.key]) if item.key in SHORT_NAMES else data.item_name(item)
        ends.setdefault(item.end_on, []).append(name)
    if ends:
        lines.append(_("保修期至："))
        lines += [f"{fmt_date(day)} {join_list(names)}" for day, names in sorted(ends.items(), reverse=True)]
    return "\n".join(lines)


_number = functools.lru_cache(maxsize=8192)(fp_str)  # reportlab's number format for PDF operators


def draw_qr(c, value: str, x: float, y: float, size: float) -> None:
    """A QR code as one filled path (much faster than a Drawing of many rectangles)."""
    rows = qr.modules(value, "L")
    count = len(rows)
    border = 2
    box = size / (count + 2 * border)
    path = c.beginPath()
    # the path's own text for each rectangle, as `path.rect` writes it, with the numbers (which repeat
    # from card to card) formatted once: formatting them was a third of a 500-card run
    append = None  # the path's list of operators, once the first rectangle has started it
    for r, row in enumerate(rows):
        col = 0
        for dark, run in itertools.groupby(bool(v) for v in row):
            n = sum(1 for _x in run)
            if dark:
                left, bottom = x + (col + border) * box, y + size - (r + border + 1) * box
                if append is None:
                    path.rect(left, bottom, n * box, box)
                    append = getattr(getattr(path, "_code", None), "append", None)
                else:
                    append(f"{_number(left)} {_number(bottom)} {_number(n * box)} {_number(box)} re")
            col += n
    c.saveState()
    c.setFillColor(colors.black)
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()


def _text_style(size=8.0, color=INK, name="card"):
    style = ParagraphStyle(name, fontName=FONT, fontSize=size, leading=size * 1.25, textColor=color,
                           wordWrap="CJK")
    style.shrink_to_fit = CELL_SHRINK
    return style


def _items_table(project, width: float, height: float) -> Table:
    """保修项目 | 国家规定保修期 | 公司承诺保修期 | 保修期至 | 问题处理期限 (RULES.md §3), in the first
    layout that fits `height` at a readable size (7 → 5.5 pt): each row with its deadline; else
    the deadline (the same for every item) once, in one cell beside all rows; else also the items by
    their short names. A language with longer words takes the later layouts; at worst 4.5 pt."""
    for span, short in ((False, False), (True, False), (True, True)):
        for size in (7.0, 6.5, 6.0, 5.5):
            table, h = _items_table_at(project, width, height, size, span, short)
            if h <= height:
                return table
    return _items_table_at(project, width, height, 4.5, True, True)[0]


def _items_table_at(project, width: float, height: float, size: float, span: bool, short: bool):
    items = data.items_of(project)
    sla = data.sla_values()
    deadline = _("{onsite}内到场，{complete}内修复").format(onsite=sla["normal_onsite"], complete=sla["normal_complete"])
    fractions = (0.29, 0.19, 0.14, 0.19, 0.19)
    widths = [width * f for f in fractions]
    cell = _text_style(size, name=f"cell{size}")
    center = ParagraphStyle(f"cc{size}", parent=cell, alignment=1)
    rows: list[list[Any]] = [[CJKParagraph(h, center) for h in (_("保修项目"), _("国家规定保修期"), _("公司承诺保修期"),
                                                _("保修期至"), _("问题处理期限"))]]
    for n, item in enumerate(items):
        name = _(SHORT_NAMES[item.key]) if short and item.key in SHORT_NAMES else data.item_name(item)
        rows.append([
            CJKParagraph(para_text(name), cell),
            CJKParagraph(para_text(data.item_minimum_text(item, project)), center),
            CJKParagraph(para_text(data.item_agreed_text(item)), center),
            CJKParagraph(para_text(fmt_date(item.end_on)), center),
            CJKParagraph(para_text(deadline), center) if not span or n == 0 else "",
        ])
    if not items:
        rows.append([CJKParagraph(_("保修项目和到期日在竣工验收交付后确定。"), cell), "", "", "", ""])
    pad = max(1.0, size * 0.2)
    table = grid_table(rows, widths, zebra=True, extra=[
        ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        *([("SPAN", (0, 1), (-1, 1))] if not items else []),
        *([("SPAN", (4, 1), (4, len(rows) - 1)), ("BACKGROUND", (4, 1), (4, -1), colors.white)]
          if span and len(items) > 1 else []),
    ])
    _x, h = table.wrap(width, height)
    return table, h


class _ProjectCard:
    """The per-project part of a card, drawn once as a form XObject."""

    def __init__(self, c, project, index: int, issued_on):
        self.name = f"card_{index}"
        self.project = project
        self.home = cat.is_residential(project.type)
        comp = self.comp = data.company()
        self.items = data.items_of(project)  # read once for every card's QR code, not once per card
        sla = data.sla_values()
        c.beginForm(self.name, 0, 0, CARD_W, CARD_H)
        # frame and title band
        c.setStrokeColor(LINE)
        c.setLineWidth(0.6)
        c.roundRect(2 * mm, 2 * mm, CARD_W - 4 * mm, CARD_H - 4 * mm, 3 * mm)
        c.setFillColor(ACCENT)
        c.roundRect(2 * mm, CARD_H - 16 * mm, CARD_W - 4 * mm, 14 * mm, 3 * mm, stroke=0, fill=1)
        c.rect(2 * mm, CARD_H - 16 * mm, CARD_W - 4 * mm, 4 * mm, stroke=0, fill=1)
        c.setFillColor(colors.white)
        title = _("住宅质量保修卡") if self.home else _("工程质量保修卡")
        title_w = CARD_W - 2 * PAD - 1 * mm - COMPANY_W - 2 * mm
        heading = fit_paragraph(title, ParagraphStyle("card_title", fontName=BOLD_FONT, fontSize=15, leading=18,
                                                      textColor=colors.white), title_w, 8 * mm, min_size=9)
        heading.drawOn(c, PAD + 1 * mm, CARD_H - 9 * mm - heading.height / 2)
        company = fit_paragraph(comp.name, _text_style(7, colors.white, "co"), COMPANY_W, 8 * mm)
        company.drawOn(c, CARD_W - PAD - COMPANY_W, CARD_H - 13.5 * mm)
        # labels: a unit's card names the unit and its owner; a project's card the client and address
        c.setFillColor(GREY)
        c.setFont(FONT, 7.5)
        if self.home:
            labels = (_("工程名称"), _("房\u3000\u3000号"), _("业\u3000\u3000主"), _("交付日期"))
        else:
            labels = (_("工程名称"), _("建设单位"), _("工程地址"), _("交付日期"))
        y = INFO_TOP
        heights = (2 * ROW_H, ROW_H, ROW_H, ROW_H)
        # the labels' column is as wide as its longest label (English labels are longer)
        self.label_w = label_w = max(LABEL_W, max(stringWidth(label, FONT, 7.5) for label in labels) + 2 * mm)
        self.rows = []
        for label, h in zip(labels, heights):
            c.drawString(PAD, y - 3.6 * mm, label)
            self.rows.append((y, h))
            y -= h
        value_w = CARD_W - 2 * PAD - label_w - QR_SIZE - 1 * mm
        self.value_w = value_w
        proj = fit_paragraph(project.name, _text_style(8.5, name="pn"), value_w, 2 * ROW_H - 1 * mm, min_size=6.5)
        proj.drawOn(c, PAD + label_w, INFO_TOP - 0.6 * mm - proj.height)
        c.setStrokeColor(LINE)
        c.setLineWidth(0.3)
        for (row_y, h) in self.rows:
            c.line(PAD + label_w, row_y - h + 0.6 * mm, PAD + label_w + value_w, row_y - h + 0.6 * mm)
        # card number and issue date (the number is drawn per card)
        c.setFillColor(GREY)
        c.setFont(FONT, 6.5)
        self.number_y = y - 3.2 * mm
        number_label = _("卡号")
        c.drawString(PAD, self.number_y, number_label)
        self.number_x = PAD + max(7 * mm, stringWidth(number_label, FONT, 6.5) + 1.5 * mm)
        issued = _("发卡日期：{date}").format(date=fmt_date(issued_on))
        c.drawRightString(CARD_W - PAD, self.number_y, issued)
        # the items table between the info block and the footer
        table_top = self.number_y - 2 * mm
        table_h = table_top - (2 * mm + FOOT_H)
        table = _items_table(project, CARD_W - 2 * PAD, table_h)
        _x, th = table.wrap(CARD_W - 2 * PAD, table_h)
        table.drawOn(c, PAD, table_top - th)
        # footer: emergencies, hotline, the seal, the terms
        foot_top = 2 * mm + FOOT_H
        urgent = fit_paragraph(_("紧急报修（漏水、停电、停暖、危及安全）：{respond}内响应，{onsite}内到场抢修。").format(
            respond=sla["emergency_respond"], onsite=sla["emergency_onsite"]), _text_style(7, INK, "urgent"),
            CARD_W - 2 * PAD, 6 * mm, min_size=5.5)
        urgent.drawOn(c, PAD, foot_top - urgent.height)
        text_w = CARD_W - 2 * PAD - SEAL - 2 * mm
        c.setFillColor(ACCENT)
        c.setFont(FONT, 8)
        hotline_label = _("报修电话")
        c.drawString(PAD, foot_top - 10.5 * mm, hotline_label)
        hotline_x = max(13 * mm, stringWidth(hotline_label, FONT, 8) + 2 * mm)
        hotline = fit_paragraph(comp.hotline or _("（请向物业或施工单位询问）"), _text_style(13, ACCENT, "hl"),
                                text_w - hotline_x, 7 * mm)
        hotline.drawOn(c, PAD + hotline_x, foot_top - 7.5 * mm - hotline.height)
        terms = _("保修期自竣工验收合格之日（{date}）起计算。因使用不当、自行改动或不可抗力造成的损坏不在保修范围内。请妥善保管本卡，报修时出示。").format(
            date=fmt_date(project.accepted_on) or "—")
        note = fit_paragraph(terms, _text_style(6.5, INK, "terms"), text_w, FOOT_H - 16 * mm, min_size=5)
        note.drawOn(c, PAD, foot_top - 14 * mm - note.height)
        # the seal: a dashed square with its caption
        seal_x, seal_y = CARD_W - PAD - SEAL, 4 * mm
        c.setStrokeColor(GREY)
        c.setDash(2, 1.5)
        c.rect(seal_x, seal_y + 3 * mm, SEAL, SEAL - 3 * mm, stroke=1, fill=0)
        c.setDash()
        c.setFillColor(GREY)
        c.setFont(FONT, 6)
        c.drawCentredString(seal_x + SEAL / 2, seal_y + 0.6 * mm, _("施工单位（盖章）"))
        c.endForm()

    def draw(self, c, x: float, y: float, unit) -> None:
        project = self.project
        c.saveState()
        c.translate(x, y)
        c.doForm(self.name)
        if self.home and unit is not None:
            values = (unit.label, unit.owner_name, fmt_date(unit.handed_over_on or project.handed_over_on))
        elif self.home:
            values = ("", "", fmt_date(project.handed_over_on))
        else:
            values = (project.client.name if project.client_id else "", project.address,
                      fmt_date(project.handed_over_on))
        for (row_y, h), value in zip(self.rows[1:], values):
            _draw_value(c, value, PAD + self.label_w, row_y, self.value_w, h)
        c.setFillColor(INK)
        c.setFont(FONT, 7)
        c.drawString(self.number_x, self.number_y, card_number(project, unit))
        draw_qr(c, qr_payload(project, unit, self.comp, self.items), CARD_W - PAD - QR_SIZE + 1 * mm,
                INFO_TOP - QR_SIZE + 1 * mm, QR_SIZE)
        c.restoreState()


_VALUE_STYLE = None


def _draw_value(c, value, x, top, width, height) -> None:
    """One line of user text; plain canvas drawing when it fits, else a shrunk/cut paragraph."""
    global _VALUE_STYLE
    size = 8.5
    runs = canvas_runs(value)
    total = sum(stringWidth(text, font, size) for font, text in runs)
    if total <= width:
        c.setFillColor(INK)
        cx = x
        for font, text in runs:
            c.setFont(font, size)
            c.drawString(cx, top - 3.7 * mm, text)
            cx += stringWidth(text, font, size)
        return
    if _VALUE_STYLE is None:
        _VALUE_STYLE = _text_style(8.5, name="val")
    para = fit_paragraph(value, _VALUE_STYLE, width, height - 0.8 * mm, min_size=4.5)
    para.drawOn(c, x, top - 0.4 * mm - para.height)


def _cut_marks(c, x0, y0, cells) -> None:
    """Crop marks at the corners of the cards on this sheet only (not around empty places)."""
    c.saveState()
    c.setStrokeColor(colors.black)
    c.setLineWidth(0.3)
    length = 5 * mm
    gap = 1.5 * mm
    used = set(cells)
    for col, row in cells:
        left, bottom = x0 + col * CARD_W, y0 + (ROWS - 1 - row) * CARD_H
        right, top = left + CARD_W, bottom + CARD_H
        # outside corners get marks pointing outwards; inner edges shared with a used card need none
        if (col, row - 1) not in used:
            c.line(left, top + gap, left, top + gap + length)
            c.line(right, top + gap, right, top + gap + length)
        if (col, row + 1) not in used:
            c.line(left, bottom - gap, left, bottom - gap - length)
            c.line(right, bottom - gap, right, bottom - gap - length)
        if (col - 1, row) not in used:
            c.line(left - gap, top, left - gap - length, top)
            c.line(left - gap, bottom, left - gap - length, bottom)
        if (col + 1, row) not in used:
            c.line(right + gap, top, right + gap + length, top)
            c.line(right + gap, bottom, right + gap + length, bottom)
    c.restoreState()


@printed_in
def build_cards(project, path, lang: str = "zh_CN", layout: str | None = None, units=None,
                progress=None, issued_on=None) -> Path:
    """Write the 保修卡 of `project` (instance, id or code): one per unit, or one for the project.

    `layout`: 'a4_grid' or 'a5' (default: the setting 'card_layout'); `units`: a subset of the
    project's units (default all); `progress(done, total)` is called after each card;
    `issued_on`: the 发卡日期 printed on every card (default today)."""
    import datetime as dt

    from ..services import settings

    project = find_project(project)
    layout = layout or settings.get("card_layout") or "a4_grid"
    if layout not in LAYOUTS:
        raise ValueError(f"unknown card layout: {layout}")
    unit_list = list(units) if units is not None else data.units_of(project)
    cards = unit_list or [None]
    comp = data.company()
    target = Path(path)
    with atomic_pdf(target) as tmp:
        pagesize = A4 if layout == "a4_grid" else A5
        c = make_canvas(tmp, pagesize, _("保修卡 {code}").format(code=project.code), comp.name)
        styles()
        card = _ProjectCard(c, project, 0, issued_on or dt.date.today())
        page_w, page_h = pagesize
        total = len(cards)
        if layout == "a4_grid":
            x0 = (page_w - COLS * CARD_W) / 2
            y0 = (page_h - ROWS * CARD_H) / 2
            per_page = COLS * ROWS
            for start in range(0, total, per_page):
                on_sheet = cards[start:start + per_page]
                _cut_marks(c, x0, y0, [(k % COLS, k // COLS) for k in range(len(on_sheet))])
                for k, unit in enumerate(on_sheet):
                    col, row = k % COLS, k // COLS
                    card.draw(c, x0 + col * CARD_W, y0 + (ROWS - 1 - row) * CARD_H, unit)
                    if progress:
                        progress(start + k + 1, total)
                c.showPage()
        else:
            scale = min((page_w - 10 * mm) / CARD_W, (page_h - 10 * mm) / CARD_H)
            for n, unit in enumerate(cards, 1):
                c.saveState()
                c.translate((page_w - CARD_W * scale) / 2, (page_h - CARD_H * scale) / 2)
                c.scale(scale, scale)
                card.draw(c, 0, 0, unit)
                c.restoreState()
                c.showPage()
                if progress:
                    progress(n, total)
        c.save()
    return target
