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
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, SimpleDocTemplate, Spacer

from warranty_desk.i18n import _, join_list

from ..rules.satisfaction import DISSATISFIED, LESS_SATISFIED, grade_name
from ..services import settings
from . import data, texts
from . import quarterly_figures as qf
from .long_table import LongTable
from .style import (
    ACCENT,
    BLANK,
    FONT,
    HEAD_BG,
    INK,
    CJKParagraph,
    M,
    P,
    RuledLines,
    atomic_pdf,
    doc_kwargs,
    fitted_widths,
    fmt_date,
    grid_table,
    money_text,
    numbered_canvas_class,
    para_text,
    plain_table,
    printed_in,
    styles,
    text_width,
)

MARGIN = 18 * mm
WIDTH = text_width(A4[0], MARGIN)
SERIES = [colors.HexColor("#9db4cf"), ACCENT, colors.HexColor("#e0a030"), colors.HexColor("#c0504d")]
GRADE_COLOURS = ["#2e7d32", "#7cb342", "#fbc02d", "#f57c00", "#c62828"]


def _pct(part, whole) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def _share(count, share: str) -> str:
    """12（80%）: a count with its share."""
    return _("{count}（{share}）").format(count=count, share=share)


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
    chart.barLabels.fillColor = INK
    # the value sits just beyond the end of its bar (never half over a dark bar)
    chart.barLabels.nudge = 6
    chart.barLabels.boxAnchor = "w" if isinstance(chart, HorizontalBarChart) else "s"
    chart.barLabels.dy = 0
    chart.barLabelFormat = "%d"


def _category_labels(chart, names: list[str], size: float = 8, least: float = 6) -> None:
    """A bar chart's category names under their bars: a name wider than its bar goes onto lines at
    its spaces (Not very / satisfied), then the font gets smaller (to `least`), so that names never
    run into each other."""
    room = chart.width / max(1, len(names)) - 3
    words = [name.split(" ") for name in names]
    while True:
        lines = [_wrap_words(w, room, size) for w in words]
        widest = max((stringWidth(line, FONT, size) for group in lines for line in group), default=0)
        if widest <= room or size <= least:
            break
        size -= 0.5
    chart.categoryAxis.categoryNames = ["\n".join(group) for group in lines]
    chart.categoryAxis.labels.fontSize = size
    chart.categoryAxis.labels.leading = size * 1.15


def _wrap_words(words: list[str], room: float, size: float) -> list[str]:
    lines: list[str] = []
    for word in words:
        if lines and stringWidth(f"{lines[-1]} {word}", FONT, size) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


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
    chart.data = [[p for _m, p, _d in f.by_month], [done for _m, _p, done in f.by_month]]
    _style_axes(chart)
    _category_labels(chart, [m for m, _p, _d in f.by_month])
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
    _style_axes(chart)
    _category_labels(chart, [grade_name(name) for name in qf.GRADE_NAMES])
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
    chart.data = [[n for _k, _name, n in reversed(rows)]]
    chart.categoryAxis.categoryNames = [name for _k, name, _n in reversed(rows)]
    _style_axes(chart)
    top = max([1] + chart.data[0])
    chart.valueAxis.valueMax = top + _step(top)
    chart.valueAxis.valueStep = _step(top)
    chart.bars[0].fillColor = SERIES[2]
    chart.bars[0].strokeColor = None
    d.add(chart)
    return d


def _cover(f: qf.QuarterFigures, comp, today):
    st = styles()
    q = f.quarter
    return [
        Spacer(1, 50 * mm),
        M(_("季度回访报告"), st["title"]),
        P(q.label, "subtitle"),
        Spacer(1, 4 * mm),
        P(_("统计期间：{start} 至 {end}").format(start=fmt_date(q.start), end=fmt_date(q.end)), "center"),
        *([P(_("（本季度尚未结束，数字截至{today}）").format(today=fmt_date(today)), "center")]
          if f.unfinished else []),
        Spacer(1, 80 * mm),
        P(comp.name, "center"),
        P(_('质量部 编制\u3000{today}').format(today=fmt_date(today)), "center"),
        PageBreak(),
    ]


