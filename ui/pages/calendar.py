"""回访日历: month and week views of the visits, coloured by state, filterable by staff and
project; the selected day's visits beside; drag a visit to another day to reschedule it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QDrag, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.i18n import N_, _
from warranty_desk.rules import visit_states as vs
from warranty_desk.rules.visit_methods import method_name
from warranty_desk.rules.visit_plan import KIND_NAMES
from warranty_desk.rules.workdays import day_mark, holiday_name, is_working_day
from warranty_desk.services import projects as project_service
from warranty_desk.services import staff as staff_service
from warranty_desk.services import visits as visit_service

from ..labels import PlainLabel, tooltip
from ..operations import call, perform
from ..signals import bus
from .base import Page, remember_splitter

MIME = "application/x-warranty-desk-visit"
DUE_SOON_DAYS = 7
# the calendar's own states of a visit: the stored ones, and "soon" / "overdue" for planned visits
SOON, OVERDUE = "soon", "overdue"
STATE_COLORS = {
    vs.PLANNED: QColor("#1565c0"),
    SOON: QColor("#e65100"),
    OVERDUE: QColor("#c62828"),
    vs.DONE: QColor("#2e7d32"),
    vs.UNREACHABLE: QColor("#6a1b9a"),
    vs.MISSED: QColor("#757575"),
}
STATE_NAMES = {vs.PLANNED: vs.NAMES[vs.PLANNED], SOON: N_("即将到期"), OVERDUE: N_("逾期"), vs.DONE: vs.NAMES[vs.DONE],
               vs.UNREACHABLE: vs.NAMES[vs.UNREACHABLE], vs.MISSED: vs.NAMES[vs.MISSED]}
WEEKDAYS = [N_("周一"), N_("周二"), N_("周三"), N_("周四"), N_("周五"), N_("周六"), N_("周日")]
MONTH_LINES = 5  # visit lines a day cell of the month grid shows; more: the first ones and "+N"
CELL_BACKGROUND = {"selected": QColor("#bbdefb"), "today": QColor("#fff8e1"), "off": QColor("#f5f5f5"),
                   "normal": QColor("white")}
CELL_TEXT = {True: QColor("#212121"), False: QColor("#9e9e9e")}


# the words that end most project names and say nothing in a small calendar cell
NAME_ENDINGS = ("项目", "工程")  # i18n: data


def short_name(name: str) -> str:
    """北京阳光花园项目 → 北京阳光花园 (the cell cuts what still does not fit with …)."""
    name = " ".join((name or "").split())
    for ending in NAME_ENDINGS:
        if name.endswith(ending) and len(name) > len(ending) + 1:
            return name[: -len(ending)]
    return name


def visit_state(status: str, planned_on: dt.date, today: dt.date) -> str:
    if status in (vs.DONE, vs.MISSED):
        return status
    if planned_on < today:
        return OVERDUE
    if status == vs.UNREACHABLE:
        return vs.UNREACHABLE
    if (planned_on - today).days <= DUE_SOON_DAYS:
        return SOON
    return vs.PLANNED


class VisitList(QListWidget):
    """The visits of one day; items drag out, and visits dropped here move to this day."""

    dropped = Signal(int, object)  # visit id, the new date

    def __init__(self, compact: bool):
        super().__init__()
        self.day: dt.date | None = None
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # the look of "QListWidget { background: transparent; font-size: 11px } ::item { padding: 0 2px }"
        # without a style sheet: 42 of these lists painted through one took a quarter of a month's paint
        font = self.font()
        font.setPixelSize(11)
        self.setFont(font)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Base, Qt.GlobalColor.transparent)
        self.setPalette(palette)
        self.viewport().setAutoFillBackground(False)
        self.setViewportMargins(2, 0, 2, 0)
        self.compact = compact
        self.set_compact(compact)

    def set_compact(self, compact: bool) -> None:
        """Month cells: one line per visit, the name cut with … to the cell's width; week: wrapped."""
        if getattr(self, "_compact_set", None) == compact:
            return
        self._compact_set = compact
        self.compact = compact
        self.setWordWrap(not compact)
        self.setTextElideMode(Qt.TextElideMode.ElideRight if compact else Qt.TextElideMode.ElideNone)
        self.setUniformItemSizes(compact)  # one line each: laid out without measuring every item

    def startDrag(self, actions):  # noqa: N802 - Qt
        item = self.currentItem()
        if item is None or item.data(Qt.ItemDataRole.UserRole) is None:
            return
        visit_id, state = item.data(Qt.ItemDataRole.UserRole)
        if state in (vs.DONE, vs.MISSED):
            return
        mime = QMimeData()
        mime.setData(MIME, str(visit_id).encode())
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.MoveAction)

    def dragEnterEvent(self, event):  # noqa: N802 - Qt
        if event.mimeData().hasFormat(MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event):  # noqa: N802 - Qt
        if event.mimeData().hasFormat(MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event):  # noqa: N802 - Qt
        if not event.mimeData().hasFormat(MIME) or self.day is None:
            event.ignore()
            return
        visit_id = int(bytes(event.mimeData().data(MIME)).decode())
        event.setDropAction(Qt.DropAction.IgnoreAction)  # the page reloads; Qt must not move the item itself
        event.accept()
        self.dropped.emit(visit_id, self.day)


