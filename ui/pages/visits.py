"""回访记录: the visits of a period (planned and recorded), filterable; opens the visit form."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QPushButton, QVBoxLayout

from warranty_desk.i18n import _, join_list
from warranty_desk.rules import visit_states as vs
from warranty_desk.rules.visit_methods import method_name
from warranty_desk.rules.visit_purposes import purpose_text
from warranty_desk.services import visits as visit_service

from ..labels import PlainLabel
from ..operations import mark_write
from ..signals import bus
from ..table_models import GREEN, GREY, RED, Column, RowsModel, make_table, selected_row
from .base import Page


class VisitsPage(Page):
    tables = ("visit", "project", "staff")

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        today = dt.date.today()
        self.date_from = QDateEdit(QDate(today - dt.timedelta(days=30)))
        self.date_to = QDateEdit(QDate(today + dt.timedelta(days=30)))
        for w in (self.date_from, self.date_to):
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
        self.status_filter = QComboBox()
        self.status_filter.addItem(_("全部状态"), "")
        for key, name in vs.NAMES.items():
            self.status_filter.addItem(_(name), key)
        bar.addWidget(PlainLabel(_("从")))
        bar.addWidget(self.date_from)
        bar.addWidget(PlainLabel(_("到")))
        bar.addWidget(self.date_to)
        bar.addWidget(self.status_filter)
        self.error = PlainLabel()
        self.error.setStyleSheet("color: #c62828;")
        bar.addWidget(self.error)
        bar.addStretch(1)
        self.open_button = QPushButton(_("打开 / 记录回访…"))
        bar.addWidget(self.open_button)
        self.ics_button = QPushButton(_("导出日历（.ics）…"))
        self.ics_button.setObjectName("visitsIcs")
        self.ics_button.setToolTip(_("把所选日期范围内的回访导出为手机日历文件"))
        bar.addWidget(self.ics_button)
        self.storm_button = QPushButton(_("暴雨后回访…"))
        self.storm_button.setObjectName("visitsStorm")
        self.storm_button.setToolTip(_("大雨或暴雨后，给某地区屋面、外墙防水仍在保修期内的工程安排回访"))
        bar.addWidget(self.storm_button)
        mark_write(self.storm_button)
        layout.addLayout(bar)
        self.model = RowsModel([
            Column(_("日期"), lambda r: r["date"], 90),
            Column(_("工程编号"), lambda r: r["project_code"], 110),
            Column(_("工程名称"), lambda r: r["project_name"], 220),
            Column(_("类型"), lambda r: _(r["kind_name"]), 100),
            Column(_("方式"), lambda r: method_name(r["method"]), 60),
            Column(_("回访人"), lambda r: r["staff"], 70),
            Column(_("状态"), lambda r: _(r["status_name"]), 70, self._color),
            Column(_("联系人"), lambda r: f'{r["contact"]} {r["phone"]}', 160),
            Column(_("目的"), lambda r: join_list((purpose_text(p) for p in r["purposes"]), _("；"))),
        ])
        self.view = make_table(self.model, "visits")
        self.view.activated.connect(self._open)
        layout.addWidget(self.view)
        self.count_label = PlainLabel()
        layout.addWidget(self.count_label)
        for w in (self.date_from, self.date_to):
            w.dateChanged.connect(lambda _d: self.load())
        self.status_filter.currentIndexChanged.connect(lambda _i: self.load())
        self.open_button.clicked.connect(self._open)
        self.ics_button.clicked.connect(self._export_ics)
        self.storm_button.clicked.connect(self._storm)

    @staticmethod
    def _color(row):
        if row["status"] == vs.DONE:
            return GREEN
        if row["status"] in (vs.MISSED, vs.CANCELLED):
            return GREY
        if row["date"] < dt.date.today().isoformat():
            return RED
        return None

    def load(self) -> None:
        start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
        if end < start:
            self.error.setText(_("结束日期早于开始日期"))
            self.model.set_rows([])
            return
        self.error.setText("")
        rows = visit_service.due(start, end, include_done=True)
        status = self.status_filter.currentData()
        if status:
            rows = [r for r in rows if r["status"] == status]
        self.model.set_rows(rows)
        self.count_label.setText(_("共 {n} 次回访").format(n=len(rows)))

    def _open(self, *_a) -> None:
        row = selected_row(self.view)
        if row:
            bus().open_record.emit("visit", row["id"])

    def _storm(self) -> None:
        from ..storm_dialog import plan_storm_calls

        plan_storm_calls(self)

    def _export_ics(self) -> None:
        from ..annual_plan_dialog import export_ics_dialog

        export_ics_dialog(self, start=self.date_from.date().toPython(), end=self.date_to.date().toPython())
