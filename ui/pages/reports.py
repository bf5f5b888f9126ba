"""报表: the quarterly visit report and the warranty ledger export. The visits issue adds its
charts through ui/reports_*.py modules that provide `ReportPanel` widgets."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

import ui
from warranty_desk.i18n import _, current_locale

from .. import documents
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
    """(title, widget class) from every ui/reports_*.py that defines ReportPanel."""
    panels = []
    for info in pkgutil.iter_modules(ui.__path__):
        if info.name.startswith("reports_"):
            module = importlib.import_module(f"ui.{info.name}")
            panel = getattr(module, "ReportPanel", None)
            if panel is not None:
                panels.append((getattr(module, "TITLE", info.name), panel))
    return panels


class ReportsPage(Page):
    tables = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        prints = QGroupBox(_("打印与导出"))
        row = QHBoxLayout(prints)
        row.addWidget(QLabel(_("季度：")))
        self.quarter = QComboBox()
        for q in quarters(dt.date.today()):
            year, number = q.split("Q")
            self.quarter.addItem(_("{year}年第{n}季度").format(year=year, n=number), q)
        self.quarter.setCurrentIndex(1 if self.quarter.count() > 1 else 0)  # the last finished quarter
        row.addWidget(self.quarter)
        self.quarterly_button = QPushButton(_("生成季度回访报告…"))
        self.quarterly_button.setObjectName("quarterlyReport")
        row.addWidget(self.quarterly_button)
        row.addSpacing(30)
        self.ledger_button = QPushButton(_("导出保修台账（Excel）…"))
        self.ledger_button.setObjectName("exportLedger")
        row.addWidget(self.ledger_button)
        row.addStretch(1)
        layout.addWidget(prints)
        self.tabs = QTabWidget()
        self.panels: list[QWidget] = []
        for title, cls in report_panels():
            panel = cls()
            self.panels.append(panel)
            self.tabs.addTab(panel, title)
        if self.panels:
            layout.addWidget(self.tabs, 1)
        else:
            note = QLabel(_("季度回访报告包括：回访完成情况、满意度、发现的问题及处理结果。\n"
                            "保修台账包括每一张维修工单：工程、房号、报修日期、内容、是否保修期内、责任类别、维修单位、费用和满意度。"))
            note.setWordWrap(True)
            layout.addWidget(note)
            layout.addStretch(1)
        self.quarterly_button.clicked.connect(self.quarterly)
        self.ledger_button.clicked.connect(self.ledger)
        self.quarterly_button.setEnabled(documents.installed("warranty_desk.documents.quarterly"))
        self.ledger_button.setEnabled(documents.installed("warranty_desk.services.ledger"))

    @staticmethod
    def _quarterly_fn():
        try:
            return importlib.import_module("warranty_desk.documents.quarterly").build_quarterly_report
        except (ImportError, AttributeError):
            return None

    @staticmethod
    def _ledger_fn():
        try:
            return importlib.import_module("warranty_desk.services.ledger").export_ledger
        except (ImportError, AttributeError):
            return None

    def load(self) -> None:
        for panel in self.panels:
            if hasattr(panel, "refresh"):
                panel.refresh()

    def quarterly(self, ask: bool = True):
        quarter = self.quarter.currentData()
        return documents.run_to_file(self, _("正在生成季度回访报告…"), self._quarterly_fn(), _("季度回访报告_{quarter}.pdf").format(quarter=quarter),
                                     quarter, ask=ask, lang=current_locale())

    def ledger(self, ask: bool = True):
        return documents.run_to_file(self, _("正在导出保修台账…"), self._ledger_fn(), _("保修台账.xlsx"), ask=ask,
                                     filter_="Excel (*.xlsx)")
