"""The month grid stays quick on a busy day: a cell shows its first visits and "+N", the day list
beside shows every visit of the day, and the "+N" line neither drags nor opens anything."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from warranty_desk.models import Visit


def test_a_busy_day_shows_the_first_visits_and_the_rest_in_the_day_list(app_window, make_project, qtbot):
    from ui.pages.calendar import MONTH_LINES

    day = dt.date(2027, 3, 10)
    projects = [make_project(code=f"B-{n:02d}", name=f"忙碌工程{n} <b>&") for n in range(MONTH_LINES + 3)]
    ids = [Visit.create(project=p, planned_on=day, kind="periodic").id for p in projects]
    app_window.go(1)
    calendar = app_window.page("回访日历")
    calendar.show_date(day)
    cell = next(c for c in calendar.month_cells if c.day == day)
    shown = [cell.list.item(i) for i in range(cell.list.count())]
    assert len(shown) == MONTH_LINES
    assert [i.data(Qt.ItemDataRole.UserRole)[0] for i in shown[:-1]] == ids[:MONTH_LINES - 1]
    more = shown[-1]
    assert more.text() == f"+{len(ids) - (MONTH_LINES - 1)} 次…"
    assert more.data(Qt.ItemDataRole.UserRole) is None
    assert not more.flags() & Qt.ItemFlag.ItemIsDragEnabled
    from ui.signals import bus

    opened = []
    bus().open_record.disconnect(app_window.open_record)  # record what would open instead of opening it
    def record(kind, rid):
        opened.append((kind, rid))

    bus().open_record.connect(record)
    calendar._open_item(more)
    calendar._open_item(shown[0])
    bus().open_record.disconnect(record)
    bus().open_record.connect(app_window.open_record)
    assert opened == [("visit", ids[0])]  # the "+N" line opened nothing
    assert calendar.day_list.count() == len(ids)  # every visit of the day beside the grid

    calendar.set_mode("week")  # the week view has room: every visit in its cell
    cell = next(c for c in calendar.month_cells if c.day == day)
    assert cell.list.count() == len(ids)
