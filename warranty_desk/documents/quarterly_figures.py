"""The figures of the 季度回访报告, as read-only queries returning plain data (reusable by the
visits screens and the CLI).

Definitions (written down so the report, the screens and a reader agree):
- A visit belongs to the quarter whose dates hold its ``planned_on``; cancelled visits are not
  counted as planned.
- 按期完成 (on time), the same rule as services/analysis.on_time: done no later than the setting
  ``visit_on_time_days`` after ``planned_on`` (the day in force after a reschedule); the rate is
  on time ÷ (done + missed + overdue).
- 逾期未回访 (overdue): still ``planned`` and that window passed before the report day.
- Satisfaction: done visits of the quarter with a score; the grade stored on the visit, or the
  grade of its score (RULES.md §7) when none is stored.
- Tickets received: ``reported_at`` in the quarter. Closed: ``closed_at`` in the quarter.
  Within SLA: received in the quarter, completed, and every deadline it has (respond / on site /
  complete) met. Average response time: reported → responded (hours); repair time: reported →
  completed (days).
- Deposits due: 缺陷责任期 ending within the quarter (or before it and not yet returned).
- Trend: the same visit and ticket figures for the quarter and the four before it.
- Satisfaction per item: the owners' 1–5 ratings of the repairs closed in the quarter, by the
  ticket's warranty item (satisfied = 4 or 5).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from peewee import JOIN, fn

from warranty_desk.i18n import N_, _, format_month, join_list

from ..models import Deposit, Project, Ticket, Visit, VisitFinding, database_proxy, tuples
from ..rules import categories as cat
from ..rules import sla as sla_rules
from ..rules import visit_states as vs
from ..rules.periods import add_months
from ..rules.satisfaction import GRADES, grade, rating_grade
from ..rules.satisfaction import LEGACY as LEGACY_GRADES
from ..rules.ticket_states import state_name
from ..services import settings
from ..services.visit_records import area_name, findings_text

GRADE_NAMES = [name for _x, name in GRADES]
QUARTER_NAMES = {1: N_("第一季度"), 2: N_("第二季度"), 3: N_("第三季度"), 4: N_("第四季度")}


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the quarter."""
        return add_months(self.start, 3) - dt.timedelta(days=1)

    @property
    def months(self) -> list[tuple[int, int]]:
        return [(self.year, 3 * self.number - 2 + i) for i in range(3)]

    @property
    def label(self) -> str:
        return _("{year}年{value}").format(year=self.year, value=_(QUARTER_NAMES[self.number]))

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.number}"

    def contains(self, day) -> bool:
        if day is None:
            return False
        if isinstance(day, dt.datetime):
            day = day.date()
        return self.start <= day <= self.end


def parse_quarter(text: str) -> Quarter:
    """'2026Q3', '2026-Q3', '2026q3' → Quarter(2026, 3)."""
    m = re.fullmatch(r"\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*", text or "")
    if not m:
        raise ValueError(_("季度格式不对：“{text}”，请写成 2026Q3").format(text=text))
    return Quarter(int(m.group(1)), int(m.group(2)))


def _bounds(q: Quarter) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime.combine(q.start, dt.time.min), dt.datetime.combine(q.end + dt.timedelta(days=1), dt.time.min)


def _hours(a: dt.datetime, b: dt.datetime) -> float:
    return (b - a).total_seconds() / 3600


@dataclass
class VisitFigures:
    planned: int = 0
    done: int = 0
    on_time: int = 0
    missed: int = 0
    unreachable: int = 0
    overdue: int = 0  # still planned, date passed
    pending: int = 0  # still planned, date not yet reached
    cancelled: int = 0
    by_month: list[tuple[str, int, int]] = field(default_factory=list)  # (label, planned, done)
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def done_rate(self) -> float | None:
        return self.done / self.planned if self.planned else None

    @property
    def judged(self) -> int:
        return self.done + self.missed + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.judged if self.judged else None


@dataclass
class SatisfactionFigures:
    count: int = 0
    average: float | None = None
    grades: dict[str, int] = field(default_factory=lambda: {name: 0 for name in GRADE_NAMES})


