"""Table models over rows the core's queries return. `RowsModel` holds a list of rows (dicts or
objects) with `Column`s; sorting is done on the model. Large tables use their own lazy model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from warranty_desk.i18n import _, format_date, format_money

from .labels import tooltip

RED = QColor("#c62828")
ORANGE = QColor("#e65100")
GREEN = QColor("#2e7d32")
GREY = QColor("#757575")
BLUE = QColor("#1565c0")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass
class Column:
    header: str
    get: Callable[[Any], Any]
    width: int = 0
    color: Callable[[Any], QColor | None] | None = None


def display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format_money(value)
    return str(value)


def long_date(value) -> str:
    return format_date(value) if value else ""


def sort_key(value):
    if value is None:
        return (0, "")
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return (1, float(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return (2, value.isoformat())
    return (3, str(value))


class RowsModel(QAbstractTableModel):
    def __init__(self, columns: list[Column], rows: list | None = None, parent=None):
        super().__init__(parent)
        self.columns = columns
        self.rows = list(rows or [])

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int):
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent=QModelIndex()):  # noqa: N802 - Qt
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802 - Qt
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display(column.get(row))
        if role == Qt.ItemDataRole.ToolTipRole:
            text = display(column.get(row))
            return tooltip(text) if len(text) > 20 else None
        if role == Qt.ItemDataRole.ForegroundRole and column.color:
            color = column.color(row)
            return QBrush(color) if color is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            value = column.get(row)
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ROW_ROLE:
            return row
        return None

    def sort(self, column, order=Qt.SortOrder.AscendingOrder):
        get = self.columns[column].get
        self.layoutAboutToBeChanged.emit()
        self.rows.sort(key=lambda r: sort_key(get(r)), reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()


def make_table(model, name: str, sortable: bool = True) -> QTableView:
    """A read-only table view whose column widths are remembered under `name`."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(sortable)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(26)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    columns = getattr(model, "columns", None) or getattr(getattr(model, "sourceModel", lambda: None)(), "columns", [])
    # a column is at least as wide as its heading in the window's language (English words are longer
    # than the Chinese: "Nor…", "Urg…"), with room for the sort arrow
    metrics = header.fontMetrics()
    room = 24 if sortable else 12
    for i, column in enumerate(columns or []):
        if column.width:
            title = model.headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
            heading = metrics.horizontalAdvance(title) + room if isinstance(title, str) else 0
            view.setColumnWidth(i, max(column.width, heading))
    state = QSettings().value(f"columns/{name}")
    if state is not None:
        header.restoreState(state)
    # saved once the widths settle (a resize sends many signals; writing QSettings costs ms each)
    save = QTimer(view, singleShot=True, interval=400)
    save.timeout.connect(lambda: QSettings().setValue(f"columns/{name}", header.saveState()))
    header.sectionResized.connect(lambda *_: save.start())
    header.sectionMoved.connect(lambda *_: save.start())
    return view


def selected_row(view: QTableView):
    index = view.currentIndex()
    if not index.isValid():
        return None
    return view.model().data(index, ROW_ROLE)
