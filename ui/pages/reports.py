"""报表: the quarterly visit report and the warranty ledger export. The visits issue adds its
charts through ui/reports_*.py modules that provide `ReportPanel` widgets."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from warranty_desk.i18n import _, current_locale
from warranty_desk.rules import ticket_states
from warranty_desk.rules.ticket_states import state_name
from warranty_desk.services import projects as project_service
from warranty_desk.services import staff as staff_service

from .. import documents, forms
from ..labels import PlainLabel
from .base import Page


def quarters(today: dt.date, count: int = 8) -> list[str]:
    year, quarter = today.year, (today.month - 1) // 3 + 1
    result = []
    for _i in range(count):
        result.append(f"{year}Q{quarter}")
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    return result


def report_panels() -> list[tuple[str, type]]:
    """(title, widget class) of the report tabs below the prints."""
    from .. import reports_analysis

    return [(_(reports_analysis.TITLE), reports_analysis.ReportPanel)]


class ReportsPage(Page):
    tables = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        prints = QGroupBox(_("打印与导出"))
        row = QHBoxLayout(prints)
        row.addWidget(PlainLabel(_("季度：")))
        self.quarter = QComboBox()
        for q in quarters(dt.date.today()):
            year, number = q.split("Q")
            self.quarter.addItem(_("{year}年第{n}季度").format(year=year, n=number), q)
        self.quarter.setCurrentIndex(1 if self.quarter.count() > 1 else 0)  # the last finished quarter
        row.addWidget(self.quarter)
        self.quarterly_button = QPushButton(_("生成季度回访报告…"))
        self.quarterly_button.setObjectName("quarterlyReport")
        row.addWidget(self.quarterly_button)
        row.addStretch(1)
        layout.addWidget(prints)
        layout.addWidget(self._ledger_box())
        self.tabs = QTabWidget()
        self.panels: list[QWidget] = []
        for title, cls in report_panels():
            panel = cls()
            self.panels.append(panel)
            self.tabs.addTab(panel, title)
        layout.addWidget(self.tabs, 1)
        # lambdas: clicked(bool) would arrive as ask=False and skip the 保存为 dialog
        self.quarterly_button.clicked.connect(lambda: self.quarterly())
        self.ledger_button.clicked.connect(lambda: self.ledger())

    @staticmethod
    def _quarterly_fn():
        from warranty_desk.documents.quarterly import build_quarterly_report  # reportlab: when first printed

        return build_quarterly_report

    @staticmethod
    def _ledger_fn():
        from warranty_desk.services.ledger import export_ledger

        return export_ledger

    def _ledger_box(self) -> QGroupBox:
        """保修台账: the filters (project, state, report dates, in/out of warranty, repairer) and the export."""
        box = QGroupBox(_("保修台账"))
        outer = QVBoxLayout(box)
        row = QHBoxLayout()
        self.ledger_project = QComboBox()
        self.ledger_project.setObjectName("ledgerProject")
        self.ledger_project.setMinimumWidth(200)
        self.ledger_state = QComboBox()
        self.ledger_state.setObjectName("ledgerState")
        self.ledger_state.addItem(_("全部状态"), "")
        for state in ticket_states.STATES:
            self.ledger_state.addItem(state_name(state), state)
        self.ledger_from = forms.date_line(_("开始日期"))
        self.ledger_from.setObjectName("ledgerFrom")
        self.ledger_to = forms.date_line(_("结束日期"))
        self.ledger_to.setObjectName("ledgerTo")
        for edit in (self.ledger_from, self.ledger_to):
            edit.setMaximumWidth(110)
            edit.textChanged.connect(self._check_ledger_dates)
        self.ledger_warranty = QComboBox()
        self.ledger_warranty.setObjectName("ledgerWarranty")
        for label, value in ((_("保修期内外"), None), (_("保修期内"), True), (_("保修期外"), False)):
            self.ledger_warranty.addItem(label, value)
        self.ledger_sub = QComboBox()
        self.ledger_sub.setObjectName("ledgerSubcontractor")
        self.ledger_sub.setMinimumWidth(150)
        self.ledger_button = QPushButton(_("导出保修台账（Excel）…"))
        self.ledger_button.setObjectName("exportLedger")
        row.addWidget(self.ledger_project)
        row.addWidget(self.ledger_state)
        row.addWidget(PlainLabel(_("报修日期")))
        row.addWidget(self.ledger_from)
        row.addWidget(PlainLabel("–"))
        row.addWidget(self.ledger_to)
        row.addWidget(self.ledger_warranty)
        row.addWidget(self.ledger_sub)
        row.addWidget(self.ledger_button)
        row.addStretch(1)
        outer.addLayout(row)
        self.ledger_error = PlainLabel()
        self.ledger_error.setObjectName("ledgerError")
        self.ledger_error.setStyleSheet(forms.ERROR_STYLE)
        self.ledger_error.setWordWrap(True)
        self.ledger_error.hide()
        outer.addWidget(self.ledger_error)
        self._fill_ledger_choices()
        return box

    def _fill_ledger_choices(self) -> None:
        for box, everything, query in (
            (self.ledger_project, _("全部工程"), project_service.project_choices()),
            (self.ledger_sub, _("全部维修单位"), staff_service.subcontractor_choices()),
        ):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(everything, None)
            for rid, a, b in query:
                box.addItem(f"{a}  {b}", rid)
            box.setCurrentIndex(max(box.findData(current), 0))
            box.blockSignals(False)

    def _check_ledger_dates(self, *_a) -> bool:
        """Mark a date the clerk typed that is not a date (as typed, before exporting)."""
        from warranty_desk.services import fields as core_fields

        message = ""
        for edit in (self.ledger_from, self.ledger_to):
            try:
                core_fields.date(edit.text())
                edit.setStyleSheet("")
            except ValueError as exc:
                edit.setStyleSheet(forms.BAD_FIELD_STYLE)
                message = message or str(exc)
        self._ledger_message(message)
        return not message

    def _ledger_message(self, message: str) -> None:
        self.ledger_error.setText(message)
        self.ledger_error.setVisible(bool(message))

    def ledger_filters(self) -> dict:
        return {
            "project": self.ledger_project.currentData(), "state": self.ledger_state.currentData() or None,
            "date_from": self.ledger_from.text().strip() or None, "date_to": self.ledger_to.text().strip() or None,
            "in_warranty": self.ledger_warranty.currentData(), "subcontractor": self.ledger_sub.currentData(),
        }

    def load(self) -> None:
        self._fill_ledger_choices()
        first_show, self._panels_follow = not getattr(self, "_panels_follow", False), True
        if first_show:
            return  # each panel computes its figures when it first shows itself (just now): not twice
        for panel in self.panels:
            if hasattr(panel, "refresh"):
                panel.refresh()

    def quarterly(self, ask: bool = True):
        quarter = self.quarter.currentData()
        return documents.run_to_file(self, _("正在生成季度回访报告…"), self._quarterly_fn(), _("季度回访报告_{quarter}.pdf").format(quarter=quarter),
                                     quarter, ask=ask, lang=current_locale())

    def ledger(self, ask: bool = True):
        """Export the tickets the filters select; the core checks the filters first (a wrong date
        range is said under the filters), then the file is written off the UI thread."""
        if not self._check_ledger_dates():
            return None
        filters = self.ledger_filters()
        from warranty_desk.errors import ValidationError
        from warranty_desk.services import ledger

        try:
            ledger.ledger_query(**filters)  # builds the query only: checks the filters
        except ValidationError as exc:
            self._ledger_message(exc.message)
            edit = {"date_from": self.ledger_from, "date_to": self.ledger_to}.get(exc.field)
            if edit is not None:
                edit.setStyleSheet(forms.BAD_FIELD_STYLE)
            return None
        self._ledger_message("")
        return documents.run_to_file(self, _("正在导出保修台账…"), self._ledger_fn(), _("保修台账.xlsx"), ask=ask,
                                     with_progress=True,  # streamed: the rows written so far of how many
                                     filter_="Excel (*.xlsx)", **filters)
