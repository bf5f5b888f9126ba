"""Small shared dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidget, QVBoxLayout

from warranty_desk.errors import ImportFailed
from warranty_desk.i18n import _

from .labels import PlainLabel


class ImportErrorsDialog(QDialog):
    """An import refused whole: every bad row and cell, so the clerk can fix the sheet."""

    def __init__(self, failure: ImportFailed, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("导入失败"))
        layout = QVBoxLayout(self)
        head = PlainLabel(_("表格中有 {n} 处错误，未导入任何数据。请在表格中改正后重新导入：").format(n=len(failure.errors)))
        head.setWordWrap(True)
        layout.addWidget(head)
        self.list = QListWidget()
        self.list.setObjectName("importErrors")
        # a long message wraps inside the window (never a sideways scroll to read its end)
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setAlternatingRowColors(True)
        for error in failure.errors:
            self.list.addItem(error.message)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("关闭"))
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(640, 420)
