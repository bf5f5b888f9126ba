"""One ticket, laid out for its work: a header that always shows the state, the three deadlines and
the warranty verdict (out of warranty and missed deadlines in warning colours); the ticket's details,
history and photos on the left; on the right the 处理 panel with the next step's actions only
(ticket_lifecycle.py). Fits 1366×768 and resizes; a description of any length wraps."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextOption
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.i18n import _
from warranty_desk.rules import sla as sla_rules
from warranty_desk.rules import ticket_states as st
from warranty_desk.rules.responsibility import decision_text
from warranty_desk.rules.sla import urgency_name
from warranty_desk.rules.ticket_states import state_name
from warranty_desk.services import tickets as ticket_service

from .labels import PlainLabel
from .signals import bus
from .ticket_lifecycle import TICKET_PARTS, LifecyclePanel

WARN_BOX = "background: #fff3e0; border: 1px solid #e65100; border-radius: 4px; padding: 6px; color: #bf360c;"
LATE_BOX = "background: #ffebee; border: 1px solid #c62828; border-radius: 4px; padding: 6px; color: #b71c1c;"
CALM_BOX = "background: #e8f5e9; border: 1px solid #a5d6a7; border-radius: 4px; padding: 6px; color: #1b5e20;"
PLAIN_BOX = "background: #eceff1; border: 1px solid #cfd8dc; border-radius: 4px; padding: 6px;"


def _clock(value: str | None) -> str:
    return (value or "")[:16].replace("T", " ")


def wrapping_text(object_name: str, lines: int = 5) -> QPlainTextEdit:
    """Read-only text that wraps anywhere (a 2,000-character run without spaces too) and scrolls."""
    box = QPlainTextEdit()
    box.setObjectName(object_name)
    box.setReadOnly(True)
    box.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    box.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    box.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    box.setFrameShape(QFrame.Shape.StyledPanel)
    height = box.fontMetrics().lineSpacing() * lines + 12
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * 2 + 12)
    box.setMaximumHeight(height)
    return box


def _value(text: str = "") -> PlainLabel:
    label = PlainLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class TicketHeader(QFrame):
    """Always in view: number and state, the caller, the deadlines, the warranty verdict."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.number = PlainLabel()
        self.number.setObjectName("ticketNumber")
        self.number.setStyleSheet("font-size: 17px; font-weight: bold;")
        self.state = PlainLabel()
        self.state.setObjectName("ticketState")
        self.sla = PlainLabel()
        self.sla.setObjectName("ticketSla")
        top.addWidget(self.number)
        top.addWidget(self.state)
        top.addWidget(self.sla, 1)
        layout.addLayout(top)
        self.who = _value()
        self.who.setObjectName("ticketWho")
        layout.addWidget(self.who)
        cards = QHBoxLayout()
        self.deadlines = PlainLabel()
        self.deadlines.setObjectName("ticketDeadlines")
        self.deadlines.setWordWrap(True)
        self.verdict = PlainLabel()
        self.verdict.setObjectName("ticketVerdict")
        self.verdict.setWordWrap(True)
        cards.addWidget(self.deadlines, 1)
        cards.addWidget(self.verdict, 1)
        layout.addLayout(cards)

    def show_ticket(self, d: dict) -> None:
        self.number.setText(d["number"])
        final = d["state"] in st.FINAL_STATES
        self.state.setText(state_name(d["state"]))
        self.state.setStyleSheet("font-size: 14px; font-weight: bold; padding: 2px 8px; border-radius: 3px; "
                                 + ("background: #eceff1; color: #37474f;" if final
                                    else "background: #1565c0; color: white;"))
        self.sla.setText(_(d["sla_text"]) if d["sla_text"] != d["state"] else "")
        self.sla.setStyleSheet("color: #c62828; font-weight: bold;" if d["overdue"] else "color: #455a64;")
        unit = d["unit"] or _("公共部位")
        who = "  ".join(x for x in (d["reporter"], d["phone"]) if x)
        self.who.setText(f'{d["project_code"]} {d["project_name"]} · {unit} · {who}')
        lines = []
        late = False
        for step in d["deadlines"]:
            name = _(sla_rules.STEP_NAMES[step["step"]])
            if step["done"]:
                mark = _("{at} 已{name}").format(at=_clock(step["done"])[5:], name=name)
            elif step["pending"]:
                mark = _("未{name}").format(name=name)
            else:
                mark = "—"
            line = _("{name}时限 {due}　{mark}").format(name=name, due=_clock(step["due"])[5:], mark=mark)
            if step["late"]:
                line += _("（超时）")
                late = True
            lines.append(line)
        self.deadlines.setText("\n".join(lines) if lines else _("无时限"))
        running_late = d["overdue"]
        self.deadlines.setStyleSheet(LATE_BOX if running_late else (WARN_BOX if late else PLAIN_BOX))
        if d["in_warranty"]:
            verdict = _("保修期内：{reason}").format(reason=decision_text(d["warranty_reason"]))
        else:
            verdict = _("保修期外（有偿维修）：{reason}").format(reason=decision_text(d["warranty_reason"]))
        if d["warranty_override_reason"]:
            verdict += "\n" + _("更改判定的原因：{r}").format(r=d["warranty_override_reason"])
        self.verdict.setText(verdict)
        self.verdict.setStyleSheet(CALM_BOX if d["in_warranty"] else WARN_BOX)
        self.verdict.setProperty("warning", not d["in_warranty"])
        self.deadlines.setProperty("warning", bool(running_late or late))


