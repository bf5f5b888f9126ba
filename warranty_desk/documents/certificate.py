"""工程质量保修书 (per project), after the attachment of GF-2017-0201.

Clause texts: resources/texts/<lang>/certificate/*.md; the parties, the period table and the
signature blocks are made here from the project's data."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer

from ..i18n import _
from ..services.projects import find_project
from . import data, texts
from .style import (
    BLANK,
    LINE,
    M,
    P,
    RuledLines,
    atomic_pdf,
    doc_kwargs,
    fitted_widths,
    fmt_date,
    grid_table,
    label_width,
    numbered_canvas_class,
    plain_table,
    printed_in,
    text_width,
)

MARGIN = 20 * mm


def _parties(project, comp):
    client = project.client.name if project.client_id else ""
    labels = (_("发包人（全称）："), _("承包人（全称）："))
    rows = [
        [P(labels[0], "body"), P(client or BLANK, "body")],
        [P(labels[1], "body"), P(comp.name or BLANK, "body")],
    ]
    table = plain_table(rows, [label_width(labels, "body", 32 * mm), None], [("BOTTOMPADDING", (0, 0), (-1, -1), 4)])
    return [table, Spacer(1, 4)]


def items_table(project, width: float):
    """保修项目 | 国家规定最低保修期 | 约定保修期 | 起算日 | 保修期至; a housing estate also gets the
    model text's row for its infrastructure (配套工程) when the project has no such item."""
    items = data.items_of(project)
    labels = (_("序号"), _("保修项目"), _("国家规定最低保修期"), _("约定保修期"), _("起算日"), _("保修期至"))
    head = [P(h, "head") for h in labels]
    rows = [head]
    for n, item in enumerate(items, 1):
        rows.append([
            M(str(n), "cell_c"),
            P(data.item_name(item), "cell"),
            P(data.item_minimum_text(item, project), "cell"),
            P(data.item_agreed_text(item), "cell_c"),
            P(fmt_date(item.start_on), "cell_c"),
            P(fmt_date(item.end_on), "cell_c"),
        ])
    if items and "residential" in data.project_facts(project) and not any("配套" in i.name for i in items):  # i18n: data
        rows.append([M(str(len(items) + 1), "cell_c"), P(_(data.RESIDENTIAL_ESTATE_WORKS), "cell"),
                     P(_("由双方约定"), "cell"), P(_("____年"), "cell_c"), P(fmt_date(project.accepted_on), "cell_c"),
                     P("", "cell_c")])
    if not items:
        rows.append([M("—", "cell_c"), P(_("本工程尚未办理竣工验收交付，保修项目和保修期待交付时确定。"), "cell"),
                     "", "", "", ""])
        extra = [("SPAN", (1, 1), (-1, 1))]
    else:
        extra = []
    fractions = [0.06, 0.29, 0.19, 0.12, 0.17, 0.17]
    return grid_table(rows, fitted_widths(labels, fractions, width, flexible=1), extra=extra)


def _notes(project, width):
    """§六: what the parties agreed, or ruled lines to write it in by hand."""
    if project.notes.strip():
        return [P(project.notes, "indent")]
    return [RuledLines(3, width)]


