"""质保金: every project's quality deposit with its dates, and the steps of its return."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.i18n import _, format_money
from warranty_desk.models import Deposit, Project
from warranty_desk.services import deposits as deposit_service

from ..operations import perform
from ..table_models import GREEN, ORANGE, RED, Column, RowsModel, make_table, selected_row
from .base import Page, remember_splitter

URGENT = ("可申请返还", "发包人未答复，应催告", "逾期未返还")  # i18n: data (stage values compared)


class DepositsPage(Page):
    tables = ("deposit", "project", "ticket")

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.apply_button = QPushButton(_("申请返还…"))
        self.check_button = QPushButton(_("记录发包人核实…"))
        self.remind_button = QPushButton(_("记录催告…"))
        self.return_button = QPushButton(_("记录返还…"))
        for b in (self.apply_button, self.check_button, self.remind_button, self.return_button):
            bar.addWidget(b)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.model = RowsModel([
            Column(_("工程"), lambda r: f'{r["project_code"]} {r["project_name"]}', 230),
            Column(_("保证金"), lambda r: format_money(Decimal(r["amount"])), 100),
            Column(_("缺陷责任期"), lambda r: _("{n}个月").format(n=r["defect_months"]), 70),
            Column(_("起始日"), lambda r: r["start_on"], 90),
            Column(_("可申请日"), lambda r: r["apply_from"], 90),
            Column(_("申请日"), lambda r: r["applied_on"], 90),
            Column(_("返还期限"), lambda r: r["return_due"], 90),
            Column(_("已扣除"), lambda r: format_money(Decimal(r["deducted"])), 90),
            Column(_("状态"), lambda r: r["status"], 130,
                   lambda r: RED if r["status"] in URGENT[1:] else (ORANGE if r["status"] == URGENT[0] else
                                                                    (GREEN if r["status"] == "已返还" else None))),
            Column(_("已返还"), lambda r: format_money(Decimal(r["returned_amount"])) if r["returned_amount"] else ""),
        ])
        splitter = QSplitter()
        self.view = make_table(self.model, "deposits")
        splitter.addWidget(self.view)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel(_("扣除记录（选中一行查看）")))
        self.deductions = QListWidget()
        side_layout.addWidget(self.deductions)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        remember_splitter(splitter, "deposits")
        layout.addWidget(splitter, 1)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        self.view.clicked.connect(self._show_deductions)
        self.apply_button.clicked.connect(lambda: self._step(deposit_service.apply_for_return, _("申请返还日期")))
        self.check_button.clicked.connect(lambda: self._step(deposit_service.record_check, _("发包人核实日期")))
        self.remind_button.clicked.connect(lambda: self._step(deposit_service.record_reminder, _("催告日期")))
        self.return_button.clicked.connect(self._return)

    def load(self) -> None:
        today = dt.date.today()
        query = Deposit.select(Deposit, Project).join(Project).order_by(Project.code)
        rows = [deposit_service.info(d, today) for d in query]
        self.model.set_rows(rows)
        total = sum((Decimal(r["balance"]) for r in rows if not r["returned_on"]), Decimal(0))
        urgent = sum(1 for r in rows if r["status"] in URGENT)
        self.summary.setText(_("共 {n} 笔；未返还余额 {total}；需要处理 {u} 笔").format(
            n=len(rows), total=format_money(total), u=urgent))

    def select_deposit(self, deposit_id: int) -> None:
        self.refresh()
        for row, data in enumerate(self.model.rows):
            if data["id"] == deposit_id:
                self.view.selectRow(row)
                self._show_deductions()
                return

    def _show_deductions(self, *_a) -> None:
        row = selected_row(self.view)
        self.deductions.clear()
        if not row:
            return
        self.deductions.addItem(_("扣除记录："))
        for d in row["deductions"]:
            self.deductions.addItem(f'{d["on"]} {d["ticket"]} {format_money(Decimal(d["amount"]))} {d["reason"]}')
        if not row["deductions"]:
            self.deductions.addItem(_("（无）"))

    def _ask_date(self, label: str) -> dt.date | None:
        text, ok = QInputDialog.getText(self, label, label + _("（YYYY-MM-DD）："), text=dt.date.today().isoformat())
        if not ok:
            return None
        from warranty_desk.services import fields

        try:
            return fields.date(text)
        except ValueError as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, label, str(exc))
            return None

    def _selected(self):
        row = selected_row(self.view)
        if not row:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(self, _("质保金"), _("请先在表中选择一笔质保金"))
        return row

    def _step(self, fn, label: str) -> None:
        row = self._selected()
        if not row:
            return
        day = self._ask_date(label)
        if day is not None:
            perform(self, fn, row["project_id"], day, row["version"], tables=("deposit",))

    def _return(self) -> None:
        row = self._selected()
        if not row:
            return
        day = self._ask_date(_("返还日期"))
        if day is None:
            return
        amount, ok = QInputDialog.getText(self, _("返还金额"), _("实际返还金额（元）："), text=row["balance"])
        if ok:
            perform(self, deposit_service.record_return, row["project_id"], day, amount, row["version"],
                    tables=("deposit",))
