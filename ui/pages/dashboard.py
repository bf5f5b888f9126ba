"""工作台: structural-safety reports not yet sent (on top, while there are any), today's and this
week's visits, overdue visits, open tickets with their deadline, warranty items ending in 60 days,
deposits whose return can be applied for."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QHeaderView, QVBoxLayout

from warranty_desk.i18n import _, format_money
from warranty_desk.rules import sla
from warranty_desk.rules.sla import urgency_name
from warranty_desk.rules.ticket_states import state_name
from warranty_desk.rules.visit_methods import method_name
from warranty_desk.services import dashboard
from warranty_desk.services import safety as safety_service

from ..labels import PlainLabel
from ..signals import bus
from ..table_models import GREEN, ORANGE, RED, Column, RowsModel, make_table, selected_row
from .base import Page


def _today() -> dt.date:
    return dt.date.today()


FIT_ROWS = 25  # rows a column's width is measured on: more than a panel shows at once


def fit_columns(view, stretch: tuple[int, ...]) -> None:
    """The list fits its panel: the text columns (`stretch`) share the width left by the others, which
    take what their content needs — no sideways scrolling; a cut text shows whole in its tooltip."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    # measured on the rows a panel shows, not on all of its (up to 200) rows: fitting every row asked the
    # model for each cell of every list several times before the first paint (#20: 3 s on the 3x office)
    header.setResizeContentsPrecision(FIT_ROWS)
    for column in range(view.model().columnCount()):
        mode = QHeaderView.ResizeMode.Stretch if column in stretch else QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(column, mode)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)


