"""用户手册 / 住宅使用说明书 (per project, or per unit): cover, contents with page numbers, chapters.

Chapter texts: resources/texts/<lang>/manual/*.md, one file per chapter in file-name order.
Directives the chapters may use: @parties, @materials, @items, @sla, @contacts."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)
from reportlab.platypus.tableofcontents import TableOfContents

from ..i18n import _
from ..rules import categories as cat
from ..rules import sla as sla_rules
from ..services.projects import find_project
from . import data, texts
from .certificate import items_table
from .style import (
    ACCENT,
    BLANK,
    M,
    P,
    atomic_pdf,
    doc_kwargs,
    fit_paragraph,
    fitted_widths,
    fmt_date,
    grid_table,
    label_width,
    numbered_canvas_class,
    printed_in,
    styles,
    text_width,
)

MARGIN = 20 * mm


class _ManualDoc(BaseDocTemplate):
    def __init__(self, filename, **kw):
        super().__init__(filename, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=22 * mm,
                         bottomMargin=20 * mm, **kw)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="cover", frames=[frame]),
                               PageTemplate(id="body", frames=[frame])])
        self._toc_seq = 0

    def afterFlowable(self, flowable):  # noqa: N802 - reportlab API
        level = getattr(flowable, "_toc_level", None)
        if level is None:
            return
        markup = flowable._toc_markup
        key = f"toc{self._toc_seq}"
        self._toc_seq += 1
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(texts.plain(markup), key, level=level, closed=level > 0)
        self.notify("TOCEntry", (level, markup, self.page, key))

    def handle_documentBegin(self):  # noqa: N802 - reportlab API
        self._toc_seq = 0
        super().handle_documentBegin()


def _mark(flowable, level, markup):
    flowable._toc_level = level
    flowable._toc_markup = markup


def _kv_table(pairs, width):
    rows = [[M(label, "cell"), P(value if value else "—", "cell")] for label, value in pairs]
    label_w = label_width([label for label, _v in pairs], "cell", 32 * mm, width * 0.4)
    return grid_table(rows, [label_w, width - label_w], header_rows=0, zebra=False,
                      extra=[("BACKGROUND", (0, 0), (0, -1), styles_bg())])


def styles_bg():
    from .style import HEAD_BG

    return HEAD_BG


def _parties(project, comp, width):
    return [_kv_table([
        (_("工程名称"), project.name),
        (_("工程地址"), project.address),
        (_("建设单位（开发单位）"), project.developer or (project.client.name if project.client else "")),
        (_("设计单位"), project.designer),
        (_("施工单位"), comp.name),
        (_("监理单位"), project.supervisor),
        (_("竣工验收日期"), fmt_date(project.accepted_on)),
        (_("交付日期"), fmt_date(project.handed_over_on)),
        (_("设计使用年限"), cat.period_text(cat.YEARS, project.design_life_years)),
    ], width)]


def _facts(project, unit, width):
    """结构类型, 抗震设防烈度, 配电负荷, 燃气, 通讯, 消防, 外墙保温, 物业 — and the unit's 户型 and
    面积 when printed for one unit. Structure and seismic intensity always show (a line to fill
    in when not known); the others only when known."""
    pairs = []
    if unit is not None:
        pairs.append((_("房号"), unit.label))
        if unit.layout:
            pairs.append((_("户型"), unit.layout))
        if unit.area is not None:
            pairs.append((_("建筑面积"), _("{area}平方米").format(area=f"{unit.area:g}")))
    pairs += [(_("结构类型"), project.structure_type or BLANK), (_("抗震设防烈度"), project.seismic_intensity or BLANK),
              (_("设计使用年限"), cat.period_text(cat.YEARS, project.design_life_years))]
    optional = [(_("配电负荷"), project.power_load), (_("燃气"), project.gas_supply), (_("通讯"), project.telecom),
                (_("消防设施"), project.fire_safety), (_("外墙保温"), project.insulation),
                (_("物业管理单位"), " ".join(x for x in (project.property_company, project.property_phone) if x))]
    pairs += [(label, value) for label, value in optional if value]
    return [_kv_table(pairs, width)]


def _materials(project, width):
    lines = [line.strip() for line in (project.materials or "").splitlines() if line.strip()]
    if not lines:
        return [P(_("本工程未登记主要材料和设备清单；如需了解，请向建设单位或施工单位索取。"), "body")]
    rows = [[P(_("序号"), "head"), P(_("材料 / 设备（品种、规格、标准）"), "head")]]
    for n, line in enumerate(lines, 1):
        rows.append([M(str(n), "cell_c"), P(line, "cell")])
    return [grid_table(rows, [14 * mm, width - 14 * mm])]


def _sla(width):
    rules = data.sla()
    from .style import hours_text

    head = (_("报修类别"), _("响应"), _("到达现场"), _("修复"))
    rows = [[P(h, "head") for h in head]]
    for urgency, label in ((sla_rules.URGENT, _("紧急报修（漏水、停电、停暖、危及安全）")),
                           (sla_rules.NORMAL, _("一般报修"))):
        hours = rules.get(urgency, {})
        rows.append([P(label, "cell")] + [P(_("{time}内").format(time=hours_text(hours[k]))
                                            if hours.get(k) else "—", "cell_c")
                                          for k in ("respond_hours", "onsite_hours", "complete_hours")])
    return [grid_table(rows, fitted_widths(head, (0.46, 0.18, 0.18, 0.18), width))]


def _contacts(project, comp, width):
    pairs = [
        (_("报修电话"), comp.hotline),
        (_("施工单位"), comp.name),
        (_("施工单位地址"), comp.address),
        (_("项目经理"), project.manager),
        (_("建设单位联系人"), " ".join(x for x in (project.contact, project.phone) if x)),
        *([(_("物业管理单位"), " ".join(x for x in (project.property_company, project.property_phone) if x))]
          if project.property_company or project.property_phone else []),
        (_("火警 / 急救 / 报警"), "119 / 120 / 110"),
    ]
    return [_kv_table(pairs, width)]


def _cover(project, comp, unit):
    st = styles()
    is_home = cat.is_residential(project.type)
    title = _("住宅使用说明书") if is_home else _("工程使用维护手册")
    story = [Spacer(1, 40 * mm), M(title, st["title"]), P(_("（用户手册）"), "subtitle"), Spacer(1, 20 * mm)]
    width = A4[0] - 2 * MARGIN - 40 * mm
    name = fit_paragraph(project.name, st["h1"].clone("cover_name", alignment=1, textColor=ACCENT, spaceBefore=0),
                         width, 40 * mm)
    story += [name, Spacer(1, 10 * mm)]
    pairs = [(_("工程编号"), project.code)]
    if unit is not None:
        pairs += [(_("房　　号"), unit.label), (_("业　　主"), unit.owner_name)]
    pairs += [(_("交付日期"), fmt_date((unit.handed_over_on if unit is not None else None) or project.handed_over_on,
                                    BLANK))]
    rows = [[M(label, "right"), P(value or BLANK, "left")] for label, value in pairs]
    from .style import plain_table

    label_w = label_width([label for label, _v in pairs], "right", 40 * mm, width / 2)
    story.append(plain_table(rows, [label_w, width - label_w], [("LEFTPADDING", (1, 0), (1, -1), 6 * mm),
                                                                ("BOTTOMPADDING", (0, 0), (-1, -1), 6)],
                             hAlign="CENTER"))
    story += [Spacer(1, 60 * mm), P(comp.name, "center"), P(_("编制"), "center")]
    return story


@printed_in
def build_manual(project, path, lang: str = "zh_CN", unit=None) -> Path:
    """Write the 用户手册 of `project` (instance, id or code), for one `unit` (a Unit) if given, in `lang`."""
    project = find_project(project)
    comp = data.company()
    values = data.project_values(project)
    width = text_width(A4[0], MARGIN)
    directives = {
        "parties": lambda *a: _parties(project, comp, width),
        "materials": lambda *a: _materials(project, width),
        "items": lambda *a: [items_table(project, width)],
        "sla": lambda *a: _sla(width),
        "contacts": lambda *a: _contacts(project, comp, width),
        "facts": lambda *a: _facts(project, unit, width),
    }
    facts = data.project_facts(project, unit)
    numbering: dict = {}
    story = _cover(project, comp, unit)
    story += [NextPageTemplate("body"), PageBreak(), P(_("目　录"), "title"), Spacer(1, 6 * mm)]
    toc = TableOfContents()
    toc.levelStyles = [styles()["toc1"], styles()["toc2"]]
    toc.dotsMinLevel = 0
    story += [toc, PageBreak()]
    chapters = texts.load("manual")
    for n, chapter in enumerate(chapters):
        story.extend(texts.render(chapter.blocks, values, directives, bookmark=_mark, width=width, facts=facts,
                                  numbering=numbering))
        if n < len(chapters) - 1:
            story.append(Spacer(1, 6 * mm))

    title = _("住宅使用说明书") if cat.is_residential(project.type) else _("工程使用维护手册")
    if unit is not None:
        doc_title = _("{title}　{name}　{unit}").format(title=title, name=project.name, unit=unit.label)
    else:
        doc_title = _("{title}　{name}").format(title=title, name=project.name)
    target = Path(path)
    with atomic_pdf(target) as tmp:
        doc = _ManualDoc(tmp, **doc_kwargs(doc_title, comp.name))
        doc.multiBuild(story, canvasmaker=numbered_canvas_class(comp.name, doc_title, skip_first=True))
    return target
