"""Visit analysis (RULES.md §7): satisfaction per quarter, project, staff and question area,
the trend, the share of visits done on time, problems found, projects whose satisfaction fell.

Pure read-only queries returning plain data (dicts, lists, numbers), aggregated in SQL so that
they stay fast on tens of thousands of visits; the 报表 page and the quarterly report both use them.

Definitions
- A visit counts for satisfaction in the quarter it was **done** (``done_at``), if it has a score.
- Averages are plain means of the visits' 0–100 scores; the grade of an average follows §7.
- **On time**: among visits whose planned day (the day in force: after a reschedule, the new
  day; the first day stays in ``original_planned_on`` for the record) falls in the range, a
  visit is on time when it was done no later than ``visit_on_time_days`` (default 7) days after
  that day. A missed visit is not on time. A planned visit whose window has passed without a
  record is counted as late (``overdue``). A 未联系上 attempt is not judged itself: the office did
  call; its retry (a new planned visit) is judged on its own day. Cancelled visits do not count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NotRequired, TypedDict

from peewee import JOIN, Case, PostgresqlDatabase, fn

from warranty_desk.i18n import _

from ..errors import ValidationError
from ..models import Project, Question, Staff, Ticket, Visit, VisitAnswer, VisitFinding, database_proxy, tuples
from ..rules import visit_states as vs
from ..rules.categories import CATEGORIES
from ..rules.satisfaction import GRADES, grade
from . import settings

# --- what the analysis returns ----------------------------------------------------------------


class QuarterScore(TypedDict):
    quarter: str  # 2026Q3
    year: int
    q: int
    count: int
    average: float | None  # None: no scored visit in the quarter
    grade: str


class ProjectScore(TypedDict):
    project_id: int
    code: str
    name: str
    count: int
    average: float
    lowest: float
    grade: str


class StaffScore(TypedDict):
    staff_id: int | None  # None: visits nobody was assigned to
    name: str
    count: int
    average: float
    lowest: float
    grade: str


class AreaScore(TypedDict):
    area: str
    count: int
    average: float
    grade: str


class OnTime(TypedDict):
    days: int
    judged: int
    on_time: int
    late: int
    missed: int
    overdue: int
    rescheduled: int
    share: float | None
    quarter: NotRequired[str]  # in on_time_by_quarter


class ProblemCount(TypedDict):
    area: str
    category: str
    category_name: str
    count: int
    tickets: int


class FoundProblem(TypedDict):
    date: dt.date
    project_code: str
    project_name: str
    area: str
    description: str
    ticket_number: str
    ticket_state: str


class FallingProject(TypedDict):
    project_id: int
    code: str
    name: str
    previous_quarter: str
    previous: float
    current: float
    drop: float
    previous_grade: str
    current_grade: str


class QuarterSummary(TypedDict):
    quarter: str
    start: dt.date
    end: dt.date
    count: int
    average: float | None
    grade: str
    grades: dict[str, int]
    trend: list[QuarterScore]
    by_project: list[ProjectScore]
    by_staff: list[StaffScore]
    by_area: list[AreaScore]
    on_time: OnTime
    problems: list[ProblemCount]
    findings: list[FoundProblem]
    falling: list[FallingProject]


# --- quarters -------------------------------------------------------------------------------


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}Q{quarter}"


def parse_quarter(text: str) -> tuple[int, int]:
    """'2026Q3' (or 2026-Q3, 2026q3) → (2026, 3)."""
    raw = (text or "").strip().upper().replace("-", "")
    if len(raw) == 6 and raw[:4].isdigit() and raw[4] == "Q" and raw[5] in "1234":
        return int(raw[:4]), int(raw[5])
    raise ValidationError(_("“{text}”不是季度，请写成 2026Q3 的格式").format(text=text), field="quarter")


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    end_month = 3 * quarter
    end = dt.date(year + (end_month == 12), end_month % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def shift_quarter(year: int, quarter: int, by: int) -> tuple[int, int]:
    index = year * 4 + (quarter - 1) + by
    return index // 4, index % 4 + 1


def last_quarters(today: dt.date, count: int = 8) -> list[tuple[int, int]]:
    """The `count` quarters ending with today's, oldest first (8 = the last two years)."""
    year, quarter = quarter_of(today)
    return [shift_quarter(year, quarter, -i) for i in range(count - 1, -1, -1)]


