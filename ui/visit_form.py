"""回访记录: the visit form — method, when, who visited, who was met, findings per area, the
owner's opinion, the questionnaire, and "生成维修工单" for a finding in one click."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.i18n import N_, _, join_list
from warranty_desk.rules import sla
from warranty_desk.rules import visit_states as vs
from warranty_desk.rules.categories import CATEGORIES
from warranty_desk.rules.satisfaction import grade_name
from warranty_desk.rules.visit_methods import METHODS, method_name
from warranty_desk.rules.visit_plan import kind_name
from warranty_desk.rules.visit_purposes import purposes_of
from warranty_desk.services import staff as staff_service
from warranty_desk.services import visit_records

from . import forms
from .conflicts import ConflictBar, reapply
from .labels import PlainLabel
from .operations import mark_write, perform, show_error
from .questionnaire_form import QuestionnaireForm
from .signals import bus

FINDING_AREAS = visit_records.FINDING_AREAS  # the core's list (it also says them in a document's language)


def questionnaire_widget(template: dict, answers: dict, parent=None) -> QuestionnaireForm:
    return QuestionnaireForm(template, answers, parent)


class FindingsTable(QTableWidget):
    """One row per problem found: area, warranty item, description, and its ticket."""

    COLS = [N_("部位/类别"), N_("保修项目"), N_("问题描述"), N_("工单")]

    def __init__(self, owner):
        super().__init__(0, 4)
        self.owner = owner
        self.setHorizontalHeaderLabels([_(c) for c in self.COLS])
        self.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(0, 90)
        self.setColumnWidth(1, 140)
        self.setColumnWidth(3, 120)
        self.verticalHeader().setDefaultSectionSize(30)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.ids: list[int | None] = []

    def add_row(self, finding: dict | None = None) -> int:
        finding = finding or {}
        row = self.rowCount()
        self.insertRow(row)
        area = forms.ChoiceBox([(key, visit_records.area_name(key)) for key in FINDING_AREAS])
        area.set_value(finding.get("area") or None)  # an area of the list by its name; a typed one as typed
        category = QComboBox()
        category.addItem(_("（请选择）"), "")
        for key, cat in CATEGORIES.items():
            category.addItem(cat.name, key)
        category.setCurrentIndex(max(category.findData(finding.get("category") or ""), 0))
        description = QLineEdit(finding.get("description", ""))
        description.setMaxLength(2000)
        self.setCellWidget(row, 0, area)
        self.setCellWidget(row, 1, category)
        self.setCellWidget(row, 2, description)
        if finding.get("ticket_number"):
            self.setCellWidget(row, 3, PlainLabel(finding["ticket_number"]))
            for w in (area, category, description):
                w.setEnabled(False)
        elif finding.get("id"):
            button = QPushButton(_("生成维修工单"))
            button.setObjectName(f"makeTicket_{row}")
            button.clicked.connect(lambda _c=False, r=row: self.owner.make_ticket(r))
            self.setCellWidget(row, 3, button)
        else:
            box = QCheckBox(_("保存时生成工单"))
            self.setCellWidget(row, 3, box)
            box.toggled.connect(lambda *_a: self.owner.form.dirtied.emit())
        for w in (area, description):
            (w.editTextChanged if isinstance(w, QComboBox) else w.textChanged).connect(self.owner.mark_dirty)
        category.currentIndexChanged.connect(self.owner.mark_dirty)
        self.ids.append(finding.get("id"))
        return row

    def row_data(self, row: int) -> dict:
        ticket_cell = self.cellWidget(row, 3)
        return {
            "id": self.ids[row],
            "area": self.cellWidget(row, 0).value() or "",
            "category": self.cellWidget(row, 1).currentData() or "",
            "description": self.cellWidget(row, 2).text().strip(),
            "make_ticket": isinstance(ticket_cell, QCheckBox) and ticket_cell.isChecked(),
        }

    def rows(self) -> list[dict]:
        return [self.row_data(r) for r in range(self.rowCount())]


class VisitDialog(forms.FormDialog):
    def __init__(self, visit_id: int, parent=None):
        super().__init__(_("回访记录"), parent)
        self.visit_id = visit_id
        self.data = visit_records.visit_data(visit_id)
        d = self.data
        self.setWindowTitle(_("回访记录 — {code} {name}").format(code=d["project_code"], name=d["project_name"]))
        head = PlainLabel()
        head.setWordWrap(True)
        head.setTextFormat(Qt.TextFormat.PlainText)
        lines = [
            f'{d["project_code"]}  {d["project_name"]}  {d["unit"]}',
            _("计划日期：{date}　类型：{kind}　状态：{status}").format(
                date=d["planned_on"], kind=kind_name(d["kind"]),
                status=vs.status_name(d["status"])),
            _("联系人：{contact} {phone}　地址：{address}").format(contact=d["contact"], phone=d["phone"],
                                                                 address=d["address"]),
        ]
        if d["purposes"]:
            lines.append(_("回访目的：") + join_list(purposes_of(d["purposes"]), _("；")))
        if d["original_planned_on"]:
            lines.append(_("原计划：{date}").format(date=d["original_planned_on"]))
        head.setText("\n".join(lines))
        head.setStyleSheet("background: #eceff1; padding: 6px;")
        self.body.insertWidget(0, head)
        self.conflict_bar = ConflictBar()  # another clerk saved this visit meanwhile
        self.conflict_bar.reload_requested.connect(self.reload_keeping_input)
        self.body.insertWidget(1, self.conflict_bar)

        f = self.form
        f.add("method", _("回访方式"), forms.combo([(m, method_name(m)) for m in METHODS]), required=True)
        when = QDateTimeEdit()
        when.setDisplayFormat("yyyy-MM-dd HH:mm")
        when.setCalendarPopup(True)
        f.add("done_at", _("回访时间"), when)
        staff = QComboBox()
        staff.setEditable(True)
        staff.addItems([""] + [s.name for s in staff_service.staff_choices(active_only=True)])
        f.add("visitor", _("回访人"), staff, required=True)
        f.add("met_person", _("被访人（接待人）"), forms.line(100), required=True)
        self.findings = FindingsTable(self)
        self.findings.setMinimumHeight(140)
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.findings)
        add_row = QPushButton(_("添加发现的问题"))
        add_row.setObjectName("addFinding")
        add_row.clicked.connect(lambda: self.findings.add_row())
        row = QHBoxLayout()
        row.addWidget(add_row)
        row.addStretch(1)
        box.addLayout(row)
        self.findings_error = PlainLabel()
        self.findings_error.setStyleSheet(forms.ERROR_STYLE)
        self.findings_error.hide()
        box.addWidget(self.findings_error)
        f.layout_.addRow(_("发现的问题"), holder)
        opinion = QPlainTextEdit()
        opinion.setFixedHeight(60)
        f.add("opinion", _("业主意见"), opinion)

        self.questionnaire_box = QGroupBox(_("满意度问卷"))
        qlayout = QVBoxLayout(self.questionnaire_box)
        self.questionnaire = questionnaire_widget(d["template"], d["answers"], self)
        qlayout.addWidget(self.questionnaire)
        self.score_label = PlainLabel()
        if d["score"] is not None:
            self.score_label.setText(_("满意度得分：{score:.0f}（{grade}）").format(score=d["score"], grade=grade_name(d["grade"])))
        qlayout.addWidget(self.score_label)

        # the record on the left, the questionnaire beside it (in view, not below the fold); each
        # scrolls on its own, the buttons stay visible
        self.body.removeWidget(f)
        left = QScrollArea()
        left.setWidgetResizable(True)
        record = QWidget()
        record_layout = QVBoxLayout(record)
        record_layout.setContentsMargins(0, 0, 0, 0)
        record_layout.addWidget(f)
        record_layout.addStretch(1)
        left.setWidget(record)
        right = QScrollArea()
        right.setWidgetResizable(True)
        right.setWidget(self.questionnaire_box)
        self.columns = QSplitter()
        self.columns.setChildrenCollapsible(False)
        self.columns.addWidget(left)
        self.columns.addWidget(right)
        self.columns.setStretchFactor(0, 1)
        self.columns.setStretchFactor(1, 1)
        self.body.addWidget(self.columns, 1)

        actions = QHBoxLayout()
        self.unreachable_button = QPushButton(_("未联系上…"))
        self.missed_button = QPushButton(_("标记为未回访…"))
        actions.addWidget(self.unreachable_button)
        actions.addWidget(self.missed_button)
        actions.addStretch(1)
        from .record_history import history_button

        self.history_button = history_button()
        self.history_button.clicked.connect(self.show_history)
        actions.addWidget(self.history_button)
        self.body.addLayout(actions)
        self.unreachable_button.clicked.connect(self.record_unreachable)
        self.missed_button.clicked.connect(self.mark_missed)
        self.unreachable_button.setEnabled(d["status"] == vs.PLANNED)
        self.missed_button.setEnabled(d["status"] == vs.PLANNED)
        mark_write(self.unreachable_button, self.missed_button)
        self.finish_layout()
        self.buttons.button(self.buttons.StandardButton.Save).setText(_("保存回访记录"))
        if d["status"] not in vs.RECORDABLE_STATES:
            self.buttons.button(self.buttons.StandardButton.Save).setEnabled(False)

        f.load(self._form_values(d))
        self.base_values = f.values()
        self.base_findings = {(x["area"], x["description"]) for x in d["findings"]}
        for finding in d["findings"]:
            self.findings.add_row(finding)
        f.alias("findings", "opinion")
        self._fit_screen()

    def _fit_screen(self) -> None:
        """1240×720, or what the screen has room for (1366×768 less the taskbar)."""
        screen = (self.parent().screen() if self.parent() is not None else None) or QGuiApplication.primaryScreen()
        width, height = 1240, 720
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() - 20), min(height, room.height() - 40)
        self.resize(width, height)
        self.columns.setSizes([width * 11 // 20, width - width * 11 // 20])

    @staticmethod
    def _form_values(d: dict) -> dict:
        done_at = d["done_at"] or dt.datetime.combine(min(d["planned_on"], dt.date.today()),
                                                      dt.datetime.now().time()).replace(second=0, microsecond=0)
        return {"method": d["method"], "done_at": QDateTime(done_at), "visitor": d["visitor"] or d["staff"],
                "met_person": d["met_person"], "opinion": d["opinion"]}

    def conflict(self, exc) -> None:
        """Someone else saved this visit since the form opened: the clerk's input stays."""
        self.conflict_bar.show_conflict(exc.message)

    def reload_keeping_input(self) -> None:
        """重新载入: the visit as saved now, with the clerk's own changes (fields, findings, answers) on top."""
        try:
            current = visit_records.visit_data(self.visit_id)
        except Exception as exc:  # noqa: BLE001 - deleted meanwhile
            show_error(self, exc)
            return
        mine_findings = self.findings.rows()
        self.base_values, clashes = reapply(self.form, self.base_values, self.form.values(),
                                            self._form_values(current))
        self._merge_findings(current["findings"], mine_findings)
        self.base_findings = {(x["area"], x["description"]) for x in current["findings"]}
        self.data = current
        self.form.dirty = True
        self.conflict_bar.show_reloaded(clashes)

    def _merge_findings(self, current: list[dict], mine: list[dict]) -> None:
        """The findings already turned into tickets, then the clerk's rows, then the rows the other
        clerk added (those neither in the clerk's table nor there when the form was opened)."""
        ticketed = [x for x in current if x["ticket_number"]]
        ticketed_ids = {x["id"] for x in ticketed}
        free = {(x["area"], x["description"]): x for x in current if not x["ticket_number"]}
        mine = [row for row in mine if row["id"] not in ticketed_ids or row["id"] is None]
        mine_keys = {(row["area"], row["description"]) for row in mine}
        others = [x for key, x in free.items() if key not in mine_keys and key not in self.base_findings]
        self.findings.setRowCount(0)
        self.findings.ids = []
        for finding in ticketed:
            self.findings.add_row(finding)
        for row in mine:
            same = free.get((row["area"], row["description"]))
            index = self.findings.add_row({**row, "id": same["id"] if same else None, "ticket_number": ""})
            box = self.findings.cellWidget(index, 3)
            if isinstance(box, QCheckBox):
                box.setChecked(row["make_ticket"])
        for finding in others:
            self.findings.add_row(finding)

    def show_history(self):
        """修改记录 of this visit (read only)."""
        from .record_history import show_history

        return show_history(self, "visit", self.visit_id, f'{self.data["project_code"]} {self.data["planned_on"]}')

    def mark_dirty(self, *_a) -> None:
        self.form.dirty = True

    def show_findings_error(self, message: str) -> None:
        self.findings_error.setText(message)
        self.findings_error.setVisible(bool(message))

    def record_data(self) -> dict:
        v = self.form.values()
        return {"method": v["method"], "done_at": v["done_at"], "visitor": v["visitor"], "met_person": v["met_person"],
                "opinion": v["opinion"], "answers": self.questionnaire.answers(),
                "template_id": self.data["template"]["id"], "findings": self.findings.rows()}

    def save(self) -> bool:
        self.show_findings_error("")
        try:
            visit_records._clean_findings(self.findings.rows())
        except Exception as exc:  # noqa: BLE001 - the core's message, shown under the findings table
            self.show_findings_error(getattr(exc, "message", str(exc)))
            return False
        ok, visit = perform(self, visit_records.record_visit, self.visit_id, self.record_data(),
                            self.data["version"], form=self.form,
                            on_conflict=self.conflict)
        self.result_value = visit
        if ok:
            self.confirm_saved()
        return ok

    def confirm_saved(self) -> None:
        """After saving: what was kept — the score and grade, the problems and the tickets made of them."""
        saved = visit_records.visit_data(self.visit_id)
        lines = [_("回访记录已保存：{code} {name}  {unit}").format(
            code=saved["project_code"], name=saved["project_name"], unit=saved["unit"]).strip()]
        if saved["score"] is not None:
            lines.append(_("满意度得分：{score:.0f}（{grade}）").format(score=saved["score"], grade=grade_name(saved["grade"])))
        tickets = [x["ticket_number"] for x in saved["findings"] if x["ticket_number"]]
        if saved["findings"]:
            lines.append(_("发现的问题 {n} 条").format(n=len(saved["findings"]))
                         + (_("，已生成维修工单：{numbers}").format(numbers="、".join(tickets)) if tickets else ""))
        message = "\n".join(lines)
        bus().status.emit(lines[0])
        QMessageBox.information(self, _("已保存"), message)

    def make_ticket(self, row: int) -> None:
        """生成维修工单 for a saved finding, in one click (its warranty item chosen in the row)."""
        data = self.findings.row_data(row)
        ok, ticket = perform(self, visit_records.finding_to_ticket, data["id"], sla.NORMAL, data["category"] or None)
        if ok:
            self.findings.setCellWidget(row, 3, PlainLabel(ticket.number))
            QMessageBox.information(self, _("已生成工单"), _("已生成维修工单 {number}").format(number=ticket.number))

    def record_unreachable(self) -> None:
        v = self.form.values()
        note, ok = QInputDialog.getText(self, _("未联系上"), _("说明（例如：电话无人接听）："))
        if not ok:
            return
        done, retry = perform(self, visit_records.record_unreachable, self.visit_id, v["done_at"], v["visitor"], note,
                              expected_version=self.data["version"], form=self.form)
        if done:
            QMessageBox.information(self, _("未联系上"), _("已记录；{date} 再次联系。").format(date=retry.planned_on))
            self.form.dirty = False
            self.accept()

    def mark_missed(self) -> None:
        reason, ok = QInputDialog.getText(self, _("未回访"), _("未回访的原因："))
        if not ok:
            return
        done, _v = perform(self, visit_records.mark_missed, self.visit_id, reason,
                           expected_version=self.data["version"])
        if done:
            self.form.dirty = False
            self.accept()


def open_visit(parent, visit_id: int) -> VisitDialog | None:
    try:
        dialog = VisitDialog(visit_id, parent)
    except Exception as exc:  # noqa: BLE001 - e.g. deleted meanwhile
        show_error(parent, exc)
        return None
    dialog.exec()
    return dialog
