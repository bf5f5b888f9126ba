"""The .ics export parses with the icalendar package: one event per visit, right local times."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar

from warranty_desk.cli import main
from warranty_desk.models import Project, Visit
from warranty_desk.services import ics

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
    assert count == 2
    cal = Calendar.from_ical(path.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == 2
    assert {str(e["uid"]) for e in events} == {ics.visit_uid(planned), ics.visit_uid(done)}
    by_uid = {str(e["uid"]): e for e in events}

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
