"""The 回访问卷 inside the visit form: one row per question (1–5 buttons, 是/否, a choice list or
a text line), a quick-entry line for typing in a paper questionnaire, and the live score and
grade (computed by the core's scoring rules as the clerk answers).

Loaded by ui/visit_form.py (`questionnaire_widget`) as `QuestionnaireForm(template, answers)`."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.i18n import _
from warranty_desk.rules import scoring
from warranty_desk.rules.satisfaction import GRADES, grade_name
from warranty_desk.services.questionnaires import shown

from .labels import PlainLabel

# the grades of rules/satisfaction.py, best first, each with its colour
GRADE_COLORS = dict(zip((name for _floor, name in GRADES), ("#2e7d32", "#558b2f", "#f9a825", "#ef6c00", "#c62828")))
SKIP = ("-", "—", "/", "x", "X")


def specs_from(template: dict) -> list[scoring.QuestionSpec]:
    return [
        scoring.QuestionSpec(key=q["id"], kind=q["kind"], weight=float(q["weight"]), area=q["area"], text=q["text"],
                             choices=tuple((c[0], float(c[1])) for c in q.get("choices") or ()))
        for q in template.get("questions", [])
    ]


class _QuickLine(QLineEdit):
    """Enter fills the answers here; it must not reach the dialog (where Enter means 保存)."""

    def keyPressEvent(self, event):  # noqa: N802 - Qt
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class _Choices(QWidget):
    """A row of exclusive buttons (1–5 or 是/否) that can also be cleared."""

    changed = Signal()

    def __init__(self, values: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)
        self.buttons: dict[str, QRadioButton] = {}
        for value, label in values:
            button = QRadioButton(label)
            button.setProperty("answer", value)
            self.group.addButton(button)
            self.buttons[value] = button
            row.addWidget(button)
            button.toggled.connect(lambda checked, b=button: self._toggled(b, checked))
        row.addStretch(1)

    def _toggled(self, button, checked: bool) -> None:
        if checked:
            for other in self.buttons.values():
                if other is not button and other.isChecked():
                    other.blockSignals(True)
                    other.setChecked(False)
                    other.blockSignals(False)
        self.changed.emit()

    def value(self) -> str:
        for value, button in self.buttons.items():
            if button.isChecked():
                return value
        return ""

    def set_value(self, value: str) -> bool:
        value = (value or "").strip()
        if value and value not in self.buttons:
            return False
        for key, button in self.buttons.items():
            button.blockSignals(True)
            button.setChecked(key == value)
            button.blockSignals(False)
        self.changed.emit()
        return True


class QuestionnaireForm(QWidget):
    """Answers in, `answers()` out; `score_changed(score or None, grade)` as the clerk answers."""

    score_changed = Signal(object, str)

    def __init__(self, template: dict, answers: dict | None = None, parent=None):
        super().__init__(parent)
        self.template = template
        self.specs = specs_from(template)
        self.inputs: dict[int, QWidget] = {}
        self.score_label = PlainLabel()
        self.score_label.setObjectName("liveScore")
        self.score_label.setStyleSheet("font-size: 15px; padding: 4px;")
        answers = {int(k): v for k, v in (answers or {}).items()}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)

        title = PlainLabel(_("{name}（第{n}版）").format(name=shown(template.get("name", "")), n=template.get("version_no", 1)))
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setStyleSheet("color: #555;")
        outer.addWidget(title)

        quick = QHBoxLayout()
        self.quick = _QuickLine()
        self.quick.setObjectName("quickEntry")
        self.quick.setMaxLength(4000)
        self.quick.setPlaceholderText(_("纸质问卷快速录入：按题目顺序输入答案，用空格或逗号分开，“-”表示未答，例如 5 没有问题 是 4 5 4 无"))
        fill = QPushButton(_("填入"))
        fill.setObjectName("quickFill")
        quick.addWidget(PlainLabel(_("快速录入")))
        quick.addWidget(self.quick, 1)
        quick.addWidget(fill)
        outer.addLayout(quick)
        self.quick_error = PlainLabel()
        self.quick_error.setStyleSheet("color: #c62828;")
        self.quick_error.setWordWrap(True)
        self.quick_error.hide()
        outer.addWidget(self.quick_error)
        fill.clicked.connect(self.apply_quick)
        self.quick.returnPressed.connect(self.apply_quick)

        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        for row, spec in enumerate(self.specs):
            number = PlainLabel(f"{row + 1}.")
            area = PlainLabel(shown(spec.area))
            area.setTextFormat(Qt.TextFormat.PlainText)
            area.setStyleSheet("color: #1f4e79;")
            text = PlainLabel(shown(spec.text) + (_("（权重 {w:g}）").format(w=spec.weight) if spec.kind != scoring.TEXT else ""))
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setWordWrap(True)
            widget = self._input_for(spec)
            widget.setObjectName(f"q{spec.key}")
            grid.addWidget(number, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(area, row, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text, row, 2)
            grid.addWidget(widget, row, 3)
            self.inputs[spec.key] = widget
            self._set(spec, answers.get(spec.key, ""))
        outer.addLayout(grid)

        outer.addWidget(self.score_label)
        self.update_score()
        if hasattr(parent, "mark_dirty"):  # the visit form asks before closing with unsaved answers
            self.score_changed.connect(lambda *_a: parent.mark_dirty())

    # widgets --------------------------------------------------------------------------------
    def _input_for(self, spec: scoring.QuestionSpec) -> QWidget:
        if spec.kind == scoring.SCALE:
            widget = _Choices([(str(n), str(n)) for n in range(1, 6)])
            widget.changed.connect(self.update_score)
        elif spec.kind == scoring.YESNO:
            widget = _Choices([("是", _("是")), ("否", _("否"))])  # i18n: data (stored answers)
            widget.changed.connect(self.update_score)
        elif spec.kind == scoring.CHOICE:
            widget = QComboBox()
            widget.addItem(_("（未答）"), "")
            for label, value in spec.choices:
                widget.addItem(_("{label}（{score:g}分）").format(label=shown(label), score=value), label)
            widget.currentIndexChanged.connect(lambda _i: self.update_score())
        else:
            widget = QLineEdit()
            widget.setMaxLength(2000)
            widget.setMinimumWidth(260)
        return widget

    def _set(self, spec: scoring.QuestionSpec, value) -> bool:
        widget = self.inputs[spec.key]
        value = "" if value is None else str(value).strip()
        if isinstance(widget, _Choices):
            if spec.kind == scoring.YESNO and value:
                try:
                    value = "是" if scoring.answer_score(spec, value) == 100 else "否"  # i18n: data
                except scoring.AnswerError:
                    return False
            return widget.set_value(value)
        if isinstance(widget, QComboBox):
            index = widget.findData(value)
            if index < 0:
                return False
            widget.setCurrentIndex(index)
            return True
        widget.setText(value)
        return True

    # data -----------------------------------------------------------------------------------
    def answers(self) -> dict[int, str]:
        result = {}
        for key, widget in self.inputs.items():
            if isinstance(widget, _Choices):
                result[key] = widget.value()
            elif isinstance(widget, QComboBox):
                result[key] = widget.currentData() or ""
            else:
                result[key] = widget.text().strip()
        return result

    def update_score(self) -> None:
        try:
            result = scoring.score(self.specs, self.answers())
        except scoring.AnswerError as exc:
            self.score_label.setText(str(exc))
            return
        if result.score is None:
            self.score_label.setText(_("满意度：尚未作答"))
            self.score_label.setStyleSheet("font-size: 15px; padding: 4px; color: #666;")
        else:
            color = GRADE_COLORS.get(result.grade, "#333")
            self.score_label.setText(_("满意度：{score:.1f} 分　{grade}").format(score=result.score, grade=grade_name(result.grade)))
            self.score_label.setStyleSheet(f"font-size: 15px; padding: 4px; color: {color}; font-weight: bold;")
        self.score_changed.emit(result.score, result.grade)

    def apply_quick(self) -> bool:
        """Fill the answers in question order from the quick-entry line; report the first bad one."""
        raw = self.quick.text().replace("，", ",").replace("、", ",").replace(",", " ").split()
        self.quick_error.hide()
        if not raw:
            return False
        if self.specs and self.specs[-1].kind == scoring.TEXT and len(raw) > len(self.specs):
            # the free-text last question takes the rest of the line, spaces and all
            raw = raw[:len(self.specs) - 1] + [" ".join(raw[len(self.specs) - 1:])]
        if len(raw) > len(self.specs):
            self._quick_error(_("输入了 {n} 个答案，但问卷只有 {m} 题").format(n=len(raw), m=len(self.specs)))
            return False
        for n, (spec, value) in enumerate(zip(self.specs, raw, strict=False), 1):
            if value in SKIP:
                self._set(spec, "")
                continue
            try:
                scoring.answer_score(spec, value)
            except scoring.AnswerError as exc:
                self._quick_error(_("第{n}题：{error}").format(n=n, error=exc))
                return False
            self._set(spec, value)
        self.update_score()
        return True

    def _quick_error(self, message: str) -> None:
        self.quick_error.setText(message)
        self.quick_error.show()
