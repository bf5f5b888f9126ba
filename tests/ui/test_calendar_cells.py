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


def test_the_day_list_holds_every_visit_of_a_busy_day_and_opens_the_one_clicked(app_window, make_project, qtbot):
    """The list beside the grid is a view of the day's visits (a large office has hundreds on a day):
    every one of them, in the order of their projects, coloured and named by state, in the window's
    language; a double-click and 记录回访… open the visit."""
    from PySide6.QtCore import QPoint

    from ui.pages.calendar import SOON, STATE_COLORS, STATE_NAMES
    from ui.signals import bus
    from warranty_desk import i18n
    from warranty_desk.rules import visit_states as vs

    day = dt.date.today() + dt.timedelta(days=3)  # due soon
    projects = [make_project(code=f"D-{n:03d}", name=f"列表工程{n} <b>&") for n in range(150)]
    ids = [Visit.create(project=p, planned_on=day, kind="periodic").id for p in projects]
    app_window.go(1)
    calendar = app_window.page("回访日历")
    calendar.show_date(day)
    view = calendar.day_list
    assert view.count() == len(ids)
    assert [view.visit_at(row)[0] for row in range(view.count())] == ids
    first = view.model().index(0)
    assert first.data().startswith("D-000 列表工程0 <b>&\n") and first.data().endswith(STATE_NAMES[SOON])
    assert view.model().data(first, Qt.ItemDataRole.ForegroundRole).color() == STATE_COLORS[SOON]
    assert view.currentIndex().row() == 0 and calendar.record_button.isEnabled()
    assert f"{len(ids)} 次回访" in calendar.day_title.text()
    last = view.model().index(len(ids) - 1)
    assert last.data().startswith("D-149 列表工程149")

    opened = []
    bus().open_record.disconnect(app_window.open_record)

    def record(kind, rid):
        opened.append((kind, rid))

    bus().open_record.connect(record)
    try:
        qtbot.waitUntil(lambda: view.indexAt(view.visualRect(view.model().index(1)).center()).row() == 1)
        spot = view.visualRect(view.model().index(1)).center()
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(spot))  # as a hand does: click,
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(spot))  # then the double-click
        calendar.record_button.click()  # the current visit: the one clicked
    finally:
        bus().open_record.disconnect(record)
        bus().open_record.connect(app_window.open_record)
    assert opened == [("visit", ids[1]), ("visit", ids[1])]

    i18n.set_locale("en")
    try:
        assert view.model().index(0).data().endswith(i18n._(STATE_NAMES[SOON]))
        assert i18n._(STATE_NAMES[SOON]) != STATE_NAMES[SOON]
    finally:
        i18n.set_locale("zh_CN")
    Visit.update(status=vs.DONE, done_at=dt.datetime.now()).where(Visit.id == ids[0]).execute()
    calendar.render()
    assert view.model().index(0).data().endswith(vs.NAMES[vs.DONE])
    assert view.count() == len(ids)

    # a name wider than the list wraps onto more lines (its row is taller), never cut
    wide = make_project(code="D-999", name="一个名字很长很长的工程" * 6)
    Visit.create(project=wide, planned_on=day, kind="periodic")
    calendar.render()
    assert view.count() == len(ids) + 1
    qtbot.waitUntil(lambda: view.visualRect(view.model().index(len(ids))).height() > 0)
    tall = view.visualRect(view.model().index(len(ids))).height()
    assert tall > view.visualRect(view.model().index(0)).height() * 1.4