def _summary(f: qf.QuarterFigures):
    v, s, t = f.visits, f.satisfaction, f.tickets
    rows = [
        [M(_("回访"), "head"), M(_("数量"), "head"), M(_("维修工单"), "head"), M(_("数量"), "head")],
        [M(_("计划回访（次）"), "cell"), M(str(v.planned), "cell_r"), M(_("本季受理（件）"), "cell"), M(str(t.received), "cell_r")],
        [M(_("已完成（次，占计划）"), "cell"), M(_share(v.done, _pct(v.done, v.planned)), "cell_r"),
         M(_("其中紧急（件）"), "cell"), M(str(t.emergency), "cell_r")],
        [M(_("按期完成（次，占应完成*）"), "cell"), M(_share(v.on_time, _pct(v.on_time, v.judged)), "cell_r"),
         M(_("本季关闭（件）"), "cell"), M(str(t.closed), "cell_r")],
        [M(_("未完成 / 错过（次）"), "cell"), M(str(v.missed), "cell_r"),
         M(_("在时限内修复（件，占已修复**）"), "cell"),
         M(_share(f"{t.within_sla}/{t.completed}", _pct(t.within_sla, t.completed)), "cell_r")],
        [M(_("未联系上（次）"), "cell"), M(str(v.unreachable), "cell_r"),
         M(_("平均响应时间"), "cell"), M(_num(t.avg_response_hours, 1, _(" 小时")), "cell_r")],
        [M(_("逾期未回访 / 待回访（次）"), "cell"), M(f"{v.overdue} / {v.pending}", "cell_r"),
         M(_("平均修复时间"), "cell"), M(_num(t.avg_repair_days, 1, _(" 天")), "cell_r")],
        [M(_("满意度平均分"), "cell"), M(_num(s.average, 1, _(" 分")), "cell_r"),
         M(_("季末未关闭（件）"), "cell"), M(str(t.open_at_end), "cell_r")],
    ]
    grades = join_list((f"{grade_name(name)} {n}" for name, n in s.grades.items()), _("，"))
    top = join_list(_("{name}（{n}件）").format(name=name, n=n) for _x, name, n in t.by_category[:3]) or _("无")
    w = WIDTH
    story = [_heading(_("本季概况"))]
    if f.unfinished:
        story.append(P(_("本季度尚未结束：以下数字截至{today}，待回访和未关闭的工单还会变化。").format(
            today=fmt_date(f.today)), "note"))
    story += [grid_table(rows, [w * 0.30, w * 0.20, w * 0.30, w * 0.20], zebra=False),
             P(_("* 应完成 = 已完成 + 错过 + 逾期未回访（计划日期加{days}天已过）；完成率的基数是全部计划回访。"
                 "** 基数是本季受理且已修复的工单。").format(days=qf.on_time_days()), "note"),
             Spacer(1, 3 * mm),
             P(_("满意度等级（{count}次有评分的回访）：{grades}。报修最多的问题：{top}。缺陷责任期已届满、待返还的质量保证金：{n}笔（{value}）。").format(count=s.count, grades=grades, top=top, n=len(f.deposits), value=money_text(sum(d.amount for d in f.deposits)) if f.deposits else _("无")), "indent")]
    return story


def _charts(f: qf.QuarterFigures):
    row = plain_table([[visits_chart(f.visits), grades_chart(f.satisfaction)]], [WIDTH / 2, WIDTH / 2])
    story = [_heading(_("图表")), row, Spacer(1, 4 * mm)]
    if f.tickets.by_category:
        story.append(categories_chart(f.tickets))
    else:
        story.append(P(_("本季没有受理维修工单。"), "indent"))
    return story


