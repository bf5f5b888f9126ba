"""The 处理 tab of a ticket: move it along its legal states, dispatch, cause and who pays, quote,
costs and payments, and the owner's sign-off (on-screen signature, signed paper with a scan, or a
recorded refusal). Every action is a call into warranty_desk.services.tickets; no rules here."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.i18n import _, current_locale, format_money
from warranty_desk.rules import responsibility as resp
from warranty_desk.rules import satisfaction
from warranty_desk.rules import ticket_states as st
from warranty_desk.rules.responsibility import cause_name
from warranty_desk.rules.ticket_states import state_name
from warranty_desk.services import staff as staff_service
from warranty_desk.services import tickets as service

from .labels import PlainLabel
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
    """处理: the next step's actions only. A group whose actions the ticket's state does not allow is
    hidden (or, where it still informs — the costs of a closed ticket —, shown with its buttons
    disabled); which actions a state allows comes from the core (rules.ticket_states.actions, in the
    ticket's detail), never decided here."""

    def __init__(self, ticket_id: int, parent=None):
        super().__init__(parent)
        self.ticket_id = ticket_id
        self.detail: dict = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)

        self._add_state(layout)
        self._add_dispatch(layout)
        self._add_money(layout)
        self._add_signoff(layout)
        layout.addStretch(1)

        # every button here changes the ticket, except printing the dispatch sheet
        mark_write(*[b for b in self.findChildren(QPushButton) if b is not self.print_dispatch_button])
        bus().changed.connect(self._changed)
        self.load()

    # --- the parts of the tab --------------------------------------------------------------
    def _add_state(self, layout: QVBoxLayout) -> None:
        """The state part of the tab (下一步), added to `layout`."""
        self.state_box = box = QGroupBox(_("下一步"))
        form = QFormLayout(box)
        self.state_label = PlainLabel()
        self.state_label.setWordWrap(True)
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
        self.finished_label = PlainLabel()
        self.finished_label.setObjectName("finishedNote")
        self.finished_label.setWordWrap(True)
        self.finished_label.setStyleSheet("color: #455a64; padding: 4px;")
        layout.addWidget(self.finished_label)

    def _add_dispatch(self, layout: QVBoxLayout) -> None:
        """The dispatch part of the tab (派工), added to `layout`."""
        self.dispatch_box = box = QGroupBox(_("派工"))
        box_layout = QVBoxLayout(box)
        self.assign_rows = QWidget()  # only while someone may be (re)assigned
        form = QFormLayout(self.assign_rows)
        form.setContentsMargins(0, 0, 0, 0)
        self.staff = QComboBox()
        self.staff.setObjectName("staff")
        self.sub = QComboBox()
        self.sub.setObjectName("subcontractor")
        form.addRow(_("维修人员"), self.staff)
        form.addRow(_("分包单位"), self.sub)
        box_layout.addWidget(self.assign_rows)
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
        box_layout.addLayout(dispatch_row)
        layout.addWidget(box)

    def _add_money(self, layout: QVBoxLayout) -> None:
        """The responsibility and money part of the tab (责任与费用), added to `layout`: the cause, the
        quote for work the owner pays, the cost lines with their totals, the owner's payments."""
        self.money_box = box = QGroupBox(_("责任与费用"))
        form = QFormLayout(box)
        self._add_cause(form)
        self._add_quote(form)
        self._add_cost_entry(form)
        self._add_cost_lines(form)
        self._add_payment(form)
        layout.addWidget(box)

    def _add_cause(self, form: QFormLayout) -> None:
        """责任类别: the cause chosen, and how it allocates the cost."""
        cause_row = QHBoxLayout()
        self.cause = QComboBox()
        self.cause.setObjectName("cause")
        self.cause.addItem(_("（请选择）"), "")
        for cause in resp.CAUSE_CLASSES:
            self.cause.addItem(cause_name(cause), cause)
        self.cause_button = QPushButton(_("确定责任"))
        self.cause_button.setObjectName("setCause")
        self.cause_button.clicked.connect(self.set_cause)
        cause_row.addWidget(self.cause, 1)
        cause_row.addWidget(self.cause_button)
        form.addRow(_("责任类别"), cause_row)
        self.allocation = PlainLabel()
        self.allocation.setWordWrap(True)
        form.addRow("", self.allocation)

    def _add_quote(self, form: QFormLayout) -> None:
        """报价: the quote for paid work, and the owner's answer."""
        self.quote_row = QWidget()
        quote_row = QHBoxLayout(self.quote_row)
        quote_row.setContentsMargins(0, 0, 0, 0)
        self.quote = QLineEdit()
        self.quote.setObjectName("quote")
        self.quote.setPlaceholderText(_("报价金额（元）"))
        self.quote_button = QPushButton(_("登记报价"))
        self.quote_button.setObjectName("setQuote")
        self.quote_button.clicked.connect(self.set_quote)
        self.accept_button = QPushButton(_("业主接受"))
        self.accept_button.setObjectName("acceptQuote")
        self.accept_button.clicked.connect(lambda: self.answer_quote(True))
        self.refuse_button = QPushButton(_("业主拒绝"))
        self.refuse_button.setObjectName("refuseQuote")
        self.refuse_button.clicked.connect(lambda: self.answer_quote(False))
        for w in (self.quote, self.quote_button, self.accept_button, self.refuse_button):
            quote_row.addWidget(w)
        self.quote_caption = PlainLabel(_("报价"))
        form.addRow(self.quote_caption, self.quote_row)
        self.quote_state = PlainLabel()
        form.addRow("", self.quote_state)

    def _add_cost_entry(self, form: QFormLayout) -> None:
        """费用: one cost line typed in (kind, text, amount, who bears it)."""
        self.cost_row = QWidget()
        cost_row = QHBoxLayout(self.cost_row)
        cost_row.setContentsMargins(0, 0, 0, 0)
        self.cost_kind = QComboBox()
        for kind in service.COST_KINDS:
            self.cost_kind.addItem(service.cost_kind_name(kind), kind)
        self.cost_text = QLineEdit()
        self.cost_text.setObjectName("costText")
        self.cost_text.setPlaceholderText(_("说明，例如：防水卷材"))
        self.cost_amount = QLineEdit()
        self.cost_amount.setObjectName("costAmount")
        self.cost_amount.setPlaceholderText(_("金额"))
        self.cost_amount.setMaximumWidth(90)
        self.cost_bearer = QComboBox()
        self.cost_bearer.addItem(_("按责任类别"), None)
        for bearer in resp.BEARERS:
            self.cost_bearer.addItem(resp.payer_name(bearer), bearer)
        self.add_cost_button = QPushButton(_("添加费用"))
        self.add_cost_button.setObjectName("addCost")
        self.add_cost_button.clicked.connect(self.add_cost)
        for w in (self.cost_kind, self.cost_text, self.cost_amount, self.cost_bearer, self.add_cost_button):
            cost_row.addWidget(w)
        cost_row.setStretch(1, 1)
        self.cost_caption = PlainLabel(_("费用"))
        form.addRow(self.cost_caption, self.cost_row)

    def _add_cost_lines(self, form: QFormLayout) -> None:
        """The cost lines and payments entered, and the totals by who bears them."""
        self.costs = QTableWidget(0, 4)
        self.costs.setObjectName("costLines")
        self.costs.setHorizontalHeaderLabels([_("类别"), _("说明"), _("金额"), _("承担方")])
        self.costs.verticalHeader().hide()
        self.costs.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.costs.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.costs.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.costs.setMaximumHeight(130)
        form.addRow("", self.costs)
        self.cost_totals = PlainLabel()
        self.cost_totals.setObjectName("costTotals")
        self.cost_totals.setWordWrap(True)
        self.cost_totals.setStyleSheet("font-weight: bold;")
        form.addRow("", self.cost_totals)

    def _add_payment(self, form: QFormLayout) -> None:
        """收款: a payment of the owner's share."""
        self.pay_row = QWidget()
        pay_row = QHBoxLayout(self.pay_row)
        pay_row.setContentsMargins(0, 0, 0, 0)
        self.pay_amount = QLineEdit()
        self.pay_amount.setPlaceholderText(_("收款金额"))
        self.pay_button = QPushButton(_("登记业主付款"))
        self.pay_button.setObjectName("recordPayment")
        self.pay_button.clicked.connect(self.record_payment)
        pay_row.addWidget(self.pay_amount)
        pay_row.addWidget(self.pay_button)
        self.pay_caption = PlainLabel(_("收款"))
        form.addRow(self.pay_caption, self.pay_row)

    def _add_signoff(self, layout: QVBoxLayout) -> None:
        """The sign-off part of the tab (业主验收签字), added to `layout`."""
        self.signoff_box = box = QGroupBox(_("业主验收签字"))
        form = QVBoxLayout(box)
        self.signoff_state = PlainLabel()
        self.signoff_state.setWordWrap(True)
        form.addWidget(self.signoff_state)
        self.signoff_tools = QWidget()
        tools = QVBoxLayout(self.signoff_tools)
        tools.setContentsMargins(0, 0, 0, 0)
        self.pad = SignaturePad()
        self.pad.setObjectName("signaturePad")
        tools.addWidget(self.pad)
        row = QHBoxLayout()
        self.signer = QLineEdit()
        self.signer.setObjectName("signer")
        self.signer.setPlaceholderText(_("验收人（业主姓名）"))
        self.satisfaction = QComboBox()
        self.satisfaction.setObjectName("satisfaction")
        self.satisfaction.addItem(_("满意度（可不选）"), None)
        for score, name in satisfaction.RATING_GRADES.items():
            self.satisfaction.addItem(f"{score} {satisfaction.grade_name(name)}", score)
        clear = QPushButton(_("重签"))
        clear.clicked.connect(self.pad.clear)
        row.addWidget(self.signer, 1)
        row.addWidget(self.satisfaction)
        row.addWidget(clear)
        tools.addLayout(row)
        row = QHBoxLayout()
        self.sign_button = QPushButton(_("签字确认并关闭工单"))
        self.sign_button.setObjectName("signAndClose")
        self.sign_button.clicked.connect(self.sign_on_screen)
        self.paper_button = QPushButton(_("纸质签字（附扫描件）…"))
        self.paper_button.setObjectName("paperSignoff")
        self.paper_button.clicked.connect(self.sign_on_paper)
        self.refused_button = QPushButton(_("业主拒签…"))
        self.refused_button.setObjectName("refusedSignoff")
        self.refused_button.clicked.connect(self.refused)
        for w in (self.sign_button, self.paper_button, self.refused_button):
            row.addWidget(w)
        tools.addLayout(row)
        form.addWidget(self.signoff_tools)
        layout.addWidget(box)

    # --- data -------------------------------------------------------------------------------
    def _changed(self, changes) -> None:
        if changes.touches_record("ticket", self.ticket_id) or changes.touches(*TICKET_PARTS):
            self.load()

    def allows(self, action: str) -> bool:
        """Whether the ticket's state allows `action` (the core's answer) and the database is writable."""
        return action in self.detail.get("actions", ()) and not is_read_only()

    def load(self) -> None:
        d = self.detail = service.ticket_detail(self.ticket_id)
        state = state_name(d["state"])
        sla_text = _(d["sla_text"])
        self.state_label.setText(_("{state}（{sla}）").format(state=state, sla=sla_text)
                                 if d["state"] != d["sla_text"] else state)
        self.next_state.clear()
        for target in d["next_states"]:
            self.next_state.addItem(_(target), target)
        self.move_button.setEnabled(bool(d["next_states"]) and not is_read_only())
        self.state_box.setVisible(bool(d["next_states"]))
        if not d["next_states"]:
            self.finished_label.setText(_("工单已“{state}”，不需要再处理。").format(state=state))
        self.finished_label.setVisible(not d["next_states"])

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
        if not d["subcontractor"] and self.allows(st.DISPATCH):
            responsible = service.responsible_subcontractor(self.ticket_id)
            if responsible is not None:
                self.sub.setCurrentIndex(max(self.sub.findData(responsible.id), 0))
        can_dispatch = self.allows(st.DISPATCH)
        for widget in (self.staff, self.sub, self.dispatch_button):
            widget.setEnabled(can_dispatch)
        self.assign_rows.setVisible(can_dispatch)
        self.dispatch_button.setVisible(can_dispatch)
        self.print_dispatch_button.setEnabled(st.PRINT_DISPATCH in d["actions"])
        self.dispatch_box.setVisible(can_dispatch or st.PRINT_DISPATCH in d["actions"])

        can_cause = self.allows(st.CAUSE)
        self.cause.setCurrentIndex(max(self.cause.findData(d["cause_class"]), 0))
        self.cause.setEnabled(can_cause)
        self.cause_button.setEnabled(can_cause)
        self.allocation.setText(d["allocation"] + (_("（承担方：{payer}）").format(payer=resp.payer_name(d["payer"]))
                                                   if d["payer"] else ""))
        quote = d["quote_amount"]
        answer = {True: _("业主已接受"), False: _("业主已拒绝"), None: _("待业主答复")}[d["quote_accepted"]]
        self.quote_state.setText(_("报价 {q} 元，{a}").format(q=quote, a=answer) if quote else "")
        can_quote, can_answer = self.allows(st.QUOTE), self.allows(st.ANSWER_QUOTE)
        for widget in (self.quote, self.quote_button):
            widget.setEnabled(can_quote)
        for widget in (self.accept_button, self.refuse_button):
            widget.setEnabled(can_answer)
        show_quote = st.QUOTE in d["actions"]
        self.quote_row.setVisible(show_quote)
        self.quote_caption.setVisible(show_quote)
        self.quote_state.setVisible(bool(quote))
        can_cost = self.allows(st.COST)
        for widget in (self.cost_kind, self.cost_text, self.cost_amount, self.cost_bearer, self.add_cost_button):
            widget.setEnabled(can_cost)
        self.cost_row.setVisible(st.COST in d["actions"])
        self.cost_caption.setVisible(st.COST in d["actions"])
        self._show_costs(d)
        can_pay = self.allows(st.PAYMENT)
        self.pay_amount.setEnabled(can_pay)
        self.pay_button.setEnabled(can_pay)
        self.pay_row.setVisible(st.PAYMENT in d["actions"])
        self.pay_caption.setVisible(st.PAYMENT in d["actions"])
        self.money_box.setVisible(can_cause or bool(d["cost_lines"]) or bool(d["cause_class"]) or bool(quote)
                                  or st.PAYMENT in d["actions"])

        names = {"screen": _("屏幕签字"), "paper": _("纸质签字"), "refused": _("业主拒签")}
        can_sign = self.allows(st.SIGNOFF)
        if d["signoff_kind"]:
            self.signoff_state.setText(_("已验收：{how} {who} {at} {note}").format(
                how=names[d["signoff_kind"]], who=d["signoff_by"], at=(d["signoff_at"] or "")[:16],
                note=d["signoff_note"]))
        elif st.SIGNOFF in d["actions"]:
            self.signoff_state.setText(_("维修已完成，请业主逐项验收后签字"))
        else:
            self.signoff_state.setText("")
        for widget in (self.sign_button, self.paper_button, self.refused_button):
            widget.setEnabled(can_sign)
        self.signoff_tools.setVisible(st.SIGNOFF in d["actions"])
        self.signoff_box.setVisible(st.SIGNOFF in d["actions"] or bool(d["signoff_kind"]))
        if not self.signer.text() and d["reporter"]:
            self.signer.setText(d["reporter"])

    def _show_costs(self, d: dict) -> None:
        lines = d["cost_lines"]
        self.costs.setRowCount(len(lines) + len(d["payments"]))
        row = 0
        for c in lines:
            for column, text in enumerate((service.cost_kind_name(c["kind"]), service.cost_description(c["description"]), format_money(c["amount"]),
                                             resp.payer_name(c["borne_by"]))):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.costs.setItem(row, column, item)
            row += 1
        for p in d["payments"]:
            texts = (_("业主付款"), f'{p["received_on"]} {p["received_by"]} {p["note"]}'.strip(),
                     format_money(p["amount"]), "")
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setForeground(Qt.GlobalColor.darkGreen)
                self.costs.setItem(row, column, item)
            row += 1
        self.costs.setVisible(bool(lines or d["payments"]))
        if not lines:
            self.cost_totals.setText(_("尚未登记费用") if st.COST in d["actions"] else "")
            return
        parts = "；".join(_("{payer} {amount}").format(payer=resp.payer_name(x["payer"]), amount=format_money(x["amount"]))
                         for x in d["cost_by_payer"])
        text = _("费用合计 {total}（{parts}）").format(total=format_money(d["cost_total"]), parts=parts)
        if any(x["payer"] == resp.OWNER for x in d["cost_by_payer"]) or d["payments"]:
            text += "\n" + _("业主已付 {paid}，尚欠 {due}").format(paid=format_money(d["owner_paid"]),
                                                             due=format_money(d["owner_due"]))
        self.cost_totals.setText(text)

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