@dataclass
class TicketFigures:
    received: int = 0
    emergency: int = 0
    closed: int = 0
    completed: int = 0
    within_sla: int = 0
    open_at_end: int = 0
    avg_response_hours: float | None = None
    avg_repair_days: float | None = None
    by_category: list[tuple[str, str, int]] = field(default_factory=list)  # (key, name, count), most first

    @property
    def sla_rate(self) -> float | None:
        return self.within_sla / self.completed if self.completed else None


@dataclass
class DepositDue:
    project_code: str
    project_name: str
    amount: float
    ends_on: dt.date
    applied_on: dt.date | None
    overdue: bool


@dataclass
class ProjectRow:
    code: str
    name: str
    visits_planned: int = 0
    visits_done: int = 0
    visits_on_time: int = 0
    visits_missed: int = 0
    satisfaction: float | None = None
    tickets_received: int = 0
    tickets_closed: int = 0
    tickets_within_sla: int = 0


@dataclass
class Finding:
    project_code: str
    project_name: str
    on: dt.date | None
    description: str
    action: str
    ticketed: bool = False  # a repair ticket was made for it


@dataclass
class TrendRow:
    """One quarter of the trend table (the report's quarter and the four before it)."""
    label: str
    planned: int = 0
    done: int = 0
    on_time: int = 0
    judged: int = 0  # done + missed + overdue: what should have been done by the report day
    score_sum: float = 0.0
    scored: int = 0  # done visits with a score
    received: int = 0
    completed: int = 0
    within_sla: int = 0

    @property
    def average(self) -> float | None:
        return self.score_sum / self.scored if self.scored else None


@dataclass
class ItemSatisfaction:
    """The owners' 1–5 ratings of the repairs of one warranty item (RULES.md §7: per item)."""
    key: str
    name: str
    rated: int
    average: float  # 1–5
    satisfied: int  # rated 4 or 5

    @property
    def grade(self) -> str:
        return rating_grade(round(self.average)) or ""  # an item here has ratings


@dataclass
class QuarterFigures:
    quarter: Quarter
    visits: VisitFigures
    satisfaction: SatisfactionFigures
    tickets: TicketFigures
    deposits: list[DepositDue]
    projects: list[ProjectRow]
    findings: list[Finding]
    trend: list[TrendRow] = field(default_factory=list)
    items: list[ItemSatisfaction] = field(default_factory=list)
    today: dt.date | None = None

    @property
    def unfinished(self) -> bool:
        """The report is made before the quarter ended: its figures are 截至 the report day."""
        return self.today is not None and self.today < self.quarter.end

    @property
    def empty(self) -> bool:
        return not (self.visits.planned or self.visits.cancelled or self.tickets.received or self.tickets.closed
                    or self.deposits)


