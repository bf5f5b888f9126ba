"""维修工单: the intake form and the list (lazy: rows are fetched as the clerk scrolls)."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QDateTime, QEvent, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QBrush, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.i18n import N_, _, ngettext
from warranty_desk.rules import sla
from warranty_desk.rules import ticket_states as st
from warranty_desk.rules.categories import CATEGORIES
from warranty_desk.rules.sla import urgency_name
from warranty_desk.rules.ticket_states import state_name
from warranty_desk.services import callers
from warranty_desk.services import projects as project_service
from warranty_desk.services import staff as staff_service
from warranty_desk.services import tickets as ticket_service

from .. import forms
from ..labels import PlainLabel
from ..operations import mark_write, perform, show_error
from ..table_models import GREEN, ORANGE, RED, ROW_ROLE, display, make_table
from ..ticket_window import TicketView
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
        (N_("工单号"), "number", 105), (N_("报修时间"), "reported_at", 125), (N_("工程"), "project_name", 160),
        (N_("房号"), "unit", 115), (N_("项目"), "category_name", 110), (N_("紧急"), "urgency", 45),
        (N_("状态"), "state", 70), (N_("时限"), "sla_text", 175), (N_("维修单位"), "subcontractor", 120),
        (N_("内容"), "description", 0),
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
                return _(self.COLUMNS[section][0])
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
            if key == "state":  # stored keys, shown by their names
                return state_name(row[key])
            if key == "urgency":
                return urgency_name(row[key])
            if key == "category_name":
                return _(row[key]) or ""
            return display(row[key])
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "sla_text":
                return QBrush(RED if row["overdue"] else (GREEN if row["state"] == st.CLOSED else ORANGE))
            if key == "urgency" and row["urgency"] == sla.URGENT:
                return QBrush(RED)
            return None
        return row


class CallerPanel(QWidget):
    """Beside the intake form: the chosen caller's unit, its warranty items still running (with their
    end dates) and those ended, and its earlier repairs — each opens its ticket; one this call would
    repeat is named with a link."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.head = PlainLabel(_("选择来电人或工程后，这里显示保修期内的项目和此前的维修。"))
        self.head.setObjectName("callerHead")
        self.head.setWordWrap(True)
        self.head.setStyleSheet("background: #eceff1; padding: 6px;")
        layout.addWidget(self.head)
        layout.addWidget(PlainLabel(_("保修期内的项目")))
        self.items = QTableWidget(0, 3)
        self.items.setObjectName("warrantyItems")
        self.items.setHorizontalHeaderLabels([_("保修项目"), _("保修至"), _("剩余")])
        self.items.verticalHeader().hide()
        self.items.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.items.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.items.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        # an item's name takes the room the dates leave and wraps there ("Leak-proofing of bathrooms and
        # other wet rooms"); each row is as tall as its name; the whole name is also the cell's tooltip
        self.items.setWordWrap(True)
        self.items.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.items.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.items, 2)
        self.ended = PlainLabel()
        self.ended.setObjectName("endedItems")
        self.ended.setWordWrap(True)
        self.ended.setStyleSheet("color: #e65100;")
        layout.addWidget(self.ended)
        layout.addWidget(PlainLabel(_("此前的维修（双击打开）")))
        self.earlier = QListWidget()
        self.earlier.setObjectName("earlierRepairs")
        self.earlier.setWordWrap(True)
        self.earlier.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.earlier.itemActivated.connect(self._open)
        layout.addWidget(self.earlier, 2)
        repeat_row = QHBoxLayout()
        self.repeat = PlainLabel()
        self.repeat.setObjectName("repeatWarning")
        self.repeat.setWordWrap(True)
        self.repeat.setStyleSheet("color: #c62828;")
        self.repeat_link = QPushButton()
        self.repeat_link.setObjectName("repeatLink")
        self.repeat_link.setFlat(True)
        self.repeat_link.setStyleSheet("color: #1565c0; text-decoration: underline;")
        self.repeat_link.clicked.connect(lambda: self._open_ticket(self.repeat_link.property("ticket")))
        repeat_row.addWidget(self.repeat, 1)
        repeat_row.addWidget(self.repeat_link)
        layout.addLayout(repeat_row)
        self.show_repeat(None)
        self.context = None

    def show_context(self, context) -> None:
        self.context = context
        if context is None:
            self.head.setText(_("选择来电人或工程后，这里显示保修期内的项目和此前的维修。"))
            self.items.setRowCount(0)
            self.ended.setText("")
            self.earlier.clear()
            return
        where = context.unit_label or _("整个工程 / 公共部位")
        who = "  ".join(x for x in (context.owner_name, context.owner_phone) if x)
        self.head.setText(f"{context.project_code} {context.project_name}\n{where}　{who}")
        if not context.accepted:
            self.head.setText(self.head.text() + "\n" + _("工程尚未竣工验收，还没有保修项目"))
        self.items.setRowCount(len(context.items))
        for row, item in enumerate(context.items):
            days = item["days_left"]
            texts = (_(item["name"]), item["end_on"].isoformat(), ngettext("{n}天", "{n}天", days).format(n=f"{days:,}"))
            for column, text in enumerate(texts):
                cell = QTableWidgetItem(text)
                if column == 0:
                    cell.setToolTip(text)
                if days is not None and days <= 60:
                    cell.setForeground(QBrush(ORANGE))
                self.items.setItem(row, column, cell)
        if context.ended:
            self.ended.setText(_("已过保：{items}").format(items="、".join(
                _("{name}（{end}止）").format(name=_(i["name"]), end=i["end_on"].isoformat()) for i in context.ended)))
        else:
            self.ended.setText("")
        self.earlier.clear()
        for t in context.earlier:
            state = state_name(t["state"])
            text = (f'{t["number"]}  {t["reported_at"]:%Y-%m-%d}  {_(t["category_name"])}  {state}\n'
                    f'{t["description"][:80]}')
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, t["id"])
            if t["open"]:
                item.setForeground(QBrush(ORANGE))
            self.earlier.addItem(item)
        if not context.earlier:
            item = QListWidgetItem(_("没有维修记录"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.earlier.addItem(item)

    def show_repeat(self, repeat: dict | None) -> None:
        self.repeat.setText(repeat["text"] if repeat else "")
        self.repeat.setVisible(bool(repeat))
        self.repeat_link.setVisible(bool(repeat))
        if repeat:
            self.repeat_link.setText(repeat["link"])
            self.repeat_link.setProperty("ticket", repeat["id"])

    def _open(self, item: QListWidgetItem) -> None:
        self._open_ticket(item.data(Qt.ItemDataRole.UserRole))

    def _open_ticket(self, ticket_id) -> None:
        if ticket_id:
            open_ticket(self.window(), int(ticket_id))


class TicketDialog(forms.FormDialog):
    """报修登记 (intake), caller first: one field takes any part of the caller's number, a name, a room
    or a project, lists the matching owners as the clerk types, and fills the form from the one chosen;
    beside it the unit's warranty items and earlier repairs."""

    def __init__(self, parent=None, project_id: int | None = None, source_visit: int | None = None,
                 prefill: dict | None = None):
        super().__init__(_("报修登记"), parent)
        self.source_visit = source_visit
        self.photos: list[str] = []
        self.units: dict[int, project_service.UnitRef] = {}  # the chosen project's units by id
        self._project_shown = None
        self._filling = False

        # the caller
        caller_box = QWidget()
        caller_layout = QVBoxLayout(caller_box)
        caller_layout.setContentsMargins(0, 0, 0, 0)
        caller_layout.addWidget(PlainLabel(_("来电人")))
        self.caller_search = QLineEdit()
        self.caller_search.setObjectName("callerSearch")
        self.caller_search.setClearButtonEnabled(True)
        self.caller_search.setPlaceholderText(_("来电号码（任意几位，至少后四位）、业主姓名、房号（1-2-301）或工程名称"))
        caller_layout.addWidget(self.caller_search)
        self.caller_results = QListWidget()
        self.caller_results.setObjectName("callerResults")
        self.caller_results.setMaximumHeight(150)
        self.caller_results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.caller_results.itemActivated.connect(self._caller_chosen)
        self.caller_results.itemClicked.connect(self._caller_chosen)
        self.caller_results.hide()
        caller_layout.addWidget(self.caller_results)
        self.caller_timer = QTimer(self, singleShot=True, interval=150)
        self.caller_timer.timeout.connect(self.find_callers)
        self.caller_search.textEdited.connect(lambda _t: self.caller_timer.start())
        self.caller_search.returnPressed.connect(self._caller_enter)
        self.caller_search.installEventFilter(self)

        f = self.form
        projects = [(pid, f"{code}  {name}") for pid, code, name in project_service.project_choices()]
        f.add("project", _("工程"), forms.ChoiceBox(projects, _("输入工程编号或名称的任意部分")), required=True)
        f.add("unit", _("房号"), forms.ChoiceBox([(None, _("（整个工程 / 公共部位）"))],
                                                _("输入房号，例如 1-2-301 或业主姓名")))
        f.add("reporter", _("报修人"), forms.line(100), required=True)
        f.add("phone", _("联系电话"), forms.line(40), check="phone")
        f.add("channel", _("报修方式"), forms.combo([(c, ticket_service.channel_name(c)) for c in ticket_service.CHANNELS]))
        when = QDateTimeEdit(QDateTime.currentDateTime())
        when.setDisplayFormat("yyyy-MM-dd HH:mm")
        when.setCalendarPopup(True)
        f.add("reported_at", _("报修时间"), when)
        f.add("location", _("报修部位"), forms.line(200, _("例如：主卧卫生间顶棚")))
        f.add("category", _("保修项目"), forms.combo([(None, _("（请选择）"))] + [(k, _(c.name)) for k, c in CATEGORIES.items()]),
              required=True)
        description = QPlainTextEdit()
        description.setMinimumHeight(70)  # takes the dialog's spare height: descriptions run long
        f.add("description", _("报修内容"), description, required=True)
        f.add("structural_safety", _("结构安全"),
              QCheckBox(_("涉及结构安全（地基基础、主体结构）：按紧急处理，并须立即报告当地建设行政主管部门")))
        f.add("urgency", _("紧急程度"), forms.combo([(sla.NORMAL, urgency_name(sla.NORMAL)), (sla.URGENT, _("紧急（涉及结构安全或严重影响使用）"))]))
        # the rules' suggestion (RULES.md §4), the clerk confirms or overrides it; an override asks why
        self.suggestion_label = PlainLabel()
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
        self.photo_label = PlainLabel(_("未选择"))
        self.photo_label.setWordWrap(True)
        add_photo = QPushButton(_("添加照片…"))
        add_photo.clicked.connect(self.add_photos)
        photo_layout.addWidget(self.photo_label, 1)
        photo_layout.addWidget(add_photo)
        self.form.layout_.addRow(_("照片"), photo_row)
        self.decision_label = PlainLabel()
        self.decision_label.setObjectName("warrantyDecision")
        self.decision_label.setWordWrap(True)

        # layout: the caller and the form on the left, what is known about the caller on the right
        self.body.removeWidget(f)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(caller_box)
        left_layout.addWidget(f, 1)
        left_layout.addWidget(self.decision_label)
        self.caller_panel = CallerPanel()
        self.caller_panel.setMinimumWidth(320)  # room for an item's name beside its end date and days left
        columns = QHBoxLayout()
        columns.addWidget(left, 3)
        columns.addWidget(self.caller_panel, 2)
        self.body.addLayout(columns, 1)

        f.widgets["project"].currentTextChanged.connect(self._project_changed)
        f.widgets["unit"].currentTextChanged.connect(self._unit_changed)
        f.widgets["category"].currentIndexChanged.connect(self._category_changed)
        f.widgets["category"].currentIndexChanged.connect(self._suggest)
        f.widgets["structural_safety"].toggled.connect(self._suggest)
        f.widgets["reported_at"].dateTimeChanged.connect(self._suggest_soon)
        description.textChanged.connect(self._suggest_soon)
        f.widgets["urgency"].activated.connect(self._urgency_picked)
        f.widgets["urgency"].currentIndexChanged.connect(self._show_reason)
        f.widgets["location"].editingFinished.connect(self._show_repeat)
        self.finish_layout()
        self._fit_screen()
        values = dict(prefill or {})
        if project_id:
            values["project"] = project_id
        f.load(values)
        self._project_changed()
        if prefill:
            f.load({k: v for k, v in prefill.items() if k != "project"})
            f.dirty = True
        self.caller_search.setFocus()

    def _fit_screen(self) -> None:
        screen = (self.parent().screen() if self.parent() is not None else None) or QGuiApplication.primaryScreen()
        width, height = 1100, 700
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() - 20), min(height, room.height() - 40)
        self.resize(width, height)

    # the caller ----------------------------------------------------------------------------
    def find_callers(self) -> None:
        self.caller_timer.stop()
        text = self.caller_search.text()
        self.caller_results.clear()
        if not text.strip():
            self.caller_results.hide()
            return
        found = callers.find_callers(text, limit=15)
        kinds = {"owner": _("业主"), "caller": _("曾来电"), "project": _("工程")}
        for c in found:
            where = c.unit_label or _("整个工程")
            item = QListWidgetItem(f"[{kinds[c.matched]}] {c.name}  {c.phone}    {where} · {c.project_code} {c.project_name}")
            item.setData(Qt.ItemDataRole.UserRole, c)
            self.caller_results.addItem(item)
        if not found:
            item = QListWidgetItem(_("没有找到“{text}”：可在下面直接选择工程和房号").format(text=text.strip()))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.caller_results.addItem(item)
        self.caller_results.show()
        if found:
            self.caller_results.setCurrentRow(0)

    def _caller_enter(self) -> None:
        self.find_callers()
        item = self.caller_results.currentItem()
        if item is not None and item.data(Qt.ItemDataRole.UserRole) is not None:
            self._caller_chosen(item)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt
        if obj is self.caller_search and event.type() == QEvent.Type.KeyPress and self.caller_results.isVisible():
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.caller_results.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
                self.caller_results.setCurrentRow(max(0, min(row, self.caller_results.count() - 1)))
                return True
        return super().eventFilter(obj, event)

    def _caller_chosen(self, item: QListWidgetItem) -> None:
        caller = item.data(Qt.ItemDataRole.UserRole)
        if caller is not None:
            self.choose_caller(caller)

    def choose_caller(self, caller: callers.Caller) -> None:
        """Fill the form from the chosen caller: project, unit, name and phone."""
        f = self.form.widgets
        f["project"].set_value(caller.project_id)
        self._project_changed()
        if caller.unit_id:
            self.choose_unit(caller.unit_id)
        else:
            f["unit"].setCurrentIndex(0)
        f["reporter"].setText(caller.name)
        f["phone"].setText(caller.phone)
        self.caller_results.hide()
        self.form.dirty = True
        self._show_context()
        f["category"].setFocus()

    def choose_unit(self, unit_id: int) -> None:
        box: forms.ChoiceBox = self.form.widgets["unit"]
        box.set_value(unit_id)
        self._unit_changed()

    # the form ------------------------------------------------------------------------------
    def _project_id(self):
        value = self.form.value("project")
        return value if isinstance(value, int) else None

    def _unit_id(self):
        value = self.form.value("unit")
        return value if isinstance(value, int) else None

    def _project_changed(self, *_a) -> None:
        pid = self._project_id()
        if pid == self._project_shown:
            return
        self._project_shown = pid
        box: forms.ChoiceBox = self.form.widgets["unit"]
        box.blockSignals(True)
        box.clear()
        box.addItem(_("（整个工程 / 公共部位）"), None)
        self.units = {u.id: u for u in project_service.unit_choices(pid)} if pid else {}
        for unit in self.units.values():
            owner = f"  {unit.owner_name}" if unit.owner_name else ""
            box.addItem(unit.label + owner, unit.id)
        box.setCurrentIndex(0)
        box.blockSignals(False)
        self._show_context()
        self._suggest()

    def _unit_changed(self, *_a) -> None:
        unit = self.units.get(self._unit_id())
        if unit is not None:
            if not self.form.value("reporter"):
                self.form.widgets["reporter"].setText(unit.owner_name)
            if not self.form.value("phone"):
                self.form.widgets["phone"].setText(unit.owner_phone)
        self._show_context()

    def _show_context(self) -> None:
        pid = self._project_id()
        if not pid:
            self.caller_panel.show_context(None)
        else:
            self.caller_panel.show_context(callers.caller_context(pid, self._unit_id()))
        self._category_changed()

    def _category_changed(self, *_a) -> None:
        self._show_decision()
        self._show_repeat()

    def _show_repeat(self) -> None:
        pid, key = self._project_id(), self.form.value("category")
        repeat = None
        if pid and key:
            try:
                repeat = callers.possible_repeat(pid, self._unit_id(), key, self.form.value("location") or "",
                                                 self.form.value("reported_at"))
            except Exception:  # noqa: BLE001 - the save says what is wrong; this is only a hint
                repeat = None
        self.caller_panel.show_repeat(repeat)

    def _show_decision(self, *_a) -> None:
        pid, key = self._project_id(), self.form.value("category")
        if not pid or not key:
            self.decision_label.setText("")
            return
        try:
            decision = ticket_service.warranty_decision(pid, key, dt.date.today())
        except Exception as exc:  # noqa: BLE001 - shown, not raised, while the clerk is still typing
            self.decision_label.setText(getattr(exc, "message", str(exc)))
            self.decision_label.setStyleSheet("color: #c62828;")
            return
        self.decision_label.setText(decision.reason if decision.in_warranty
                                    else _("保修期外（有偿维修）：{reason}").format(reason=decision.reason))
        self.decision_label.setStyleSheet("color: #1565c0;" if decision.in_warranty
                                          else "color: #bf360c; font-weight: bold;")

    def _suggest_soon(self, *_a) -> None:
        self._suggest_timer.start()  # after a pause in the typing, not on every key

    def _urgency_picked(self, *_a) -> None:
        self.urgency_chosen = True
        self._show_reason()

    def _suggest(self, *_a) -> None:
        """Ask the rules which urgency the request looks like; follow it until the clerk picks one."""
        self._suggest_timer.stop()
        f = self.form
        pid = self._project_id()
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
            self.state_filter.addItem(state_name(state), state)
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
            metrics = self.view.fontMetrics()
            # wide enough for the heading and, where a column shows names, for the longest name in the
            # window's language (Urgent / Normal, Awaiting acceptance) — no "Urg…"
            names = {"urgency": [urgency_name(u) for u in sla.URGENCIES], "state": [state_name(s) for s in st.STATES]}
            for i, (heading, key, width) in enumerate(TicketListModel.COLUMNS):
                if width:
                    texts = [_(heading), *names.get(key, [])]
                    self.view.setColumnWidth(i, max(width, *(metrics.horizontalAdvance(t) + 24 for t in texts)))
        header = self.view.horizontalHeader()  # sorted by the database: a click on a sortable column
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)  # 报修时间, newest first
        header.sortIndicatorChanged.connect(self._sort)
        self.view.activated.connect(self._open)
        layout.addWidget(self.view)
        self.count_label = PlainLabel()
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

