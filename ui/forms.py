"""Form building blocks: fields with a red message line under each, live checks as the clerk
types (the core's own field parsers), dirty tracking, Enter saves / Esc cancels, and a question
before unsaved changes are dropped."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.i18n import _
from warranty_desk.services import fields as core_fields

from .labels import PlainLabel

ERROR_STYLE = "color: #c62828; font-size: 12px;"
BAD_FIELD_STYLE = "border: 1px solid #c62828;"


def _date_check(text: str):
    core_fields.date(text)


def _phone_check(text: str):
    core_fields.phone(text)


def _money_check(text: str):
    core_fields.money(text)


CHECKS = {"date": _date_check, "phone": _phone_check, "money": _money_check}


class FieldForm(QWidget):
    """A QFormLayout whose fields each have an error label underneath.

    `add(key, label, widget, required=, check=)`: `check` is "date"/"phone"/"money" or a callable
    that raises ValueError; it runs on every keystroke. `show_error(key, message)` is what
    operations.perform calls with the core's ValidationError."""

    dirtied = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.required: set[str] = set()
        self.labels: dict[str, str] = {}
        self.checks: dict[str, object] = {}
        self.aliases: dict[str, str] = {}
        self.dirty = False
        self._loading = False

    # building -----------------------------------------------------------------------------
    def add(self, key: str, label: str, widget: QWidget, required: bool = False, check=None) -> QWidget:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addWidget(widget)
        error = PlainLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.setObjectName(f"error_{key}")
        error.hide()
        box.addWidget(error)
        caption = label + (" *" if required else "")
        self.layout_.addRow(caption, holder)
        widget.setObjectName(f"field_{key}")
        self.widgets[key] = widget
        self.errors[key] = error
        self.labels[key] = label
        if required:
            self.required.add(key)
        if isinstance(check, str):
            check = CHECKS[check]
        if check:
            self.checks[key] = check
        self._watch(key, widget)
        return widget

    def alias(self, core_field: str, key: str) -> None:
        """Show a core error about `core_field` beside the form field `key`."""
        self.aliases[core_field] = key

    def _watch(self, key: str, widget: QWidget) -> None:
        def changed(*_args):
            if self._loading:
                return
            self.dirty = True
            self.dirtied.emit()
            self.check_field(key)

        for signal in ("textChanged", "currentTextChanged", "dateChanged", "dateTimeChanged",
                       "valueChanged", "toggled"):
            if hasattr(widget, signal):
                getattr(widget, signal).connect(changed)
                break

    # values -------------------------------------------------------------------------------
    def value(self, key: str):
        return widget_value(self.widgets[key])

    def values(self) -> dict:
        return {key: widget_value(w) for key, w in self.widgets.items()}

    def load(self, values: dict) -> None:
        self._loading = True
        try:
            for key, value in values.items():
                if key in self.widgets:
                    set_widget_value(self.widgets[key], value)
        finally:
            self._loading = False
        self.dirty = False
        self.clear_errors()

    # errors -------------------------------------------------------------------------------
    def check_field(self, key: str) -> bool:
        text = self.value(key)
        if key in self.required and text in ("", None):
            return self._set_error(key, _("{label}不能为空").format(label=self.labels[key]))
        check = self.checks.get(key)
        if check and text not in ("", None):
            try:
                check(text)
            except ValueError as exc:
                return self._set_error(key, str(exc))
        self._set_error(key, "")
        return True

    def check_all(self) -> bool:
        ok = True
        for key in self.widgets:
            ok = self.check_field(key) and ok
        return ok

    def _set_error(self, key: str, message: str) -> bool:
        label = self.errors[key]
        label.setText(message)
        label.setVisible(bool(message))
        self.widgets[key].setStyleSheet(BAD_FIELD_STYLE if message else "")
        return not message

    def show_error(self, field: str | None, message: str) -> bool:
        key = self.aliases.get(field, field) if field else None
        if key not in self.errors:
            return False
        self._set_error(key, message)
        self.widgets[key].setFocus()
        return True

    def error_text(self, key: str) -> str:
        label = self.errors[key]
        return label.text() if not label.isHidden() else ""

    def clear_errors(self) -> None:
        for key in self.errors:
            self._set_error(key, "")