def _day(value) -> dt.date:
    """A date column as the driver gives it (SQLite: its text), read without peewee's converters:
    those took most of the time of a large office's report."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value.date() if isinstance(value, dt.datetime) else value


def _moment(value) -> dt.datetime | None:
    """A date-time column as the driver gives it (see `_day`)."""
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _project_filter(query, model, project_ids):
    return query.where(model.project.in_(project_ids)) if project_ids is not None else query


class QuarterVisit(NamedTuple):
    """What the report reads of a visit of the quarter (plain values: a large office has tens of
    thousands, and building a model object for each took seconds)."""
    id: int
    project_id: int
    planned_on: dt.date
    status: str
    kind: str
    done_at: dt.datetime | None
    score: float | None
    grade: str
    findings: str
    opinion: str
    project_code: str
    project_name: str


def quarter_visits(q: Quarter, project_ids=None) -> list[QuarterVisit]:
    query = (Visit.select(Visit.id, Visit.project, Visit.planned_on, Visit.status, Visit.kind, Visit.done_at,
                          Visit.score, Visit.grade, Visit.findings, Visit.opinion, Project.code, Project.name)
             .join(Project)  # the project comes along: no query per visit
             .where((Visit.planned_on >= q.start) & (Visit.planned_on <= q.end)))
    rows = database_proxy.execute(_project_filter(query, Visit, project_ids).order_by(Visit.planned_on, Visit.id))
    return [QuarterVisit(vid, pid, _day(on), status, kind, _moment(done_at), score, grade or "", found or "",
                         opinion or "", code, name)
            for vid, pid, on, status, kind, done_at, score, grade, found, opinion, code, name in rows]


def on_time_days() -> int:
    return int(settings.get("visit_on_time_days"))


def is_on_time(visit: QuarterVisit, grace_days: int | None = None) -> bool:
    if visit.status != vs.DONE or visit.done_at is None:
        return False
    grace = on_time_days() if grace_days is None else grace_days
    done_on = visit.done_at.date() if isinstance(visit.done_at, dt.datetime) else visit.done_at
    return done_on <= visit.planned_on + dt.timedelta(days=grace)


def visit_figures(visits: list[QuarterVisit], q: Quarter, today: dt.date | None = None) -> VisitFigures:
    today = today or dt.date.today()
    grace = on_time_days()
    f = VisitFigures()
    month_planned: Counter = Counter()
    month_done: Counter = Counter()
    kinds: Counter = Counter()
    for v in visits:
        if v.status == vs.CANCELLED:
            f.cancelled += 1
            continue
        f.planned += 1
        kinds[v.kind] += 1
        key = (v.planned_on.year, v.planned_on.month)
        month_planned[key] += 1
        if v.status == vs.DONE:
            f.done += 1
            month_done[key] += 1
            if is_on_time(v, grace):
                f.on_time += 1
        elif v.status == vs.MISSED:
            f.missed += 1
        elif v.status == vs.UNREACHABLE:
            f.unreachable += 1
        elif v.status == vs.PLANNED:
            if v.planned_on + dt.timedelta(days=grace) < today:
                f.overdue += 1
            else:
                f.pending += 1
    f.by_month = [(format_month(y, m), month_planned[(y, m)], month_done[(y, m)]) for y, m in q.months]
    f.by_kind = dict(kinds)
    return f


def visit_grade(v: QuarterVisit) -> str | None:
    if v.grade:
        return LEGACY_GRADES.get(v.grade, v.grade)
    if v.score is not None:
        return grade(float(v.score))
    return None


def satisfaction_figures(visits: list[QuarterVisit]) -> SatisfactionFigures:
    f = SatisfactionFigures()
    scores = []
    for v in visits:
        if v.status != vs.DONE:
            continue
        g = visit_grade(v)
        if v.score is not None:
            scores.append(float(v.score))
        if g:
            f.grades[g] = f.grades.get(g, 0) + 1
    f.count = sum(f.grades.values())
    f.average = sum(scores) / len(scores) if scores else None
    return f


class QuarterTicket(NamedTuple):
    """What the report reads of a ticket received or closed in the quarter (plain values)."""
    project_id: int
    category: str
    urgency: str
    satisfaction: int | None
    reported_at: dt.datetime
    closed_at: dt.datetime | None
    respond_due: dt.datetime | None
    responded_at: dt.datetime | None
    onsite_due: dt.datetime | None
    onsite_at: dt.datetime | None
    complete_due: dt.datetime | None
    completed_at: dt.datetime | None


_TICKET_COLUMNS = (Ticket.project, Ticket.category, Ticket.urgency, Ticket.satisfaction, Ticket.reported_at,
                   Ticket.closed_at, Ticket.respond_due, Ticket.responded_at, Ticket.onsite_due, Ticket.onsite_at,
                   Ticket.complete_due, Ticket.completed_at)


def quarter_tickets(q: Quarter, project_ids=None) -> tuple[list[QuarterTicket], list[QuarterTicket]]:
    """(tickets received in the quarter, tickets closed in the quarter)."""
    start, end = _bounds(q)
    received = _project_filter(Ticket.select(*_TICKET_COLUMNS).where(
        (Ticket.reported_at >= start) & (Ticket.reported_at < end)), Ticket, project_ids)
    closed = _project_filter(Ticket.select(*_TICKET_COLUMNS).where(
        (Ticket.closed_at >= start) & (Ticket.closed_at < end)), Ticket, project_ids)
    return ([_quarter_ticket(row) for row in database_proxy.execute(received.order_by(Ticket.reported_at))],
            [_quarter_ticket(row) for row in database_proxy.execute(closed)])


def _quarter_ticket(row) -> QuarterTicket:
    pid, category, urgency, satisfaction, reported_at, *moments = row
    closed, respond_due, responded, onsite_due, onsite, complete_due, completed = (_moment(m) for m in moments)
    return QuarterTicket(pid, category, urgency, satisfaction, _moment(reported_at) or reported_at, closed, respond_due,
                         responded, onsite_due, onsite, complete_due, completed)


def _deadlines_met(respond_due, responded_at, onsite_due, onsite_at, complete_due, completed_at) -> bool | None:
    if completed_at is None:
        return None
    checks = ((respond_due, responded_at), (onsite_due, onsite_at), (complete_due, completed_at))
    return all(done is not None and done <= due for due, done in checks if due is not None)


def within_sla(t: QuarterTicket) -> bool | None:
    """True / False for a completed ticket; None while it is not completed."""
    return _deadlines_met(t.respond_due, t.responded_at, t.onsite_due, t.onsite_at, t.complete_due, t.completed_at)


def ticket_figures(received: list[QuarterTicket], closed: list[QuarterTicket], q: Quarter) -> TicketFigures:
    f = TicketFigures(received=len(received), closed=len(closed))
    _x, end = _bounds(q)
    responses, repairs = [], []
    cats: Counter = Counter()
    for t in received:
        cats[t.category] += 1
        if t.urgency == sla_rules.URGENT:
            f.emergency += 1
        if t.responded_at:
            responses.append(_hours(t.reported_at, t.responded_at))
        if t.completed_at:
            f.completed += 1
            repairs.append(_hours(t.reported_at, t.completed_at) / 24)
            if within_sla(t):
                f.within_sla += 1
        if t.closed_at is None or t.closed_at >= end:
            f.open_at_end += 1
    f.avg_response_hours = sum(responses) / len(responses) if responses else None
    f.avg_repair_days = sum(repairs) / len(repairs) if repairs else None
    f.by_category = [(key, category_name(key), n) for key, n in cats.most_common()]
    return f


def category_name(key: str) -> str:
    """A ticket's warranty item by name, in the active language."""
    return cat.category_name(key)