# --- SQL helpers (SQLite and PostgreSQL) ----------------------------------------------------


def _is_pg() -> bool:
    return isinstance(database_proxy.obj, PostgresqlDatabase)


def _month(field):
    """'YYYY-MM' of a date/datetime column."""
    if _is_pg():
        return fn.to_char(field, "YYYY-MM")
    return fn.substr(field, 1, 7)


def _days_after(later, earlier):
    """Whole days from the date `earlier` to the day of datetime `later`."""
    if _is_pg():
        return later.cast("date") - earlier.cast("date")
    return fn.julianday(fn.substr(later, 1, 10)) - fn.julianday(earlier)


def _range(start: dt.date, end: dt.date):
    if end < start:
        raise ValidationError(_("结束日期（{end}）早于开始日期（{start}）").format(end=end, start=start), field="to")
    return (Visit.done_at >= dt.datetime.combine(start, dt.time.min)) & (
        Visit.done_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))


def _scored(start: dt.date, end: dt.date):
    return (Visit.status == vs.DONE) & Visit.score.is_null(False) & _range(start, end)


def _avg(total, count) -> float | None:
    return round(total / count, 2) if count else None


def _grade(value: float | None) -> str:
    return grade(value) if value is not None else ""


# --- satisfaction ---------------------------------------------------------------------------


