"""工程项目: the project table (sortable, filterable) and the project page with its tabs."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.errors import NotFound
from warranty_desk.i18n import _
from warranty_desk.rules import categories as cat
from warranty_desk.rules import visit_states as vs
from warranty_desk.rules.categories import PROJECT_SCALES, PROJECT_TYPES
from warranty_desk.rules.visit_plan import KIND_NAMES
from warranty_desk.services import handover as handover_service
from warranty_desk.services import importing
from warranty_desk.services import projects as project_service
from warranty_desk.services import settings as settings_service
from warranty_desk.services import tickets as ticket_service
from warranty_desk.services import visits as visit_service

from .. import documents, forms
from ..conflicts import ConflictBar, reapply
from ..labels import PlainLabel
from ..operations import mark_write, perform, run_background
from ..project_form import ProjectDialog, build_project_form, save_project
from ..signals import bus
from ..table_models import GREEN, GREY, RED, ROW_ROLE, Column, RowsModel, make_table, selected_row
from .base import Page


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
        self.filter_type = self._combo(_("全部类型"), PROJECT_TYPES)
        self.filter_scale = self._combo(_("全部规模"), PROJECT_SCALES)
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
            Column(_("类型"), lambda r: r["type"], 70),
            Column(_("规模"), lambda r: r["scale"], 50),
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
    def _combo(everything: str, options) -> QComboBox:
        box = QComboBox()
        box.addItem(everything, "")
        for option in options:
            box.addItem(option, option)
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


def import_sheet(parent, kind: str, path: str | None = None, on_done=None):
    """Import projects or units from a sheet off the UI thread; the bad rows are listed in a dialog."""
    if path is None:
        path, _f = QFileDialog.getOpenFileName(parent, _("选择要导入的表格"), "", _("表格 (*.xlsx *.csv)"))
        if not path:
            return None
    fn = importing.import_projects if kind == "projects" else importing.import_units

    def done(report):
        QMessageBox.information(parent, _("导入完成"), "\n".join(report.lines()))
        if on_done:
            on_done(report)

    return run_background(parent, _("正在导入…"), fn, path, with_progress=True, on_done=done, writes=True)


class HandoverDialog(forms.FormDialog):
    """竣工验收/交付: the two dates, then the core creates the items and the visit plan."""

    def __init__(self, project: project_service.ProjectView, parent=None):
        super().__init__(_("竣工验收/交付 — {name}").format(name=project.name), parent)
        self.project_id = project.id
        self.form.add("accepted_on", _("竣工验收合格日期"), forms.date_line(), required=True, check="date")
        self.form.add("handed_over_on", _("交付日期"), forms.date_line(), required=True, check="date")
        self.form.load({"accepted_on": project.accepted_on or dt.date.today(),
                        "handed_over_on": project.handed_over_on or project.accepted_on or dt.date.today()})
        self.form.dirty = True
        note = PlainLabel(_("保存后将按工程类型生成保修项目（法定最低保修期），并编制回访计划。"))
        note.setWordWrap(True)
        self.body.addWidget(note)
        self.finish_layout()

    def save(self) -> bool:
        from warranty_desk.services import fields

        values = self.form.values()
        try:
            accepted = fields.date(values["accepted_on"])
            handed = fields.date(values["handed_over_on"])
        except ValueError as exc:
            self.form.show_error("accepted_on", str(exc))
            return False
        ok, result = perform(self, handover_service.handover, self.project_id, accepted, handed, form=self.form)
        self.result_value = result
        return ok


class AgreedPeriodDialog(forms.FormDialog):
    def __init__(self, item, design_life_years: int | None, parent=None):
        super().__init__(_("约定保修期 — {name}").format(name=item.name), parent)
        self.item = item
        minimum = cat.minimum_text(item.key, design_life_years)
        self.body.insertWidget(0, PlainLabel(_("法定最低保修期：{text}").format(text=minimum)))
        units = [(k, v) for k, v in cat.UNIT_NAMES.items()]
        self.form.add("agreed_unit", _("单位"), forms.combo([(k, v) for k, v in units]))
        amount = QSpinBox()
        amount.setRange(1, 200)
        self.form.add("agreed_amount", _("约定保修期"), amount)
        self.form.load({"agreed_unit": item.agreed_unit, "agreed_amount": item.agreed_amount})
        self.finish_layout()

    def save(self) -> bool:
        values = self.form.values()
        ok, _r = perform(self, handover_service.set_agreed_period, self.item.id, values["agreed_unit"],
                         values["agreed_amount"], self.item.version,
                         form=self.form)
        return ok


class ProjectDetail(QWidget):
    """One project: 基本资料, 保修项目, 住户, 回访, 工单, 文档."""

    def __init__(self, owner):
        super().__init__()
        self.owner = owner
        self.project: project_service.ProjectView | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.back_button = QPushButton(_("← 工程列表"))
        self.title = PlainLabel()
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.handover_button = QPushButton(_("竣工验收/交付…"))
        self.handover_button.setObjectName("handover")
        from ..record_history import history_button

        self.history_button = history_button()
        head.addWidget(self.back_button)
        head.addWidget(self.title, 1)
        head.addWidget(self.history_button)
        head.addWidget(self.handover_button)
        layout.addLayout(head)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)

        # 基本资料
        basic = QWidget()
        basic_layout = QVBoxLayout(basic)
        self.form = forms.FieldForm()
        build_project_form(self.form)
        self.form_version: int | None = None  # the version the form's values were loaded from
        self.base_values: dict = {}
        self.conflict_bar = ConflictBar()
        self.conflict_bar.reload_requested.connect(self.reload_keeping_input)
        basic_layout.addWidget(self.conflict_bar)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        basic_layout.addWidget(scroll)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.revert_button = QPushButton(_("撤销修改"))
        self.save_button = QPushButton(_("保存"))
        self.save_button.setObjectName("saveProject")
        self.save_button.setDefault(True)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        basic_layout.addLayout(buttons)
        self.tabs.addTab(basic, _("基本资料"))

        # 保修项目
        items_tab = QWidget()
        items_layout = QVBoxLayout(items_tab)
        today = dt.date.today()
        self.item_model = RowsModel([
            Column(_("保修项目"), lambda i: i.name, 250),
            Column(_("法定最低保修期"), lambda i: cat.minimum_text(i.key, self.project.design_life_years), 200),
            Column(_("约定保修期"), lambda i: cat.period_text(i.agreed_unit, i.agreed_amount), 90),
            Column(_("起始日"), lambda i: i.start_on, 90),
            Column(_("截止日"), lambda i: i.end_on, 90),
            Column(_("剩余天数"), lambda i: max((i.end_on - today).days, 0), 70,
                   lambda i: RED if (i.end_on - today).days < 60 else None),
            Column(_("责任分包"), lambda i: i.subcontractor.name if i.subcontractor_id else ""),
        ])
        self.item_view = make_table(self.item_model, "project_items")
        items_layout.addWidget(self.item_view)
        row = QHBoxLayout()
        row.addStretch(1)
        self.agreed_button = QPushButton(_("修改约定保修期…"))
        row.addWidget(self.agreed_button)
        items_layout.addLayout(row)
        self.item_view.doubleClicked.connect(lambda _i: self.edit_agreed())
        self.agreed_button.clicked.connect(self.edit_agreed)
        self.tabs.addTab(items_tab, _("保修项目"))

        # 住户
        units_tab = QWidget()
        units_layout = QVBoxLayout(units_tab)
        self.unit_model = RowsModel([
            Column(_("楼栋"), lambda u: u.building, 80), Column(_("单元"), lambda u: u.entrance, 70),
            Column(_("房号"), lambda u: u.room, 70), Column(_("业主"), lambda u: u.owner_name, 120),
            Column(_("电话"), lambda u: u.owner_phone, 130), Column(_("交付日期"), lambda u: u.handed_over_on),
            Column(_("户型"), lambda u: u.layout, 110),
            Column(_("建筑面积（㎡）"), lambda u: "" if u.area is None else f"{u.area:g}", 90),
        ])
        self.unit_view = make_table(self.unit_model, "project_units")
        units_layout.addWidget(self.unit_view)
        row = QHBoxLayout()
        row.addStretch(1)
        self.import_units_button = QPushButton(_("从表格导入住户…"))
        row.addWidget(self.import_units_button)
        units_layout.addLayout(row)
        self.import_units_button.clicked.connect(self.import_units)
        self.tabs.addTab(units_tab, _("住户"))

        # 回访
        visits_tab = QWidget()
        visits_layout = QVBoxLayout(visits_tab)
        self.visit_model = RowsModel([
            Column(_("计划日期"), lambda v: v.planned_on, 90),
            Column(_("类型"), lambda v: KIND_NAMES.get(v.kind, v.kind), 100),
            Column(_("方式"), lambda v: v.method, 50),
            Column(_("状态"), lambda v: vs.name(v.status), 70,
                   lambda v: GREEN if v.status == vs.DONE else (RED if v.status == vs.PLANNED and v.planned_on < today
                                                                else None)),
            Column(_("回访人"), lambda v: v.visitor or (v.staff.name if v.staff_id else ""), 70),
            Column(_("满意度"), lambda v: "" if v.score is None else f"{v.score:.0f} {v.grade}", 80),
            Column(_("目的"), lambda v: v.purposes.replace("\n", "；")),
        ])
        self.visit_view = make_table(self.visit_model, "project_visits")
        self.visit_view.doubleClicked.connect(self._open_visit)
        visits_layout.addWidget(self.visit_view)
        self.tabs.addTab(visits_tab, _("回访"))

        # 工单
        tickets_tab = QWidget()
        tickets_layout = QVBoxLayout(tickets_tab)
        self.ticket_model = RowsModel([
            Column(_("工单号"), lambda t: t.number, 110), Column(_("报修时间"), lambda t: t.reported_at, 130),
            Column(_("状态"), lambda t: _(t.state), 70), Column(_("紧急"), lambda t: _(t.urgency), 50),
            Column(_("位置"), lambda t: t.location, 120), Column(_("内容"), lambda t: t.description),
        ])
        self.ticket_view = make_table(self.ticket_model, "project_tickets")
        self.ticket_view.doubleClicked.connect(self._open_ticket)
        tickets_layout.addWidget(self.ticket_view)
        row = QHBoxLayout()
        row.addStretch(1)
        self.new_ticket_button = QPushButton(_("新建工单…"))
        row.addWidget(self.new_ticket_button)
        tickets_layout.addLayout(row)
        self.new_ticket_button.clicked.connect(self._new_ticket)
        self.tabs.addTab(tickets_tab, _("工单"))

        # 文档
        docs_tab = QWidget()
        docs_layout = QVBoxLayout(docs_tab)
        self.doc_buttons = {}
        for doc in documents.available():
            line = QHBoxLayout()
            button = QPushButton(_("打印{title}").format(title=_(doc.title)))
            button.setObjectName(f"print_{doc.key}")
            save_as = QPushButton(_("另存为…"))
            button.clicked.connect(lambda _c=False, d=doc: self.print_document(d))
            save_as.clicked.connect(lambda _c=False, d=doc: self.print_document(d, ask=True))
            line.addWidget(button)
            line.addWidget(save_as)
            line.addStretch(1)
            docs_layout.addLayout(line)
            self.doc_buttons[doc.key] = button
        self.docs_note = PlainLabel()
        docs_layout.addWidget(self.docs_note)
        docs_layout.addStretch(1)
        self.tabs.addTab(docs_tab, _("文档"))

        self.back_button.clicked.connect(self.owner.show_list)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        self.handover_button.clicked.connect(self.run_handover)
        self.history_button.clicked.connect(self.show_history)
        mark_write(self.save_button, self.handover_button, self.agreed_button, self.import_units_button,
                   self.new_ticket_button)

    # data ---------------------------------------------------------------------------------
    def show_project(self, project_id: int) -> None:
        self.project = project_service.project_view(project_id)
        self.load()

    def _fresh(self) -> project_service.ProjectView | None:
        """The shown project as saved now; None (back to the list) when it is gone."""
        try:
            return project_service.project_view(self.project.id)
        except NotFound:
            self.owner.show_list()
            return None

    def load(self) -> None:
        if self.project is None:
            return
        project = self._fresh()
        if project is None:
            return
        self.project = project
        self.title.setText(f"{project.code}  {project.name}")
        if not self.form.dirty:
            self.form.load(project.values)
            self.form_version = project.version
            self.base_values = self.form.values()
            self.conflict_bar.hide()
        self.item_model.set_rows(handover_service.items_of(project.id))
        self.unit_model.set_rows(project_service.units_of(project.id))
        self.visit_model.set_rows(visit_service.project_visits(project.id))
        self.ticket_model.set_rows(ticket_service.project_tickets(project.id))
        handed = project.handed_over_on is not None
        self.handover_button.setText(_("重新办理交付…") if handed else _("竣工验收/交付…"))
        self.docs_note.setText("" if handed else _("工程办理交付后才有保修项目；保修书和保修卡在交付后打印。"))
        for button in self.doc_buttons.values():
            button.setEnabled(handed)
        self.tabs.setTabText(2, _("住户（{n}）").format(n=len(self.unit_model.rows)))
        self.tabs.setTabText(3, _("回访（{n}）").format(n=len(self.visit_model.rows)))
        self.tabs.setTabText(4, _("工单（{n}）").format(n=len(self.ticket_model.rows)))

    def mark_unit(self, unit_id: int) -> bool:
        """Select the unit's row on the 住户 tab and scroll to it (a search hit)."""
        for row, unit in enumerate(self.unit_model.rows):
            if unit.id == unit_id:
                index = self.unit_view.model().index(row, 0)
                self.unit_view.setCurrentIndex(index)
                self.unit_view.selectRow(row)
                self.unit_view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
                self.unit_view.setFocus()
                return True
        return False

    def save(self) -> bool:
        if not self.form.check_all():
            return False
        version = self.project.version if self.form_version is None else self.form_version
        project = save_project(self, self.form, self.project.id, version, on_conflict=self.conflict)
        if project is None:
            return False
        self.form.dirty = False
        self.form_version = None
        self.conflict_bar.hide()
        bus().status.emit(_("已保存工程 {code}").format(code=project.code))
        self.load()
        return True

    def show_history(self):
        """修改记录 of the project and of its warranty items (read only)."""
        from ..record_history import show_history

        items = [("warranty_item", i.id, i.name) for i in handover_service.items_of(self.project.id)]
        return show_history(self, "project", self.project.id, self.project.code, related=items)

    def conflict(self, exc) -> None:
        """Someone else saved this project since the form was loaded: the clerk's input stays."""
        self.tabs.setCurrentIndex(0)
        self.conflict_bar.show_conflict(exc.message)

    def reload_keeping_input(self) -> None:
        """重新载入: the project as saved now, with the clerk's own changes put back on top."""
        project = self._fresh()
        if project is None:
            return
        self.project = project
        self.base_values, clashes = reapply(self.form, self.base_values, self.form.values(), project.values)
        self.form_version = project.version
        self.title.setText(f"{project.code}  {project.name}")
        self.conflict_bar.show_reloaded(clashes)

    def revert(self) -> None:
        self.form.dirty = False
        self.load()

    def import_units(self) -> None:
        from ..import_window import open_import_window

        open_import_window(self, "units")

    def run_handover(self) -> None:
        if self.form.dirty and not self.save():
            return
        dialog = HandoverDialog(self.project, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        items, visits = dialog.result_value
        self.load()
        self.tabs.setCurrentIndex(1)
        box = QMessageBox(self)
        box.setWindowTitle(_("交付完成"))
        box.setText(_("已生成 {items} 个保修项目和 {visits} 次计划回访。\n现在打印保修书和保修卡吗？").format(
            items=len(items), visits=len(visits)))
        print_button = box.addButton(_("打印保修书和保修卡"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("以后再说"), QMessageBox.ButtonRole.RejectRole)
        self.last_handover_box = box
        box.exec()
        if box.clickedButton() is print_button:
            for doc in documents.available():
                if doc.key in ("certificate", "cards"):
                    self.print_document(doc)

    def edit_agreed(self) -> None:
        item = selected_row(self.item_view)
        if item is None:
            QMessageBox.information(self, _("修改约定保修期"), _("请先在表中选择一个保修项目"))
            return
        AgreedPeriodDialog(item, self.project.design_life_years, self).exec()

    def print_document(self, doc, ask: bool = False):
        return documents.print_project_document(self, doc, self.project.id, self.project.code, ask=ask)

    def _open_visit(self, index) -> None:
        visit = self.visit_view.model().data(index, ROW_ROLE)
        if visit:
            bus().open_record.emit("visit", visit.id)

    def _open_ticket(self, index) -> None:
        ticket = self.ticket_view.model().data(index, ROW_ROLE)
        if ticket:
            bus().open_record.emit("ticket", ticket.id)

    def _new_ticket(self) -> None:
        from .tickets import new_ticket

        new_ticket(self, project_id=self.project.id)


class ProjectsPage(Page):
    tables = ("project", "client", "warranty_item", "unit", "visit", "ticket", "region", "staff", "subcontractor")

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.inner = QStackedWidget()
        self.list = ProjectListPage(self)
        self.detail = ProjectDetail(self)
        self.inner.addWidget(self.list)
        self.inner.addWidget(self.detail)
        layout.addWidget(self.inner)

    def load(self) -> None:
        if self.inner.currentWidget() is self.detail:
            self.detail.load()
            self._stale_list = True
        else:
            self.list.load()

    def open_project(self, project_id: int, tab: str | None = None, unit_id: int | None = None) -> None:
        """The project's page; `tab="units"` opens 住户, with `unit_id`'s row selected and in view."""
        if self.inner.currentWidget() is self.detail and self.detail.project and self.detail.project.id != project_id:
            if not self.leave_detail():
                return
        self.detail.form.dirty = False
        self.detail.show_project(project_id)
        self.inner.setCurrentWidget(self.detail)
        self.detail.tabs.setCurrentIndex(2 if tab == "units" or unit_id else 0)
        if unit_id:
            self.detail.mark_unit(unit_id)

    def leave_detail(self) -> bool:
        if self.detail.form.dirty:
            if not forms.ask_discard(self):
                return False
            self.detail.form.dirty = False
        return True

    def show_list(self) -> None:
        if not self.leave_detail():
            return
        self.list.load()
        self.inner.setCurrentWidget(self.list)

    def is_dirty(self) -> bool:
        return self.inner.currentWidget() is self.detail and self.detail.form.dirty

    def discard(self) -> None:
        self.detail.form.dirty = False
        self.detail.load()
