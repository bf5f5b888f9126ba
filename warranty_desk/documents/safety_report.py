"""工程质量安全隐患报告: the report of a structural-safety defect to the local construction authority
(《房屋建筑工程质量保修办法》第十条; RULES.md §4), filled with what is known — the project and its
parties, where and what, when it was reported, the safety measures taken — with boxes for what is
not known yet, and the signature block.

`build_safety_report(ticket, path, lang)`: `ticket` is a Ticket, its id or its number; the ticket
must be marked as a structural-safety defect (services/safety.py)."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from ..errors import ValidationError
from ..i18n import N_, _
from ..models import SafetyReport, WarrantyItem
from ..rules import categories as cat
from ..services.safety import SENT_HOW
from ..services.tickets import get_ticket
from . import data
from .forms import WIDTH, _build, _grid
from .style import M, P, fmt_date, fmt_datetime, para_text, plain_table, printed_in

TITLE = N_("工程质量安全隐患报告")  # the document's name in the PDF metadata and page header


@printed_in
def build_safety_report(ticket, path, lang: str = "zh_CN") -> Path:
    """The report of one marked ticket, written atomically to `path` (A4), in `lang`."""
    t = get_ticket(ticket)
    report = SafetyReport.get_or_none(SafetyReport.ticket == t)
    if report is None:
        raise ValidationError(_("工单 {n} 没有标记为结构安全隐患，请先标记再打印报告").format(n=t.number))
    proj = t.project
    comp = data.company()
    unit = t.unit if t.unit_id else None
    structure = WarrantyItem.get_or_none((WarrantyItem.project == proj) & (WarrantyItem.key == "foundation_structure"))
    category = cat.category_name(t.category)
    authority = report.authority or _("____________（当地建设行政主管部门）")
    client = proj.client.name if proj.client else ""
    where = "  ".join(x for x in (unit.label if unit else "", t.location) if x) or _("公共部位")
    intro = _("我单位承建的“{project}”于 {reported} 接到报修（工单 {number}），经初步判断涉及结构安全。"
              "根据《房屋建筑工程质量保修办法》第十条，现将有关情况报告如下，并已通知建设单位。").format(
        project=proj.name, reported=fmt_datetime(t.reported_at), number=t.number)
    project_pairs = [
        (_("工程名称"), proj.name, True),
        (_("工程编号"), proj.code), (_("工程类型"), f"{cat.project_type_name(proj.type)} {cat.scale_name(proj.scale)}"),
        (_("工程地址"), proj.address, True),
        (_("建设单位"), client), (_("联系人及电话"), "  ".join(x for x in (proj.contact, proj.phone) if x)),
        (_("设计单位"), proj.designer), (_("监理单位"), proj.supervisor),
        (_("竣工验收日期"), fmt_date(proj.accepted_on)), (_("交付日期"), fmt_date(proj.handed_over_on)),
        (_("设计使用年限"), cat.period_text(cat.YEARS, proj.design_life_years)),
        (_("结构保修期至"), fmt_date(structure.end_on) if structure else ""),
    ]
    defect_pairs = [
        (_("隐患部位"), where, True),
        (_("报修时间"), fmt_datetime(t.reported_at)), (_("报修人及电话"), f"{t.reporter}  {t.phone}".strip()),
        (_("报修类别"), category), (_("标记时间"), fmt_datetime(report.marked_at)),
        (_("报修内容"), t.description, 12 * mm),
        (_("隐患情况"), report.reason if report.reason != t.description else "", 16 * mm),
        (_("已采取的安全措施"), report.measures, 16 * mm),
        (_("初步原因分析"), "", 14 * mm),
        (_("下一步处理"), _("由原设计单位或具有相应资质等级的设计单位提出保修方案，我单位实施保修，"
                        "原工程质量监督机构监督；保修完成后报当地建设行政主管部门备案（第十一条）。"), True),
    ]
    if report.sent_at is not None:
        how = _(SENT_HOW[report.sent_how]) if report.sent_how in SENT_HOW else report.sent_how
        sent = "  ".join(x for x in (fmt_datetime(report.sent_at), how, report.sent_ref) if x)
        defect_pairs.append((_("报送情况"), sent, True))
    contact = "  ".join(x for x in (comp.clerk, comp.hotline) if x)
    story = [
        M(para_text(comp.name), "subtitle"), M(para_text(_("工程质量安全隐患报告")), "title"),
        plain_table([[M(para_text(_("报送：{authority}").format(authority=authority)), "body"),
                      M(para_text(_("编号：{n}").format(n=t.number)), "right")]], [WIDTH * 0.7, WIDTH * 0.3]),
        Spacer(1, 2 * mm),
        P(intro, "indent"),
        Spacer(1, 2 * mm),
        M(para_text(_("一、工程概况")), "h2"),
        _grid(project_pairs),
        M(para_text(_("二、隐患情况")), "h2"),
        _grid(defect_pairs),
        Spacer(1, 2 * mm),
        P(_("报告单位：{company}  联系人及电话：{contact}").format(company=comp.name, contact=contact or "__________"),
          "body"),
        _signature_block(),
    ]
    return _build(path, story, _(TITLE), comp)


def _signature_block():
    labels = (_("报告单位（盖章）"), _("单位负责人签字"), _("建设单位签收"))
    width = WIDTH / len(labels)
    cells = [[M(para_text(_("{label}：").format(label=label)), "body") for label in labels],
             [M(para_text(_("日期：____年____月____日")), "small") for _label in labels]]
    return KeepTogether([Spacer(1, 4 * mm), plain_table(cells, [width] * len(labels),
                                                        [("BOTTOMPADDING", (0, 0), (-1, 0), 10 * mm)])])
