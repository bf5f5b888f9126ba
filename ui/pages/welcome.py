"""First start: an empty database offers the demo office or an import from a spreadsheet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QVBoxLayout, QWidget

from warranty_desk.i18n import _
from warranty_desk.services import demo

from ..labels import PlainLabel
from ..operations import run_background
from ..signals import bus


class WelcomePage(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = PlainLabel(_("欢迎使用保修台"))
        title.setStyleSheet("font-size: 26px; font-weight: bold;")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = PlainLabel(_("数据库中还没有工程。您可以先装入一个演示用的施工单位（29个工程、约900户业主、回访和维修记录），"
                        "熟悉程序后再换成自己的数据；也可以直接从 Excel 表格导入工程，或手工新建工程。"))
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setMaximumWidth(640)
        layout.addWidget(title)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(text)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.demo_button = QPushButton(_("装入演示数据"))
        self.demo_button.setObjectName("loadDemo")
        self.import_button = QPushButton(_("从表格导入工程…"))
        self.new_button = QPushButton(_("手工新建工程…"))
        for b in (self.demo_button, self.import_button, self.new_button):
            b.setMinimumHeight(40)
            b.setMinimumWidth(160)
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(2)
        self.demo_button.clicked.connect(self.load_demo)
        self.import_button.clicked.connect(self.import_projects)
        self.new_button.clicked.connect(self.new_project)

    def _window(self):
        return self.window()

    def load_demo(self):
        def done(counts):
            QMessageBox.information(self, _("演示数据"), _("已装入演示数据：{p} 个工程、{u} 户、{v} 次回访、{t} 张工单。").format(
                p=counts["projects"], u=counts["units"], v=counts["visits"], t=counts["tickets"]))
            self._leave()

        return run_background(self, _("正在装入演示数据，请稍候…"), demo.build_demo, on_done=done,
                              writes=True, what=_("装入演示数据"))

    def _leave(self) -> None:
        window = self._window()
        if hasattr(window, "leave_welcome"):
            window.leave_welcome()

    def import_projects(self):
        from ..import_window import open_import_window

        window = open_import_window(self, "projects")
        window.imported.connect(lambda _report: self._leave())
        return window

    def new_project(self) -> None:
        from ..project_form import ProjectDialog

        dialog = ProjectDialog(self)
        if dialog.exec() and dialog.result_value is not None:
            self._leave()
            bus().open_record.emit("project", dialog.result_value.id)