def deposit_end(d: Deposit) -> dt.date:
    return add_months(d.start_on, d.defect_months)


def deposits_due(q: Quarter, today: dt.date | None = None, project_ids=None) -> list[DepositDue]:
    today = today or dt.date.today()
    query = Deposit.select(Deposit, Project).join(Project).where(Deposit.returned_on.is_null())
    rows = []
    for d in _project_filter(query, Deposit, project_ids):
        ends = deposit_end(d)
        if ends <= q.end:
            rows.append(DepositDue(d.project.code, d.project.name, float(d.amount), ends, d.applied_on,
                                   overdue=ends < q.start or (ends < today and d.applied_on is None)))
    return sorted(rows, key=lambda r: r.ends_on)


def project_rows(visits: list[QuarterVisit], received: list[QuarterTicket],
                 closed: list[QuarterTicket]) -> list[ProjectRow]:
    rows: dict[int, ProjectRow] = {}
    scores: dict[int, list[float]] = {}
    ids = {v.project_id for v in visits} | {t.project_id for t in received} | {t.project_id for t in closed}
    names = {pid: (code, name) for pid, code, name in tuples(
        Project.select(Project.id, Project.code, Project.name).where(Project.id.in_(list(ids))))}
    grace = on_time_days()  # one setting for every visit (not a query per visit)
    for pid in ids:
        rows[pid] = ProjectRow(*names[pid])
    for v in visits:
        if v.status == vs.CANCELLED:
            continue
        r = rows[v.project_id]
        r.visits_planned += 1
        if v.status == vs.DONE:
            r.visits_done += 1
            r.visits_on_time += is_on_time(v, grace)
            if v.score is not None:
                scores.setdefault(v.project_id, []).append(float(v.score))
        elif v.status == vs.MISSED:
            r.visits_missed += 1
    for t in received:
        r = rows[t.project_id]
        r.tickets_received += 1
        r.tickets_within_sla += bool(within_sla(t))
    for t in closed:
        rows[t.project_id].tickets_closed += 1
    for pid, values in scores.items():
        rows[pid].satisfaction = sum(values) / len(values)
    return sorted(rows.values(), key=lambda r: r.code)


