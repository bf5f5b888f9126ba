"""The structural-safety duty of one ticket (RULES.md §4; 《房屋建筑工程质量保修办法》第十条), shown at
the top of the ticket window: mark the ticket, add what is known, print the 工程质量安全隐患报告,
record it as sent (then it leaves the dashboard), or take a wrong mark back with a reason.
Reads and writes only through services.safety."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from warranty_desk.i18n import _, current_locale
from warranty_desk.services import safety as safety_service

from . import forms
from .labels import PlainLabel
from .operations import mark_write, perform

DUTY_STYLE = "QFrame#safetyPanel { border: 2px solid #c62828; border-radius: 4px; background: #fff3f3; }"
SENT_STYLE = "QFrame#safetyPanel { border: 1px solid #2e7d32; border-radius: 4px; background: #f1f8f1; }"
PLAIN_STYLE = "QFrame#safetyPanel { border: none; }"


def _text_box(text: str = "", height: int = 60) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlainText(text or "")
    box.setMinimumHeight(height)
    return box


def _when(moment: dt.datetime | None = None) -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime(moment) if moment else QDateTime.currentDateTime())
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    edit.setCalendarPopup(True)
    return edit


class MarkDialog(forms.FormDialog):
    """标记为结构安全隐患: what makes it one, and what was done to make it safe."""

    def __init__(self, ticket_id: int, description: str = "", parent=None):
        super().__init__(_("标记为结构安全隐患"), parent)
        self.ticket_id = ticket_id
        note = PlainLabel(_("标记后工单改为紧急，须立即报告当地建设行政主管部门，并留在工作台上直到登记已报送。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #c62828;")
        self.body.insertWidget(0, note)
        self.form.add("reason", _("隐患情况"), _text_box(description), required=True)
        self.form.add("measures", _("已采取的安全措施"), _text_box())
        self.finish_layout()
        self.resize(520, 360)

    def save(self) -> bool:
        v = self.form.values()
        ok, _r = perform(self, safety_service.mark, self.ticket_id, v["reason"], measures=v["measures"],
                         form=self.form)
        return ok


class DetailsDialog(forms.FormDialog):
    """补充情况: the defect, the safety measures, the authority to report to."""

    def __init__(self, ticket_id: int, info: dict, parent=None):
        super().__init__(_("补充结构安全隐患情况"), parent)
        self.ticket_id = ticket_id
        self.version = info["version"]
        self.form.add("reason", _("隐患情况"), _text_box(info["reason"]), required=True)
        self.form.add("measures", _("已采取的安全措施"), _text_box(info["measures"]))
        self.form.add("authority", _("报告单位"), forms.line(200, _("例如：某某区住房和城乡建设局")))
        self.form.widgets["authority"].setText(info["authority"])
        self.form.dirty = False
        self.finish_layout()
        self.resize(520, 380)

    def save(self) -> bool:
        v = self.form.values()
        ok, _r = perform(self, safety_service.update, self.ticket_id, reason=v["reason"], measures=v["measures"],
                         authority=v["authority"], expected_version=self.version,
                         form=self.form)
        return ok


class SentDialog(forms.FormDialog):
    """登记已报送: to whom, when, how, the reference; the ticket then leaves the dashboard."""

    def __init__(self, ticket_id: int, info: dict, parent=None):
        super().__init__(_("登记隐患报告已报送"), parent)
        self.ticket_id = ticket_id
        self.version = info["version"]
        f = self.form
        f.add("authority", _("报告单位"), forms.line(200, _("例如：某某区住房和城乡建设局")), required=True)
        f.add("sent_at", _("报送时间"), _when())
        f.add("sent_how", _("报送方式"), forms.combo([(k, _(name)) for k, name in safety_service.SENT_HOW.items()]))
        f.add("sent_ref", _("文号或回执"), forms.line(100, _("文号、回执号或接报人")))
        f.add("measures", _("已采取的安全措施"), _text_box(info["measures"]))
        f.widgets["authority"].setText(info["authority"])
        f.dirty = False
        self.finish_layout()
        self.resize(520, 380)

    def save(self) -> bool:
        v = self.form.values()
        ok, _r = perform(self, safety_service.record_sent, self.ticket_id, authority=v["authority"],
                         sent_at=v["sent_at"], how=v["sent_how"], ref=v["sent_ref"], measures=v["measures"],
                         expected_version=self.version, form=self.form)
        return ok


class SafetyPanel(QFrame):
    """At the top of the ticket window: the duty while it is open, the report once sent, or the
    button that marks the ticket."""

    def __init__(self, ticket_id: int, parent=None):
        super().__init__(parent)
        self.ticket_id = ticket_id
        self.description = ""
        self.info: dict | None = None
        self.setObjectName("safetyPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.title = PlainLabel()
        self.title.setObjectName("safetyTitle")
        self.duty = PlainLabel()
        self.duty.setObjectName("safetyDuty")
        self.status = PlainLabel()
        self.status.setObjectName("safetyStatus")
        for label in (self.title, self.duty, self.status):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        self.title.setStyleSheet("color: #c62828; font-weight: bold;")
        row = QHBoxLayout()
        self.mark_button = QPushButton(_("标记为结构安全隐患…"))
        self.mark_button.setObjectName("safetyMark")
        self.details_button = QPushButton(_("补充情况…"))
        self.print_button = QPushButton(_("打印隐患报告…"))
        self.print_button.setObjectName("safetyPrint")
        self.sent_button = QPushButton(_("登记已报送…"))
        self.sent_button.setObjectName("safetySent")
        self.unmark_button = QPushButton(_("取消标记…"))
        for button in (self.mark_button, self.details_button, self.print_button, self.sent_button,
                       self.unmark_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        mark_write(self.mark_button, self.details_button, self.sent_button, self.unmark_button)
        self.mark_button.clicked.connect(self.mark)
        self.details_button.clicked.connect(self.details)
        self.print_button.clicked.connect(lambda: self.print_report())
        self.sent_button.clicked.connect(self.record_sent)
        self.unmark_button.clicked.connect(self.unmark)

    def load(self, description: str = "", state_open: bool = True) -> None:
        self.description = description
        self.info = safety_service.info(self.ticket_id)
        info = self.info
        marked = info is not None
        sent = bool(info and info["sent"])
        self.mark_button.setVisible(not marked and state_open)
        for button in (self.details_button, self.sent_button, self.unmark_button):
            button.setVisible(marked and not sent)
        self.print_button.setVisible(marked)
        self.title.setVisible(marked)
        self.duty.setVisible(marked and not sent)
        if not marked:
            self.setStyleSheet(PLAIN_STYLE)
            self.status.setText(_("如果该问题涉及结构安全（地基基础、主体结构），请标记：须立即报告并采取安全措施。"))
            self.status.setStyleSheet("color: #555555;")
            self.setVisible(state_open)
            return
        self.setVisible(True)
        self.title.setText(_("涉及结构安全"))
        self.duty.setText(info["duty"])
        if sent:
            self.setStyleSheet(SENT_STYLE)
            self.status.setText(_("隐患报告已于 {at} 报送 {authority}（{how}{ref}）").format(
                at=info["sent_at"][:16], authority=info["authority"], how=info["sent_how_name"],
                ref=f"，{info['sent_ref']}" if info["sent_ref"] else ""))
            self.status.setStyleSheet("color: #2e7d32;")
        else:
            self.setStyleSheet(DUTY_STYLE)
            self.status.setText(_("隐患报告尚未报送（标记于 {at}，已过 {waiting}）。隐患情况：{reason}；安全措施：{measures}").format(
                at=info["marked_at"][:16], waiting=info["waiting"], reason=info["reason"] or _("未填写"),
                measures=info["measures"] or _("未填写")))
            self.status.setStyleSheet("color: #c62828;")

    # --- actions ----------------------------------------------------------------------------
    def mark(self) -> None:
        MarkDialog(self.ticket_id, self.description, self).exec()

    def details(self) -> None:
        if self.info:
            DetailsDialog(self.ticket_id, self.info, self).exec()

    def record_sent(self) -> None:
        if self.info:
            SentDialog(self.ticket_id, self.info, self).exec()

    def unmark(self) -> None:
        reason, ok = QInputDialog.getText(self, _("取消结构安全隐患标记"),
                                          _("取消的原因（例如：技术负责人现场确认不涉及结构安全）："))
        if ok:
            perform(self, safety_service.unmark, self.ticket_id, reason)

    def print_report(self, ask: bool = True):
        """The 工程质量安全隐患报告 as a PDF, built off the UI thread, then opened."""
        from warranty_desk.documents.safety_report import build_safety_report

        from . import documents

        number = self.info["ticket"] if self.info else ""
        return documents.run_to_file(self, _("正在生成隐患报告…"), build_safety_report,
                                     _("工程质量安全隐患报告_{number}.pdf").format(number=number), self.ticket_id,
                                     ask=ask, lang=current_locale())