def _projects(f: qf.QuarterFigures):
    head = [_("工程"), _("计划回访"), _("完成"), _("按期"), _("错过"), _("满意度"), _("受理工单"), _("关闭"), _("时限内修复")]
    rows = [(f"{r.code}　{r.name}", str(r.visits_planned), str(r.visits_done), str(r.visits_on_time),
             str(r.visits_missed), _num(r.satisfaction, 1), str(r.tickets_received), str(r.tickets_closed),
             str(r.tickets_within_sla)) for r in f.projects]
    fr = [0.28, 0.09, 0.08, 0.08, 0.08, 0.09, 0.10, 0.08, 0.12]
    story = [CondPageBreak(40 * mm), _heading(_("分项目统计"))]
    if not f.projects:
        story.append(P(_("本季没有工程安排回访或受理报修。"), "indent"))
    else:
        # one row per project: thousands in a large office, drawn straight on the canvas
        story.append(LongTable(head, rows, fitted_widths(head, fr, WIDTH), ["cell"] + ["cell_r"] * 8))
    return story


def _findings(f: qf.QuarterFigures):
    story = [CondPageBreak(40 * mm), _heading(_("回访发现的问题及处理"))]
    if not f.findings:
        story.append(P(_("本季回访未发现需要处理的问题。"), "indent"))
        return story
    head = (_("日期"), _("工程"), _("发现的问题"), _("处理情况"))
    rows = [(fmt_date(item.on), f"{item.project_code}　{item.project_name}", item.description, item.action)
            for item in f.findings]
    story.append(LongTable(head, rows, fitted_widths(head, (0.15, 0.25, 0.35, 0.25), WIDTH, flexible=2),
                           ["cell_c", "cell", "cell", "cell"]))
    return story


_numbering: dict = {}


def _heading(title: str):
    """一、二、… in the order the sections print (a report without data leaves some out)."""
    _numbering["n"] = _numbering.get("n", 0) + 1
    return M(para_text(texts.heading_number(_numbering["n"]) + title), "h1")


def _rate(part, whole) -> str:
    return _pct(part, whole)


def _trend(f: qf.QuarterFigures):
    """The report's quarter beside the four before it."""
    rows_data = f.trend
    head = [M(_("指标"), "head")] + [P(r.label, "head") for r in rows_data]
    lines = [
        (_("计划回访（次）"), [str(r.planned) for r in rows_data]),
        (_("完成率（占计划）"), [_rate(r.done, r.planned) for r in rows_data]),
        (_("按期率（占应完成）"), [_rate(r.on_time, r.judged) for r in rows_data]),
        (_("满意度平均分"), [_num(r.average, 1) for r in rows_data]),
        (_("受理工单（件）"), [str(r.received) for r in rows_data]),
        (_("时限内修复率"), [_rate(r.within_sla, r.completed) for r in rows_data]),
    ]
    rows = [head] + [[M(label, "cell")] + [M(v, "cell_r") for v in values] for label, values in lines]
    n = len(rows_data)
    widths = [WIDTH * 0.25] + [WIDTH * 0.75 / n] * n
    story = [CondPageBreak(50 * mm), _heading(_("与前四个季度比较")),
             grid_table(rows, widths, zebra=True, extra=[("BACKGROUND", (n, 1), (n, -1), HEAD_BG)])]
    if f.unfinished:
        story.append(P(_("{label}的数字截至{today}。").format(label=rows_data[-1].label, today=fmt_date(f.today)),
                       "note"))
    return story


def _items(f: qf.QuarterFigures):
    """RULES.md §7: satisfaction per warranty item — the owners' ratings of the closed repairs."""
    story = [CondPageBreak(40 * mm), _heading(_("分保修项目的满意度"))]
    if not f.items:
        story.append(P(_("本季关闭的维修工单没有业主评分。"), "indent"))
        return story
    head = (_("保修项目"), _("评分（件）"), _("平均分（5分制）"), _("满意率（4—5分）"), _("等级"))
    rows = [[M(h, "head") for h in head]]
    for r in f.items:
        rows.append([P(r.name, "cell"), M(str(r.rated), "cell_r"), M(f"{r.average:.1f}", "cell_r"),
                     M(_pct(r.satisfied, r.rated), "cell_r"), P(grade_name(r.grade), "cell_c")])
    story += [grid_table(rows, fitted_widths(head, (0.34, 0.14, 0.18, 0.18, 0.16), WIDTH)),
              P(_("依据：本季关闭的维修工单上业主验收时给出的评分（1—5分）。"), "note")]
    return story


