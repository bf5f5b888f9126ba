"""Two clerks saved the same record (optimistic locking): the second save is refused by the core
with ConflictError. The form stays open with the clerk's input untouched, a bar above it says so,
and “重新载入” fetches the record's current version and puts the clerk's own changes back on top
(the fields the clerk did not touch take the other clerk's values)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton

from warranty_desk.i18n import _

from . import forms
from .labels import PlainLabel

CONFLICT_STYLE = "QFrame#conflictBar { background: #fff3e0; border: 1px solid #ef6c00; border-radius: 3px; }"
RELOADED_STYLE = "QFrame#conflictBar { background: #e3f2fd; border: 1px solid #1565c0; border-radius: 3px; }"


class ConflictBar(QFrame):
    """The message above a form after a refused save, with the 重新载入 button."""

    reload_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("conflictBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.label = PlainLabel()
        self.label.setObjectName("conflictMessage")
        self.label.setWordWrap(True)
        self.reload_button = QPushButton(_("重新载入"))
        self.reload_button.setObjectName("reloadButton")
        self.reload_button.setToolTip(_("取回对方保存的最新内容；您改过的栏目保留您的填写"))
        self.reload_button.clicked.connect(self.reload_requested)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.reload_button)
        self.hide()

    def show_conflict(self, message: str = "") -> None:
        """`message`: the core's, when it says more than the usual 已被他人修改."""
        self.setStyleSheet(CONFLICT_STYLE)
        headline = _("已被他人修改：您打开之后，别人保存了这条记录，所以您这次的修改没有保存。")
        if message and not message.startswith(_("已被他人修改，请重新打开后再保存")):
            headline = message
        self.label.setText(headline + "\n" + _("您填写的内容都还在。点“重新载入”取回最新内容（您改过的栏目保留您的填写），"
                                                  "检查后再保存。"))
        self.reload_button.show()
        self.show()

    def show_reloaded(self, clashes: list[str]) -> None:
        self.setStyleSheet(RELOADED_STYLE)
        text = _("已载入最新内容，您改过的栏目保留了您的填写。请检查后再保存。")
        if clashes:
            text += "\n" + _("以下栏目对方也改过，现在显示的是您的填写：") + "\n" + "\n".join(clashes)
        self.label.setText(text)
        self.reload_button.hide()
        self.show()

    def message(self) -> str:
        return "" if self.isHidden() else self.label.text()


def _shown(value) -> str:
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    return "" if value is None else str(value)


def reapply(form: forms.FieldForm, base: dict, mine: dict, current: dict) -> tuple[dict, list[str]]:
    """Load `current` (the record as saved now) into `form`, then put back every field where `mine`
    differs from `base` (the values the form was loaded with). Returns the new base (the current
    record as the form shows it) and the fields both clerks changed, in words."""
    form.load(current)
    theirs = form.values()
    clashes = []
    form._loading = True
    try:
        for key, value in mine.items():
            if value == base.get(key):
                continue
            if theirs.get(key) != base.get(key) and theirs.get(key) != value:
                clashes.append(_("{label}（对方改为：{value}）").format(label=form.labels.get(key, key),
                                                                     value=_shown(theirs.get(key)) or _("（空）")))
            forms.set_widget_value(form.widgets[key], value)
    finally:
        form._loading = False
    form.dirty = True
    return theirs, clashes