def satisfaction_by_quarter(start_quarter: tuple[int, int], end_quarter: tuple[int, int],
                            project_id: int | None = None, staff_id: int | None = None) -> list[QuarterScore]:
    """Every quarter from start to end (inclusive), with count, average and grade (None when no
    scored visit) — the trend over quarters."""
    start, _end = quarter_bounds(*start_quarter)
    _start, end = quarter_bounds(*end_quarter)
    month = _month(Visit.done_at)
    query = (Visit.select(month.alias("m"), fn.COUNT(Visit.id).alias("n"), fn.SUM(Visit.score).alias("s"))
             .where(_scored(start, end)).group_by(month))
    if project_id:
        query = query.where(Visit.project == project_id)
    if staff_id:
        query = query.where(Visit.staff == staff_id)
    totals: dict[tuple[int, int], list[float]] = {}
    for m, n, s in tuples(query):
        year, mon = int(m[:4]), int(m[5:7])
        key = (year, (mon - 1) // 3 + 1)
        acc = totals.setdefault(key, [0, 0.0])
        acc[0] += n
        acc[1] += float(s or 0)
    rows: list[QuarterScore] = []
    key = start_quarter
    while key <= end_quarter:
        n, s = totals.get(key, (0, 0.0))
        average = _avg(s, n)
        rows.append({"quarter": quarter_label(*key), "year": key[0], "q": key[1], "count": int(n),
                     "average": average, "grade": _grade(average)})
        key = shift_quarter(*key, 1)
    return rows


def satisfaction_trend(today: dt.date, quarters: int = 8) -> list[QuarterScore]:
    """Satisfaction by quarter for the last `quarters` quarters (default: two years)."""
    keys = last_quarters(today, quarters)
    return satisfaction_by_quarter(keys[0], keys[-1])


def _grouped(start: dt.date, end: dt.date, group_fields, where=None):
    query = (Visit.select(*group_fields, fn.COUNT(Visit.id).alias("n"), fn.AVG(Visit.score).alias("avg"),
                          fn.MIN(Visit.score).alias("low"))
             .where(_scored(start, end)))
    if where is not None:
        query = query.where(where)
    return query


def satisfaction_by_project(start: dt.date, end: dt.date) -> list[ProjectScore]:
    query = (_grouped(start, end, [Project.id, Project.code, Project.name]).join(Project)
             .group_by(Project.id, Project.code, Project.name).order_by(fn.AVG(Visit.score), Project.code))
    rows: list[ProjectScore] = []
    for pid, code, name, n, avg, low in tuples(query):
        average = round(float(avg), 2)
        rows.append({"project_id": pid, "code": code, "name": name, "count": n, "average": average,
                     "lowest": float(low), "grade": _grade(average)})
    return rows


def satisfaction_by_staff(start: dt.date, end: dt.date) -> list[StaffScore]:
    query = (_grouped(start, end, [Staff.id, Staff.name]).join(Staff, JOIN.LEFT_OUTER)
             .group_by(Staff.id, Staff.name).order_by(Staff.name))
    rows: list[StaffScore] = []
    for sid, name, n, avg, low in tuples(query):
        average = round(float(avg), 2)
        rows.append({"staff_id": sid, "name": name or _("未指派"), "count": n, "average": average,
                     "lowest": float(low), "grade": _grade(average)})
    return rows


def satisfaction_by_area(start: dt.date, end: dt.date, project_id: int | None = None) -> list[AreaScore]:
    """Per question area (工程质量, 维修及时性…): the mean of the answers' scores."""
    query = (VisitAnswer.select(Question.area, fn.COUNT(VisitAnswer.id), fn.AVG(VisitAnswer.score))
             .join(Question).switch(VisitAnswer).join(Visit)
             .where(_scored(start, end) & VisitAnswer.score.is_null(False))
             .group_by(Question.area))
    if project_id:
        query = query.where(Visit.project == project_id)
    rows: list[AreaScore] = [{"area": area, "count": n, "average": round(float(avg), 2), "grade": _grade(round(float(avg), 2))}
            for area, n, avg in tuples(query)]
    rows.sort(key=lambda r: r["average"])
    return rows


def grade_counts(start: dt.date, end: dt.date) -> dict[str, int]:
    query = (Visit.select(Visit.grade, fn.COUNT(Visit.id)).where(_scored(start, end)).group_by(Visit.grade))
    counts = {name: 0 for _floor, name in GRADES}  # best first, as stored
    for name, n in tuples(query):
        if name in counts:
            counts[name] = n
    return counts


# --- on time --------------------------------------------------------------------------------


def _on_time_cases(as_of: dt.date, days: int):
    late_days = _days_after(Visit.done_at, Visit.planned_on)
    deadline_passed = dt.timedelta(days=days)
    on_time_case = Case(None, [(((Visit.status == vs.DONE) & (late_days <= days)), 1)], 0)
    late_case = Case(None, [(((Visit.status == vs.DONE) & (late_days > days)), 1)], 0)
    missed_case = Case(None, [((Visit.status == vs.MISSED), 1)], 0)
    overdue_case = Case(None, [(((Visit.status == vs.PLANNED) & (Visit.planned_on < as_of - deadline_passed)), 1)], 0)
    return [fn.SUM(on_time_case), fn.SUM(late_case), fn.SUM(missed_case), fn.SUM(overdue_case),
            fn.SUM(Case(None, [(Visit.original_planned_on.is_null(False), 1)], 0))]


def _on_time_row(days: int, ok: int, late: int, missed: int, overdue: int, rescheduled: int) -> OnTime:
    judged = ok + late + missed + overdue
    return {"days": days, "judged": judged, "on_time": ok, "late": late, "missed": missed,
            "overdue": overdue, "rescheduled": rescheduled,
            "share": round(ok / judged, 4) if judged else None}


def on_time(start: dt.date, end: dt.date, as_of: dt.date, days: int | None = None,
            project_id: int | None = None, staff_id: int | None = None) -> OnTime:
    """The share of visits due between `start` and `end` (planned day in force) that were done
    within `days` of it. See the module's docstring for what counts."""
    if end < start:
        raise ValidationError(_("结束日期（{end}）早于开始日期（{start}）").format(end=end, start=start), field="to")
    days = int(settings.get("visit_on_time_days") if days is None else days)
    query = (Visit.select(*_on_time_cases(as_of, days))
             .where(Visit.planned_on.between(start, end) & Visit.status.in_((vs.DONE, vs.MISSED, vs.PLANNED))))
    if project_id:
        query = query.where(Visit.project == project_id)
    if staff_id:
        query = query.where(Visit.staff == staff_id)
    return _on_time_row(days, *(int(v or 0) for v in next(tuples(query))))


def on_time_by_quarter(quarters: list[tuple[int, int]], as_of: dt.date) -> list[OnTime]:
    """`on_time` of each quarter, from one pass over their visits (counted by month, added up by
    quarter) instead of one pass per quarter."""
    if not quarters:
        return []
    days = int(settings.get("visit_on_time_days"))
    start, end = quarter_bounds(*min(quarters))[0], quarter_bounds(*max(quarters))[1]
    month = _month(Visit.planned_on)
    query = (Visit.select(month, *_on_time_cases(as_of, days))
             .where(Visit.planned_on.between(start, end) & Visit.status.in_((vs.DONE, vs.MISSED, vs.PLANNED)))
             .group_by(month))
    sums: dict[tuple[int, int], list[int]] = {}
    for m, *values in tuples(query):
        acc = sums.setdefault(quarter_of(dt.date(int(m[:4]), int(m[5:7]), 1)), [0] * 5)
        for i, value in enumerate(values):
            acc[i] += int(value or 0)
    rows = []
    for key in quarters:
        row = _on_time_row(days, *sums.get(key, [0] * 5))
        row["quarter"] = quarter_label(*key)
        rows.append(row)
    return rows


# --- problems -------------------------------------------------------------------------------


def problems_by_category(start: dt.date, end: dt.date) -> list[ProblemCount]:
    """Problems found on visits done in the range, by area, with how many became tickets."""
    query = (VisitFinding.select(VisitFinding.area, VisitFinding.category, fn.COUNT(VisitFinding.id),
                                 fn.COUNT(VisitFinding.ticket))
             .join(Visit).where(_range(start, end))
             .group_by(VisitFinding.area, VisitFinding.category))
    rows: list[ProblemCount] = []
    for area, category, n, ticketed in tuples(query):
        rows.append({"area": area, "category": category or "",
                     "category_name": CATEGORIES[category].name if category in CATEGORIES else "",
                     "count": n, "tickets": ticketed})
    rows.sort(key=lambda r: (-r["count"], r["area"]))
    return rows


def findings_list(start: dt.date, end: dt.date, limit: int = 500) -> list[FoundProblem]:
    """The problems found and what was done (the ticket and its state)."""
    query = (VisitFinding.select(VisitFinding, Visit.done_at, Project.code, Project.name, Ticket.number, Ticket.state)
             .join(Visit).join(Project).switch(VisitFinding).join(Ticket, JOIN.LEFT_OUTER)
             .where(_range(start, end)).order_by(Visit.done_at, VisitFinding.id).limit(limit))
    rows: list[FoundProblem] = []
    for f in query:
        ticket = f.ticket if f.ticket_id else None
        done_at = f.visit.done_at
        assert done_at is not None  # the range is of visits done
        rows.append({"date": done_at.date(), "project_code": f.visit.project.code,
                     "project_name": f.visit.project.name, "area": f.area, "description": f.description,
                     "ticket_number": ticket.number if ticket else "", "ticket_state": ticket.state if ticket else ""})
    return rows


# --- falling satisfaction -------------------------------------------------------------------


def falling_projects(year: int, quarter: int, lookback: int = 4) -> list[FallingProject]:
    """Projects whose average in the quarter is below their average in the latest earlier quarter
    that had a scored visit (looking back up to `lookback` quarters), largest drop first."""
    first = shift_quarter(year, quarter, -lookback)
    start, _end = quarter_bounds(*first)
    _start, end = quarter_bounds(year, quarter)
    month = _month(Visit.done_at)
    query = (Visit.select(Visit.project, month, fn.COUNT(Visit.id), fn.SUM(Visit.score))
             .where(_scored(start, end)).group_by(Visit.project, month))
    per: dict[int, dict[tuple[int, int], list[float]]] = {}
    for pid, m, n, s in tuples(query):
        key = quarter_of(dt.date(int(m[:4]), int(m[5:7]), 1))
        acc = per.setdefault(pid, {}).setdefault(key, [0, 0.0])
        acc[0] += n
        acc[1] += float(s or 0)
    current = (year, quarter)
    found: list[tuple[int, tuple[int, int], float, float]] = []  # project, earlier quarter, its and now's average
    for pid, quarters in per.items():
        if current not in quarters:
            continue
        earlier = sorted((k for k in quarters if k < current), reverse=True)
        if not earlier:
            continue
        prev_key = earlier[0]
        now_avg = _avg(quarters[current][1], quarters[current][0])
        prev_avg = _avg(quarters[prev_key][1], quarters[prev_key][0])
        if now_avg is None or prev_avg is None:  # a quarter is kept only with a scored visit in it
            continue
        if now_avg < prev_avg:
            found.append((pid, prev_key, prev_avg, now_avg))
    names = {p.id: (p.code, p.name) for p in
             Project.select(Project.id, Project.code, Project.name).where(Project.id.in_([f[0] for f in found]))
             } if found else {}
    drops: list[FallingProject] = [
        {"project_id": pid, "code": names[pid][0], "name": names[pid][1], "previous_quarter": quarter_label(*prev_key),
         "previous": prev_avg, "current": now_avg, "drop": round(prev_avg - now_avg, 2),
         "previous_grade": _grade(prev_avg), "current_grade": _grade(now_avg)}
        for pid, prev_key, prev_avg, now_avg in found
    ]
    drops.sort(key=lambda d: (-d["drop"], d["code"]))
    return drops


# --- one bundle for the quarterly report and the 报表 page ----------------------------------


def quarter_summary(year: int, quarter: int, as_of: dt.date) -> QuarterSummary:
    start, end = quarter_bounds(year, quarter)
    by_quarter = satisfaction_by_quarter(shift_quarter(year, quarter, -7), (year, quarter))
    current = by_quarter[-1]
    return {
        "quarter": quarter_label(year, quarter),
        "start": start,
        "end": end,
        "count": current["count"],
        "average": current["average"],
        "grade": current["grade"],
        "grades": grade_counts(start, end),
        "trend": by_quarter,
        "by_project": satisfaction_by_project(start, end),
        "by_staff": satisfaction_by_staff(start, end),
        "by_area": satisfaction_by_area(start, end),
        "on_time": on_time(start, end, as_of),
        "problems": problems_by_category(start, end),
        "findings": findings_list(start, end),
        "falling": falling_projects(year, quarter),
    }


@dataclass(frozen=True)
class ReportFigures:
    """Everything 报表 → 回访分析 shows for a period (computed off the window's thread)."""

    start: dt.date
    end: dt.date
    trend: list[QuarterScore]
    on_time_by_quarter: list[OnTime]
    on_time: OnTime
    grades: dict[str, int]
    by_project: list[ProjectScore]
    by_area: list[AreaScore]
    by_staff: list[StaffScore]
    falling: list[FallingProject]
    problems: list[ProblemCount]


def report_figures(quarters: list[tuple[int, int]], start: dt.date, end: dt.date, last: tuple[int, int],
                   today: dt.date) -> ReportFigures:
    """The figures of the 回访分析 panel: the trend of `quarters`, and the period `start`…`end`
    (whose last quarter is `last`) as of `today`."""
    end_for_data = min(end, today)
    return ReportFigures(
        start=start, end=end,
        trend=satisfaction_by_quarter(quarters[0], quarters[-1]),
        on_time_by_quarter=on_time_by_quarter(quarters, today),
        on_time=on_time(start, end_for_data if end_for_data >= start else end, today),
        grades=grade_counts(start, end),
        by_project=satisfaction_by_project(start, end),
        by_area=satisfaction_by_area(start, end),
        by_staff=satisfaction_by_staff(start, end),
        falling=falling_projects(*last),
        problems=problems_by_category(start, end),
    )
