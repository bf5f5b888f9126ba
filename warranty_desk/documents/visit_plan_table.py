"""回访计划表: the year's visit plan as a landscape table, with the 编制/审核/审批 sign-off."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer

from ..i18n import N_, _
from ..rules.visit_methods import method_name
from ..rules.visit_purposes import purpose_text
from ..services import annual_plan
from . import data
from .style import (
    M,
    P,
    atomic_pdf,
    doc_kwargs,
    fitted_widths,
    fmt_date,
    grid_table,
    numbered_canvas_class,
    para_text,
    plain_table,
    printed_in,
    text_width,
)

MARGIN = 14 * mm
COLUMNS = [(N_("序号"), 0.04), (N_("计划日期"), 0.09), (N_("工程编号"), 0.09), (N_("工程名称"), 0.15),
           (N_("回访类型"), 0.08), (N_("回访目的"), 0.24), (N_("方式"), 0.05), (N_("负责人"), 0.07),
           (N_("联系人 / 电话"), 0.12), (N_("状态"), 0.07)]


@printed_in
def build_visit_plan(year: int, path, lang: str = "zh_CN") -> Path:
    """Write the 回访计划表 of `year` to `path` (all or nothing), in `lang`."""
    rows = annual_plan.plan_rows(year)
    signed = annual_plan.approval(year)
    comp = data.company()
    pagesize = landscape(A4)
    width = text_width(pagesize[0], MARGIN)
    title = _("{year}年度工程回访计划表").format(year=year)

    table_rows = [[P(_(h), "head") for h, _w in COLUMNS]]
    for n, r in enumerate(rows, 1):
        date_text = fmt_date(r["date"])
        if r["original_date"]:
            date_text += "\n" + _("（原{date}）").format(date=fmt_date(r["original_date"]))
        table_rows.append([
            M(str(n), "cell_c"),
            P(date_text, "cell_c"),
            P(r["project_code"], "cell"),
            P(r["project_name"], "cell"),
            P(_(r["kind_name"]), "cell_c"),
            P("\n".join(purpose_text(p) for p in r["purposes"]), "cell"),
            P(method_name(r["method"]), "cell_c"),
            P(r["staff"] or _("未指派"), "cell_c"),
            P("\n".join(x for x in (r["contact"], r["phone"]) if x), "cell"),
            P(_(r["status_name"]), "cell_c"),
        ])
    if not rows:
        table_rows.append([M("—", "cell_c"), P(_("{year}年没有计划回访。").format(year=year), "cell")] + [""] * (len(COLUMNS) - 2))
        extra = [("SPAN", (1, 1), (-1, 1))]
    else:
        extra = []
    table = grid_table(table_rows, fitted_widths([_(h) for h, _w in COLUMNS], [f for _h, f in COLUMNS], width, flexible=5),
                       extra=extra)

    def sign_cell(step):
        name, on = annual_plan.signature(signed, step)
        return M(_("{step}：{name}　日期：{date}").format(
            step=_(annual_plan.STEP_NAMES[step]), name=para_text(name) or "__________",
            date=para_text(fmt_date(on)) or _("____年__月__日")), "body")

    signatures = plain_table([[sign_cell(s) for s in annual_plan.STEPS]], [width / 3] * 3,
                             [("TOPPADDING", (0, 0), (-1, -1), 10)])
    story = [
        M(para_text(title), "title"),
        P(_("{company}　　共{n}次回访").format(company=comp.name, n=len(rows)), "subtitle"),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 8 * mm),
        signatures,
    ]
    target = Path(path)
    with atomic_pdf(target) as tmp:
        doc = SimpleDocTemplate(tmp, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                                topMargin=18 * mm, bottomMargin=18 * mm, **doc_kwargs(title, comp.name))
        doc.build(story, canvasmaker=numbered_canvas_class(comp.name, title, skip_first=False))
    return target
