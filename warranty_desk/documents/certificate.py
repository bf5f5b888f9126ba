"""工程质量保修书 (per project), after the attachment of GF-2017-0201.

Clause texts: resources/texts/<lang>/certificate/*.md; the parties, the period table and the
signature blocks are made here from the project's data."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer

from ..i18n import gettext_for
from . import data, texts
from .style import (
    BLANK,
    M,
    P,
    atomic_pdf,
    doc_kwargs,
    fmt_date,
    grid_table,
    numbered_canvas_class,
    plain_table,
)

MARGIN = 20 * mm


def _parties(project, comp, lang):
    _ = gettext_for(lang)
    client = project.client.name if project.client_id else ""
    rows = [
        [P(_("发包人（全称）："), "body"), P(client or BLANK, "body")],
        [P(_("承包人（全称）："), "body"), P(comp.name or BLANK, "body")],
    ]
    table = plain_table(rows, [32 * mm, None], [("BOTTOMPADDING", (0, 0), (-1, -1), 4)])
    return [table, Spacer(1, 4)]


def items_table(project, width: float, lang: str = "zh_CN"):
    """保修项目 | 国家规定最低保修期 | 约定保修期 | 起算日 | 保修期至."""
    _ = gettext_for(lang)
    items = data.items_of(project)
    head = [P(h, "head") for h in (_("序号"), _("保修项目"), _("国家规定最低保修期"), _("约定保修期"), _("起算日"),
                                   _("保修期至"))]
    rows = [head]
    for n, item in enumerate(items, 1):
        rows.append([
            M(str(n), "cell_c"),
            P(data.item_name(item, lang), "cell"),
            P(data.item_minimum_text(item, project, lang), "cell"),
            P(data.item_agreed_text(item, lang), "cell_c"),
            P(fmt_date(item.start_on, lang), "cell_c"),
            P(fmt_date(item.end_on, lang), "cell_c"),
        ])
    if not items:
        rows.append([M("—", "cell_c"), P(_("本工程尚未办理竣工验收交付，保修项目和保修期待交付时确定。"), "cell"),
                     "", "", "", ""])
        extra = [("SPAN", (1, 1), (-1, 1))]
    else:
        extra = []
    fractions = [0.06, 0.29, 0.19, 0.12, 0.17, 0.17]
    return grid_table(rows, [width * f for f in fractions], extra=extra)


def _signatures(project, comp, width, lang="zh_CN"):
    _ = gettext_for(lang)

    def block(role, name, address, phone):
        lines = [
            P(role, "body"),
            P(name or "", "body"),
            Spacer(1, 14 * mm),
            P(_("地址：") + (address or ""), "small"),
            P(_("法定代表人（签字）："), "small"),
            P(_("委托代理人（签字）："), "small"),
            P(_("电话：") + (phone or ""), "small"),
            P(_("开户银行："), "small"),
            P(_("账号："), "small"),
            P(_("日期：______年____月____日"), "small"),
        ]
        return lines

    client = project.client if project.client_id else None
    left = block(_("发包人（公章）："), client.name if client else "", client.address if client else "",
                 project.phone or (client.phone if client else ""))
    right = block(_("承包人（公章）："), comp.name, comp.address, comp.hotline)
    table = plain_table([[left, right]], [width / 2, width / 2], [("RIGHTPADDING", (0, 0), (-1, -1), 8 * mm)])
    return [Spacer(1, 8 * mm), KeepTogether([table])]


def build_certificate(project, path, lang: str = "zh_CN") -> Path:
    """Write the 工程质量保修书 of `project` (instance, id or code) to `path`."""
    lang = texts.effective_lang(lang, "certificate")
    project = data.get_project(project)
    comp = data.company()
    values = data.project_values(project, lang)
    values["notes"] = project.notes or texts.Markup("<br/>".join([BLANK * 5] * 3))
    if not values["defect_months"]:
        values["defect_months"] = texts.Markup("______")
    width = A4[0] - 2 * MARGIN

    directives = {
        "parties": lambda *a: _parties(project, comp, lang),
        "items": lambda *a: [items_table(project, width, lang)],
        "signatures": lambda *a: _signatures(project, comp, width, lang),
    }
    _ = gettext_for(lang)
    story = [
        Spacer(1, 4 * mm),
        P(_("工程质量保修书"), "title"),
        P(_("工程编号：") + project.code, "subtitle"),
        Spacer(1, 6 * mm),
    ]
    for text_file in texts.load("certificate", lang):
        story.extend(texts.render(text_file.blocks, values, directives))

    target = Path(path)
    with atomic_pdf(target) as tmp:
        doc = SimpleDocTemplate(tmp, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                                topMargin=22 * mm, bottomMargin=20 * mm,
                                **doc_kwargs(f"{_('工程质量保修书')} {project.code}", comp.name))
        doc.build(story, canvasmaker=numbered_canvas_class(comp.name, f"{_('工程质量保修书')}　{project.name}",
                                                           lang, skip_first=False))
    return target
