"""质保金: every project's quality deposit with its dates, and the steps of its return."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.i18n import _, format_money
from warranty_desk.rules import categories as cat
from warranty_desk.rules import deposit as deposit_rules
from warranty_desk.rules.responsibility import cause_name
from warranty_desk.rules.ticket_states import state_name
from warranty_desk.services import deposits as deposit_service
from warranty_desk.services import fields as core_fields

from .. import forms
from ..labels import PlainLabel
from ..operations import mark_write, perform
from ..table_models import GREEN, ORANGE, RED, Column, RowsModel, make_table, selected_row
from .base import Page, remember_splitter

# stages that ask the clerk to act: the first may be applied for, the others are late
URGENT = (deposit_rules.CAN_APPLY, deposit_rules.NEEDS_REMINDER, deposit_rules.OVERDUE)


NOTE_STYLE = "color: #555555;"


class DepositDialog(forms.FormDialog):
    """登记/修改质保金 of any project (also one without a deposit yet): amount within 3% of the
    settled price, bank guarantee, 缺陷责任期 and its start (or the delayed-acceptance rule)."""

    def __init__(self, parent=None, project_id: int | None = None):
        super().__init__(_("登记/修改质保金"), parent)
        self.version: int | None = None
        f = self.form
        projects = [(None, _("（请选择工程）"))] + [
            (pid, _("{code}  {name}（已登记）").format(code=code, name=name) if registered else f"{code}  {name}")
            for pid, code, name, registered in deposit_service.project_choices()
        ]
        f.add("project", _("工程"), forms.combo(projects), required=True)
        self.state_label = PlainLabel()
        self.state_label.setObjectName("depositState")
        self.state_label.setWordWrap(True)
        self.state_label.setStyleSheet(NOTE_STYLE)
        f.layout_.addRow("", self.state_label)
        f.add("settled_price", _("结算价款（元）"), forms.line(20, _("例如 10000000")), required=True, check="money")
        f.add("amount", _("保证金金额（元）"), forms.line(20), required=True, check="money")
        self.limit_label = PlainLabel()
        self.limit_label.setObjectName("depositLimit")
        self.limit_label.setStyleSheet(NOTE_STYLE)
        f.layout_.addRow("", self.limit_label)
        f.add("bank_guarantee", _("银行保函"), QCheckBox(_("以银行保函代替保证金")))
        months = QSpinBox()
        months.setRange(1, deposit_rules.MAX_MONTHS)
        months.setSuffix(_(" 个月"))
        f.add("defect_months", _("缺陷责任期"), months)
        f.add("start_on", _("缺陷责任期开始日期"), forms.date_line(_("留空：从竣工验收日期起算")), check="date")
        f.add("owner_delayed", _("延迟验收"),
              QCheckBox(_("因发包人原因未按期验收：自竣工验收报告提交之日起满90日开始")))
        f.add("report_submitted_on", _("竣工验收报告提交日期"),
              forms.date_line(_("仅延迟验收时填写，如 2026-01-10")), check="date")
        f.add("notes", _("备注"), forms.line(2000))
        f.widgets["project"].currentIndexChanged.connect(self._project_changed)
        f.widgets["settled_price"].textChanged.connect(self._show_limit)
        f.widgets["owner_delayed"].toggled.connect(self._delayed_changed)
        self.finish_layout()
        self.resize(560, 520)
        if project_id:
            f.widgets["project"].setCurrentIndex(max(f.widgets["project"].findData(project_id), 0))
        self._project_changed()
        f.dirty = False

    def _project_changed(self, *_a) -> None:
        f = self.form
        pid = f.value("project")
        shown = deposit_service.deposit_form(pid)
        values, self.version = shown["values"], shown["version"]
        if not pid:
            self.state_label.setText("")
        else:
            if self.version is None:
                self.state_label.setText(_("本工程还没有登记质保金，保存后新建。"))
            else:
                self.state_label.setText(_("修改已登记的质保金：已扣除 {d}，状态“{s}”。").format(
                    d=format_money(Decimal(shown["deducted"])), s=deposit_rules.status_name(shown["status"])))
        dirty = f.dirty
        f.load(values)
        f.dirty = dirty
        self._delayed_changed(False)
        self._show_limit()

    def _delayed_changed(self, delayed: bool) -> None:
        self.form.widgets["start_on"].setEnabled(not delayed)
        self.form.widgets["report_submitted_on"].setEnabled(delayed)

    def _show_limit(self, *_a) -> None:
        try:
            settled = core_fields.money(self.form.value("settled_price"))
        except ValueError:
            settled = None
        if not settled:
            self.limit_label.setText(_("保证金不得超过结算价款的{rate}").format(rate=deposit_rules.rate_text()))
            return
        self.limit_label.setText(_("不得超过结算价款的{rate}：最多 {m}").format(
            rate=deposit_rules.rate_text(), m=format_money(deposit_rules.max_amount(settled))))

    def save(self) -> bool:
        v = self.form.values()
        pid = v.pop("project")
        if v["owner_delayed"]:
            v.pop("start_on")
        else:
            v.pop("report_submitted_on")
        ok, deposit = perform(self, deposit_service.set_deposit, pid, v, self.version,
                              form=self.form)
        if ok:
            self.result_value = deposit
        return ok


class DeductionDialog(forms.FormDialog):
    """扣除: money the owner paid another party for a repair that was ours, linked to the ticket."""

    def __init__(self, parent, row: dict):
        super().__init__(_("从质保金中扣除"), parent)
        self.project_id = row["project_id"]
        f = self.form
        head = PlainLabel(_("{code} {name}\n保证金 {amount}，已扣除 {deducted}，余额 {balance}").format(
            code=row["project_code"], name=row["project_name"], amount=format_money(Decimal(row["amount"])),
            deducted=format_money(Decimal(row["deducted"])), balance=format_money(Decimal(row["balance"]))))
        head.setWordWrap(True)
        head.setTextFormat(Qt.TextFormat.PlainText)
        self.body.insertWidget(0, head)
        self.candidates = deposit_service.deduction_candidates(self.project_id)
        options = [(None, _("（请选择工单）"))]
        for t in self.candidates:
            text = f'{t["number"]}  {state_name(t["state"])}  {t["description"][:30]}'
            if not t["deductible"]:
                text += "  " + _("（不可扣除）")
            options.append((t["number"], text))
        f.add("ticket", _("工单（业主另行委托）"), forms.combo(options), required=True)
        self.ticket_note = PlainLabel()
        self.ticket_note.setObjectName("ticketNote")
        self.ticket_note.setWordWrap(True)
        self.ticket_note.setStyleSheet(NOTE_STYLE)
        f.layout_.addRow("", self.ticket_note)
        f.add("amount", _("扣除金额（元）"), forms.line(20), required=True, check="money")
        f.add("on", _("扣除日期"), forms.date_line(), required=True, check="date")
        f.add("reason", _("原因"), forms.line(1000, _("留空：业主另行委托维修：工单号")))
        f.widgets["ticket"].currentIndexChanged.connect(self._ticket_changed)
        self.finish_layout()
        self.resize(560, 360)
        f.load({"on": dt.date.today()})
        self._ticket_changed()

    def _ticket_changed(self, *_a) -> None:
        number = self.form.value("ticket")
        if not self.candidates:
            self.ticket_note.setText(_("本工程没有“业主另行委托”的工单。工单须先在其“处理”页改为“业主另行委托”，"
                                       "才能从保证金中扣除。"))
            return
        chosen = next((t for t in self.candidates if t["number"] == number), None)
        if chosen is None:
            self.ticket_note.setText(_("只有责任类别为“施工质量”的工单可以从保证金中扣除"))
        elif chosen["deductible"]:
            self.ticket_note.setText(_("责任类别：{c}").format(c=cause_name(chosen["cause_class"])))
        else:
            self.ticket_note.setText(chosen["why_not"])

    def save(self) -> bool:
        v = self.form.values()
        ok, row = perform(self, deposit_service.add_deduction, self.project_id, v["ticket"], v["amount"], v["on"],
                          v["reason"], form=self.form)
        if ok:
            self.result_value = row
        return ok


class DepositsPage(Page):
    tables = ("deposit", "deposit_deduction", "project", "ticket")

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.edit_button = QPushButton(_("登记/修改质保金…"))
        self.edit_button.setObjectName("editDeposit")
        self.deduct_button = QPushButton(_("扣除…"))
        self.deduct_button.setObjectName("deductDeposit")
        self.deduct_button.setToolTip(_("业主另行委托维修的费用，从选中的质保金中扣除"))
        bar.addWidget(self.edit_button)
        bar.addWidget(self.deduct_button)
        bar.addSpacing(20)
        self.apply_button = QPushButton(_("申请返还…"))
        self.check_button = QPushButton(_("记录发包人核实…"))
        self.remind_button = QPushButton(_("记录催告…"))
        self.return_button = QPushButton(_("记录返还…"))
        for b in (self.apply_button, self.check_button, self.remind_button, self.return_button):
            bar.addWidget(b)
        bar.addStretch(1)
        from ..record_history import history_button

        self.history_button = history_button()
        self.history_button.setToolTip(_("选中的质保金的修改记录（只能查看）"))
        bar.addWidget(self.history_button)
        mark_write(self.edit_button, self.deduct_button, self.apply_button, self.check_button, self.remind_button,
                   self.return_button)
        layout.addLayout(bar)
        self.model = RowsModel([
            Column(_("工程"), lambda r: f'{r["project_code"]} {r["project_name"]}', 230),
            Column(_("保证金"), lambda r: format_money(Decimal(r["amount"])), 100),
            Column(_("缺陷责任期"), lambda r: cat.period_text(cat.MONTHS, r["defect_months"]), 70),
            Column(_("起始日"), lambda r: r["start_on"], 90),
            Column(_("可申请日"), lambda r: r["apply_from"], 90),
            Column(_("申请日"), lambda r: r["applied_on"], 90),
            Column(_("返还期限"), lambda r: r["return_due"], 90),
            Column(_("已扣除"), lambda r: format_money(Decimal(r["deducted"])), 90),
            Column(_("状态"), lambda r: deposit_rules.status_name(r["status"]), 130,
                   lambda r: RED if r["status"] in URGENT[1:] else (ORANGE if r["status"] == URGENT[0] else
                                                                    (GREEN if r["status"] == deposit_rules.RETURNED else None))),
            Column(_("已返还"), lambda r: format_money(Decimal(r["returned_amount"])) if r["returned_amount"] else ""),
        ])
        splitter = QSplitter()
        self.view = make_table(self.model, "deposits")
        splitter.addWidget(self.view)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(PlainLabel(_("扣除记录（选中一行查看）")))
        self.deductions = QListWidget()
        side_layout.addWidget(self.deductions)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        remember_splitter(splitter, "deposits")
        layout.addWidget(splitter, 1)
        self.summary = PlainLabel()
        layout.addWidget(self.summary)
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._show_deductions())
        self.view.activated.connect(lambda *_a: self.edit_deposit())
        self.edit_button.clicked.connect(lambda: self.edit_deposit())
        self.deduct_button.clicked.connect(lambda: self.deduct())
        self.apply_button.clicked.connect(lambda: self._step(deposit_service.apply_for_return, _("申请返还日期")))
        self.check_button.clicked.connect(lambda: self._step(deposit_service.record_check, _("发包人核实日期")))
        self.remind_button.clicked.connect(lambda: self._step(deposit_service.record_reminder, _("催告日期")))
        self.return_button.clicked.connect(self._return)
        self.history_button.clicked.connect(lambda: self.show_history())

    def load(self) -> None:
        rows = deposit_service.deposit_rows(dt.date.today())
        current = selected_row(self.view)
        self.model.set_rows(rows)
        if current is not None:
            self._select(current["id"])
        self._show_deductions()
        total = sum((Decimal(r["balance"]) for r in rows if not r["returned_on"]), Decimal(0))
        urgent = sum(1 for r in rows if r["status"] in URGENT)
        self.summary.setText(_("共 {n} 笔；未返还余额 {total}；需要处理 {u} 笔").format(
            n=len(rows), total=format_money(total), u=urgent))

    def select_deposit(self, deposit_id: int) -> None:
        self.refresh()
        self._select(deposit_id)
        self._show_deductions()

    def _select(self, deposit_id: int) -> bool:
        for row, data in enumerate(self.model.rows):
            if data["id"] == deposit_id:
                self.view.selectRow(row)
                return True
        return False

    def edit_deposit(self):
        """登记/修改质保金: the selected row's project, or any project chosen in the dialog."""
        row = selected_row(self.view)
        dialog = DepositDialog(self, row["project_id"] if row else None)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_value is None:
            return None
        self.refresh()
        self._select(dialog.result_value.id)
        self._show_deductions()
        return dialog.result_value

    def deduct(self):
        row = self._selected()
        if not row:
            return None
        if row["returned_on"]:
            QMessageBox.information(self, _("质保金"), _("这笔质保金已返还，不能再扣除"))
            return None
        dialog = DeductionDialog(self, row)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        self.refresh()
        return dialog.result_value

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
            QMessageBox.warning(self, label, str(exc))
            return None

    def show_history(self):
        """修改记录 of the selected deposit and of its deductions (read only)."""
        from ..record_history import show_history

        row = self._selected()
        if not row:
            return None
        deductions = [("deposit_deduction", d["id"], _("扣除 {amount}").format(amount=format_money(Decimal(d["amount"]))))
                      for d in row["deductions"]]
        return show_history(self, "deposit", row["id"], row["project_code"], related=deductions)

    def _selected(self):
        row = selected_row(self.view)
        if not row:
            QMessageBox.information(self, _("质保金"), _("请先在表中选择一笔质保金"))
        return row

    def _step(self, fn, label: str) -> None:
        row = self._selected()
        if not row:
            return
        day = self._ask_date(label)
        if day is not None:
            perform(self, fn, row["project_id"], day, row["version"])

    def _return(self) -> None:
        row = self._selected()
        if not row:
            return
        day = self._ask_date(_("返还日期"))
        if day is None:
            return
        amount, ok = QInputDialog.getText(self, _("返还金额"), _("实际返还金额（元）："), text=row["balance"])
        if ok:
            perform(self, deposit_service.record_return, row["project_id"], day, amount, row["version"])