def _signatures(project, comp, width):
    """The two parties' blocks of GF-2017-0201: seal, address, the two signatures (with room to
    sign), phone, fax, bank, account, postcode; values printed where known, lines to fill where not."""
    client = project.client if project.client_id else None
    col_w = (width - 8 * mm) / 2
    labels = (_("地址："), _("法定代表人（签字）："), _("委托代理人（签字）："), _("电话："), _("传真："), _("开户银行："),
              _("账号："), _("邮政编码："), _("日期："))
    # as wide as the longest label (a label on two lines would not fit its row), at most half the block
    label_w = label_width(labels, "small", 33 * mm, col_w / 2)

    def block(role, name, fields):
        rows = [[P(role, "body"), ""], [P(name or "", "body"), ""]]
        heights = [None, 22 * mm]  # the seal goes over the name
        for label, value, height in fields:
            rows.append([P(label, "small"), P(value or "", "small")])
            heights.append(height)
        style = [("SPAN", (0, 0), (1, 0)), ("SPAN", (0, 1), (1, 1)), ("VALIGN", (0, 1), (-1, 1), "TOP"),
                 ("VALIGN", (0, 2), (-1, -1), "BOTTOM"), ("LINEBELOW", (1, 2), (1, -1), 0.4, LINE),
                 ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
        return plain_table(rows, [label_w, col_w - label_w], style, rowHeights=heights)

    sign = 11 * mm  # room for a handwritten signature
    line = 7 * mm
    left = block(_("发包人（公章）："), client.name if client else "", [
        (_("地址："), client.address if client else "", line),
        (_("法定代表人（签字）："), "", sign),
        (_("委托代理人（签字）："), "", sign),
        (_("电话："), project.phone or (client.phone if client else ""), line),
        (_("传真："), "", line),
        (_("开户银行："), "", line),
        (_("账号："), "", line),
        (_("邮政编码："), "", line),
        (_("日期："), "", line),
    ])
    right = block(_("承包人（公章）："), comp.name, [
        (_("地址："), comp.address, line),
        (_("法定代表人（签字）："), "", sign),
        (_("委托代理人（签字）："), "", sign),
        (_("电话："), comp.hotline, line),
        (_("传真："), comp.fax, line),
        (_("开户银行："), comp.bank, line),
        (_("账号："), comp.account, line),
        (_("邮政编码："), comp.postcode, line),
        (_("日期："), "", line),
    ])
    table = plain_table([[left, "", right]], [col_w, 8 * mm, col_w])
    return [Spacer(1, 6 * mm), _SignatureBlock(table)]


class _SignatureBlock(KeepTogether):
    """The signatures; `build_certificate` keeps them on one page with §六's text."""


def _keep_signatures_with_their_clause(story: list) -> list:
    """The signature block never stands alone on a page: it goes with the section it closes
    (from that section's heading), or at least with the paragraph before it."""
    for i, flowable in enumerate(story):
        if isinstance(flowable, _SignatureBlock):
            start = i - 1
            while start > 0 and not getattr(story[start], "_wd_heading", False):
                start -= 1
            if not getattr(story[start], "_wd_heading", False):
                start = max(0, i - 2)
            return story[:start] + [KeepTogether(story[start:i] + list(flowable._content))] + story[i + 1:]
    return story


@printed_in
def build_certificate(project, path, lang: str = "zh_CN") -> Path:
    """Write the 工程质量保修书 of `project` (instance, id or code) to `path`, in `lang`."""
    project = find_project(project)
    comp = data.company()
    values = data.project_values(project)
    if not values["defect_months"]:
        values["defect_months"] = texts.Markup("______")
    width = text_width(A4[0], MARGIN)

    directives = {
        "parties": lambda *a: _parties(project, comp),
        "items": lambda *a: [items_table(project, width)],
        "signatures": lambda *a: _signatures(project, comp, width),
        "notes": lambda *a: _notes(project, width),
    }
    facts = data.project_facts(project)
    story = [
        Spacer(1, 4 * mm),
        P(_("工程质量保修书"), "title"),
        P(_("工程编号：{code}").format(code=project.code), "subtitle"),
        Spacer(1, 6 * mm),
    ]
    for text_file in texts.load("certificate"):
        story.extend(texts.render(text_file.blocks, values, directives, facts=facts, width=width))
    story = _keep_signatures_with_their_clause(story)

    target = Path(path)
    with atomic_pdf(target) as tmp:
        doc = SimpleDocTemplate(tmp, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                                topMargin=22 * mm, bottomMargin=20 * mm,
                                **doc_kwargs(_("工程质量保修书 {code}").format(code=project.code), comp.name))
        doc.build(story, canvasmaker=numbered_canvas_class(
            comp.name, _("工程质量保修书　{name}").format(name=project.name), skip_first=False))
    return target
