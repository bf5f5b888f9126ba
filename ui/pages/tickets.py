"""维修工单: the intake form and the list (lazy: rows are fetched as the clerk scrolls)."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QDateTime, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.i18n import _
from warranty_desk.rules import sla
from warranty_desk.rules import ticket_states as st
from warranty_desk.rules.categories import CATEGORIES
from warranty_desk.services import projects as project_service
from warranty_desk.services import staff as staff_service
from warranty_desk.services import tickets as ticket_service

from .. import forms
from ..operations import mark_write, perform, show_error
from ..signals import bus
from ..table_models import GREEN, ORANGE, RED, ROW_ROLE, display, make_table
from ..ticket_lifecycle import TICKET_PARTS, LifecyclePanel
from .base import Page

BATCH = 200
KEEP_PAGES = 10  # batches kept in memory (2,000 rows); others are fetched again when scrolled back to


class _Rows:
    """`model.rows[i]`: the row dict at position i, fetched again if its batch was let go."""

    def __init__(self, model: TicketListModel):
        self._model = model

    def __len__(self) -> int:
        return self._model.loaded

    def __getitem__(self, index: int) -> dict:
        if index < 0:
            index += self._model.loaded
        if not 0 <= index < self._model.loaded:
            raise IndexError(index)
        return self._model.row(index)

    def __iter__(self):
        return (self[i] for i in range(len(self)))


class TicketListModel(QAbstractTableModel):
    """Lazy: BATCH rows at a time from the tickets service as the clerk scrolls, by keyset paging
    (each batch continues after the last row of the one before, as fast at the end of 30,000 tickets
    as at the start). Only the KEEP_PAGES batches used last stay in memory; a batch scrolled back to
    is fetched again from its remembered start. Sorted by the database (`sort`)."""

    COLUMNS = [
        (_("工单号"), "number", 105), (_("报修时间"), "reported_at", 125), (_("工程"), "project_name", 160),
        (_("房号"), "unit", 115), (_("项目"), "category_name", 110), (_("紧急"), "urgency", 45),
        (_("状态"), "state", 70), (_("时限"), "sla_text", 175), (_("维修单位"), "subcontractor", 120),
        (_("内容"), "description", 0),
    ]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.filters: dict = {}
        self.order = "reported_at"
        self.descending = True
        self.now = dt.datetime.now()
        self.rows = _Rows(self)
        self._clear()

    def _clear(self) -> None:
        self.loaded = 0  # rows known to the view
        self.exhausted = False
        self._starts: list[tuple | None] = [None]  # the keyset cursor each batch starts after
        self._pages: OrderedDict[int, list[dict]] = OrderedDict()

    def set_filters(self, **filters) -> None:
        self.beginResetModel()
        self.filters = {k: v for k, v in filters.items() if v not in (None, "", False)}
        self._clear()
        self.now = dt.datetime.now()
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def sortable(self, column: int) -> bool:
        return self.COLUMNS[column][1] in ticket_service.LIST_ORDERS

    def sort(self, column, order=Qt.SortOrder.AscendingOrder):
        """Sort by a column the database can sort (工单号, 报修时间, 工程, 紧急, 状态); others are ignored."""
        if not self.sortable(column):
            return
        self.order = self.COLUMNS[column][1]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.set_filters(**self.filters)

    def resident_rows(self) -> int:
        """How many rows are held in memory now."""
        return sum(len(p) for p in self._pages.values())

    def _batch(self, page: int) -> list[dict]:
        return ticket_service.list_tickets(now=self.now, limit=BATCH, after=self._starts[page], order=self.order,
                                           descending=self.descending, **self.filters)

    def _keep(self, page: int, rows: list[dict]) -> None:
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > KEEP_PAGES:
            self._pages.popitem(last=False)

    def row(self, index: int) -> dict:
        page, offset = divmod(index, BATCH)
        rows = self._pages.get(page)
        if rows is None:
            rows = self._batch(page)
            self._keep(page, rows)
        else:
            self._pages.move_to_end(page)
        if offset >= len(rows):  # the tickets changed since (another clerk): the row is gone
            return rows[-1] if rows else {}
        return rows[offset]

    def canFetchMore(self, parent=QModelIndex()):  # noqa: N802 - Qt
        return not parent.isValid() and not self.exhausted

    def fetchMore(self, parent=QModelIndex()):  # noqa: N802 - Qt
        if parent.isValid() or self.exhausted:
            return
        page = len(self._starts) - 1
        batch = self._batch(page)
        if len(batch) < BATCH:
            self.exhausted = True
        else:
            self._starts.append(ticket_service.list_cursor(batch[-1], self.order))
        self._keep(page, batch)
        if batch:
            self.beginInsertRows(QModelIndex(), self.loaded, self.loaded + len(batch) - 1)
            self.loaded += len(batch)
            self.endInsertRows()

    def rowCount(self, parent=QModelIndex()):  # noqa: N802 - Qt
        return 0 if parent.isValid() else self.loaded

    def columnCount(self, parent=QModelIndex()):  # noqa: N802 - Qt
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.COLUMNS[section][0]
            if role == Qt.ItemDataRole.ToolTipRole and self.sortable(section):
                return _("点击按这一列排序")
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, ROW_ROLE):
            return None
        row = self.row(index.row())
        if not row:
            return None
        key = self.COLUMNS[index.column()][1]
        if role == Qt.ItemDataRole.DisplayRole:
            if key in ("urgency", "state", "category_name"):  # stored Chinese values, shown translated
                return _(row[key]) or ""
            return display(row[key])
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "sla_text":
                return QBrush(RED if row["overdue"] else (GREEN if row["state"] == st.CLOSED else ORANGE))
            if key == "urgency" and row["urgency"] == sla.URGENT:
                return QBrush(RED)
            return None
        return row


class TicketDialog(forms.FormDialog):
    """报修登记 (intake)."""

    def __init__(self, parent=None, project_id: int | None = None, source_visit: int | None = None,
                 prefill: dict | None = None):
        super().__init__(_("报修登记"), parent)
        self.source_visit = source_visit
        self.photos: list[str] = []
        self.units: dict[int, project_service.UnitRef] = {}  # the chosen project's units by id
        f = self.form
        projects = [(None, _("（请选择工程）"))] + [
            (pid, f"{code}  {name}") for pid, code, name in project_service.project_choices()
        ]
        f.add("project", _("工程"), forms.combo(projects), required=True)
        f.add("unit", _("房号"), forms.combo([(None, _("（整个工程 / 公共部位）"))]))
        f.add("reporter", _("报修人"), forms.line(100), required=True)
        f.add("phone", _("联系电话"), forms.line(40), check="phone")
        f.add("channel", _("报修方式"), forms.combo([(c, _(c)) for c in ticket_service.CHANNELS]))
        when = QDateTimeEdit(QDateTime.currentDateTime())
        when.setDisplayFormat("yyyy-MM-dd HH:mm")
        when.setCalendarPopup(True)
        f.add("reported_at", _("报修时间"), when)
        f.add("location", _("报修部位"), forms.line(200, _("例如：主卧卫生间顶棚")))
        f.add("category", _("保修项目"), forms.combo([(None, _("（请选择）"))] + [(k, c.name) for k, c in CATEGORIES.items()]),
              required=True)
        description = QPlainTextEdit()
        description.setMinimumHeight(80)  # takes the dialog's spare height: descriptions run long
        f.add("description", _("报修内容"), description, required=True)
        f.add("structural_safety", _("结构安全"),
              QCheckBox(_("涉及结构安全（地基基础、主体结构）：按紧急处理，并须立即报告当地建设行政主管部门")))
        f.add("urgency", _("紧急程度"), forms.combo([(sla.NORMAL, _(sla.NORMAL)), (sla.URGENT, _("紧急（涉及结构安全或严重影响使用）"))]))
        # the rules' suggestion (RULES.md §4), the clerk confirms or overrides it; an override asks why
        self.suggestion_label = QLabel()
        self.suggestion_label.setObjectName("urgencySuggestion")
        self.suggestion_label.setWordWrap(True)
        self.suggestion_label.setTextFormat(Qt.TextFormat.PlainText)
        f.layout_.addRow("", self.suggestion_label)
        f.add("urgency_reason", _("不按建议的原因"), forms.line(500, _("例如：业主已关闭总阀，明天上午处理即可")))
        self.suggestion = None
        self.urgency_chosen = False  # the clerk picked an urgency: no longer follow the suggestion
        self._suggest_timer = QTimer(self)
        self._suggest_timer.setSingleShot(True)
        self._suggest_timer.setInterval(250)
        self._suggest_timer.timeout.connect(self._suggest)
        photo_row = QWidget()
        photo_layout = QHBoxLayout(photo_row)
        photo_layout.setContentsMargins(0, 0, 0, 0)
        self.photo_label = QLabel(_("未选择"))
        add_photo = QPushButton(_("添加照片…"))
        add_photo.clicked.connect(self.add_photos)
        photo_layout.addWidget(self.photo_label, 1)
        photo_layout.addWidget(add_photo)
        self.form.layout_.addRow(_("照片"), photo_row)
        self.decision_label = QLabel()
        self.decision_label.setWordWrap(True)
        self.decision_label.setStyleSheet("color: #1565c0;")
        self.body.addWidget(self.decision_label)
        f.widgets["project"].currentIndexChanged.connect(self._project_changed)
        f.widgets["unit"].currentIndexChanged.connect(self._unit_changed)
        f.widgets["category"].currentIndexChanged.connect(self._show_decision)
        f.widgets["category"].currentIndexChanged.connect(self._suggest)
        f.widgets["structural_safety"].toggled.connect(self._suggest)
        f.widgets["reported_at"].dateTimeChanged.connect(self._suggest_soon)
        description.textChanged.connect(self._suggest_soon)
        f.widgets["urgency"].activated.connect(self._urgency_picked)
        f.widgets["urgency"].currentIndexChanged.connect(self._show_reason)
        self.finish_layout()
        self.resize(600, 640)
        values = dict(prefill or {})
        if project_id:
            values["project"] = project_id
        f.load(values)
        self._project_changed()
        if prefill:
            f.load({k: v for k, v in prefill.items() if k != "project"})
            f.dirty = True

    def _project_changed(self, *_a) -> None:
        box: QComboBox = self.form.widgets["unit"]
        box.blockSignals(True)
        box.clear()
        box.addItem(_("（整个工程 / 公共部位）"), None)
        pid = self.form.value("project")
        self.units = {u.id: u for u in project_service.unit_choices(pid)} if pid else {}
        for unit in self.units.values():
            owner = f"  {unit.owner_name}" if unit.owner_name else ""
            box.addItem(unit.label + owner, unit.id)
        box.blockSignals(False)
        self._show_decision()
        self._suggest()

    def _unit_changed(self, *_a) -> None:
        unit = self.units.get(self.form.value("unit"))
        if unit is not None:
            if not self.form.value("reporter"):
                self.form.widgets["reporter"].setText(unit.owner_name)
            if not self.form.value("phone"):
                self.form.widgets["phone"].setText(unit.owner_phone)

    def _show_decision(self, *_a) -> None:
        pid, key = self.form.value("project"), self.form.value("category")
        if not pid or not key:
            self.decision_label.setText("")
            return
        try:
            decision = ticket_service.warranty_decision(pid, key, dt.date.today())
        except Exception as exc:  # noqa: BLE001 - shown, not raised, while the clerk is still typing
            self.decision_label.setText(getattr(exc, "message", str(exc)))
            return
        self.decision_label.setText(decision.reason)

    def _suggest_soon(self, *_a) -> None:
        self._suggest_timer.start()  # after a pause in the typing, not on every key

    def _urgency_picked(self, *_a) -> None:
        self.urgency_chosen = True
        self._show_reason()

    def _suggest(self, *_a) -> None:
        """Ask the rules which urgency the request looks like; follow it until the clerk picks one."""
        self._suggest_timer.stop()
        f = self.form
        pid = f.value("project")
        self.suggestion = None
        if pid and f.value("category"):
            try:
                self.suggestion = ticket_service.suggest_urgency(pid, f.value("category"), f.value("description"),
                                                                 f.value("reported_at"), f.value("structural_safety"))
            except Exception:  # noqa: BLE001 - while the clerk is still typing, the intake's own check will say
                self.suggestion = None
        label = self.suggestion_label
        if self.suggestion is None:
            label.setText("")
        else:
            label.setText(self.suggestion.text)
            label.setStyleSheet("color: #c62828;" if self.suggestion.urgency == sla.URGENT else "color: #555555;")
            if not self.urgency_chosen:
                box = f.widgets["urgency"]
                box.setCurrentIndex(box.findData(self.suggestion.urgency))
        self._show_reason()

    def _show_reason(self, *_a) -> None:
        differs = self.suggestion is not None and self.form.value("urgency") != self.suggestion.urgency
        holder = self.form.widgets["urgency_reason"].parentWidget()
        self.form.layout_.setRowVisible(holder, differs)

    def add_photos(self) -> None:
        paths, _f = QFileDialog.getOpenFileNames(self, _("选择照片"), "", _("图片 (*.jpg *.jpeg *.png *.heic *.bmp)"))
        if paths:
            self.photos.extend(paths)
            self.photo_label.setText("、".join(Path(p).name for p in self.photos))
            self.form.dirty = True

    def intake_data(self) -> dict:
        v = self.form.values()
        data = {key: v[key] for key in ("project", "unit", "reporter", "phone", "channel", "location", "category",
                                        "description", "urgency", "reported_at", "structural_safety")}
        if self.suggestion is not None and v["urgency"] != self.suggestion.urgency:
            data["urgency_reason"] = v["urgency_reason"]
        if self.source_visit:
            data["source_visit"] = self.source_visit
        return data

    def save(self) -> bool:
        ok, intake = perform(self, ticket_service.create_ticket, self.intake_data(), self.photos, form=self.form)
        if not ok:
            return False
        self.result_value = intake
        message = _("已登记工单 {number}。\n{reason}").format(number=intake.ticket.number, reason=intake.decision.reason)
        if intake.urgency_note:
            message += "\n" + _("紧急程度：{note}").format(note=intake.urgency_note)
        if self.form.value("structural_safety"):
            message += "\n\n" + _("涉及结构安全：请立即报告当地建设行政主管部门，并在工单中打印隐患报告、登记报送。")
        if intake.warning:
            message += "\n\n" + intake.warning
        QMessageBox.information(self, _("已登记"), message)
        return True


class TicketView(QDialog):
    """One ticket: its data, deadlines and history; the lifecycle panel plugs in below."""

    def __init__(self, ticket_id: int, parent=None):
        super().__init__(parent)
        self.ticket_id = ticket_id
        self.setWindowTitle(_("维修工单"))
        layout = QVBoxLayout(self)
        from ..safety_panel import SafetyPanel  # structural safety: the duty, the report, sent or not

        self.safety = SafetyPanel(ticket_id, self)
        layout.addWidget(self.safety)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self.summary = QWidget()
        self.summary_form = QFormLayout(self.summary)
        self.tabs.addTab(self.summary, _("工单"))
        self.history = QListWidget()
        self.tabs.addTab(self.history, _("处理记录"))
        from ..attachment_list import AttachmentList  # photos, signature, scans (from the office or a phone)

        self.attachments = AttachmentList("ticket", ticket_id)
        self.tabs.addTab(self.attachments, _("照片和签字"))
        self.lifecycle = LifecyclePanel(ticket_id, self)
        self.tabs.insertTab(1, self.lifecycle, _("处理"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("关闭"))
        buttons.rejected.connect(self.reject)
        from ..backup_dialogs import history_button, show_history  # 修改记录 (read only)

        self.history_button = history_button()
        buttons.addButton(self.history_button, QDialogButtonBox.ButtonRole.HelpRole)
        self.history_button.clicked.connect(lambda: show_history(self, "ticket", self.ticket_id, self.windowTitle()))
        layout.addWidget(buttons)
        bus().changed.connect(self._changed)
        self.load()
        self.resize(680, 560)

    def _changed(self, changes) -> None:
        if (changes.touches_record("ticket", self.ticket_id) or changes.touches(*TICKET_PARTS)
                or changes.touches("safety_report")):
            self.load()

    def _stop_following(self) -> None:
        """Closed: the window (and its 处理 tab) no longer reload on changes."""
        if getattr(self, "_followed", True):
            self._followed = False
            bus().changed.disconnect(self._changed)
            bus().changed.disconnect(self.lifecycle._changed)

    def done(self, result) -> None:
        self._stop_following()
        super().done(result)

    def closeEvent(self, event):  # noqa: N802 - Qt
        self._stop_following()
        super().closeEvent(event)

    def load(self) -> None:
        d = ticket_service.ticket_detail(self.ticket_id)
        self.setWindowTitle(_("维修工单 {number}").format(number=d["number"]))
        while self.summary_form.rowCount():
            self.summary_form.removeRow(0)
        rows = [
            (_("工单号"), d["number"]), (_("工程"), f'{d["project_code"]} {d["project_name"]}'), (_("房号"), d["unit"]),
            (_("报修人"), f'{d["reporter"]}  {d["phone"]}'), (_("报修方式"), _(d["channel"])),
            (_("报修时间"), (d["reported_at"] or "").replace("T", " ")), (_("部位"), d["location"]),
            (_("保修项目"), _(d["category_name"])), (_("内容"), d["description"]),
            (_("紧急程度"), _(d["urgency"])), (_("状态"), _(d["state"])), (_("时限"), _(d["sla_text"])),
            (_("是否保修期内"), _("是") if d["in_warranty"] else _("否")), (_("保修判定"), d["warranty_reason"]),
            (_("派工"), " ".join(x for x in (d["assignee"], d["subcontractor"]) if x)),
        ]
        if d["repeat_of"]:
            rows.append((_("重复报修"), d["repeat_of"]))
        for label, value in rows:
            text = QLabel(value or "")
            text.setWordWrap(True)
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if label == _("时限") and d["overdue"]:
                text.setStyleSheet("color: #c62828; font-weight: bold;")
            self.summary_form.addRow(label, text)
        self.safety.load(d["description"], d["state"] != st.CANCELLED)
        self.history.clear()
        for e in d["events"]:
            arrow = f'{e["from"]} → {e["to"]}' if e["from"] else e["to"]
            self.history.addItem(f'{(e["at"] or "").replace("T", " ")}  {arrow}  {e["by"]}  {e["reason"]}')


def new_ticket(parent, project_id: int | None = None, source_visit: int | None = None, prefill: dict | None = None):
    dialog = TicketDialog(parent, project_id=project_id, source_visit=source_visit, prefill=prefill)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.result_value
    return None


def open_ticket(parent, ticket_id: int) -> None:
    try:
        view = TicketView(ticket_id, parent)
    except Exception as exc:  # noqa: BLE001 - e.g. deleted meanwhile
        show_error(parent, exc)
        return
    view.exec()
    view.deleteLater()  # closed: it no longer follows the changes


class TicketsPage(Page):
    tables = ("ticket", "project", "unit", "staff", "subcontractor")

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.state_filter = QComboBox()
        self.state_filter.addItem(_("全部状态"), "")
        for state in st.STATES:
            self.state_filter.addItem(state, state)
        self.project_filter = QComboBox()
        self.project_filter.setMinimumWidth(220)
        self.sub_filter = QComboBox()
        self.sub_filter.setMinimumWidth(160)
        self.overdue_filter = QCheckBox(_("只看超时"))
        self.open_filter = QCheckBox(_("只看未完成"))
        for w in (self.state_filter, self.project_filter, self.sub_filter, self.overdue_filter, self.open_filter):
            bar.addWidget(w)
        bar.addStretch(1)
        self.new_button = QPushButton(_("报修登记…"))
        self.new_button.setObjectName("newTicket")
        bar.addWidget(self.new_button)
        mark_write(self.new_button)
        layout.addLayout(bar)
        self.model = TicketListModel(self)
        self.view = make_table(self.model, "tickets", sortable=False)
        if QSettings().value("columns/tickets") is None:
            for i, (_h, _k, width) in enumerate(TicketListModel.COLUMNS):
                if width:
                    self.view.setColumnWidth(i, width)
        header = self.view.horizontalHeader()  # sorted by the database: a click on a sortable column
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)  # 报修时间, newest first
        header.sortIndicatorChanged.connect(self._sort)
        self.view.activated.connect(self._open)
        layout.addWidget(self.view)
        self.count_label = QLabel()
        layout.addWidget(self.count_label)
        for w in (self.state_filter, self.project_filter, self.sub_filter):
            w.currentIndexChanged.connect(self._apply)
        self.overdue_filter.toggled.connect(self._apply)
        self.open_filter.toggled.connect(self._apply)
        self.new_button.clicked.connect(lambda: new_ticket(self))
        self._loading = False

    def load(self) -> None:
        self._loading = True
        for box, everything, query in (
            (self.project_filter, _("全部工程"), project_service.project_choices()),
            (self.sub_filter, _("全部维修单位"), staff_service.subcontractor_choices()),
        ):
            current = box.currentData()
            box.clear()
            box.addItem(everything, None)
            for rid, a, b in query:
                box.addItem(f"{a}  {b}", rid)
            box.setCurrentIndex(max(box.findData(current), 0))
        self._loading = False
        self._apply()

    def _apply(self, *_a) -> None:
        if self._loading:
            return
        self.model.set_filters(state=self.state_filter.currentData(), project=self.project_filter.currentData(),
                               subcontractor=self.sub_filter.currentData(), overdue=self.overdue_filter.isChecked(),
                               open_only=self.open_filter.isChecked())
        self._show_count()

    def _sort(self, column: int, order) -> None:
        header = self.view.horizontalHeader()
        if not self.model.sortable(column):  # e.g. 内容: keep the current order and its arrow
            current = next(i for i, c in enumerate(TicketListModel.COLUMNS) if c[1] == self.model.order)
            header.blockSignals(True)
            header.setSortIndicator(current, Qt.SortOrder.DescendingOrder if self.model.descending
                                    else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
            return
        self.model.sort(column, order)
        self._show_count()

    def _show_count(self) -> None:
        more = "+" if self.model.canFetchMore() else ""
        self.count_label.setText(_("已显示 {n}{more} 张工单（向下滚动加载更多）").format(n=self.model.rowCount(), more=more))

    def _open(self, index) -> None:
        row = self.model.data(index, ROW_ROLE)
        if row:
            open_ticket(self, row["id"])