class DashboardPage(Page):
    tables = ("visit", "ticket", "project", "warranty_item", "deposit", "staff", "safety_report")

    def __init__(self, parent=None):
        super().__init__(parent)
        visit_cols = [
            Column(_("日期"), lambda r: r["date"], 90),
            Column(_("工程"), lambda r: f'{r["project_code"]} {r["project_name"]}', 230),
            Column(_("类型"), lambda r: _(r["kind_name"]), 90),
            Column(_("方式"), lambda r: method_name(r["method"]), 60),
            Column(_("回访人"), lambda r: r["staff"], 60),
        ]
        red = [Column(c.header, c.get, c.width, lambda _r: RED) for c in visit_cols]
        self.today_model = RowsModel(visit_cols)
        self.week_model = RowsModel(visit_cols)
        self.overdue_model = RowsModel(red)
        sla_color = {"overdue": RED, "soon": ORANGE, "ok": GREEN}
        self.ticket_model = RowsModel([
            Column(_("工单号"), lambda r: r["number"], 105),
            Column(_("工程"), lambda r: r["project_name"], 130),
            Column(_("状态"), lambda r: state_name(r["state"]), 65),
            Column(_("紧急"), lambda r: urgency_name(r["urgency"]), 50, lambda r: RED if r["urgency"] == sla.URGENT else None),
            Column(_("时限"), lambda r: r["sla_label"], 165, lambda r: sla_color[r["sla"]]),
            Column(_("内容"), lambda r: r["description"]),
        ])
        self.item_model = RowsModel([
            Column(_("到期日"), lambda r: r["end_on"], 90),
            Column(_("剩余天数"), lambda r: r["days_left"], 60, lambda r: RED if r["days_left"] <= 14 else ORANGE),
            Column(_("工程"), lambda r: f'{r["project_code"]} {r["project_name"]}', 220),
            Column(_("保修项目"), lambda r: _(r["name"])),
        ])
        self.deposit_model = RowsModel([
            Column(_("日期"), lambda r: r["due_on"], 90),
            Column(_("事项"), lambda r: r["what"], 80, lambda r: RED if r["what"] == _("返还逾期") else None),
            Column(_("工程"), lambda r: f'{r["project_code"]} {r["project_name"]}', 220),
            Column(_("金额"), lambda r: format_money(r["amount"])),
        ])
        # RULES.md §4, 办法第十条: a structural-safety defect stays here until its report is recorded as sent
        self.safety_model = RowsModel([
            Column(_("工单号"), lambda r: r["number"], 105, lambda _r: RED),
            Column(_("工程"), lambda r: f'{r["project_code"]} {r["project_name"]}', 220),
            Column(_("部位"), lambda r: r["where"], 120),
            Column(_("已等待"), lambda r: r["waiting"], 80, lambda _r: RED),
            Column(_("隐患情况"), lambda r: r["reason"]),
        ])
        self.boxes = {}
        # two columns; in each, a list takes height by what it has, and an empty one only its title line
        specs = [
            ("today", _("今日回访"), self.today_model, "visit", 0, (1,)),
            ("overdue", _("逾期回访（按日期）"), self.overdue_model, "visit", 0, (1,)),
            ("items", _("60天内到期的保修项目（按到期日）"), self.item_model, "project", 0, (2, 3)),
            ("week", _("本周回访（按日期）"), self.week_model, "visit", 1, (1,)),
            ("tickets", _("未完成工单（超时的在前，再按时限）"), self.ticket_model, "ticket", 1, (1, 5)),
            ("deposits", _("可申请返还的质保金（按日期）"), self.deposit_model, "deposit", 1, (2,)),
            # across both columns, on top, while there is a report to send
            ("safety", _("结构安全隐患：须立即报告当地建设行政主管部门"), self.safety_model, "ticket", None, (1, 4)),
        ]
        top = QVBoxLayout(self)
        top.setContentsMargins(0, 0, 0, 0)
        outer = QHBoxLayout()
        top.addLayout(outer, 1)
        self.columns = [QVBoxLayout(), QVBoxLayout()]
        for column in self.columns:
            outer.addLayout(column, 1)
        self.views = {}
        self.empty_labels = {}
        for key, title, model, kind, column, stretch in specs:
            box = QGroupBox(title)
            box.setObjectName(f"dash_{key}")
            layout = QVBoxLayout(box)
            layout.setContentsMargins(4, 4, 4, 4)
            # in the order the title says (the services sort them); no header sort to contradict it
            view = make_table(model, f"dashboard_{key}", sortable=False)
            fit_columns(view, stretch)
            view.activated.connect(lambda _i, v=view, k=kind: self._open(v, k))
            layout.addWidget(view)
            empty = PlainLabel(_("无"))
            empty.setStyleSheet("color: #757575; padding: 2px 6px;")
            empty.hide()
            layout.addWidget(empty)
            if column is None:
                top.insertWidget(0, box)
            else:
                self.columns[column].addWidget(box)
            self.boxes[key] = (box, title)
            self.views[key] = view
            self.empty_labels[key] = empty
        safety_box = self.boxes["safety"][0]
        safety_box.setStyleSheet("QGroupBox#dash_safety { color: #c62828; font-weight: bold; }")
        safety_box.setMaximumHeight(150)
        safety_box.hide()  # shown while there is a report to send

    def _open(self, view, kind: str) -> None:
        row = selected_row(view)
        if row is None:
            return
        if kind == "project":
            bus().open_record.emit("project", row["project_id"])
        else:
            bus().open_record.emit(kind, row["id"])

    def load(self) -> None:
        today = _today()
        now = dt.datetime.now()
        data = {
            "safety": safety_service.pending(now),
            "today": dashboard.visits_today(today),
            "week": dashboard.visits_this_week(today),
            "overdue": dashboard.visits_overdue(today),
            "tickets": dashboard.open_tickets(now),
            "items": dashboard.items_ending(today, 60),
            "deposits": dashboard.deposits_to_apply(today),
        }
        models = {"safety": self.safety_model, "today": self.today_model, "week": self.week_model, "overdue": self.overdue_model,
                  "tickets": self.ticket_model, "items": self.item_model, "deposits": self.deposit_model}
        for key, rows in data.items():
            models[key].set_rows(rows)
            box, title = self.boxes[key]
            box.setTitle(_("{title}（{n}）").format(title=title, n=len(rows)))
            self.views[key].setVisible(bool(rows))
            self.empty_labels[key].setVisible(not rows)
        self.boxes["safety"][0].setVisible(bool(data["safety"]))
        for column in self.columns:  # the space goes to the lists that have rows, by how many (up to 12)
            for index in range(column.count()):
                key = next(k for k, (b, _t) in self.boxes.items() if b is column.itemAt(index).widget())
                column.setStretch(index, min(len(data[key]), 12) + 2 if data[key] else 0)