NO_PROBLEM = ("无", "无问题", "没有问题", "正常", "良好", "未发现问题", "未发现质量问题")  # i18n: data (stored opinions compared)


def is_problem(text: str) -> bool:
    """A visit's findings text that names a problem ("未发现问题" and the like do not)."""
    t = (text or "").strip().rstrip("。.")
    return bool(t) and t not in NO_PROBLEM and not t.startswith("未发现")  # i18n: data (stored opinions compared)


def _tickets_made(tickets) -> str:
    """已立维修工单 BX-…（已关闭）、BX-…（维修中）."""
    return _("已立维修工单 {tickets}").format(tickets=join_list(
        _("{number}（{state}）").format(number=t.number, state=state_name(t.state)) for t in tickets))


def _done_in(q: Quarter, project_ids):
    """The condition on Visit of `findings`' visits: done, planned in the quarter (a join on the quarter
    rather than a list of tens of thousands of visit ids)."""
    condition = (Visit.planned_on >= q.start) & (Visit.planned_on <= q.end) & (Visit.status == vs.DONE)
    return condition & Visit.project.in_(project_ids) if project_ids is not None else condition


def findings(visits: list[QuarterVisit], q: Quarter, project_ids=None) -> list[Finding]:
    """Problems found on the quarter's visits (`visits`: `quarter_visits(q, project_ids)`) and what
    was done about them."""
    ids = [v.id for v in visits if v.status == vs.DONE]
    by_id = {v.id: v for v in visits}
    out: list[Finding] = []
    seen_text = set()
    found_by_visit: dict[int, list[Ticket]] = {}
    if ids:
        for t in (Ticket.select(Ticket.id, Ticket.number, Ticket.state, Ticket.source_visit)
                  .join(Visit, on=(Ticket.source_visit == Visit.id)).where(_done_in(q, project_ids))
                  .order_by(Ticket.id)):
            if t.source_visit_id is not None:  # the query asked for tickets found by these visits
                found_by_visit.setdefault(t.source_visit_id, []).append(t)

    if ids:
        query = (VisitFinding.select(VisitFinding, Ticket).join(Ticket, JOIN.LEFT_OUTER)
                 .switch(VisitFinding).join(Visit).where(_done_in(q, project_ids)).order_by(VisitFinding.id))
        for row in query:
            v = by_id[row.visit_id]
            seen_text.add(v.id)
            tickets = [row.ticket] if row.ticket_id else found_by_visit.get(row.visit_id, [])
            action = _tickets_made(tickets) if tickets else _("未立维修工单：记录在案，下次回访复查")
            out.append(Finding(v.project_code, v.project_name, v.done_at.date() if v.done_at else v.planned_on,
                               _("[{area}] {description}").format(area=area_name(row.area), description=row.description)
                               if row.area else row.description, action,
                               bool(tickets)))
    for v in visits:
        if v.status == vs.DONE and is_problem(v.findings) and v.id not in seen_text:
            tickets = found_by_visit.get(v.id, [])
            if tickets:
                action = _tickets_made(tickets)
            else:
                action = _("未立维修工单：记录在案，下次回访复查") + (
                    _("；业主意见：{opinion}").format(opinion=v.opinion.strip()) if v.opinion.strip() else "")
            out.append(Finding(v.project_code, v.project_name, v.done_at.date() if v.done_at else v.planned_on,
                               findings_text(v.findings.strip()), action, bool(tickets)))
    return sorted(out, key=lambda f: (f.on or dt.date.min, f.project_code))


