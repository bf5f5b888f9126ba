"""谁在使用保修台: the operator, asked at the first start and — when several clerks share this PC — at
every start, chosen from the staff list (or typed: a new name joins the list). Changed any time from
the status bar. The name goes into every history line, audit row and printed form."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QDialogButtonBox, QVBoxLayout

from warranty_desk.errors import ValidationError
from warranty_desk.i18n import _
from warranty_desk.services import operator

from . import forms
from .labels import PlainLabel
from .operations import call, is_read_only, wait_until_writable


class OperatorDialog(QDialog):
    def __init__(self, parent=None, at_start: bool = True):
        super().__init__(parent)
        self.setWindowTitle(_("操作员"))
        choice = operator.start_choice()
        layout = QVBoxLayout(self)
        if choice.first_start and at_start:
            text = _("欢迎使用保修台。请选择或填写您的姓名：")
        elif at_start:
            text = _("这台电脑由几位同事共用。请选择现在使用保修台的人：")
        else:
            text = _("更换操作员：")
        head = PlainLabel(text)
        head.setWordWrap(True)
        layout.addWidget(head)
        self.name = QComboBox()
        self.name.setObjectName("operatorName")
        self.name.setEditable(True)
        self.name.setMaxVisibleItems(15)
        self.name.addItems(choice.names)
        self.name.lineEdit().setMaxLength(operator.MAX_NAME)
        self.name.lineEdit().setPlaceholderText(_("您的姓名"))
        self.name.setCurrentText(choice.suggested if at_start else operator.current())
        self.name.setMinimumWidth(260)
        layout.addWidget(self.name)
        self.error = PlainLabel()
        self.error.setObjectName("operatorError")
        self.error.setStyleSheet(forms.ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        note = PlainLabel(_("您的姓名会写进每条处理记录、修改记录和打印的单据（如派工单）。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        layout.addWidget(note)
        self.shared = QCheckBox(_("这台电脑由几位同事共用：每次启动时选择操作员"))
        self.shared.setObjectName("operatorShared")
        self.shared.setChecked(choice.each_start)
        layout.addWidget(self.shared)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("开始工作") if at_start else _("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("退出") if at_start else _("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.chosen = ""

    def accept(self) -> None:
        wait_until_writable()  # the database's check at start may still run (#20): its answer first
        try:  # a damaged database (read only): the name works, it is not added to the staff list
            self.chosen = call(operator.choose, self.name.currentText(), self.shared.isChecked(),
                               add_to_staff=not is_read_only())
        except ValidationError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        super().accept()


def ask_at_start(parent=None) -> bool:
    """At the start of the window: ask who works when this PC needs it (first start, shared PC),
    otherwise take this PC's operator. False: the clerk chose to quit."""
    if not operator.needs_asking():
        operator.set_for_this_process(operator.remembered())
        return True
    dialog = OperatorDialog(parent, at_start=True)
    return dialog.exec() == QDialog.DialogCode.Accepted


def change_operator(parent) -> str | None:
    """From the status bar: another clerk takes over this PC."""
    dialog = OperatorDialog(parent, at_start=False)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.chosen
    return None
