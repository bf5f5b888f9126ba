"""Visits as an iCalendar (.ics) file for the staff's phones.

One VEVENT per visit, with the project, address, contact, phone and purposes. Times are
Asia/Shanghai local time with a VTIMEZONE: a recorded visit at the time it was done, a planned one at
09:00 on its planned day. The UID is stable per visit (a re-planned visit keeps its row, see
services/handover.py) and SEQUENCE follows the visit's version, so importing a newer export updates
the events instead of duplicating them; cancelled and missed visits are exported as CANCELLED so
that the phones remove them. A planned visit carries a reminder (VALARM) at the time set in 设置
(default 09:00 on the working day before). DTSTAMP is the export time in UTC.

The events speak the active language (the window's, or the command line's `--lang`): labels
through the catalogs, the visit's kind, method, state and purposes through the rules' mapping
functions; the office's data (names, addresses, phones) as typed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event
from peewee import JOIN

from warranty_desk.i18n import _, join_list

from ..errors import ValidationError
from ..fileio import shared_file
from ..models import Project, Staff, Unit, Visit
from ..rules import visit_states as vs
from ..rules.visit_methods import ONSITE, method_name
from ..rules.visit_plan import kind_name
from ..rules.visit_purposes import purposes_of
from ..rules.workdays import is_working_day
from . import settings

TZ = ZoneInfo("Asia/Shanghai")
DEFAULT_TIME = dt.time(9, 0)
MAX_DAYS = 3 * 366
# what the phones should show: a visit to be made, one that happened, one that will not happen
CANCELLED_STATES = (vs.CANCELLED, vs.MISSED)


def reminder_at(day: dt.date, working_days_before: int, at: dt.time) -> dt.datetime:
    """The reminder of a visit on `day`: `at` o'clock, `working_days_before` working days earlier
    (0: the same day), Asia/Shanghai time."""
    remind = day
    for _step in range(working_days_before):
        remind -= dt.timedelta(days=1)
        while not is_working_day(remind):
            remind -= dt.timedelta(days=1)
    return dt.datetime.combine(remind, at, tzinfo=TZ)


def _reminder_setting() -> tuple[int, dt.time] | None:
    if not settings.get("calendar_reminder"):
        return None
    hour, minute = settings.parse_clock(settings.get("calendar_reminder_time"))
    return int(settings.get("calendar_reminder_days")), dt.time(hour, minute)


def visit_uid(visit: Visit) -> str:
    stamp = visit.created_at.strftime("%Y%m%d%H%M%S") if visit.created_at else "0"
    return f"visit-{visit.id}-{stamp}@warranty-desk"


def _start(visit: Visit) -> dt.datetime:
    if visit.done_at is not None and visit.status in (vs.DONE, vs.UNREACHABLE):
        return visit.done_at.replace(tzinfo=TZ)
    return dt.datetime.combine(visit.planned_on, DEFAULT_TIME, tzinfo=TZ)


def _query(start: dt.date, end: dt.date, staff_id: int | None):
    query = (
        Visit.select(Visit, Project, Staff, Unit)
        .join(Project)
        .switch(Visit)
        .join(Staff, JOIN.LEFT_OUTER)
        .switch(Visit)
        .join(Unit, JOIN.LEFT_OUTER)
        .where(Visit.planned_on.between(start, end))
        .order_by(Visit.planned_on, Project.code, Visit.id)
    )
    if staff_id:
        query = query.where(Visit.staff == staff_id)
    return query


def build_calendar(start: dt.date, end: dt.date, staff_id: int | None = None,
                   now: dt.datetime | None = None) -> tuple[Calendar, int]:
    if start is None or end is None:
        raise ValidationError(_("请填写开始和结束日期"), field="from")
    if end < start:
        raise ValidationError(_("结束日期（{end}）早于开始日期（{start}），请调换").format(end=end, start=start), field="to")
    if (end - start).days > MAX_DAYS:
        raise ValidationError(_("一次最多导出三年的回访，请缩短日期范围"), field="to")
    # now: naive means this PC's local time; the stamp is written in UTC (…Z), as RFC 5545 asks
    stamp = (now or dt.datetime.now()).astimezone(dt.UTC).replace(microsecond=0)
    reminder = _reminder_setting()
    cal = Calendar()
    cal.add("prodid", "-//Warranty Desk//Warranty Desk//EN")  # an identifier, not text for people
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("保修台 回访"))
    cal.add("x-wr-timezone", "Asia/Shanghai")
    count = 0
    for visit in _query(start, end, staff_id):
        project = visit.project
        unit = visit.unit if visit.unit_id else None
        kind = kind_name(visit.kind)
        begin = _start(visit)
        minutes = 60 if visit.method == ONSITE else 30
        contact = (unit.owner_name if unit and unit.owner_name else "") or project.contact
        phone = (unit.owner_phone if unit and unit.owner_phone else "") or project.phone
        purposes = purposes_of(visit.purposes)
        lines = [
            _("工程：{code} {name}").format(code=project.code, name=project.name),
            _("房号：{unit}").format(unit=unit.label) if unit else "",
            _("地址：{address}").format(address=project.address) if project.address else "",
            _("联系人：{contact}").format(contact=contact) if contact else "",
            _("电话：{phone}").format(phone=phone) if phone else "",
            _('回访类型：{kind}\u3000方式：{method}').format(kind=kind, method=method_name(visit.method)),
            _("负责人：{name}").format(name=visit.staff.name) if visit.staff_id else _("负责人：未指派"),
            _("回访目的：{purposes}").format(purposes=join_list(purposes, _("；"))) if purposes else "",
            _("状态：{state}").format(state=vs.status_name(visit.status)) if visit.status != vs.PLANNED else "",
        ]
        event = Event()
        event.add("uid", visit_uid(visit))
        event.add("dtstamp", stamp)
        event.add("sequence", max(int(visit.version or 1) - 1, 0))  # a changed visit replaces the phone's copy
        event.add("dtstart", begin)
        event.add("dtend", begin + dt.timedelta(minutes=minutes))
        if unit is not None:
            summary = _("回访：{name} {unit}（{kind}）").format(name=project.name, unit=unit.label, kind=kind)
        else:
            summary = _("回访：{name}（{kind}）").format(name=project.name, kind=kind)
        event.add("summary", summary)
        if project.address:
            event.add("location", project.address)
        event.add("description", "\n".join(line for line in lines if line))
        event.add("categories", [_("回访")])
        if visit.status in CANCELLED_STATES:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
            count += 1
        if visit.status == vs.PLANNED and reminder is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", reminder_at(visit.planned_on, *reminder).astimezone(dt.UTC))
            event.add_component(alarm)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal, count


def export_ics(path: str | Path, start: dt.date, end: dt.date, staff_id: int | None = None,
               now: dt.datetime | None = None) -> int:
    """Write the visits planned between `start` and `end` (inclusive) to `path`, cancelled ones as
    cancellations; returns how many visits are to be made or were made."""
    target = Path(path)
    if target.suffix.lower() != ".ics":
        raise ValidationError(_("日历文件的扩展名应为 .ics"), field="file")
    cal, count = build_calendar(start, end, staff_id, now)
    data = cal.to_ical()
    with shared_file(target) as tmp:
        Path(tmp).write_bytes(data)
    return count