class ChoiceBox(QComboBox):
    """A long choice list the clerk can type into: the items containing what is typed are offered
    (工程 by code or name, 房号 by any part), at most 15 rows at a time. Its value is the data of the
    item whose text is shown; text that names no item is handed on as typed (the core then says what
    is wrong with it), never dropped."""

    def __init__(self, options=(), placeholder: str = "", parent=None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        for value, text in options:
            self.addItem(text, value)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(15)
        self.setCompleter(completer)
        if self.findData(None) < 0:
            self.setCurrentIndex(-1)  # nothing chosen until the clerk chooses
        if placeholder:
            self.lineEdit().setPlaceholderText(placeholder)

    def value(self):
        text = self.currentText().strip()
        index = self.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            return self.itemData(index)
        return text or None

    def set_value(self, value) -> None:
        index = self.findData(value)
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setEditText("" if value is None else str(value))


def widget_value(widget: QWidget):
    if isinstance(widget, ChoiceBox):
        return widget.value()
    if isinstance(widget, QLineEdit):
        return widget.text().strip()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText().strip()
    if isinstance(widget, QComboBox):
        if widget.isEditable():
            return widget.currentText().strip()
        return widget.currentData()  # every non-editable combo here carries its value as data
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox):
        return None if widget.value() == widget.minimum() and widget.specialValueText() else widget.value()
    if isinstance(widget, QDateTimeEdit) and not isinstance(widget, QDateEdit):
        return widget.dateTime().toPython().replace(second=0, microsecond=0)
    if isinstance(widget, QDateEdit):
        return widget.date().toPython()
    raise TypeError(widget)


def set_widget_value(widget: QWidget, value) -> None:
    if isinstance(widget, ChoiceBox):
        widget.set_value(value)
    elif isinstance(widget, QLineEdit):
        if isinstance(value, dt.date):
            value = value.isoformat()
        widget.setText("" if value is None else str(value))
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(value or "")
    elif isinstance(widget, QComboBox):
        index = widget.findData(value)
        if index < 0:
            index = widget.findText("" if value is None else str(value))
        if index >= 0:
            widget.setCurrentIndex(index)
        elif widget.isEditable():
            widget.setEditText("" if value is None else str(value))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QSpinBox):
        widget.setValue(widget.minimum() if value is None else int(value))
    elif isinstance(widget, QDateTimeEdit) and not isinstance(widget, QDateEdit):
        widget.setDateTime(value)
    elif isinstance(widget, QDateEdit):
        widget.setDate(value)


def date_line(placeholder: str = "2024-06-15") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(20)
    return edit


def line(max_length: int = 200, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(max_length)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def combo(options, editable: bool = False) -> QComboBox:
    box = QComboBox()
    box.setEditable(editable)
    for option in options:
        if isinstance(option, tuple):
            box.addItem(option[1], option[0])
        else:
            box.addItem(option, option)
    return box


def ask_discard(parent) -> bool:
    answer = QMessageBox.question(
        parent, _("未保存的修改"), _("有修改尚未保存。放弃这些修改吗？"),
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard


class FormDialog(QDialog):
    """A dialog around a FieldForm: 保存 (Enter) runs `save()`, which returns True when done;
    取消 (Esc) or closing asks first when something was changed."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = FieldForm()
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消"))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setDefault(True)
        from .operations import mark_write  # a damaged database (read only): nothing to save

        mark_write(self.buttons.button(QDialogButtonBox.StandardButton.Save))
        self.buttons.accepted.connect(self._save_clicked)
        self.buttons.rejected.connect(self.reject)
        self.result_value = None

    def finish_layout(self) -> None:
        self.body.addWidget(self.buttons)

    def is_dirty(self) -> bool:
        return self.form.dirty

    def save(self) -> bool:  # overridden
        raise RuntimeError("FormDialog.save must be overridden")

    def _save_clicked(self) -> None:
        if not self.form.check_all():
            return
        if self.save():
            self.form.dirty = False
            self.accept()

    def keyPressEvent(self, event):  # noqa: N802 - Qt
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(self.focusWidget(), QPlainTextEdit):
            return super().keyPressEvent(event)  # a new line in a text box, not a save
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._save_clicked()
            return None
        return super().keyPressEvent(event)

    def reject(self):
        if self.is_dirty() and not ask_discard(self):
            return
        super().reject()

    def closeEvent(self, event):  # noqa: N802 - Qt
        if self.isVisible() and self.result() != QDialog.DialogCode.Accepted and self.is_dirty() and not ask_discard(self):
            event.ignore()
            return
        self.form.dirty = False
        super().closeEvent(event)
