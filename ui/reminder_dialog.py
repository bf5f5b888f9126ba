"""The start-up reminder: visits due today, overdue, and in the next 7 days. Double-click a row to
open the visit; the calendar file for the phones is one button away."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QTabWidget, QVBoxLayout

from warranty_desk.i18n import _, join_list
from warranty_desk.rules.visit_methods import method_name
from warranty_desk.rules.visit_purposes import purposes_of
from warranty_desk.services import visit_reminders

from .analysis_widgets import fill_table, make_table
from .labels import PlainLabel
from .signals import bus


class ReminderDialog(QDialog):
    def __init__(self, data: dict, parent=None, today: dt.date | None = None):
        super().__init__(parent)
        self.today = today or dt.date.today()
        self.data = data
        counts = data["counts"]
        self.setWindowTitle(_("回访提醒"))
        self.resize(900, 480)
        layout = QVBoxLayout(self)
        head = PlainLabel(_("今天有 {today} 次回访，逾期未做 {overdue} 次，未来 {days} 天还有 {upcoming} 次。").format(
            today=counts["today"], overdue=counts["overdue"], days=data["ahead_days"], upcoming=counts["upcoming"]))
        head.setObjectName("reminderHead")
        head.setStyleSheet("font-size: 15px; padding: 4px;")
        layout.addWidget(head)
        self.tabs = QTabWidget()
        self.tables = {}
        for key, title in (("today", _("今天")), ("overdue", _("逾期")), ("upcoming", _("未来7天"))):
            rows = data[key]
            table = make_table(f"reminder_{key}")
            fill_table(table, [_("日期"), _("工程编号"), _("工程名称"), _("类型"), _("方式"), _("负责人"), _("联系人"),
                               _("电话"), _("目的")],
                       [[r["date"].isoformat(), r["project_code"], r["project_name"], _(r["kind_name"]),
                         method_name(r["method"]), r["staff"] or _("未指派"), r["contact"], r["phone"],
                         join_list(purposes_of(r["purposes"]), _("；"))] for r in rows])
            table.setSortingEnabled(False)
            table.doubleClicked.connect(lambda index, k=key: self.open_row(k, index.row()))
            self.tables[key] = table
            shown = _("{title}（{n}）").format(title=title, n=counts[key])
            if counts[key] > len(rows):
                shown += _("，显示前 {n} 条").format(n=len(rows))
            self.tabs.addTab(table, shown)
        for index, key in enumerate(("today", "overdue", "upcoming")):
            if counts[key]:
                self.tabs.setCurrentIndex(index)
                break
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        ics_button = QPushButton(_("导出到手机日历（.ics）…"))
        buttons.addButton(ics_button, QDialogButtonBox.ButtonRole.ActionRole)
        ics_button.clicked.connect(self.export_ics)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def open_row(self, key: str, row: int) -> None:
        rows = self.data[key]
        if 0 <= row < len(rows):
            self.accept()
            bus().open_record.emit("visit", rows[row]["id"])

    def export_ics(self) -> None:
        from .annual_plan_dialog import export_ics_dialog

        export_ics_dialog(self, self.today)


def reminder_dialog(parent=None, today: dt.date | None = None) -> ReminderDialog | None:
    """The dialog when anything is due, overdue or coming up; None when there is nothing to say."""
    today = today or dt.date.today()
    data = visit_reminders.reminders(today)
    if not any(data["counts"].values()):
        return None
    return ReminderDialog(data, parent, today)


def show_startup_reminder(parent=None, today: dt.date | None = None) -> ReminderDialog | None:
    """Show the reminder beside the main window (modeless: the clerk can work with both)."""
    dialog = reminder_dialog(parent, today)
    if dialog is not None:
        dialog.setModal(False)
        dialog.show()
    return dialog