class DayVisitsModel(QAbstractListModel):
    """The selected day's visits (hundreds on a busy day in a large office): a row's text, colour
    and tooltip are made when the view asks for them, i.e. for the rows it shows."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[tuple] = []
        self.day = dt.date.today()
        self.today = self.day

    def set_rows(self, rows: list[tuple], day: dt.date, today: dt.date) -> None:
        self.beginResetModel()
        self.rows, self.day, self.today = rows, day, today
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):  # noqa: N802 - Qt
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        visit_id, _on, status, _pid, code, name, staff, kind, method = self.rows[index.row()]
        state = visit_state(status, self.day, self.today)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row())
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(STATE_COLORS[state])
        if role == Qt.ItemDataRole.UserRole:
            return (visit_id, state)
        return None

    def text(self, row: int) -> str:
        """A visit's two lines: the project, then the kind, method, who and the state."""
        _visit_id, _on, status, _pid, code, name, staff, kind, method = self.rows[row]
        state = visit_state(status, self.day, self.today)
        return (f"{code} {name}\n{_(KIND_NAMES[kind]) if kind in KIND_NAMES else kind} · {method_name(method)} · "
                f"{staff or _('未指定')} · {_(STATE_NAMES[state])}")


class DayVisitList(QListView):
    """The list of the selected day's visits beside the grid (a view of `DayVisitsModel`). A row
    wraps where it is wider than the list; when no row is (the usual case), every row is two lines
    and the view lays them out without measuring each one (a busy day has hundreds)."""

    def __init__(self):
        super().__init__()
        self.visits = DayVisitsModel(self)
        self.setModel(self.visits)
        self.setWordWrap(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    def set_rows(self, rows: list[tuple], day: dt.date, today: dt.date) -> None:
        self.visits.set_rows(rows, day, today)
        self._fit_rows()

    def resizeEvent(self, event):  # noqa: N802 - Qt
        super().resizeEvent(event)
        self._fit_rows()

    def _fit_rows(self) -> None:
        # the text's room in a row: the style's item-view text margin (focus frame margin + 1) on each side
        margin = self.style().pixelMetric(self.style().PixelMetric.PM_FocusFrameHMargin, None, self) + 1
        room = self.viewport().width() - 2 * margin
        metrics = self.fontMetrics()
        uniform = all(metrics.horizontalAdvance(line) <= room
                      for row in range(len(self.visits.rows)) for line in self.visits.text(row).split("\n"))
        if uniform != self.uniformItemSizes():
            self.setUniformItemSizes(uniform)

    def count(self) -> int:
        return self.visits.rowCount()

    def visit_at(self, row: int) -> tuple | None:
        """(visit id, its calendar state) of a row."""
        return self.visits.data(self.visits.index(row), Qt.ItemDataRole.UserRole)

    def current_visit(self) -> tuple | None:
        index = self.currentIndex()
        return self.visit_at(index.row()) if index.isValid() else None


class DayCell(QFrame):
    clicked = Signal(object)

    def __init__(self, compact: bool):
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)  # the background comes from the palette (no style sheet to re-parse)
        self._look: tuple | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 1, 2, 1)
        layout.setSpacing(0)
        self.label = PlainLabel()
        font = self.label.font()
        font.setPixelSize(11)
        self.label.setFont(font)
        self.list = VisitList(compact)
        layout.addWidget(self.label)
        layout.addWidget(self.list, 1)
        self.day: dt.date | None = None
        self.list.itemPressed.connect(lambda _i: self.clicked.emit(self.day))

    def mousePressEvent(self, event):  # noqa: N802 - Qt
        self.clicked.emit(self.day)
        super().mousePressEvent(event)

    def set_day(self, day: dt.date, in_month: bool, today: dt.date, selected: bool) -> None:
        self.day = day
        self.list.day = day
        mark = day_mark(day)
        self.label.setText(f"{day.day} {mark}" if mark else str(day.day))
        self.label.setToolTip(holiday_name(day) or "")
        if selected:
            tone = "selected"
        elif day == today:
            tone = "today"
        elif not is_working_day(day):
            tone = "off"
        else:
            tone = "normal"
        if self._look != (tone, in_month):  # palettes only when the look changes: cheap, no re-polish
            self._look = (tone, in_month)
            palette = self.palette()
            palette.setColor(QPalette.ColorRole.Window, CELL_BACKGROUND[tone])
            self.setPalette(palette)
            palette = self.label.palette()
            palette.setColor(QPalette.ColorRole.WindowText, CELL_TEXT[in_month])
            self.label.setPalette(palette)
        self.list.clear()


