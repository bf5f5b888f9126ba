"""Small drawing and table widgets for the visit analysis (QtCharts is not in PySide6-Essentials,
so the chart is painted with QPainter)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from warranty_desk.i18n import _
from warranty_desk.rules.satisfaction import GRADES

BAR = QColor("#4f81bd")
BAR_EMPTY = QColor("#d0d7de")
LINE = QColor("#c0504d")
GRID = QColor("#e3e6ea")
TEXT = QColor("#333333")
# grade bands (RULES.md §7) drawn faintly behind the bars
BAND_COLORS = ("#e8f5e9", "#f1f8e9", "#fffde7", "#fff3e0", "#ffebee")  # best grade first, as rules/satisfaction.py
BANDS = tuple((floor, upper, color, name) for (floor, name), upper, color in
              zip(GRADES, (100,) + tuple(f for f, _n in GRADES[:-1]), BAND_COLORS))


class QuarterChart(QWidget):
    """Bars: average satisfaction per quarter (0–100, grade bands behind); labels: average and
    count; line: the share of visits done on time (0–100 %), when given."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[dict] = []
        self.on_time: list[float | None] = []
        self.setMinimumHeight(240)
        self.setObjectName("quarterChart")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt
        return QSize(720, 280)

    def set_data(self, rows: list[dict], on_time: list[float | None] | None = None) -> None:
        self.rows = rows
        self.on_time = on_time or []
        self.update()

    def paintEvent(self, _event):  # noqa: N802 - Qt
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), Qt.GlobalColor.white)
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, font.pointSizeF() * 0.9))
        p.setFont(font)
        metrics = p.fontMetrics()
        left, right, top, bottom = 44, 70, 28, 36
        area = QRectF(left, top, max(10, self.width() - left - right), max(10, self.height() - top - bottom))

        def y_of(value: float) -> float:
            return area.bottom() - area.height() * value / 100

        for low, high, color, name in BANDS:
            band = QRectF(area.left(), y_of(high), area.width(), y_of(low) - y_of(high))
            p.fillRect(band, QColor(color))
            p.setPen(QColor("#999999"))
            p.drawText(QRectF(area.right() + 4, band.top(), right - 6, band.height()),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, _(name))
        p.setPen(QPen(GRID, 1))
        for value in range(0, 101, 20):
            y = y_of(value)
            p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            p.setPen(TEXT)
            p.drawText(QRectF(0, y - 8, left - 6, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       str(value))
            p.setPen(QPen(GRID, 1))
        p.setPen(TEXT)
        p.drawText(QRectF(area.left(), 2, area.width(), top - 6), Qt.AlignmentFlag.AlignLeft,
                   _("平均满意度（分）") + ("　" + _("红线：按时回访率（%）") if any(v is not None for v in self.on_time) else ""))
        if not self.rows:
            p.drawText(area, Qt.AlignmentFlag.AlignCenter, _("没有数据"))
            return
        slot = area.width() / len(self.rows)
        bar_w = min(56.0, slot * 0.6)
        points = []
        for i, row in enumerate(self.rows):
            cx = area.left() + slot * (i + 0.5)
            label = row["quarter"].replace("Q", "\nQ") if slot < 70 else row["quarter"]
            p.setPen(TEXT)
            p.drawText(QRectF(cx - slot / 2, area.bottom() + 2, slot, bottom - 2),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)
            average = row.get("average")
            if average is None:
                p.setPen(QColor("#999999"))
                p.drawText(QRectF(cx - slot / 2, y_of(8) - 14, slot, 14), Qt.AlignmentFlag.AlignCenter, _("无"))
            else:
                rect = QRectF(cx - bar_w / 2, y_of(average), bar_w, area.bottom() - y_of(average))
                p.fillRect(rect, BAR)
                p.setPen(TEXT)
                text = f"{average:.1f}"
                p.drawText(QRectF(cx - slot / 2, rect.top() - metrics.height() - 1, slot, metrics.height()),
                           Qt.AlignmentFlag.AlignCenter, text)
                p.setPen(Qt.GlobalColor.white)
                p.drawText(QRectF(rect.left(), rect.bottom() - metrics.height() - 2, rect.width(), metrics.height()),
                           Qt.AlignmentFlag.AlignCenter, f"n={row['count']}")
            if i < len(self.on_time) and self.on_time[i] is not None:
                points.append(QPointF(cx, y_of(100 * self.on_time[i])))
        if len(points) > 1:
            p.setPen(QPen(LINE, 2))
            p.drawPolyline(points)
        p.setBrush(LINE)
        p.setPen(QPen(LINE, 1))
        for point in points:
            p.drawEllipse(point, 3, 3)
        p.end()


def fill_table(table: QTableWidget, headers: list[str], rows: list[list], numeric: set[int] = frozenset()) -> None:
    """Fill a read-only table; numbers right-aligned and sortable as numbers."""
    table.setSortingEnabled(False)
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem()
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                item.setData(Qt.ItemDataRole.DisplayRole, value)
            else:
                item.setText("" if value is None else str(value))
            if c in numeric:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.setSortingEnabled(True)
    table.resizeColumnsToContents()


def make_table(name: str) -> QTableWidget:
    table = QTableWidget()
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.setAlternatingRowColors(True)
    return table
