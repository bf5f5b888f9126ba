"""工程项目 → one project's page: 基本资料 (edited in place), 保修项目, 住户, 回访, 工单, 文档."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.errors import NotFound
from warranty_desk.i18n import _, join_list
from warranty_desk.rules import categories as cat
from warranty_desk.rules import visit_states as vs
from warranty_desk.rules.satisfaction import grade_name
from warranty_desk.rules.sla import urgency_name
from warranty_desk.rules.ticket_states import state_name
from warranty_desk.rules.visit_methods import method_name
from warranty_desk.rules.visit_plan import kind_name
from warranty_desk.rules.visit_purposes import purposes_of
from warranty_desk.services import handover as handover_service
from warranty_desk.services import projects as project_service
from warranty_desk.services import tickets as ticket_service
from warranty_desk.services import visits as visit_service

from .. import documents, forms
from ..conflicts import ConflictBar, reapply
from ..labels import PlainLabel
from ..operations import mark_write
from ..project_form import build_project_form, save_project
from ..signals import bus
from ..table_models import GREEN, RED, ROW_ROLE, Column, RowsModel, make_table, selected_row
from .handover_dialogs import AgreedPeriodDialog, HandoverDialog


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

        today = dt.date.today()  # the columns count days from the day the page was built, as before
        self.tabs.addTab(self._basic_tab(), _("基本资料"))
        self.tabs.addTab(self._items_tab(today), _("保修项目"))
        self.tabs.addTab(self._units_tab(), _("住户"))
        self.tabs.addTab(self._visits_tab(today), _("回访"))
        self.tabs.addTab(self._tickets_tab(), _("工单"))
        self.tabs.addTab(self._docs_tab(), _("文档"))

        self.back_button.clicked.connect(self.owner.show_list)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        self.handover_button.clicked.connect(self.run_handover)
        self.history_button.clicked.connect(self.show_history)
        mark_write(self.save_button, self.handover_button, self.agreed_button, self.import_units_button,
                   self.new_ticket_button)

    # the tabs -----------------------------------------------------------------------------
    def _basic_tab(self) -> QWidget:
        """The 基本资料 tab."""
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
        return basic

    @staticmethod
    def _table_tab(model: RowsModel, name: str, on_open=None, button_text: str = "", on_button=None):
        """A tab of one table (`name`: its remembered columns; double-click: `on_open(index)`) and, below
        it on the right, one button. Returns (the tab, the table, the button or None)."""
        tab = QWidget()
        layout = QVBoxLayout(tab)
        view = make_table(model, name)
        if on_open is not None:
            view.doubleClicked.connect(on_open)
        layout.addWidget(view)
        button = None
        if button_text:
            row = QHBoxLayout()
            row.addStretch(1)
            button = QPushButton(button_text)
            button.clicked.connect(on_button)
            row.addWidget(button)
            layout.addLayout(row)
        return tab, view, button

    def _items_tab(self, today: dt.date) -> QWidget:
        """The 保修项目 tab."""
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
        tab, self.item_view, self.agreed_button = self._table_tab(
            self.item_model, "project_items", lambda _i: self.edit_agreed(), _("修改约定保修期…"), self.edit_agreed)
        return tab

    def _units_tab(self) -> QWidget:
        """The 住户 tab."""
        self.unit_model = RowsModel([
            Column(_("楼栋"), lambda u: u.building, 80), Column(_("单元"), lambda u: u.entrance, 70),
            Column(_("房号"), lambda u: u.room, 70), Column(_("业主"), lambda u: u.owner_name, 120),
            Column(_("电话"), lambda u: u.owner_phone, 130), Column(_("交付日期"), lambda u: u.handed_over_on),
            Column(_("户型"), lambda u: u.layout, 110),
            Column(_("建筑面积（㎡）"), lambda u: "" if u.area is None else f"{u.area:g}", 90),
        ])
        tab, self.unit_view, self.import_units_button = self._table_tab(
            self.unit_model, "project_units", None, _("从表格导入住户…"), self.import_units)
        return tab

    def _visits_tab(self, today: dt.date) -> QWidget:
        """The 回访 tab."""
        self.visit_model = RowsModel([
            Column(_("计划日期"), lambda v: v.planned_on, 90),
            Column(_("类型"), lambda v: kind_name(v.kind), 100),
            Column(_("方式"), lambda v: method_name(v.method), 60),
            Column(_("状态"), lambda v: vs.status_name(v.status), 70,
                   lambda v: GREEN if v.status == vs.DONE else (RED if v.status == vs.PLANNED and v.planned_on < today
                                                                else None)),
            Column(_("回访人"), lambda v: v.visitor or (v.staff.name if v.staff_id else ""), 70),
            Column(_("满意度"), lambda v: "" if v.score is None else f"{v.score:.0f} {grade_name(v.grade)}", 110),
            Column(_("目的"), lambda v: join_list(purposes_of(v.purposes), _("；"))),
        ])
        tab, self.visit_view, _none = self._table_tab(self.visit_model, "project_visits", self._open_visit)
        return tab

    def _tickets_tab(self) -> QWidget:
        """The 工单 tab."""
        self.ticket_model = RowsModel([
            Column(_("工单号"), lambda t: t.number, 110), Column(_("报修时间"), lambda t: t.reported_at, 130),
            Column(_("状态"), lambda t: state_name(t.state), 70), Column(_("紧急"), lambda t: urgency_name(t.urgency), 50),
            Column(_("位置"), lambda t: t.location, 120), Column(_("内容"), lambda t: t.description),
        ])
        tab, self.ticket_view, self.new_ticket_button = self._table_tab(
            self.ticket_model, "project_tickets", self._open_ticket, _("新建工单…"), self._new_ticket)
        return tab

    def _docs_tab(self) -> QWidget:
        """The 文档 tab."""
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
        return docs_tab

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