def _change(now, before, unit="", digits=0) -> str:
    if now is None or before is None:
        return ""
    diff = now - before
    if abs(diff) < 10 ** -digits / 2:
        return _("，与上季度持平")
    text = f"{abs(diff):.{digits}f}{unit}"
    return _("，比上季度提高{value}").format(value=text) if diff > 0 else _("，比上季度下降{value}").format(value=text)


def _conclusions(f: qf.QuarterFigures):
    """The seed asks every visit report for conclusions and 改进措施: the figures say what went
    well or not; the measures follow from them, with lines for the quality department's own."""
    v, s, t = f.visits, f.satisfaction, f.tickets
    before = f.trend[-2] if len(f.trend) >= 2 else None
    done_rate = v.done / v.planned * 100 if v.planned else None
    before_rate = before.done / before.planned * 100 if before and before.planned else None
    sla_rate = t.within_sla / t.completed * 100 if t.completed else None
    before_sla = before.within_sla / before.completed * 100 if before and before.completed else None
    points = []
    if v.planned:
        points.append(_("回访：计划{planned}次，完成{done}次（{rate}）{change}。").format(
            planned=v.planned, done=v.done, rate=_pct(v.done, v.planned), change=_change(done_rate, before_rate, "%", 0)))
    if s.average is not None:
        low = s.grades.get(LESS_SATISFIED, 0) + s.grades.get(DISSATISFIED, 0)
        points.append(_("满意度：平均{avg}分{change}；“不太满意”和“不满意”共{low}次。").format(
            avg=_num(s.average, 1), change=_change(s.average, before.average if before else None, _("分"), 1), low=low))
    if t.received:
        top = join_list(_("{name}（{n}件）").format(name=name, n=n) for _k, name, n in t.by_category[:2])
        points.append(_("报修：受理{n}件，最多的是{top}；时限内修复率{rate}{change}。").format(
            n=t.received, top=top, rate=_pct(t.within_sla, t.completed), change=_change(sla_rate, before_sla, "%", 0)))
    open_findings = [x for x in f.findings if not x.ticketed]
    if f.findings:
        points.append(_("回访发现问题{n}项，其中{open}项未立维修工单，记录在案待复查。").format(
            n=len(f.findings), open=len(open_findings)))
    if f.deposits:
        points.append(_("质量保证金：{n}笔缺陷责任期已届满待返还。").format(n=len(f.deposits)))
    measures = []
    if v.planned and v.done < 0.9 * v.planned:
        measures.append(_("回访完成率不足九成：每月初核对回访计划，未联系上的回访在{days}个工作日内再次联系。").format(
            days=settings.get("visit_retry_days") or 1))
    if v.judged and v.on_time < 0.9 * v.judged:
        measures.append(_("按期率不足九成：回访提前一周通知负责人，逾期未回访的由项目经理督办。"))
    if t.completed and t.within_sla < 0.9 * t.completed:
        measures.append(_("时限内修复率不足九成：对超时工单逐件分析原因，紧急报修安排值班人员。"))
    if t.by_category:
        _k, name, n = t.by_category[0]
        measures.append(_("{name}报修最多（{n}件）：组织责任单位对同类部位排查，并在下个季节性回访中重点检查。").format(
            name=name, n=n))
    low_rated = [r for r in f.items if r.average < 4]
    if low_rated:
        measures.append(_("{names}的维修评分偏低：逐件回访了解原因，改进维修质量和沟通。").format(
            names=join_list(r.name for r in low_rated)))
    if open_findings:
        measures.append(_("回访发现、尚未立单的{n}项问题：由项目部在一个月内复查，需要维修的立维修工单。").format(
            n=len(open_findings)))
    if f.deposits:
        measures.append(_("到期的质量保证金：按期申请返还，逾期未返还的发出催告。"))
    story = [CondPageBreak(60 * mm), _heading(_("结论与改进措施")), M(_("结论"), "h2")]
    story += [CJKParagraph(para_text(p), styles()["bullet"], bulletText="•") for p in points] or [
        P(_("本季没有可比较的数字。"), "indent")]
    story += [M(_("改进措施"), "h2")]
    story += [P(f"{n}. {m}", "body") for n, m in enumerate(measures, 1)]
    story += [P(_("其他改进措施（质量部填写）："), "body"), RuledLines(3, WIDTH)]
    return story