class CalendarPage(Page):
    tables = ("visit", "project", "staff")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.today = dt.date.today()
        self.anchor = self.today
        self.selected = self.today
        self.mode = "month"
        self.visits: list[tuple] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.prev_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        self.today_button = QPushButton(_("今天"))
        self.title = PlainLabel()
        self.title.setStyleSheet("font-size: 15px; font-weight: bold; padding: 0 8px;")
        self.month_button = QPushButton(_("月"))
        self.week_button = QPushButton(_("周"))
        for b in (self.month_button, self.week_button):
            b.setCheckable(True)
        self.month_button.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.month_button)
        group.addButton(self.week_button)
        self.staff_filter = QComboBox()
        self.staff_filter.setMinimumWidth(110)
        self.project_filter = QComboBox()
        self.project_filter.setMinimumWidth(220)
        for w in (self.prev_button, self.today_button, self.next_button, self.title, self.month_button,
                  self.week_button):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(PlainLabel(_("回访人")))
        bar.addWidget(self.staff_filter)
        bar.addWidget(PlainLabel(_("工程")))
        bar.addWidget(self.project_filter)
        layout.addLayout(bar)
        legend = QHBoxLayout()
        for key, name in STATE_NAMES.items():
            dot = PlainLabel(f"■ {_(name)}")
            dot.setStyleSheet(f"color: {STATE_COLORS[key].name()}; font-size: 12px;")
            legend.addWidget(dot)
        legend.addStretch(1)
        legend.addWidget(PlainLabel(_("拖动回访到另一天即可改期；双击打开回访记录")))
        layout.addLayout(legend)

        self.splitter = QSplitter()
        grid_holder = QWidget()
        self.grid = QGridLayout(grid_holder)
        self.grid.setSpacing(1)
        self.grid.setContentsMargins(0, 0, 0, 0)
        for col, name in enumerate(WEEKDAYS):
            head = PlainLabel(_(name))
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.grid.addWidget(head, 0, col)
        self.month_cells = []
        for index in range(42):
            cell = DayCell(True)
            cell.clicked.connect(self.select_day)
            cell.list.dropped.connect(self.reschedule)
            cell.list.itemDoubleClicked.connect(self._open_item)
            self.grid.addWidget(cell, 1 + index // 7, index % 7)
            self.month_cells.append(cell)
        for row in range(1, 7):
            self.grid.setRowStretch(row, 1)
        self.splitter.addWidget(grid_holder)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 0, 0, 0)
        self.day_title = PlainLabel()
        self.day_title.setStyleSheet("font-weight: bold;")
        self.day_list = DayVisitList()
        self.day_list.setObjectName("dayVisits")
        self.day_list.doubleClicked.connect(lambda index: self._open_visit(self.day_list.visit_at(index.row())))
        self.record_button = QPushButton(_("记录回访…"))
        self.record_button.setObjectName("recordVisit")
        self.record_button.clicked.connect(self._record_selected)
        side_layout.addWidget(self.day_title)
        side_layout.addWidget(self.day_list, 1)
        side_layout.addWidget(self.record_button)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([900, 280])
        remember_splitter(self.splitter, "calendar")
        layout.addWidget(self.splitter, 1)

        self.prev_button.clicked.connect(lambda: self.move(-1))
        self.next_button.clicked.connect(lambda: self.move(1))
        self.today_button.clicked.connect(self.go_today)
        self.month_button.clicked.connect(lambda: self.set_mode("month"))
        self.week_button.clicked.connect(lambda: self.set_mode("week"))
        self.staff_filter.currentIndexChanged.connect(lambda _i: self.render() if not self._filling else None)
        self.project_filter.currentIndexChanged.connect(lambda _i: self.render() if not self._filling else None)
        self._filling = False

    # navigation ---------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.month_button.setChecked(mode == "month")
        self.week_button.setChecked(mode == "week")
        self.render()

    def move(self, step: int) -> None:
        if self.mode == "week":
            self.anchor += dt.timedelta(days=7 * step)
        else:
            month = self.anchor.month - 1 + step
            self.anchor = dt.date(self.anchor.year + month // 12, month % 12 + 1, 1)
        self.render()

    def go_today(self) -> None:
        self.today = dt.date.today()
        self.anchor = self.selected = self.today
        self.render()

    def show_date(self, day: dt.date) -> None:
        self.anchor = self.selected = day
        self.render()

    def days(self) -> list[dt.date]:
        if self.mode == "week":
            monday = self.anchor - dt.timedelta(days=self.anchor.weekday())
            return [monday + dt.timedelta(days=i) for i in range(7)]
        first = self.anchor.replace(day=1)
        start = first - dt.timedelta(days=first.weekday())
        return [start + dt.timedelta(days=i) for i in range(42)]

    # data ---------------------------------------------------------------------------------
    def load(self) -> None:
        self._filling = True
        for box, everything, rows in (
            (self.staff_filter, _("全部"), staff_service.staff_choices()),
            (self.project_filter, _("全部工程"),
             [(pid, f"{code} {name}") for pid, code, name in project_service.project_choices()]),
        ):
            current = box.currentData()
            box.clear()
            box.addItem(everything, None)
            for rid, name in rows:
                box.addItem(name, rid)
            box.setCurrentIndex(max(box.findData(current), 0))
        self._filling = False
        self.render()

    def render(self) -> None:
        days = self.days()
        # a month cell shows its first visits and "+N": only those are read, and every visit of the day beside
        shown = visit_service.calendar_days(days[0], days[-1], MONTH_LINES if self.mode == "month" else None,
                                            self.selected, self.staff_filter.currentData(),
                                            self.project_filter.currentData())
        self.visits = shown.rows
        by_day: dict[dt.date, list[tuple]] = {}
        for row in self.visits:
            by_day.setdefault(row[1], []).append(row)
        if self.mode == "week":
            monday = days[0]
            self.title.setText(_("{y}年 第{w}周（{a} – {b}）").format(
                y=monday.isocalendar()[0], w=monday.isocalendar()[1], a=monday.strftime("%m-%d"),
                b=days[-1].strftime("%m-%d")))
        else:
            self.title.setText(_("{y}年{m}月").format(y=self.anchor.year, m=self.anchor.month))
        week_rows = 1 if self.mode == "week" else 6
        for index, cell in enumerate(self.month_cells):
            visible = index < len(days)
            cell.setVisible(visible)
            if not visible:
                continue
            day = days[index]
            cell.set_day(day, self.mode == "week" or day.month == self.anchor.month, self.today, day == self.selected)
            rows = by_day.get(day, [])
            hidden = 0
            count = shown.counts.get(day, 0)
            if self.mode == "month" and count > MONTH_LINES:  # the day list beside shows them all
                hidden = count - (MONTH_LINES - 1)
                rows = rows[:MONTH_LINES - 1]
            cell.list.set_compact(self.mode == "month")
            for visit_id, _on, status, _pid, code, name, staff, kind, method in rows:
                state = visit_state(status, day, self.today)
                item = QListWidgetItem(short_name(name))  # the month: the name, cut to fit; code in the tooltip
                if self.mode == "week":
                    item.setText(f"{short_name(name)}\n{_(KIND_NAMES[kind]) if kind in KIND_NAMES else kind} · {method_name(method)} · {staff or ''}")
                item.setForeground(QBrush(STATE_COLORS[state]))
                item.setToolTip(tooltip(f"{code} {name}\n{_(KIND_NAMES[kind]) if kind in KIND_NAMES else kind} · {method_name(method)} · {staff or ''}\n"
                                        f"{_(STATE_NAMES[state])}"))
                item.setData(Qt.ItemDataRole.UserRole, (visit_id, state))
                cell.list.addItem(item)
            if hidden:
                more = QListWidgetItem(_("+{n} 次…").format(n=hidden))
                more.setToolTip(_("这一天还有 {n} 次回访，点击这一天在右侧查看全部").format(n=hidden))
                more.setFlags(Qt.ItemFlag.ItemIsEnabled)  # not draggable, opens nothing: selects the day
                cell.list.addItem(more)
        for row in range(1, 7):
            self.grid.setRowStretch(row, 1 if row <= week_rows else 0)
        self._fill_day(by_day.get(self.selected, []))

    def _fill_day(self, rows) -> None:
        day = self.selected
        holiday = holiday_name(day) or day_mark(day)
        self.day_title.setText(f"{day.isoformat()} {_(WEEKDAYS[day.weekday()])}" + (f" · {holiday}" if holiday else "")
                               + _("　{n} 次回访").format(n=len(rows)))
        self.day_list.set_rows(rows, day, self.today)
        if rows:
            self.day_list.setCurrentIndex(self.day_list.visits.index(0))
        self.record_button.setEnabled(bool(rows))

    def select_day(self, day: dt.date | None) -> None:
        if day is None or day == self.selected:
            return
        self.selected = day
        if self.mode == "month" and day.month != self.anchor.month:
            self.anchor = day.replace(day=1)
        self.render()

    # actions ------------------------------------------------------------------------------
    def _open_item(self, item: QListWidgetItem) -> None:
        self._open_visit(item.data(Qt.ItemDataRole.UserRole))

    def _open_visit(self, data: tuple | None) -> None:
        if data:  # a visit's (id, state); the "+N" line has none
            bus().open_record.emit("visit", data[0])

    def _record_selected(self) -> None:
        self._open_visit(self.day_list.current_visit())

    def ask_reason(self, visit_id: int, new_date: dt.date) -> str | None:
        reason, ok = QInputDialog.getText(self, _("回访改期"),
                                          _("改到 {date}。请填写改期原因：").format(date=new_date.isoformat()))
        return reason if ok else None

    def confirm_non_working(self, message: str) -> bool:
        answer = QMessageBox.question(self, _("非工作日"), message)
        return answer == QMessageBox.StandardButton.Yes

    def reschedule(self, visit_id: int, new_date: dt.date) -> bool:
        """A visit dropped on another day: ask why, then move it (confirm a non-working day)."""
        reason = self.ask_reason(visit_id, new_date)
        while reason is not None:
            try:
                call(visit_service.reschedule_visit, visit_id, new_date, reason)
            except visit_service.NonWorkingDay as exc:
                if not self.confirm_non_working(exc.message):
                    return False
                ok, _v = perform(self, visit_service.reschedule_visit, visit_id, new_date, reason,
                                 allow_non_working=True)
                return ok
            except Exception as exc:  # noqa: BLE001 - shown to the clerk, who may give a reason and retry
                message = getattr(exc, "message", str(exc))
                if getattr(exc, "field", None) == "reason":
                    reason = self.ask_reason(visit_id, new_date)
                    continue
                QMessageBox.warning(self, _("不能改期"), message)
                return False
            else:
                bus().status.emit(_("回访已改到 {date}").format(date=new_date.isoformat()))
                return True
        return False
