"""工程项目: the project table and, opened from it, a project's page (ui/pages/project_list.py,
ui/pages/project_detail.py; the handover dialogs in ui/pages/handover_dialogs.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QVBoxLayout

from .. import forms
from .base import Page
from .project_detail import ProjectDetail
from .project_list import ProjectListPage


class ProjectsPage(Page):
    tables = ("project", "client", "warranty_item", "unit", "visit", "ticket", "region", "staff", "subcontractor")

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.inner = QStackedWidget()
        self.list = ProjectListPage(self)
        self.detail = ProjectDetail(self)
        self.inner.addWidget(self.list)
        self.inner.addWidget(self.detail)
        layout.addWidget(self.inner)

    def load(self) -> None:
        if self.inner.currentWidget() is self.detail:
            self.detail.load()
            self._stale_list = True
        else:
            self.list.load()

    def open_project(self, project_id: int, tab: str | None = None, unit_id: int | None = None) -> None:
        """The project's page; `tab="units"` opens 住户, with `unit_id`'s row selected and in view."""
        if self.inner.currentWidget() is self.detail and self.detail.project and self.detail.project.id != project_id:
            if not self.leave_detail():
                return
        self.detail.form.dirty = False
        self.detail.show_project(project_id)
        self.inner.setCurrentWidget(self.detail)
        self.detail.tabs.setCurrentIndex(2 if tab == "units" or unit_id else 0)
        if unit_id:
            self.detail.mark_unit(unit_id)

    def leave_detail(self) -> bool:
        if self.detail.form.dirty:
            if not forms.ask_discard(self):
                return False
            self.detail.form.dirty = False
        return True

    def show_list(self) -> None:
        if not self.leave_detail():
            return
        self.list.load()
        self.inner.setCurrentWidget(self.list)

    def is_dirty(self) -> bool:
        return self.inner.currentWidget() is self.detail and self.detail.form.dirty

    def discard(self) -> None:
        self.detail.form.dirty = False
        self.detail.load()
