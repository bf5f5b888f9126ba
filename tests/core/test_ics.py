"""The .ics export: one event per visit, right local times, reminders, cancellations; it parses with
two independent parsers (icalendar and vobject)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from warranty_desk.cli import main
from warranty_desk.errors import ValidationError
from warranty_desk.models import Project, Visit
from warranty_desk.services import ics, settings

SH = ZoneInfo("Asia/Shanghai")


def _setup(make_project):
    project = make_project(name="阳光<b>花园</b> & 𠀀鑫㐂", contact="王先生", phone="010-66668888",
                           address="北京市朝阳区建设路1号")
    Visit.delete().where(Visit.project == project).execute()
    planned = Visit.create(project=project, planned_on=dt.date(2026, 12, 3), kind="seasonal",
                           purposes="采暖期前检查\n门窗保温", method="上门")
    done = Visit.create(project=project, planned_on=dt.date(2026, 12, 1), kind="periodic", status="done",
                        done_at=dt.datetime(2026, 12, 1, 14, 30), method="电话")
    Visit.create(project=project, planned_on=dt.date(2026, 12, 2), kind="periodic", status="cancelled")
    Visit.create(project=project, planned_on=dt.date(2027, 2, 1), kind="periodic")  # outside the range
    return project, planned, done


def test_export_parses_one_event_per_visit(db, make_project, tmp_path):
    project, planned, done = _setup(make_project)
    path = tmp_path / "visits.ics"
    count = ics.export_ics(path, dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert count == 2  # the cancelled visit is in the file only to be removed from the phones
    cal = Calendar.from_ical(path.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == 3
    by_uid = {str(e["uid"]): e for e in events}
    assert {ics.visit_uid(planned), ics.visit_uid(done)} <= set(by_uid)
    assert [str(e["status"]) for e in events].count("CANCELLED") == 1

    ev = by_uid[ics.visit_uid(planned)]
    start = ev.decoded("dtstart")
    assert start.tzinfo is not None
    assert start.astimezone(SH).replace(tzinfo=None) == dt.datetime(2026, 12, 3, 9, 0)
    assert start.utcoffset() == dt.timedelta(hours=8)
    assert ev["dtstart"].params["TZID"] == "Asia/Shanghai"
    desc = str(ev["description"])
    assert "王先生" in desc and "010-66668888" in desc and "采暖期前检查" in desc
    assert "阳光<b>花园</b> & 𠀀鑫㐂" in str(ev["summary"])
    assert str(ev["location"]) == "北京市朝阳区建设路1号"

    ev_done = by_uid[ics.visit_uid(done)]
    assert ev_done.decoded("dtstart").astimezone(SH).replace(tzinfo=None) == dt.datetime(2026, 12, 1, 14, 30)
    assert list(cal.walk("VTIMEZONE"))[0]["tzid"] == "Asia/Shanghai"


def test_uid_is_stable_between_exports(db, make_project, tmp_path):
    _setup(make_project)
    a, _ = ics.build_calendar(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    b, _ = ics.build_calendar(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert [str(e["uid"]) for e in a.walk("VEVENT")] == [str(e["uid"]) for e in b.walk("VEVENT")]


def test_cli_visits_ics(db_target, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    from warranty_desk.db import open_database
    from warranty_desk.services import settings
    from warranty_desk.services.projects import create_project

    open_database(db_target)
    settings.ensure_defaults()
    project = create_project({"code": "P-1", "name": "测试工程", "type": "住宅", "scale": "小型",
                              "heating_region": "北京", "accepted_on": dt.date(2025, 6, 15),
                              "handed_over_on": dt.date(2025, 7, 1)})
    Visit.create(project=project, planned_on=dt.date(2026, 12, 7), kind="periodic")
    n = Visit.select().join(Project).where(Visit.planned_on.between(dt.date(2026, 12, 1), dt.date(2026, 12, 31))).count()
    out = tmp_path / "out.ics"
    assert main(["--db", db_target, "visits", "ics", "--from", "2026-12-01", "--to", "2026-12-31", "-o", str(out)]) == 0
    assert len(list(Calendar.from_ical(out.read_bytes()).walk("VEVENT"))) == n
    # bad input: reversed dates → exit 2, one line on stderr, no file written
    bad = tmp_path / "bad.ics"
    assert main(["--db", db_target, "visits", "ics", "--from", "2026-12-31", "--to", "2026-12-01", "-o", str(bad)]) == 2
    assert "早于开始日期" in capsys.readouterr().err
    assert not bad.exists()
    assert main(["--db", db_target, "visits", "ics", "--from", "2026-12-01", "--to", "2026-12-31",
                 "-o", str(tmp_path / "x.ics"), "--staff", "不存在的人"]) == 2


def test_reminder_the_working_day_before_at_the_set_time(db, make_project):
    project = make_project()
    Visit.delete().where(Visit.project == project).execute()
    monday = Visit.create(project=project, planned_on=dt.date(2026, 12, 7), kind="periodic")  # a Monday
    after_holiday = Visit.create(project=project, planned_on=dt.date(2026, 10, 8), kind="periodic")  # after 国庆
    done = Visit.create(project=project, planned_on=dt.date(2026, 12, 8), kind="periodic", status="done",
                        done_at=dt.datetime(2026, 12, 8, 10, 0))

    def alarms():
        cal, _n = ics.build_calendar(dt.date(2026, 10, 1), dt.date(2026, 12, 31))
        found = {}
        for event in cal.walk("VEVENT"):
            for alarm in event.walk("VALARM"):
                assert str(alarm["action"]) == "DISPLAY" and str(alarm["description"])
                found[str(event["uid"])] = alarm.decoded("trigger")
        return found

    found = alarms()
    # 09:00 Beijing time on the Friday before = 01:00 UTC
    assert found[ics.visit_uid(monday)] == dt.datetime(2026, 12, 4, 1, 0, tzinfo=dt.UTC)
    before_holiday = found[ics.visit_uid(after_holiday)].astimezone(SH)
    assert before_holiday == dt.datetime(2026, 9, 30, 9, 0, tzinfo=SH)  # the holiday week skipped
    assert ics.visit_uid(done) not in found  # nothing to remind of

    settings.set_many({"calendar_reminder_days": 2, "calendar_reminder_time": "14:30"})
    assert alarms()[ics.visit_uid(monday)].astimezone(SH) == dt.datetime(2026, 12, 3, 14, 30, tzinfo=SH)
    settings.set("calendar_reminder_days", 0)
    assert alarms()[ics.visit_uid(monday)].astimezone(SH) == dt.datetime(2026, 12, 7, 14, 30, tzinfo=SH)
    settings.set("calendar_reminder", False)
    assert alarms() == {}


def test_reminder_settings_refuse_bad_values(db):
    for key, value in (("calendar_reminder_time", "25:00"), ("calendar_reminder_time", "九点"),
                       ("calendar_reminder_days", -1), ("calendar_reminder_days", 31)):
        with pytest.raises(ValidationError):
            settings.set(key, value)
    settings.set("calendar_reminder_time", "8：05")
    assert settings.get("calendar_reminder_time") == "08:05"


def test_dtstamp_is_true_utc(db, make_project, tmp_path):
    _setup(make_project)
    beijing_noon = dt.datetime(2026, 12, 1, 12, 0, tzinfo=SH)
    path = tmp_path / "v.ics"
    ics.export_ics(path, dt.date(2026, 12, 1), dt.date(2026, 12, 31), now=beijing_noon)
    text = path.read_text(encoding="utf-8")
    assert "DTSTAMP:20261201T040000Z" in text
    # without `now`: the current moment, in UTC
    ics.export_ics(path, dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    stamps = {e.decoded("dtstamp") for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")}
    (stamp,) = stamps
    assert stamp.utcoffset() == dt.timedelta(0)
    assert abs(stamp - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=2)


def test_cancelled_and_missed_visits_are_exported_as_cancelled(db, make_project):
    project = make_project()
    Visit.delete().where(Visit.project == project).execute()
    cancelled = Visit.create(project=project, planned_on=dt.date(2026, 12, 2), kind="periodic", status="cancelled",
                             version=3)
    missed = Visit.create(project=project, planned_on=dt.date(2026, 12, 3), kind="periodic", status="missed")
    planned = Visit.create(project=project, planned_on=dt.date(2026, 12, 4), kind="periodic")
    cal, count = ics.build_calendar(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert count == 1
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert str(events[ics.visit_uid(cancelled)]["status"]) == "CANCELLED"
    assert str(events[ics.visit_uid(missed)]["status"]) == "CANCELLED"
    assert str(events[ics.visit_uid(planned)]["status"]) == "CONFIRMED"
    assert events[ics.visit_uid(cancelled)].decoded("sequence") == 2  # newer than what the phone has
    assert not list(events[ics.visit_uid(cancelled)].walk("VALARM"))


def test_demo_calendar_passes_two_independent_parsers(demo_db, tmp_path):
    """The demo office's calendar file as a phone would get it: icalendar and vobject both read every
    event with the same UIDs, start times, statuses and reminders."""
    import vobject

    path = tmp_path / "demo.ics"
    count = ics.export_ics(path, dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    raw = path.read_bytes()
    assert count > 20
    first = {str(e["uid"]): (e.decoded("dtstart"), str(e["status"]), len(list(e.walk("VALARM"))))
             for e in Calendar.from_ical(raw).walk("VEVENT")}
    parsed = vobject.readOne(raw.decode("utf-8"), validate=True)
    second = {}
    for event in parsed.vevent_list:
        event.validate(raiseException=True)
        alarms = len(getattr(event, "valarm_list", []))
        second[event.uid.value] = (event.dtstart.value, event.status.value, alarms)
        assert event.dtstamp.value.utcoffset() == dt.timedelta(0)
    assert second.keys() == first.keys() and len(second) >= count
    for uid, (start, status, alarms) in first.items():
        assert second[uid][0] == start and second[uid][1] == status and second[uid][2] == alarms
    assert any(alarms for _s, _st, alarms in second.values())
    assert "CANCELLED" in {status for _s, status, _a in second.values()}
