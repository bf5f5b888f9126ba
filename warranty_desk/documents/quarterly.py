"""季度回访报告 (`report quarterly 2026Q3`): cover, summary, charts, per-project tables, problems
found and actions taken, deposits due. Figures come from quarterly_figures (read-only)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, SimpleDocTemplate, Spacer

from warranty_desk.i18n import _, gettext_for

from . import data, texts
from . import quarterly_figures as qf
from .style import (
    ACCENT,
    FONT,
    M,
    P,
    atomic_pdf,
    doc_kwargs,
    fmt_date,
    grid_table,
    money_text,
    numbered_canvas_class,
    plain_table,
    styles,
)

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
SERIES = [colors.HexColor("#9db4cf"), ACCENT, colors.HexColor("#e0a030"), colors.HexColor("#c0504d")]
GRADE_COLOURS = ["#2e7d32", "#7cb342", "#fbc02d", "#f57c00", "#c62828"]


def _pct(part, whole) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def _num(value, digits=1, unit="") -> str:
    return "—" if value is None else f"{value:.{digits}f}{unit}"


def _caption(drawing: Drawing, text: str) -> None:
    drawing.add(String(drawing.width / 2, drawing.height - 12, text, fontName=FONT, fontSize=10,
                       textAnchor="middle", fillColor=ACCENT))


def _style_axes(chart) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = True
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabelFormat = "%d"


def _step(max_value: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500):
        if max_value / step <= 6:
            return step
    return 1000


def visits_chart(f: qf.VisitFigures, width=WIDTH / 2 - 4 * mm, height=62 * mm) -> Drawing:
    d = Drawing(width, height)
    _caption(d, _("各月回访：计划与完成"))
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 30
    chart.width, chart.height = width - 40, height - 62
    chart.data = [[p for _x, p, _x in f.by_month], [done for _x, _x, done in f.by_month]]
    chart.categoryAxis.categoryNames = [m for m, _x, _x in f.by_month]
    _style_axes(chart)
    top = max([1] + chart.data[0] + chart.data[1])
    chart.valueAxis.valueMax = top + _step(top)
    chart.valueAxis.valueStep = _step(top)
    for i, colour in enumerate(SERIES[:2]):
        chart.bars[i].fillColor = colour
        chart.bars[i].strokeColor = None
    d.add(chart)
    legend = Legend()
    legend.fontName = FONT
    legend.fontSize = 8
    legend.x, legend.y = width / 2 - 40, 10
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx = legend.dy = 7
    legend.colorNamePairs = [(SERIES[0], _("计划")), (SERIES[1], _("完成"))]
    d.add(legend)
    return d


def grades_chart(s: qf.SatisfactionFigures, width=WIDTH / 2 - 4 * mm, height=62 * mm) -> Drawing:
    d = Drawing(width, height)
    _caption(d, _("满意度等级分布（次）"))
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 22
    chart.width, chart.height = width - 40, height - 48
    counts = [s.grades.get(name, 0) for name in qf.GRADE_NAMES]
    chart.data = [counts]
    chart.categoryAxis.categoryNames = qf.GRADE_NAMES
    _style_axes(chart)
    top = max([1] + counts)
    chart.valueAxis.valueMax = top + _step(top)
    chart.valueAxis.valueStep = _step(top)
    chart.bars[0].strokeColor = None
    for i, colour in enumerate(GRADE_COLOURS):
        chart.bars[(0, i)].fillColor = colors.HexColor(colour)
    d.add(chart)
    return d


def categories_chart(t: qf.TicketFigures, width=WIDTH, top_n: int = 8) -> Drawing:
    rows = t.by_category[:top_n]
    height = 30 + 16 * max(1, len(rows)) + 20
    d = Drawing(width, height)
    _caption(d, _("报修问题类别（件）"))
    chart = HorizontalBarChart()
    chart.x, chart.y = 200, 14
    chart.width, chart.height = width - 230, height - 44
    # reportlab draws the first category at the bottom; reverse so the largest is on top
    chart.data = [[n for _x, _x, n in reversed(rows)]]
    chart.categoryAxis.categoryNames = [name for _x, name, _x in reversed(rows)]
    _style_axes(chart)
    top = max([1] + chart.data[0])
    chart.valueAxis.valueMax = top + _step(top)
    chart.valueAxis.valueStep = _step(top)
    chart.bars[0].fillColor = SERIES[2]
    chart.bars[0].strokeColor = None
    d.add(chart)
    return d


def _cover(f: qf.QuarterFigures, comp, today, lang):
    _ = gettext_for(lang)
    st = styles()
    q = f.quarter
    return [
        Spacer(1, 50 * mm),
        M(_("季度回访报告"), st["title"]),
        P(q.label, "subtitle"),
        Spacer(1, 4 * mm),
        P(_("统计期间：{start} 至 {end}").format(start=fmt_date(q.start, lang), end=fmt_date(q.end, lang)), "center"),
        Spacer(1, 80 * mm),
        P(comp.name, "center"),
        P(_('质量部 编制\u3000{today}').format(today=fmt_date(today, lang)), "center"),
        PageBreak(),
    ]


def _summary(f: qf.QuarterFigures):
    v, s, t = f.visits, f.satisfaction, f.tickets
    rows = [
        [M(_("回访"), "head"), M(_("数量"), "head"), M(_("维修工单"), "head"), M(_("数量"), "head")],
        [M(_("计划回访（次）"), "cell"), M(str(v.planned), "cell_r"), M(_("本季受理（件）"), "cell"), M(str(t.received), "cell_r")],
        [M(_("已完成（次）"), "cell"), M(f"{v.done}（{_pct(v.done, v.planned)}）", "cell_r"),
         M(_("其中紧急（件）"), "cell"), M(str(t.emergency), "cell_r")],
        [M(_("按期完成（次）"), "cell"), M(f"{v.on_time}（{_pct(v.on_time, v.judged)}）", "cell_r"),
         M(_("本季关闭（件）"), "cell"), M(str(t.closed), "cell_r")],
        [M(_("未完成 / 错过（次）"), "cell"), M(str(v.missed), "cell_r"),
         M(_("在时限内修复（件）"), "cell"), M(f"{t.within_sla}/{t.completed}（{_pct(t.within_sla, t.completed)}）", "cell_r")],
        [M(_("未联系上（次）"), "cell"), M(str(v.unreachable), "cell_r"),
         M(_("平均响应时间"), "cell"), M(_num(t.avg_response_hours, 1, _(" 小时")), "cell_r")],
        [M(_("逾期未回访 / 待回访（次）"), "cell"), M(f"{v.overdue} / {v.pending}", "cell_r"),
         M(_("平均修复时间"), "cell"), M(_num(t.avg_repair_days, 1, _(" 天")), "cell_r")],
        [M(_("满意度平均分"), "cell"), M(_num(s.average, 1, _(" 分")), "cell_r"),
         M(_("季末未关闭（件）"), "cell"), M(str(t.open_at_end), "cell_r")],
    ]
    grades = "，".join(f"{name} {n}" for name, n in s.grades.items())
    top = "、".join(_("{name}（{n}件）").format(name=name, n=n) for _x, name, n in t.by_category[:3]) or _("无")
    w = WIDTH
    story = [M(_("一、本季概况"), "h1"),
             grid_table(rows, [w * 0.30, w * 0.20, w * 0.30, w * 0.20], zebra=False), Spacer(1, 3 * mm),
             P(_("满意度等级（{count}次有评分的回访）：{grades}。报修最多的问题：{top}。缺陷责任期已届满、待返还的质量保证金：{n}笔（{value}）。").format(count=s.count, grades=grades, top=top, n=len(f.deposits), value=money_text(sum(d.amount for d in f.deposits)) if f.deposits else _("无")), "indent")]
    return story


def _charts(f: qf.QuarterFigures):
    row = plain_table([[visits_chart(f.visits), grades_chart(f.satisfaction)]], [WIDTH / 2, WIDTH / 2])
    story = [M(_("二、图表"), "h1"), row, Spacer(1, 4 * mm)]
    if f.tickets.by_category:
        story.append(categories_chart(f.tickets))
    else:
        story.append(P(_("本季没有受理维修工单。"), "indent"))
    return story


def _projects(f: qf.QuarterFigures):
    head = [_("工程"), _("计划回访"), _("完成"), _("按期"), _("错过"), _("满意度"), _("受理工单"), _("关闭"), _("时限内修复")]
    rows = [[M(h, "head") for h in head]]
    for r in f.projects:
        rows.append([
            P(f"{r.code}　{r.name}", "cell"), M(str(r.visits_planned), "cell_r"), M(str(r.visits_done), "cell_r"),
            M(str(r.visits_on_time), "cell_r"), M(str(r.visits_missed), "cell_r"),
            M(_num(r.satisfaction, 1), "cell_r"), M(str(r.tickets_received), "cell_r"),
            M(str(r.tickets_closed), "cell_r"), M(str(r.tickets_within_sla), "cell_r"),
        ])
    fr = [0.28, 0.09, 0.08, 0.08, 0.08, 0.09, 0.10, 0.08, 0.12]
    story = [CondPageBreak(40 * mm), M(_("三、分项目统计"), "h1")]
    if not f.projects:
        story.append(P(_("本季没有工程安排回访或受理报修。"), "indent"))
    else:
        story.append(grid_table(rows, [WIDTH * x for x in fr]))
    return story


def _findings(f: qf.QuarterFigures, lang):
    _ = gettext_for(lang)
    story = [CondPageBreak(40 * mm), M(_("四、回访发现的问题及处理"), "h1")]
    if not f.findings:
        story.append(P(_("本季回访未发现需要处理的问题。"), "indent"))
        return story
    rows = [[M(h, "head") for h in (_("日期"), _("工程"), _("发现的问题"), _("处理情况"))]]
    for item in f.findings:
        rows.append([P(fmt_date(item.on, lang), "cell_c"), P(f"{item.project_code}　{item.project_name}", "cell"),
                     P(item.description, "cell"), P(item.action, "cell")])
    story.append(grid_table(rows, [WIDTH * x for x in (0.15, 0.25, 0.35, 0.25)]))
    return story


def _status(d, _) -> str:
    if not d.overdue:
        return _("本季到期")
    # applied for and still not returned: the owner is late, not us
    return _("已申请，返还已逾期，请催告") if d.applied_on else _("已逾期，请尽快申请返还")


def _deposits(f: qf.QuarterFigures, lang):
    _ = gettext_for(lang)
    story = [CondPageBreak(40 * mm), M(_("五、到期的质量保证金"), "h1")]
    if not f.deposits:
        story.append(P(_("本季没有缺陷责任期届满、待返还的质量保证金。"), "indent"))
        return story
    rows = [[M(h, "head") for h in (_("工程"), _("金额"), _("缺陷责任期届满"), _("申请返还"), _("状态"))]]
    for d in f.deposits:
        rows.append([P(f"{d.project_code}　{d.project_name}", "cell"), P(money_text(d.amount), "cell_r"),
                     P(fmt_date(d.ends_on, lang), "cell_c"), P(fmt_date(d.applied_on, lang, _("未申请")), "cell_c"),
                     P(_status(d, _), "cell")])
    story.append(grid_table(rows, [WIDTH * x for x in (0.34, 0.16, 0.18, 0.14, 0.18)]))
    return story


def _empty(f: qf.QuarterFigures, lang):
    _ = gettext_for(lang)
    q = f.quarter
    return [M(_("本季概况"), "h1"),
            P(_("{label}（{start}至{end}）没有计划或完成的回访，没有受理或关闭的维修工单，也没有到期的质量保证金，因此本报告没有统计数字和图表。").format(label=q.label, start=fmt_date(q.start, lang), end=fmt_date(q.end, lang)), "indent"),
            P(_("如果这与实际情况不符，请检查回访记录和维修工单是否已录入保修台。"), "indent")]


def build_quarterly_report(quarter, path, lang: str = "zh_CN", today: dt.date | None = None,
                           project_ids=None) -> Path:
    """Write the 季度回访报告 of `quarter` ('2026Q3' or a Quarter) to `path`."""
    lang = texts.effective_lang(lang, "certificate")
    _ = gettext_for(lang)
    today = today or dt.date.today()
    figures = qf.compute(quarter, today=today, project_ids=project_ids)
    comp = data.company()
    story = _cover(figures, comp, today, lang)
    if figures.empty:
        story += _empty(figures, lang)
    else:
        story += _summary(figures)
        story += _charts(figures)
        story += _projects(figures)
        story += _findings(figures, lang)
        story += _deposits(figures, lang)
    story += [Spacer(1, 10 * mm), KeepTogether([
        plain_table([[M(_("编制："), "body"), M(_("审核："), "body"), M(_("批准："), "body")]], [WIDTH / 3] * 3),
    ])]
    title = _('季度回访报告\u3000{label}').format(label=figures.quarter.label)
    target = Path(path)
    with atomic_pdf(target) as tmp:
        doc = SimpleDocTemplate(tmp, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=22 * mm,
                                bottomMargin=20 * mm, **doc_kwargs(title, comp.name))
        doc.build(story, canvasmaker=numbered_canvas_class(comp.name, title, lang, skip_first=True))
    return target


