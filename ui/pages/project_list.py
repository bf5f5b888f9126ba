"""工程项目 → the project table: sortable, filtered as the clerk types, 新建工程, importing projects
or units from a sheet (off the UI thread) and the import template."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.i18n import _
from warranty_desk.rules.categories import PROJECT_SCALES, PROJECT_TYPES, project_type_name, scale_name
from warranty_desk.services import importing
from warranty_desk.services import projects as project_service
from warranty_desk.services import settings as settings_service

from ..labels import PlainLabel
from ..operations import mark_write, perform
from ..project_form import ProjectDialog
from ..signals import bus
from ..table_models import GREEN, GREY, ROW_ROLE, Column, RowsModel, make_table


class ProjectFilter(QSortFilterProxyModel):
    def __init__(self):
        super().__init__()
        self.criteria = {"type": "", "scale": "", "region": "", "warranty": "", "text": ""}

    def set(self, key: str, value: str) -> None:
        self.criteria[key] = value or ""
        self.invalidateFilter()

    def filterAcceptsRow(self, source_row, parent):  # noqa: N802 - Qt
        row = self.sourceModel().row_at(source_row)
        c = self.criteria
        if c["type"] and row["type"] != c["type"]:
            return False
        if c["scale"] and row["scale"] != c["scale"]:
            return False
        if c["region"] and (row["region"] or "") != c["region"]:
            return False
        if c["warranty"] and row["warranty"] != c["warranty"]:
            return False
        text = c["text"].strip().lower()
        return not text or text in f'{row["code"]} {row["name"]} {row["manager"]}'.lower()

    def sort(self, column, order=Qt.SortOrder.AscendingOrder):
        self.sourceModel().sort(column, order)


class ProjectListPage(QWidget):
    def __init__(self, owner):
        super().__init__()
        self.owner = owner
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.filter_text = QLineEdit()
        self.filter_text.setPlaceholderText(_("筛选：编号、名称、项目经理"))
        self.filter_type = self._combo(_("全部类型"), PROJECT_TYPES, project_type_name)
        self.filter_scale = self._combo(_("全部规模"), PROJECT_SCALES, scale_name)
        self.filter_region = self._combo(_("全部地区"), [])
        self.filter_warranty = self._combo(_("保修状态"), [_("保修期内"), _("已过保修期"), _("未交付")])
        for w in (self.filter_text, self.filter_type, self.filter_scale, self.filter_region, self.filter_warranty):
            bar.addWidget(w)
        bar.addStretch(1)
        self.new_button = QPushButton(_("新建工程"))
        self.new_button.setObjectName("newProject")
        self.import_button = QPushButton(_("从表格导入…"))
        self.template_button = QPushButton(_("导入模板…"))
        for b in (self.new_button, self.import_button, self.template_button):
            bar.addWidget(b)
        mark_write(self.new_button, self.import_button)
        layout.addLayout(bar)
        today = dt.date.today()
        self.model = RowsModel([
            Column(_("工程编号"), lambda r: r["code"], 120),
            Column(_("工程名称"), lambda r: r["name"], 260),
            Column(_("类型"), lambda r: project_type_name(r["type"]), 135),
            Column(_("规模"), lambda r: scale_name(r["scale"]), 70),
            Column(_("地区"), lambda r: r["region"], 60),
            Column(_("竣工验收"), lambda r: r["accepted_on"], 90),
            Column(_("交付"), lambda r: r["handed_over_on"], 90),
            Column(_("保修至"), lambda r: r["last_end"], 90),
            Column(_("保修状态"), lambda r: r["warranty"], 80,
                   lambda r: GREEN if r["last_end"] and r["last_end"] >= today else GREY),
            Column(_("项目经理"), lambda r: r["manager"]),
        ])
        self.proxy = ProjectFilter()
        self.proxy.setSourceModel(self.model)
        self.view = make_table(self.proxy, "projects")
        self.view.activated.connect(self._open_selected)
        layout.addWidget(self.view)
        self.count_label = PlainLabel()
        layout.addWidget(self.count_label)
        self.filter_text.textChanged.connect(lambda t: self._filter("text", t))
        self.filter_type.currentIndexChanged.connect(lambda _i: self._filter("type", self.filter_type.currentData()))
        self.filter_scale.currentIndexChanged.connect(lambda _i: self._filter("scale", self.filter_scale.currentData()))
        self.filter_region.currentIndexChanged.connect(
            lambda _i: self._filter("region", self.filter_region.currentData()))
        self.filter_warranty.currentIndexChanged.connect(
            lambda _i: self._filter("warranty", self.filter_warranty.currentData()))
        self.new_button.clicked.connect(self.new_project)
        self.import_button.clicked.connect(self.import_projects)
        self.template_button.clicked.connect(self.write_template)

    @staticmethod
    def _combo(everything: str, options, name=str) -> QComboBox:
        box = QComboBox()
        box.addItem(everything, "")
        for option in options:
            box.addItem(name(option), option)  # shown by its name, filtered by the stored value
        return box

    def _filter(self, key, value) -> None:
        self.proxy.set(key, value)
        self._count()

    def _count(self) -> None:
        self.count_label.setText(_("共 {shown} / {total} 个工程").format(shown=self.proxy.rowCount(),
                                                                        total=self.model.rowCount()))

    def load(self) -> None:
        self.model.set_rows(project_service.project_rows(dt.date.today()))
        current = self.filter_region.currentData()
        self.filter_region.blockSignals(True)
        self.filter_region.clear()
        self.filter_region.addItem(_("全部地区"), "")
        for name in settings_service.region_names():
            self.filter_region.addItem(name, name)
        index = self.filter_region.findData(current)
        self.filter_region.setCurrentIndex(max(index, 0))
        self.filter_region.blockSignals(False)
        self._count()

    def _open_selected(self, index) -> None:
        row = self.view.model().data(index, ROW_ROLE)
        if row:
            self.owner.open_project(row["id"])

    def new_project(self) -> None:
        dialog = ProjectDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_value is not None:
            self.owner.open_project(dialog.result_value.id)

    def import_projects(self) -> None:
        from ..import_window import open_import_window

        open_import_window(self, "projects")

    def write_template(self) -> None:
        path, _f = QFileDialog.getSaveFileName(self, _("保存导入模板"), _("工程导入模板.xlsx"), "Excel (*.xlsx)")
        if path:
            ok, _r = perform(self, importing.write_template, path, "projects", writes=False)
            if ok:
                bus().status.emit(_("已保存模板：{path}").format(path=path))

