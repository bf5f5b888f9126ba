"""设置: the calendar file's reminder (working days before, time) typed by the clerk is what the
exported .ics carries; a wrong time is refused beside the field."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar


def test_reminder_time_set_in_settings_reaches_the_calendar_file(app_window, qtbot, make_project, tmp_path):
    from warranty_desk.models import Visit
    from warranty_desk.services import ics, settings

    project = make_project()
    visit = Visit.create(project=project, planned_on=dt.date(2026, 12, 7), kind="periodic")  # a Monday
    app_window.go(7)
    page = app_window.page("设置")
    page.form.widgets["company_name"].setText("华建公司")
    time_box = page.form.widgets["calendar_reminder_time"]
    time_box.clear()
    qtbot.keyClicks(time_box, "25:00")
    assert page.save() is False and "09:00" in page.form.error_text("calendar_reminder_time")
    time_box.clear()
    qtbot.keyClicks(time_box, "16:30")
    page.form.widgets["calendar_reminder_days"].setValue(2)
    assert page.save() is True
    assert settings.get("calendar_reminder_time") == "16:30" and settings.get("calendar_reminder_days") == 2

    path = tmp_path / "visits.ics"
    ics.export_ics(path, dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    event = next(e for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT") if str(e["uid"]) == ics.visit_uid(visit))
    (alarm,) = event.walk("VALARM")
    # two working days before Monday 7 December: Thursday 3 December, 16:30 Beijing time = 08:30 UTC
    assert alarm.decoded("trigger") == dt.datetime(2026, 12, 3, 8, 30, tzinfo=dt.UTC)