def previous(q: Quarter, n: int = 1) -> Quarter:
    index = q.year * 4 + (q.number - 1) - n
    return Quarter(index // 4, index % 4 + 1)


def trend(q: Quarter, today: dt.date | None = None, project_ids=None, count: int = 5) -> list[TrendRow]:
    """The headline figures of `q` and the quarters before it, oldest first — two narrow queries
    over the whole span (not one report's worth of queries per quarter)."""
    today = today or dt.date.today()
    grace = on_time_days()
    quarters = [previous(q, n) for n in range(count - 1, -1, -1)]
    rows = {(x.year, x.number): TrendRow(x.code) for x in quarters}
    first, last = quarters[0].start, q.end

    def row_of(day):
        if isinstance(day, dt.datetime):
            day = day.date()
        return rows.get((day.year, (day.month - 1) // 3 + 1))

    # counted by the database per planned day, state and day done (a few thousand groups, not every
    # visit of five quarters); whether a group was on time is still decided here
    done_on = fn.DATE(Visit.done_at)
    visits = (Visit.select(Visit.planned_on, Visit.status, done_on, fn.COUNT(Visit.id), fn.SUM(Visit.score),
                           fn.COUNT(Visit.score))
              .where((Visit.planned_on >= first) & (Visit.planned_on <= last) & (Visit.status != vs.CANCELLED))
              .group_by(Visit.planned_on, Visit.status, done_on))
    for planned_on, status, done_day, n, score_sum, scored in database_proxy.execute(
            _project_filter(visits, Visit, project_ids)):
        planned_on = _day(planned_on)
        r = row_of(planned_on)
        if r is None:
            continue
        r.planned += n
        late = planned_on + dt.timedelta(days=grace)
        if status == vs.DONE:
            r.done += n
            r.judged += n
            if done_day is not None and _day(done_day) <= late:
                r.on_time += n
            r.score_sum += float(score_sum or 0)
            r.scored += scored
        elif status == vs.MISSED or (status == vs.PLANNED and late < today):
            r.judged += n
    start, end = dt.datetime.combine(first, dt.time.min), dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min)
    tickets = Ticket.select(Ticket.reported_at, Ticket.completed_at, Ticket.respond_due, Ticket.responded_at,
                            Ticket.onsite_due, Ticket.onsite_at, Ticket.complete_due).where(
        (Ticket.reported_at >= start) & (Ticket.reported_at < end))
    for reported_at, completed_at, *deadlines in database_proxy.execute(_project_filter(tickets, Ticket, project_ids)):
        r = row_of(_day(reported_at))
        if r is None:
            continue
        r.received += 1
        if completed_at is not None:
            r.completed += 1
            respond_due, responded_at, onsite_due, onsite_at, complete_due = map(_moment, deadlines)
            r.within_sla += bool(_deadlines_met(respond_due, responded_at, onsite_due, onsite_at, complete_due,
                                                _moment(completed_at)))
    return [rows[(x.year, x.number)] for x in quarters]


def item_satisfaction(closed: list[QuarterTicket]) -> list[ItemSatisfaction]:
    """Per warranty item: how the owners rated the repairs closed in the quarter (1–5)."""
    ratings: dict[str, list[int]] = {}
    for t in closed:
        if t.satisfaction is not None:
            ratings.setdefault(t.category, []).append(int(t.satisfaction))
    out = [ItemSatisfaction(key, category_name(key), len(values), sum(values) / len(values),
                            sum(1 for v in values if v >= 4)) for key, values in ratings.items()]
    order = {key: n for n, key in enumerate(cat.CATEGORIES)}
    return sorted(out, key=lambda r: (order.get(r.key, 99), r.key))


def compute(q: Quarter | str, today: dt.date | None = None, project_ids=None) -> QuarterFigures:
    """Every figure of the quarterly report (read-only)."""
    if isinstance(q, str):
        q = parse_quarter(q)
    visits = quarter_visits(q, project_ids)
    received, closed = quarter_tickets(q, project_ids)
    return QuarterFigures(
        quarter=q,
        visits=visit_figures(visits, q, today),
        satisfaction=satisfaction_figures(visits),
        tickets=ticket_figures(received, closed, q),
        deposits=deposits_due(q, today, project_ids),
        projects=project_rows(visits, received, closed),
        findings=findings(visits, q, project_ids),
        trend=trend(q, today, project_ids),
        items=item_satisfaction(closed),
        today=today or dt.date.today(),
    )
