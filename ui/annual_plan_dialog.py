"""年度回访计划 dialog (sign-off, bulk assignment, month balancing, Excel export, the printed
回访计划表) and the .ics calendar export dialog."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from warranty_desk.i18n import _, join_list
from warranty_desk.rules.visit_methods import method_name
from warranty_desk.rules.visit_purposes import purpose_text
from warranty_desk.services import annual_plan, ics
from warranty_desk.services import staff as staff_service

from . import documents
from .analysis_widgets import fill_table, make_table
from .labels import PlainLabel
from .operations import perform


def _active_staff() -> list[staff_service.StaffRef]:
    return staff_service.staff_choices(active_only=True)


class AnnualPlanDialog(QDialog):
    def __init__(self, year: int, parent=None, today: dt.date | None = None):
        super().__init__(parent)
        self.today = today or dt.date.today()
        self.setWindowTitle(_("年度回访计划"))
        self.resize(1100, 720)
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        top.addWidget(PlainLabel(_("年度：")))
        self.year = QSpinBox()
        self.year.setObjectName("planYear")
        self.year.setRange(annual_plan.MIN_YEAR, annual_plan.MAX_YEAR)
        self.year.setValue(year)
        top.addWidget(self.year)
        top.addWidget(PlainLabel(_("月份：")))
        self.month = QComboBox()
        self.month.setObjectName("planMonth")
        self.month.addItem(_("全年"), 0)
        for m in range(1, 13):
            self.month.addItem(_("{m}月").format(m=m), m)
        top.addWidget(self.month)
        self.count_label = PlainLabel()
        top.addWidget(self.count_label, 1)
        self.xlsx_button = QPushButton(_("导出 Excel…"))
        self.xlsx_button.setObjectName("planXlsx")
        self.pdf_button = QPushButton(_("打印回访计划表…"))
        self.pdf_button.setObjectName("planPdf")
        top.addWidget(self.xlsx_button)
        top.addWidget(self.pdf_button)
        layout.addLayout(top)

        sign_box = QGroupBox(_("审批（编制 → 审核 → 审批）"))
        grid = QGridLayout(sign_box)
        self.sign_names: dict[str, QLineEdit] = {}
        self.sign_dates: dict[str, QDateEdit] = {}
        for row, step in enumerate(annual_plan.STEPS):
            grid.addWidget(PlainLabel(_(annual_plan.STEP_NAMES[step]) + _("人：")), row, 0)
            name = QLineEdit()
            name.setMaxLength(60)
            name.setObjectName(f"{step}_by")
            when = QDateEdit(QDate(self.today))
            when.setCalendarPopup(True)
            when.setDisplayFormat("yyyy-MM-dd")
            when.setObjectName(f"{step}_on")
            button = QPushButton(_("签字"))
            button.setObjectName(f"sign_{step}")
            button.clicked.connect(lambda _c=False, s=step: self.sign(s))
            grid.addWidget(name, row, 1)
            grid.addWidget(PlainLabel(_("日期：")), row, 2)
            grid.addWidget(when, row, 3)
            grid.addWidget(button, row, 4)
            self.sign_names[step] = name
            self.sign_dates[step] = when
        self.state_label = PlainLabel()
        grid.addWidget(self.state_label, 0, 5)
        withdraw = QPushButton(_("撤回签字…"))
        withdraw.clicked.connect(self.withdraw)
        grid.addWidget(withdraw, 2, 5)
        grid.setColumnStretch(5, 1)
        layout.addWidget(sign_box)

        staff_bar = QHBoxLayout()
        staff_bar.addWidget(PlainLabel(_("负责人：")))
        self.staff = QComboBox()
        self.staff.setObjectName("planStaff")
        for s in _active_staff():
            self.staff.addItem(s.name, s.id)
        staff_bar.addWidget(self.staff)
        self.assign_button = QPushButton(_("指派给所选回访"))
        self.assign_button.setObjectName("assignSelected")
        staff_bar.addWidget(self.assign_button)
        staff_bar.addSpacing(20)
        self.balance_button = QPushButton(_("均衡分配本月回访…"))
        self.balance_button.setObjectName("balanceMonth")
        staff_bar.addWidget(self.balance_button)
        self.month_counts = PlainLabel()
        staff_bar.addWidget(self.month_counts, 1)
        layout.addLayout(staff_bar)

        self.table = make_table("planTable")
        self.table.setSelectionMode(self.table.SelectionMode.ExtendedSelection)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.year.valueChanged.connect(lambda _v: self.load())
        self.month.currentIndexChanged.connect(lambda _i: self.load())
        self.assign_button.clicked.connect(self.assign)
        self.balance_button.clicked.connect(self.balance)
        self.xlsx_button.clicked.connect(self.export_xlsx)
        self.pdf_button.clicked.connect(self.print_pdf)
        self.rows: list[dict] = []
        self.load()

    # data -----------------------------------------------------------------------------------
    def load(self) -> None:
        year, month = self.year.value(), self.month.currentData()
        self.rows = annual_plan.plan_rows(year, month or None)
        fill_table(self.table, [_("计划日期"), _("工程编号"), _("工程名称"), _("回访类型"), _("回访目的"), _("方式"),
                                _("负责人"), _("状态")],
                   [[r["date"].isoformat(), r["project_code"], r["project_name"], _(r["kind_name"]),
                     join_list((purpose_text(x) for x in r["purposes"]), _("；")), method_name(r["method"]),
                     r["staff"] or _("未指派"), _(r["status_name"])]
                    for r in self.rows])
        self.table.setSortingEnabled(False)  # row order = self.rows, so a selection maps to its visit
        self.count_label.setText(_("共 {n} 次回访").format(n=len(self.rows)))
        self.balance_button.setEnabled(bool(month))
        if month:
            counts = annual_plan.staff_counts(year, month)
            self.month_counts.setText("　".join(f"{name} {n}" for name, n in counts))
        else:
            self.month_counts.setText(_("（选择月份后可均衡分配）"))
        signed = annual_plan.approval(year)
        for step in annual_plan.STEPS:
            by, on = annual_plan.signature(signed, step)
            self.sign_names[step].setText(by)
            self.sign_dates[step].setDate(QDate(on or self.today))
        self.state_label.setText(_("当前：已{state}").format(state=_(signed["state"])) if signed["state"]
                                 else _("当前：未签字"))

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.rows[r]["id"] for r in rows]

    # actions ---------------------------------------------------------------------------------
    def sign(self, step: str) -> None:
        ok, _r = perform(self, annual_plan.sign, self.year.value(), step, self.sign_names[step].text(),
                         self.sign_dates[step].date().toPython())
        if ok:
            self.load()

    def withdraw(self) -> None:
        reason, ok = QInputDialog.getText(self, _("撤回签字"), _("撤回原因："))
        if ok:
            done, _r = perform(self, annual_plan.withdraw, self.year.value(), reason)
            if done:
                self.load()

    def assign(self) -> None:
        ids = self.selected_ids()
        ok, n = perform(self, annual_plan.assign_staff, ids, self.staff.currentData())
        if ok:
            self.load()
            QMessageBox.information(self, _("已指派"), _("已把 {n} 次计划回访指派给 {name}").format(
                n=n, name=self.staff.currentText()))

    def balance(self) -> None:
        year, month = self.year.value(), self.month.currentData()
        answer = QMessageBox.question(
            self, _("均衡分配"),
            _("把 {y}年{m}月 的计划回访平均分给所有在职人员（同一工程尽量由同一人负责）？").format(y=year, m=month))
        if answer != QMessageBox.StandardButton.Yes:
            return
        ok, counts = perform(self, annual_plan.balance_month, year, month)
        if ok:
            self.load()
            QMessageBox.information(self, _("均衡分配"), "　".join(f"{k} {v}" for k, v in counts.items()))

    def export_xlsx(self) -> None:
        year = self.year.value()
        documents.run_to_file(self, _("正在导出回访计划…"), annual_plan.export_xlsx, _("{year}年回访计划.xlsx").format(year=year), year,
                              filter_="Excel (*.xlsx)")

    def print_pdf(self) -> None:
        from warranty_desk.documents.visit_plan_table import build_visit_plan

        year = self.year.value()
        documents.run_to_file(self, _("正在生成回访计划表…"), build_visit_plan, _("{year}年回访计划表.pdf").format(year=year), year)


class IcsDialog(QDialog):
    """Choose the dates (and optionally one person) for the calendar file."""

    def __init__(self, parent=None, today: dt.date | None = None, start: dt.date | None = None,
                 end: dt.date | None = None):
        super().__init__(parent)
        today = today or dt.date.today()
        self.setWindowTitle(_("导出回访日历"))
        form = QFormLayout(self)
        self.date_from = QDateEdit(QDate(start or today))
        self.date_to = QDateEdit(QDate(end or today + dt.timedelta(days=90)))
        for w in (self.date_from, self.date_to):
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
        self.staff = QComboBox()
        self.staff.addItem(_("全部人员"), None)
        for s in _active_staff():
            self.staff.addItem(s.name, s.id)
        form.addRow(_("从"), self.date_from)
        form.addRow(_("到"), self.date_to)
        form.addRow(_("负责人"), self.staff)
        note = PlainLabel(_("生成的 .ics 文件可以用微信/邮件发到手机，在手机日历中打开即可导入。"))
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def export(self, path: str | Path) -> tuple[bool, int | None]:
        return perform(self, ics.export_ics, path, self.date_from.date().toPython(), self.date_to.date().toPython(),
                       self.staff.currentData(), writes=False)


def export_ics_dialog(parent, today: dt.date | None = None, start: dt.date | None = None,
                      end: dt.date | None = None) -> Path | None:
    dialog = IcsDialog(parent, today, start, end)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    chosen, _f = QFileDialog.getSaveFileName(parent, _("保存为"), _("回访日历.ics"), "iCalendar (*.ics)")
    if not chosen:
        return None
    if not chosen.lower().endswith(".ics"):
        chosen += ".ics"
    ok, count = dialog.export(chosen)
    if ok:
        QMessageBox.information(parent, _("导出回访日历"), _("已导出 {n} 次回访到 {path}").format(n=count, path=chosen))
        return Path(chosen)
    return None
