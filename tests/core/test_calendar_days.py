"""The calendar reads what its month shows (#20): each day's count of visits, its first visits by
project code, and every visit of the day listed beside the grid — the same visits, in the same order,
as taking them from all the visits of the six weeks."""

from __future__ import annotations

import datetime as dt

from warranty_desk.models import Visit
from warranty_desk.services import visits


def test_the_days_shown_are_the_first_visits_of_all(demo_db):
    per_day_all = _count(visits.month_visits(dt.date(2000, 1, 1), dt.date(2100, 1, 1)))
    assert per_day_all, "the demo office has visits"
    busiest = max(per_day_all, key=lambda d: (per_day_all[d], d))
    start = busiest - dt.timedelta(days=20)
    end = start + dt.timedelta(days=41)
    everything = visits.month_visits(start, end)
    by_day: dict[dt.date, list[tuple]] = {}
    for row in everything:
        by_day.setdefault(row[1], []).append(row)
    selected = max(by_day, key=lambda d: len(by_day[d]))
    assert len(by_day[selected]) > 2 and sum(len(r) > 1 for r in by_day.values()) > 1  # days to cut
    for per_day in (1, 2, 5):
        shown = visits.calendar_days(start, end, per_day, selected)
        assert shown.counts == {d: len(rows) for d, rows in by_day.items()}
        expected = [row for d, rows in sorted(by_day.items()) for row in (rows if d == selected else rows[:per_day])]
        assert shown.rows == expected
    every = visits.calendar_days(start, end, None)
    assert every.rows == everything and every.counts == {d: len(rows) for d, rows in by_day.items()}


def test_a_filter_narrows_the_counts_too(demo_db):
    visit = Visit.select().where(Visit.status != "cancelled").order_by(Visit.planned_on.desc()).first()
    start, end = visit.planned_on - dt.timedelta(days=10), visit.planned_on + dt.timedelta(days=10)
    shown = visits.calendar_days(start, end, 5, None, project_id=visit.project_id)
    assert {r[3] for r in shown.rows} == {visit.project_id}
    assert shown.counts == {d: n for d, n in
                            _count(visits.month_visits(start, end, project_id=visit.project_id)).items()}


def _count(rows) -> dict[dt.date, int]:
    out: dict[dt.date, int] = {}
    for row in rows:
        out[row[1]] = out.get(row[1], 0) + 1
    return out