def _status(d) -> str:
    if not d.overdue:
        return _("本季到期")
    # applied for and still not returned: the owner is late, not us
    return _("已申请，返还已逾期，请催告") if d.applied_on else _("已逾期，请尽快申请返还")


def _deposits(f: qf.QuarterFigures):
    story = [CondPageBreak(40 * mm), _heading(_("到期的质量保证金"))]
    if not f.deposits:
        story.append(P(_("本季没有缺陷责任期届满、待返还的质量保证金。"), "indent"))
        return story
    head = (_("工程"), _("金额"), _("缺陷责任期届满"), _("申请返还"), _("状态"))
    rows = [(f"{d.project_code}　{d.project_name}", money_text(d.amount), fmt_date(d.ends_on),
             fmt_date(d.applied_on, _("未申请")), _status(d)) for d in f.deposits]
    story.append(LongTable(head, rows, fitted_widths(head, (0.34, 0.16, 0.18, 0.14, 0.18), WIDTH),
                           ["cell", "cell_r", "cell_c", "cell_c", "cell"]))
    return story


def _empty(f: qf.QuarterFigures):
    q = f.quarter
    return [_heading(_("本季概况")),
            P(_("{label}（{start}至{end}）没有计划或完成的回访，没有受理或关闭的维修工单，也没有到期的质量保证金，因此本报告没有统计数字和图表。").format(label=q.label, start=fmt_date(q.start), end=fmt_date(q.end)), "indent"),
            P(_("如果这与实际情况不符，请检查回访记录和维修工单是否已录入保修台。"), "indent")]


@printed_in
def build_quarterly_report(quarter, path, lang: str = "zh_CN", today: dt.date | None = None,
                           project_ids=None) -> Path:
    """Write the 季度回访报告 of `quarter` ('2026Q3' or a Quarter) to `path`."""
    today = today or dt.date.today()
    figures = qf.compute(quarter, today=today, project_ids=project_ids)
    comp = data.company()
    story = _cover(figures, comp, today)
    _numbering.clear()
    if figures.empty:
        story += _empty(figures)
    else:
        story += _summary(figures)
        story += _charts(figures)
        story += _trend(figures)
        story += _projects(figures)
        story += _items(figures)
        story += _findings(figures)
        story += _deposits(figures)
        story += _conclusions(figures)
    sign = [[M(f"{label}{BLANK}", "body") for label in (_("编制："), _("审核："), _("批准："))],
            [M(_("日期：____年__月__日"), "small") for _x in range(3)]]
    story += [Spacer(1, 10 * mm), KeepTogether([
        plain_table(sign, [WIDTH / 3] * 3, [("BOTTOMPADDING", (0, 0), (-1, 0), 8 * mm)]),
    ])]
    title = _('季度回访报告\u3000{label}').format(label=figures.quarter.label)
    target = Path(path)
    with atomic_pdf(target) as tmp:
        doc = SimpleDocTemplate(tmp, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=22 * mm,
                                bottomMargin=20 * mm, **doc_kwargs(title, comp.name))
        doc.build(story, canvasmaker=numbered_canvas_class(comp.name, title, skip_first=True))
    return target


