"""从表格导入: the import window, in the manner of the import tools offices know (Odoo's, ERPNext's
Data Import). Four steps: choose the file and sheet; each column of the sheet beside the field it
fills (chosen from a list, unknown columns 不导入, the choice remembered for the next sheet with the
same headers); a preview of the first rows and of every problem by row and column, before anything
is written; then the import, all or nothing, with progress and a cancel that leaves nothing.

Reads and writes only through services.importing; every call that reads the file or the database
runs on a pool thread, so the window never freezes on a large sheet."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.errors import ImportFailed
from warranty_desk.i18n import _
from warranty_desk.services import import_columns as ic
from warranty_desk.services import importing

from .labels import PlainLabel
from .operations import Task, refuse_when_read_only, show_error, track, untrack
from .signals import announce_changes
from .table_models import RED, display

STEPS = (STEP_FILE, STEP_COLUMNS, STEP_PREVIEW, STEP_IMPORT) = range(4)
RED_TEXT = "color: #c62828"


class ImportWindow(QDialog):
    """The four steps of an import. `kind`: projects, units, tickets or visits."""

    imported = Signal(object)  # the ImportReport of a finished import

    def __init__(self, parent=None, kind: str = "projects", path: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("从表格导入"))
        self.setObjectName("importWindow")
        self.view: importing.SheetView | None = None
        self.report: importing.ImportReport | None = None
        self.task: Task | None = None
        self.cancel_event = threading.Event()
        self.finished_import = False
        layout = QVBoxLayout(self)
        self.step_label = PlainLabel()
        self.step_label.setObjectName("importStep")
        self.step_label.setStyleSheet("font-size: 15px; font-weight: bold")
        layout.addWidget(self.step_label)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.stack.addWidget(self._file_page(kind))
        self.stack.addWidget(self._columns_page())
        self.stack.addWidget(self._preview_page())
        self.stack.addWidget(self._import_page())
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(10)
        self.busy.setTextVisible(False)
        self.busy.hide()
        layout.addWidget(self.busy)
        buttons = QHBoxLayout()
        self.back_button = QPushButton(_("上一步"))
        self.next_button = QPushButton(_("下一步"))
        self.next_button.setObjectName("importNext")
        self.next_button.setDefault(True)
        self.close_button = QPushButton(_("关闭"))
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.forward)
        self.close_button.clicked.connect(self.reject)
        self.resize(980, 640)
        self._show_step(STEP_FILE)
        if path:
            self.path_edit.setText(path)
            self.open_file(path)

    # --- step 1: file and sheet ----------------------------------------------------------------

    def _file_page(self, kind: str) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("importKind")
        for key in importing.KINDS:
            self.kind_combo.addItem(_(ic.KIND_TITLES[key]), key)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        form.addRow(_("导入什么"), self.kind_combo)
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(_("选择 Excel（.xlsx、.xls）或 CSV 文件"))
        browse = QPushButton(_("选择文件…"))
        browse.clicked.connect(self.choose_file)
        template = QPushButton(_("下载导入模板…"))
        template.clicked.connect(self.save_template)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        row.addWidget(template)
        form.addRow(_("文件"), row)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("importSheet")
        self.sheet_combo.setEnabled(False)
        form.addRow(_("工作表"), self.sheet_combo)
        self.handover_box = QCheckBox(_("两个日期都填了的工程，导入时即办理交付（生成保修项目和回访计划）"))
        self.handover_box.setChecked(True)
        form.addRow("", self.handover_box)
        self.update_box = QCheckBox(_("更新已有记录（表格中与系统不同的内容；原值记入修改记录）"))
        form.addRow("", self.update_box)
        self.file_note = PlainLabel(_("表格的第一个表头行会被自动找到（上面可以有标题行）。任何一行有错误时，什么都不会导入。"))
        self.file_note.setWordWrap(True)
        form.addRow("", self.file_note)
        go_live = importing.go_live_date()
        self.go_live_note = PlainLabel(
            _("启用日期：{day}。此前的计划回访不再生成，以导入的回访记录为准（设置项 go_live_date）。").format(day=go_live.isoformat())
            if go_live else _("启用日期：尚未设置，首次导入时设为当天。此前的计划回访不生成，以导入的回访记录为准。"))
        self.go_live_note.setWordWrap(True)
        self.go_live_note.setStyleSheet("color: #555")
        form.addRow("", self.go_live_note)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.sheet_combo.activated.connect(lambda _i: self.open_file(self.path_edit.text(), self.sheet_combo.currentText()))
        self._kind_changed()
        return page

    @property
    def kind(self) -> str:
        return self.kind_combo.currentData()

    def _kind_changed(self) -> None:
        self.handover_box.setVisible(self.kind == "projects")
        if self.path_edit.text():
            self.open_file(self.path_edit.text())

    def choose_file(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("选择要导入的表格"), "", _("表格 (*.xlsx *.xls *.csv)"))
        if path:
            self.path_edit.setText(path)
            self.open_file(path)

    def save_template(self) -> None:
        name = _("{title}导入模板.xlsx").format(title=_(ic.KIND_TITLES[self.kind]))
        path, _f = QFileDialog.getSaveFileName(self, _("保存导入模板"), name, "Excel (*.xlsx)")
        if path:
            self._run(importing.write_template, path, self.kind, on_done=lambda _p: self.file_note.setText(
                _("已保存模板：{path}").format(path=path)))

    def open_file(self, path: str, sheet: str | None = None) -> None:
        """Read the sheet's headers (off the UI thread), then show its columns."""
        self.view = None
        self.next_button.setEnabled(False)
        self._run(importing.open_sheet, path, self.kind, sheet, on_done=self._sheet_opened, what=_("读取导入表格"))

    def _sheet_opened(self, view: importing.SheetView) -> None:
        self.view = view
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(view.sheets)
        self.sheet_combo.setCurrentText(view.sheet)
        self.sheet_combo.setEnabled(len(view.sheets) > 1)
        self.sheet_combo.blockSignals(False)
        found = _("表头在第{row}行，共{n}列").format(row=view.header_row, n=len(view.columns)) if view.header_row \
            else _("没有找到表头行：请在下一步为各列选择对应的内容")
        self.file_note.setText(_("工作表“{sheet}”：{found}").format(sheet=view.sheet, found=found))
        self._fill_columns(view)
        self.next_button.setEnabled(True)

    # --- step 2: columns -------------------------------------------------------------------------

    def _columns_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.columns_note = PlainLabel()
        self.columns_note.setWordWrap(True)
        layout.addWidget(self.columns_note)
        self.columns_table = QTableWidget(0, 4)
        self.columns_table.setObjectName("importColumns")
        self.columns_table.setHorizontalHeaderLabels([_("列"), _("表格中的表头"), _("示例内容"), _("导入为")])
        self.columns_table.verticalHeader().hide()
        self.columns_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.columns_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.columns_table.setColumnWidth(1, 200)
        self.columns_table.setColumnWidth(3, 230)
        layout.addWidget(self.columns_table, 1)
        self.missing_label = PlainLabel()
        self.missing_label.setStyleSheet(RED_TEXT)
        self.missing_label.setWordWrap(True)
        layout.addWidget(self.missing_label)
        return page

    def _fill_columns(self, view: importing.SheetView) -> None:
        specs = ic.SPECS[view.kind]
        self.field_combos: list[QComboBox] = []
        self.columns_table.setRowCount(len(view.columns))
        for row, column in enumerate(view.columns):
            self.columns_table.setItem(row, 0, QTableWidgetItem(column.letter))
            self.columns_table.setItem(row, 1, QTableWidgetItem(column.header))
            self.columns_table.setItem(row, 2, QTableWidgetItem("、".join(display(s) for s in column.samples)))
            box = QComboBox()
            box.addItem(_(ic.DO_NOT_IMPORT), None)
            for spec in specs:
                label = _(spec.header) + (_("（必填）") if spec.required else "")
                box.addItem(label, spec.key)
            box.setCurrentIndex(max(0, box.findData(column.key)))
            box.setProperty("column", column.index)
            box.currentIndexChanged.connect(self._mapping_changed)
            self.columns_table.setCellWidget(row, 3, box)
            self.field_combos.append(box)
        remembered = _("已按上次为同样表头所选的对应关系填好。") if view.remembered else ""
        self.columns_note.setText(remembered + _("请核对每一列导入为什么；不需要的列选“不导入”（会在结果中列出）。"))
        self._mapping_changed()

    def mapping(self) -> dict[int, str | None]:
        return {box.property("column"): box.currentData() for box in getattr(self, "field_combos", [])}

    def _mapping_changed(self) -> None:
        chosen = [key for key in self.mapping().values() if key]
        specs = ic.SPECS[self.kind]
        missing = [_(s.header) for s in specs if s.required and s.key not in chosen]
        doubled = sorted({_(s.header) for s in specs if chosen.count(s.key) > 1})
        problems = []
        if missing:
            problems.append(_("还没有对应的必填内容：{names}").format(names="、".join(missing)))
        if doubled:
            problems.append(_("多列对应同一内容：{names}").format(names="、".join(doubled)))
        self.missing_label.setText("；".join(problems))
        for row, box in enumerate(getattr(self, "field_combos", [])):
            item = self.columns_table.item(row, 1)
            if item is not None:
                item.setForeground(RED if box.currentData() is None else self.palette().text().color())

    # --- step 3: preview ---------------------------------------------------------------------------

    def _preview_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.summary = PlainLabel()
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.preview_table = QTableWidget(0, 0)
        self.preview_table.setObjectName("importPreview")
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.preview_table, 3)
        self.problems_label = PlainLabel(_("问题（按行和列）："))
        layout.addWidget(self.problems_label)
        self.problems = QListWidget()
        self.problems.setObjectName("importProblems")
        layout.addWidget(self.problems, 2)
        return page

    def check(self) -> None:
        self.next_button.setEnabled(False)
        self.back_button.setEnabled(False)
        self._run(importing.check, self.path_edit.text(), self.kind, self.view.sheet, self.mapping(),
                  self.update_box.isChecked(), self.handover_box.isChecked(), on_done=self._checked,
                  on_failed=self._check_failed, what=_("检查导入表格"))

    def _checked(self, report: importing.ImportReport) -> None:
        self.report = report
        self.back_button.setEnabled(True)
        listed = {e.message for e in report.errors} | {_("提示：{message}").format(message=n.message) for n in report.warnings}
        self.summary.setText("\n".join(line for line in report.lines() if line not in listed))
        keys = [c.key for c in report.columns if c.key]
        specs = {s.key: s for s in ic.SPECS[self.kind]}
        self.preview_table.clear()
        self.preview_table.setColumnCount(len(keys) + 1)
        self.preview_table.setRowCount(len(report.preview))
        self.preview_table.setHorizontalHeaderLabels([_("行")] + [_(specs[k].header) for k in keys])
        self.preview_table.verticalHeader().hide()
        bad_cells = {(e.row, e.column) for e in report.errors}
        headers = {c.key: c.header for c in report.columns}
        for r, (number, values) in enumerate(report.preview):
            self.preview_table.setItem(r, 0, QTableWidgetItem(str(number)))
            for c, key in enumerate(keys, start=1):
                item = QTableWidgetItem(display(values.get(key)))
                if (number, headers.get(key)) in bad_cells:
                    item.setForeground(RED)
                self.preview_table.setItem(r, c, item)
        self.preview_table.resizeColumnsToContents()
        self.problems.clear()
        for error in report.errors:
            item = QListWidgetItem(error.message)
            item.setForeground(RED)
            self.problems.addItem(item)
        for notice in report.warnings:
            self.problems.addItem(QListWidgetItem(_("提示：{message}").format(message=notice.message)))
        self.problems_label.setText(_("问题（按行和列）：{n}处错误，{w}条提示").format(n=len(report.errors), w=len(report.warnings)))
        can_import = not report.errors and bool(report.new or (report.changed and report.update))
        self.next_button.setEnabled(can_import)
        self.next_button.setText(_("开始导入"))
        self.problems_label.setStyleSheet(RED_TEXT if report.errors else "")

    def _check_failed(self, exc: Exception) -> None:
        self.back_button.setEnabled(True)
        self._show_step(STEP_COLUMNS)
        show_error(self, exc)

    # --- step 4: import ----------------------------------------------------------------------------

    def _import_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        layout.addWidget(self.progress)
        self.result_label = PlainLabel(_("正在导入…"))
        self.result_label.setObjectName("importResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result_label)
        row = QHBoxLayout()
        self.cancel_button = QPushButton(_("取消导入"))
        self.cancel_button.setObjectName("importCancel")
        self.cancel_button.clicked.connect(self.cancel)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def start_import(self) -> None:
        if refuse_when_read_only(self):
            return
        self._show_step(STEP_IMPORT)
        self.cancel_event.clear()
        self.cancel_button.setEnabled(True)
        self.result_label.setText(_("正在导入…（全部成功才写入；取消则什么都不导入）"))
        self.result_label.setStyleSheet("")
        self.progress.setValue(0)
        self._run(importing.run, self.path_edit.text(), self.kind, self.view.sheet, self.mapping(),
                  self.update_box.isChecked(), self.handover_box.isChecked(), cancel=self.cancel_event.is_set,
                  with_progress=True, on_done=self._imported, on_failed=self._import_failed, quiet=True,
                  what=_("导入"))

    def cancel(self) -> None:
        self.cancel_event.set()
        self.cancel_button.setEnabled(False)
        self.result_label.setText(_("正在取消…"))

    def _imported(self, report: importing.ImportReport) -> None:
        self.report = report
        self.finished_import = True
        self.progress.setValue(100)
        self.cancel_button.setEnabled(False)
        self.result_label.setText("\n".join(report.lines()))
        self.imported.emit(report)
        self.next_button.hide()
        self.back_button.hide()
        self.close_button.setText(_("完成"))

    def _import_failed(self, exc: Exception) -> None:
        self.cancel_button.setEnabled(False)
        self.progress.setValue(0)
        if isinstance(exc, importing.ImportCancelled):
            self.result_label.setText(exc.message)
        elif isinstance(exc, ImportFailed) and exc.report is not None:
            self.result_label.setText("\n".join(exc.report.lines()))
        else:
            self.result_label.setText(getattr(exc, "message", str(exc)))
        self.result_label.setStyleSheet(RED_TEXT)
        self.back_button.setEnabled(True)

    # --- moving between the steps ------------------------------------------------------------------

    def _show_step(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        titles = (_("第1步：选择文件和工作表"), _("第2步：核对每一列导入为什么"), _("第3步：预览和检查（尚未写入）"),
                  _("第4步：导入"))
        self.step_label.setText(titles[step])
        self.back_button.setEnabled(step in (STEP_COLUMNS, STEP_PREVIEW))
        self.next_button.setText(_("检查并预览") if step == STEP_COLUMNS else _("下一步"))
        self.next_button.setVisible(step != STEP_IMPORT)
        if step == STEP_FILE:
            self.next_button.setEnabled(self.view is not None)

    def forward(self) -> None:
        step = self.stack.currentIndex()
        if step == STEP_FILE and self.view is not None:
            self._show_step(STEP_COLUMNS)
        elif step == STEP_COLUMNS:
            self._show_step(STEP_PREVIEW)
            self.check()
        elif step == STEP_PREVIEW and self.report is not None:
            self.start_import()

    def back(self) -> None:
        step = self.stack.currentIndex()
        if step == STEP_IMPORT:
            step = STEP_PREVIEW + 1
        self._show_step(max(STEP_FILE, step - 1))

    def reject(self) -> None:
        if self.task is not None and self.stack.currentIndex() == STEP_IMPORT:
            self.cancel()  # the import rolls back; the window closes when it has
            self.close_after = True
            return
        super().reject()

    # --- the pool thread -----------------------------------------------------------------------------

    def _run(self, fn, *args, on_done, on_failed=None, with_progress: bool = False, quiet: bool = False,
             what: str | None = None, **kwargs):
        """Run a service call off the UI thread; one at a time. `what` names work that uses the database
        (a restore waits for it)."""
        from PySide6.QtCore import QThreadPool

        task = Task(fn, *args, with_progress=with_progress, **kwargs)
        self.task = task
        if what:
            track(task, what)
        self.busy.setVisible(not quiet)

        def finished(result, changes):
            self._done(task)
            if changes:
                announce_changes(changes)  # what the import wrote, as the database layer noted it
            on_done(result)

        def failed(exc, changes):
            self._done(task)
            if changes:
                announce_changes(changes)
            (on_failed or (lambda e: show_error(self, e)))(exc)

        def progress(done, total):
            self.progress.setValue(int(100 * done / max(total, 1)))

        task.signals.finished.connect(finished)
        task.signals.failed.connect(failed)
        task.signals.progress.connect(progress)
        task.setAutoDelete(False)
        _RUNNING.add(task)
        QThreadPool.globalInstance().start(task)
        return task

    def _done(self, task: Task) -> None:
        _RUNNING.discard(task)
        untrack(task)
        if self.task is task:
            self.task = None
        self.busy.hide()
        if getattr(self, "close_after", False):
            self.close_after = False
            super().reject()


_RUNNING: set = set()


def busy() -> bool:
    """Whether an import window is still reading, checking or importing (for tests)."""
    return bool(_RUNNING)


def open_import_window(parent=None, kind: str = "projects", path: str | None = None) -> ImportWindow:
    """Show the import window (not modal: the clerk may look things up meanwhile)."""
    window = ImportWindow(parent, kind, path)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    return window
