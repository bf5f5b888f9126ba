"""报表 → 回访分析: satisfaction by quarter for the last two years (chart), by question area,
project and staff; on-time share; problems found; projects whose satisfaction fell. Also the
entry points for the annual visit plan, the .ics calendar export and the 回访报告 of a project.

Picked up by ui/pages/reports.py (every ui/reports_*.py with a `ReportPanel`)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.i18n import N_, _, join_list
from warranty_desk.rules.satisfaction import grade_name
from warranty_desk.services import analysis
from warranty_desk.services import projects as project_service
from warranty_desk.services.questionnaires import shown
from warranty_desk.services.visit_records import area_name

from .analysis_widgets import QuarterChart, fill_table, make_table
from .labels import PlainLabel
from .operations import Task, show_error

TITLE = N_("回访分析")


def _num(value, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _pct(value) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


class ReportPanel(QWidget):
    def __init__(self, parent=None, today: dt.date | None = None):
        super().__init__(parent)
        self.today = today or dt.date.today()
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(PlainLabel(_("统计期间：")))
        self.period = QComboBox()
        self.period.setObjectName("analysisPeriod")
        bar.addWidget(self.period)
        bar.addStretch(1)
        self.plan_button = QPushButton(_("年度回访计划…"))
        self.plan_button.setObjectName("annualPlan")
        self.ics_button = QPushButton(_("导出回访日历（.ics）…"))
        self.ics_button.setObjectName("exportIcs")
        self.round_button = QPushButton(_("打印工程回访报告…"))
        self.round_button.setObjectName("roundReport")
        for b in (self.plan_button, self.ics_button, self.round_button):
            bar.addWidget(b)
        layout.addLayout(bar)

        self.summary = PlainLabel()
        self.summary.setObjectName("analysisSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        splitter = QSplitter()
        splitter.setOrientation(splitter.orientation().Vertical)
        self.chart = QuarterChart()
        splitter.addWidget(self.chart)
        self.tabs = QTabWidget()
        self.tables = {}
        for key, title in (("area", _("按问卷类别")), ("project", _("按工程")), ("staff", _("按回访人")),
                           ("on_time", _("按时回访")), ("falling", _("满意度下降的工程")), ("problems", _("发现的问题"))):
            table = make_table(f"analysis_{key}")
            self.tables[key] = table
            self.tabs.addTab(table, title)
        splitter.addWidget(self.tabs)
        splitter.setSizes([280, 320])
        layout.addWidget(splitter, 1)

        self.quarters = analysis.last_quarters(self.today, 8)
        self.period.addItem(_("近两年（{a}–{b}）").format(a=analysis.quarter_label(*self.quarters[0]),
                                                       b=analysis.quarter_label(*self.quarters[-1])), None)
        for key in reversed(self.quarters):
            self.period.addItem(_("{y}年第{q}季度").format(y=key[0], q=key[1]), key)
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        self.plan_button.clicked.connect(self.open_plan)
        self.ics_button.clicked.connect(self.export_ics)
        self.round_button.clicked.connect(self.print_round)
        self._loaded = False
        self._task: Task | None = None
        self._again = False

    def showEvent(self, event):  # noqa: N802 - Qt
        super().showEvent(event)
        if not self._loaded:
            self.refresh()

    def range(self) -> tuple[dt.date, dt.date, tuple[int, int]]:
        key = self.period.currentData()
        if key is None:
            start, _e = analysis.quarter_bounds(*self.quarters[0])
            _s, end = analysis.quarter_bounds(*self.quarters[-1])
            return start, end, self.quarters[-1]
        start, end = analysis.quarter_bounds(*key)
        return start, end, key

    def refresh(self) -> None:
        """Compute the figures off the window's thread (two years of visits: seconds on a large
        office) and show them when they come; a refresh asked for meanwhile follows the one running."""
        self._loaded = True
        if self._task is not None:
            self._again = True
            return
        start, end, last = self.range()
        self._task = task = Task(analysis.report_figures, self.quarters, start, end, last, self.today)
        task.signals.finished.connect(lambda figures, _changes: self._computed(figures))
        task.signals.failed.connect(lambda exc, _changes: self._computed(None, exc))
        task.setAutoDelete(False)
        self.setCursor(Qt.CursorShape.BusyCursor)
        QThreadPool.globalInstance().start(task)

    def busy(self) -> bool:
        """The figures are being computed."""
        return self._task is not None

    def _computed(self, figures, error: Exception | None = None) -> None:
        self._task = None
        try:
            self.unsetCursor()
        except RuntimeError:  # the page was closed while its figures were computed
            return
        if self._again:  # the period or the data changed while computing: compute again
            self._again = False
            self.refresh()
            return
        if error is not None:
            show_error(self, error)
            return
        try:
            self._show(figures)
        except Exception as exc:  # noqa: BLE001 - shown, the page stays usable
            show_error(self, exc)

    def _show(self, f: analysis.ReportFigures) -> None:
        start, end, on_time = f.start, f.end, f.on_time
        self.chart.set_data(f.trend, [r["share"] for r in f.on_time_by_quarter])
        grades = f.grades
        scored = sum(grades.values())
        by_project = f.by_project
        total = sum(r["average"] * r["count"] for r in by_project)
        average = total / scored if scored else None
        grade_text = join_list((f"{grade_name(name)} {n}" for name, n in grades.items()), _("，"))
        self.summary.setText(_(
            "{start} 至 {end}：评分回访 {n} 次，平均满意度 {avg} 分；{grades}。"
            "按时回访率 {rate}（{ok}/{judged}，{days} 天内完成算按时；未回访 {missed} 次，逾期 {overdue} 次）。"
        ).format(start=start, end=end, n=scored, avg=_num(average), grades=grade_text, rate=_pct(on_time["share"]),
                 ok=on_time["on_time"], judged=on_time["judged"], days=on_time["days"], missed=on_time["missed"],
                 overdue=on_time["overdue"]))

        fill_table(self.tables["area"], [_("问卷类别"), _("回答数"), _("平均分"), _("等级")],
                   [[shown(r["area"]), r["count"], r["average"], grade_name(r["grade"])] for r in f.by_area],
                   {1, 2})
        fill_table(self.tables["project"], [_("工程编号"), _("工程名称"), _("回访次数"), _("平均分"), _("最低分"), _("等级")],
                   [[r["code"], r["name"], r["count"], r["average"], r["lowest"], grade_name(r["grade"])] for r in by_project],
                   {2, 3, 4})
        fill_table(self.tables["staff"], [_("回访人"), _("回访次数"), _("平均分"), _("最低分"), _("等级")],
                   [[r["name"], r["count"], r["average"], r["lowest"], grade_name(r["grade"])]
                    for r in f.by_staff], {1, 2, 3})
        fill_table(self.tables["on_time"], [_("季度"), _("应回访"), _("按时"), _("超期完成"), _("未回访"), _("逾期未做"), _("按时率")],
                   [[r["quarter"], r["judged"], r["on_time"], r["late"], r["missed"], r["overdue"], _pct(r["share"])]
                    for r in f.on_time_by_quarter], {1, 2, 3, 4, 5})
        fill_table(self.tables["falling"], [_("工程编号"), _("工程名称"), _("上次季度"), _("上次平均分"), _("本季度平均分"), _("下降")],
                   [[r["code"], r["name"], r["previous_quarter"], r["previous"], r["current"], r["drop"]]
                    for r in f.falling], {3, 4, 5})
        fill_table(self.tables["problems"], [_("部位/类别"), _("保修项目"), _("问题数"), _("已生成工单")],
                   [[area_name(r["area"]), r["category_name"], r["count"], r["tickets"]] for r in f.problems], {2, 3})

    # actions ---------------------------------------------------------------------------------
    def open_plan(self) -> None:
        from .annual_plan_dialog import AnnualPlanDialog

        AnnualPlanDialog(self.today.year + (1 if self.today.month >= 11 else 0), self).exec()
        self.refresh()

    def export_ics(self) -> None:
        from .annual_plan_dialog import export_ics_dialog

        export_ics_dialog(self, self.today)

    def print_round(self) -> None:
        from warranty_desk.documents.visit_report import build_round_report

        from . import documents

        projects = project_service.project_choices()
        if not projects:
            return
        labels = [f"{p.code}  {p.name}" for p in projects]
        chosen, ok = QInputDialog.getItem(self, _("打印工程回访报告"), _("工程："), labels, 0, False)
        if not ok:
            return
        project = projects[labels.index(chosen)]
        start, end, _k = self.range()
        documents.run_to_file(self, _("正在生成回访报告…"), build_round_report, _("回访报告_{code}.pdf").format(code=project.code),
                              project.id, start, end)