class TicketView(QDialog):
    """One ticket: the header, its details, history and photos, and the 处理 panel beside."""

    def __init__(self, ticket_id: int, parent=None):
        super().__init__(parent)
        self.ticket_id = ticket_id
        self.setWindowTitle(_("维修工单"))
        layout = QVBoxLayout(self)
        self.header = TicketHeader()
        layout.addWidget(self.header)
        from .safety_panel import SafetyPanel  # structural safety: the duty, the report, sent or not

        self.safety = SafetyPanel(ticket_id, self)
        layout.addWidget(self.safety)
        self.splitter = QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.tabs = QTabWidget()
        self.summary = QWidget()
        summary_layout = QVBoxLayout(self.summary)
        self.summary_form = QFormLayout()
        self.summary_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        summary_layout.addLayout(self.summary_form)
        summary_layout.addWidget(PlainLabel(_("报修内容")))
        self.description = wrapping_text("ticketDescription", lines=8)
        self.description.setMaximumHeight(16777215)  # here it takes the rest of the tab
        summary_layout.addWidget(self.description, 1)
        self.tabs.addTab(self.summary, _("工单"))
        self.history = QListWidget()
        self.history.setObjectName("ticketHistory")
        self.history.setWordWrap(True)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tabs.addTab(self.history, _("处理记录"))
        from .attachment_list import AttachmentList  # photos, signature, scans (from the office or a phone)

        self.attachments = AttachmentList("ticket", ticket_id)
        self.tabs.addTab(self.attachments, _("照片和签字"))
        self.lifecycle = LifecyclePanel(ticket_id, self)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.lifecycle)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        layout.addWidget(self.splitter, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("关闭"))
        buttons.rejected.connect(self.reject)
        from .record_history import history_button, show_history  # 修改记录 (read only)

        self.history_button = history_button()
        buttons.addButton(self.history_button, QDialogButtonBox.ButtonRole.HelpRole)
        self.history_button.clicked.connect(lambda: show_history(self, "ticket", self.ticket_id, self.windowTitle()))
        layout.addWidget(buttons)
        bus().changed.connect(self._changed)
        self.load()
        self._fit_screen()

    def _fit_screen(self) -> None:
        """1180×720, or what the screen has room for (1366×768 less the taskbar)."""
        screen = (self.parent().screen() if self.parent() is not None else None) or QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        width, height = 1180, 720
        if room is not None:
            width, height = min(width, room.width() - 20), min(height, room.height() - 40)
        self.resize(width, height)
        self.splitter.setSizes([width * 9 // 20, width * 11 // 20])

    def _changed(self, changes) -> None:
        if (changes.touches_record("ticket", self.ticket_id) or changes.touches(*TICKET_PARTS)
                or changes.touches("safety_report")):
            self.load()

    def _stop_following(self) -> None:
        """Closed: the window (and its 处理 panel) no longer reload on changes."""
        if getattr(self, "_followed", True):
            self._followed = False
            bus().changed.disconnect(self._changed)
            bus().changed.disconnect(self.lifecycle._changed)

    def done(self, result) -> None:
        self._stop_following()
        super().done(result)

    def closeEvent(self, event):  # noqa: N802 - Qt
        self._stop_following()
        super().closeEvent(event)

    def description_text(self) -> str:
        return self.description.toPlainText()

    def load(self) -> None:
        d = ticket_service.ticket_detail(self.ticket_id)
        self.setWindowTitle(_("维修工单 {number}").format(number=d["number"]))
        self.header.show_ticket(d)
        while self.summary_form.rowCount():
            self.summary_form.removeRow(0)
        rows = [
            (_("工程"), f'{d["project_code"]} {d["project_name"]}'), (_("房号"), d["unit"] or _("公共部位")),
            (_("报修人"), f'{d["reporter"]}  {d["phone"]}'), (_("报修方式"), ticket_service.channel_name(d["channel"])),
            (_("报修时间"), _clock(d["reported_at"])), (_("部位"), d["location"]),
            (_("保修项目"), _(d["category_name"])), (_("紧急程度"), urgency_name(d["urgency"])),
            (_("派工"), " ".join(x for x in (d["assignee"], d["subcontractor"]) if x) or _("未派工")),
        ]
        if d["repeat_of"]:
            rows.append((_("重复报修"), _("与工单 {n} 为同一问题").format(n=d["repeat_of"])))
        for label, value in rows:
            self.summary_form.addRow(label, _value(value or ""))
        self.description.setPlainText(d["description"])
        self.safety.load(d["description"], d["state"] != st.CANCELLED)
        self.history.clear()
        for e in d["events"]:
            arrow = f'{state_name(e["from"])} → {state_name(e["to"])}' if e["from"] else state_name(e["to"])
            self.history.addItem(f'{_clock(e["at"])}  {arrow}  {e["by"]}  {ticket_service.event_reason_text(e["reason"])}')
