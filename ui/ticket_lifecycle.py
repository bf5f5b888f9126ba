"""The 处理 tab of a ticket: move it along its legal states, dispatch, cause and who pays, quote,
costs and payments, and the owner's sign-off (on-screen signature, signed paper with a scan, or a
recorded refusal). Every action is a call into warranty_desk.services.tickets; no rules here."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.i18n import _, current_locale
from warranty_desk.rules import responsibility as resp
from warranty_desk.rules import satisfaction
from warranty_desk.rules import ticket_states as st
from warranty_desk.services import staff as staff_service
from warranty_desk.services import tickets as service

from .operations import is_read_only, mark_write, perform
from .signals import bus
from .signature_pad import SignaturePad

# what a ticket's window shows besides the ticket's own row: it reloads when one of these changed
TICKET_PARTS = ("ticket_event", "cost_line", "payment", "attachment", "staff", "subcontractor", "unit", "project")


def _when_edit() -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime.currentDateTime())
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    edit.setCalendarPopup(True)
    return edit


def _moment(edit: QDateTimeEdit) -> dt.datetime:
    return edit.dateTime().toPython().replace(second=0, microsecond=0)


class LifecyclePanel(QWidget):
    def __init__(self, ticket_id: int, parent=None):
        super().__init__(parent)
        self.ticket_id = ticket_id
        self.detail: dict = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)

        # state
        box = QGroupBox(_("状态"))
        form = QFormLayout(box)
        self.state_label = QLabel()
        form.addRow(_("当前状态"), self.state_label)
        self.next_state = QComboBox()
        self.next_state.setObjectName("nextState")
        form.addRow(_("改为"), self.next_state)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(_("撤销、另行委托、返修等须写明原因"))
        form.addRow(_("原因"), self.reason)
        self.when = _when_edit()
        self.when.setObjectName("when")
        form.addRow(_("时间"), self.when)
        self.move_button = QPushButton(_("确定改变状态"))
        self.move_button.setObjectName("moveState")
        self.move_button.clicked.connect(self.move)
        form.addRow("", self.move_button)
        layout.addWidget(box)

        # dispatch
        box = QGroupBox(_("派工"))
        form = QFormLayout(box)
        self.staff = QComboBox()
        self.staff.setObjectName("staff")
        self.sub = QComboBox()
        self.sub.setObjectName("subcontractor")
        form.addRow(_("维修人员"), self.staff)
        form.addRow(_("分包单位"), self.sub)
        self.dispatch_button = QPushButton(_("派工"))
        self.dispatch_button.setObjectName("dispatch")
        self.dispatch_button.clicked.connect(self.dispatch)
        self.print_dispatch_button = QPushButton(_("打印派工单"))
        self.print_dispatch_button.setObjectName("printDispatch")
        self.print_dispatch_button.setToolTip(_("生成派工单（PDF），交维修人员带到现场"))
        self.print_dispatch_button.clicked.connect(lambda: self.print_dispatch())
        dispatch_row = QHBoxLayout()
        dispatch_row.addWidget(self.dispatch_button)
        dispatch_row.addWidget(self.print_dispatch_button)
        dispatch_row.addStretch(1)
        form.addRow("", dispatch_row)
        layout.addWidget(box)

        # responsibility and money
        box = QGroupBox(_("责任与费用"))
        form = QFormLayout(box)
        cause_row = QHBoxLayout()
        self.cause = QComboBox()
        self.cause.setObjectName("cause")
        self.cause.addItem(_("（请选择）"), "")
        for cause in resp.CAUSE_CLASSES:
            self.cause.addItem(cause, cause)
        self.cause_button = QPushButton(_("确定责任"))
        self.cause_button.setObjectName("setCause")
        self.cause_button.clicked.connect(self.set_cause)
        cause_row.addWidget(self.cause, 1)
        cause_row.addWidget(self.cause_button)
        form.addRow(_("责任类别"), cause_row)
        self.allocation = QLabel()
        self.allocation.setWordWrap(True)
        form.addRow("", self.allocation)
        quote_row = QHBoxLayout()
        self.quote = QLineEdit()
        self.quote.setObjectName("quote")
        self.quote.setPlaceholderText(_("报价金额（元）"))
        quote_button = QPushButton(_("登记报价"))
        quote_button.clicked.connect(self.set_quote)
        accept = QPushButton(_("业主接受"))
        accept.setObjectName("acceptQuote")
        accept.clicked.connect(lambda: self.answer_quote(True))
        refuse = QPushButton(_("业主拒绝"))
        refuse.clicked.connect(lambda: self.answer_quote(False))
        for w in (self.quote, quote_button, accept, refuse):
            quote_row.addWidget(w)
        form.addRow(_("报价"), quote_row)
        self.quote_state = QLabel()
        form.addRow("", self.quote_state)
        cost_row = QHBoxLayout()
        self.cost_kind = QComboBox()
        for kind in service.COST_KINDS:
            self.cost_kind.addItem(kind, kind)
        self.cost_text = QLineEdit()
        self.cost_text.setObjectName("costText")
        self.cost_text.setPlaceholderText(_("说明，例如：防水卷材"))
        self.cost_amount = QLineEdit()
        self.cost_amount.setObjectName("costAmount")
        self.cost_amount.setPlaceholderText(_("金额"))
        self.cost_bearer = QComboBox()
        self.cost_bearer.addItem(_("按责任类别"), None)
        for bearer in resp.BEARERS:
            self.cost_bearer.addItem(bearer, bearer)
        add_cost = QPushButton(_("添加费用"))
        add_cost.setObjectName("addCost")
        add_cost.clicked.connect(self.add_cost)
        for w in (self.cost_kind, self.cost_text, self.cost_amount, self.cost_bearer, add_cost):
            cost_row.addWidget(w)
        form.addRow(_("费用"), cost_row)
        self.costs = QListWidget()
        self.costs.setMaximumHeight(90)
        form.addRow("", self.costs)
        pay_row = QHBoxLayout()
        self.pay_amount = QLineEdit()
        self.pay_amount.setPlaceholderText(_("收款金额"))
        pay_button = QPushButton(_("登记业主付款"))
        pay_button.clicked.connect(self.record_payment)
        pay_row.addWidget(self.pay_amount)
        pay_row.addWidget(pay_button)
        form.addRow(_("收款"), pay_row)
        layout.addWidget(box)

        # sign-off
        box = QGroupBox(_("业主验收签字"))
        form = QVBoxLayout(box)
        self.signoff_state = QLabel()
        self.signoff_state.setWordWrap(True)
        form.addWidget(self.signoff_state)
        self.pad = SignaturePad()
        self.pad.setObjectName("signaturePad")
        form.addWidget(self.pad)
        row = QHBoxLayout()
        self.signer = QLineEdit()
        self.signer.setObjectName("signer")
        self.signer.setPlaceholderText(_("验收人（业主姓名）"))
        self.satisfaction = QComboBox()
        self.satisfaction.setObjectName("satisfaction")
        self.satisfaction.addItem(_("满意度（可不选）"), None)
        for score, name in satisfaction.RATING_GRADES.items():
            self.satisfaction.addItem(f"{score} {_(name)}", score)
        clear = QPushButton(_("重签"))
        clear.clicked.connect(self.pad.clear)
        row.addWidget(self.signer, 1)
        row.addWidget(self.satisfaction)
        row.addWidget(clear)
        form.addLayout(row)
        row = QHBoxLayout()
        self.sign_button = QPushButton(_("签字确认并关闭工单"))
        self.sign_button.setObjectName("signAndClose")
        self.sign_button.clicked.connect(self.sign_on_screen)
        paper = QPushButton(_("纸质签字（附扫描件）…"))
        paper.setObjectName("paperSignoff")
        paper.clicked.connect(self.sign_on_paper)
        refused = QPushButton(_("业主拒签…"))
        refused.setObjectName("refusedSignoff")
        refused.clicked.connect(self.refused)
        for w in (self.sign_button, paper, refused):
            row.addWidget(w)
        form.addLayout(row)
        layout.addWidget(box)
        layout.addStretch(1)

        # every button here changes the ticket, except printing the dispatch sheet
        mark_write(*[b for b in self.findChildren(QPushButton) if b is not self.print_dispatch_button])
        bus().changed.connect(self._changed)
        self.load()

    # --- data -------------------------------------------------------------------------------
    def _changed(self, changes) -> None:
        if changes.touches_record("ticket", self.ticket_id) or changes.touches(*TICKET_PARTS):
            self.load()

    def load(self) -> None:
        d = self.detail = service.ticket_detail(self.ticket_id)
        self.state_label.setText(f'{d["state"]}（{d["sla_text"]}）' if d["state"] != d["sla_text"] else d["state"])
        self.next_state.clear()
        for state in d["next_states"]:
            self.next_state.addItem(state, state)
        self.move_button.setEnabled(bool(d["next_states"]) and not is_read_only())
        for box, rows, current in (
            (self.staff, staff_service.staff_choices(active_only=True), d["assignee"]),
            (self.sub, [(s.id, s.name) for s in staff_service.subcontractor_choices(active_only=True)],
             d["subcontractor"]),
        ):
            box.clear()
            box.addItem(_("（不指派）"), None)
            for rid, name in rows:
                box.addItem(name, rid)
            if current:
                box.setCurrentIndex(max(box.findText(current), 0))
        if not d["subcontractor"]:
            responsible = service.responsible_subcontractor(self.ticket_id)
            if responsible is not None:
                self.sub.setCurrentIndex(max(self.sub.findData(responsible.id), 0))
        self.dispatch_button.setEnabled(st.can_dispatch(d["state"]) and not is_read_only())
        self.cause.setCurrentIndex(max(self.cause.findData(d["cause_class"]), 0))
        self.allocation.setText(d["allocation"] + (f"（{_('承担方')}：{d['payer']}）" if d["payer"] else ""))
        quote = d["quote_amount"]
        answer = {True: _("业主已接受"), False: _("业主已拒绝"), None: _("待业主答复")}[d["quote_accepted"]]
        self.quote_state.setText(_("报价 {q} 元，{a}").format(q=quote, a=answer) if quote else _("未报价"))
        self.costs.clear()
        for c in d["cost_lines"]:
            self.costs.addItem(_("{kind}  {description}  {amount} 元  {borne_by}").format(
                kind=_(c["kind"]), description=c["description"], amount=c["amount"], borne_by=_(c["borne_by"])))
        for p in d["payments"]:
            self.costs.addItem(_("业主付款 {a} 元  {on}  {by}").format(a=p["amount"], on=p["received_on"], by=p["received_by"]))
        names = {"screen": _("屏幕签字"), "paper": _("纸质签字"), "refused": _("业主拒签")}
        if d["signoff_kind"]:
            self.signoff_state.setText(_("已验收：{how} {who} {at} {note}").format(
                how=names[d["signoff_kind"]], who=d["signoff_by"], at=d["signoff_at"] or "", note=d["signoff_note"]))
        elif d["state"] == st.AWAITING_CHECK:
            self.signoff_state.setText(_("维修已完成，请业主逐项验收后签字"))
        else:
            self.signoff_state.setText(_("维修完成（待验收）后才能签字"))
        if not self.signer.text() and d["reporter"]:
            self.signer.setText(d["reporter"])

    def _run(self, fn, *args, **kwargs) -> bool:
        ok, _result = perform(self, fn, *args, **kwargs)
        return ok

    # --- actions ----------------------------------------------------------------------------
    def move(self) -> None:
        state = self.next_state.currentData()
        if state and self._run(service.transition, self.ticket_id, state, self.reason.text(), at=_moment(self.when),
                               expected_version=self.detail["version"]):
            self.reason.clear()

    def dispatch(self) -> None:
        self._run(service.dispatch, self.ticket_id, self.staff.currentData(), self.sub.currentData(),
                  at=_moment(self.when), expected_version=self.detail["version"])

    def print_dispatch(self, ask: bool = False):
        """The 派工单 as a PDF, built off the UI thread, then opened for printing."""
        from warranty_desk.documents.dispatch_sheet import build_dispatch_sheet

        from . import documents

        number = self.detail.get("number", "")
        return documents.run_to_file(self, _("正在生成派工单…"), build_dispatch_sheet,
                                     _("派工单_{number}.pdf").format(number=number), self.ticket_id, ask=ask,
                                     lang=current_locale())

    def set_cause(self) -> None:
        self._run(service.set_cause, self.ticket_id, self.cause.currentData(), expected_version=self.detail["version"])

    def set_quote(self) -> None:
        self._run(service.set_quote, self.ticket_id, self.quote.text(), expected_version=self.detail["version"])

    def answer_quote(self, accepted: bool) -> None:
        self._run(service.answer_quote, self.ticket_id, accepted, expected_version=self.detail["version"])

    def add_cost(self) -> None:
        if self._run(service.add_cost_line, self.ticket_id, self.cost_kind.currentData(), self.cost_text.text(),
                     self.cost_amount.text(), borne_by=self.cost_bearer.currentData()):
            self.cost_text.clear()
            self.cost_amount.clear()

    def record_payment(self) -> None:
        if self._run(service.record_payment, self.ticket_id, self.pay_amount.text(), dt.date.today()):
            self.pay_amount.clear()

    def sign_on_screen(self) -> None:
        self._run(service.sign_off, self.ticket_id, "screen", self.signer.text(), at=_moment(self.when),
                  signature_png=self.pad.png_bytes(), satisfaction=self.satisfaction.currentData(), close=True,
                  expected_version=self.detail["version"])

    def sign_on_paper(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("选择签字验收单的扫描件"), "",
                                               _("扫描件 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff)"))
        if path:
            self._run(service.sign_off, self.ticket_id, "paper", self.signer.text(), at=_moment(self.when), scan=path,
                      satisfaction=self.satisfaction.currentData(), close=True,
                      expected_version=self.detail["version"])

    def refused(self) -> None:
        reason, ok = QInputDialog.getText(self, _("业主拒签"), _("请写明业主拒签的原因："))
        if ok:
            self._run(service.sign_off, self.ticket_id, "refused", "", at=_moment(self.when), note=reason, close=True,
                      expected_version=self.detail["version"])
