"""年度回访计划: every visit of a year, its sign-off (编制 → 审核 → 审批), bulk staff assignment,
balancing a month across staff, and the .xlsx export (the PDF is documents/visit_plan_table.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path
from typing import TypedDict

from peewee import JOIN, fn

from warranty_desk.i18n import N_, _, join_list, nested, said

from ..errors import ValidationError
from ..fileio import shared_file
from ..models import Project, Staff, Visit, VisitPlanApproval, database_proxy, tuples
from ..rules import visit_states as vs
from ..rules.visit_methods import method_name
from ..rules.visit_plan import KIND_NAMES
from ..rules.visit_purposes import purpose_text
from . import audit

STEPS = ("compiled", "reviewed", "approved")
STEP_NAMES = {"compiled": N_("编制"), "reviewed": N_("审核"), "approved": N_("审批")}
PLAN_SIGNED = audit.note(N_("{year}年回访计划{label}"))  # the audit note of a signature
MIN_YEAR, MAX_YEAR = 2000, 2100


def _check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError(_("“{year}”不是年份").format(year=year), field="year") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(_("年份 {year} 不在 {MIN_YEAR}–{MAX_YEAR} 之间").format(year=year, MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR), field="year")
    return year


# --- the plan -------------------------------------------------------------------------------

class PlanRow(TypedDict):
    """A visit of the annual plan."""

    id: int
    version: int
    date: dt.date
    original_date: dt.date | None
    project_id: int
    project_code: str
    project_name: str
    contact: str
    phone: str
    address: str
    kind: str
    kind_name: str
    purposes: list[str]
    method: str
    staff_id: int | None
    staff: str
    status: str
    status_name: str


def plan_rows(year: int, month: int | None = None, staff_id: int | None = None) -> list[PlanRow]:
    """The year's visits (cancelled ones left out), in date order, as plain rows."""
    year = _check_year(year)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if month:
        start = dt.date(year, month, 1)
        end = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
    query = (
        Visit.select(Visit.id, Visit.version, Visit.planned_on, Visit.kind, Visit.purposes, Visit.method,
                     Visit.status, Visit.staff, Visit.project, Visit.original_planned_on,
                     Project.id, Project.code, Project.name, Project.contact, Project.phone, Project.address,
                     Staff.id, Staff.name)
        .join(Project).switch(Visit).join(Staff, JOIN.LEFT_OUTER)
        .where(Visit.planned_on.between(start, end) & (Visit.status != vs.CANCELLED))
        .order_by(Visit.planned_on, Project.code, Visit.id)
    )
    if staff_id:
        query = query.where(Visit.staff == staff_id)
    rows: list[PlanRow] = []
    for (vid, version, planned_on, kind, purposes, method, status, staff_id, project_id, original,
         _pid, code, name, contact, phone, address, _sid, staff_name) in tuples(query):
        rows.append({
            "id": vid, "version": version, "date": planned_on, "original_date": original,
            "project_id": project_id, "project_code": code, "project_name": name,
            "contact": contact, "phone": phone, "address": address,
            "kind": kind, "kind_name": KIND_NAMES.get(kind, kind),
            "purposes": [p for p in (purposes or "").split("\n") if p.strip()],
            "method": method, "staff_id": staff_id, "staff": staff_name or "",
            "status": status, "status_name": vs.name(status),
        })
    return rows


def month_counts(year: int) -> dict[int, Counter]:
    """month → Counter(staff name → visits) for the year's planned visits."""
    result: dict[int, Counter] = defaultdict(Counter)
    for row in plan_rows(year):
        result[row["date"].month][row["staff"] or "未指派"] += 1
    return dict(result)


# --- approval -------------------------------------------------------------------------------

class Approval(TypedDict):
    """The year's plan sign-off: who signed each step (STEPS) and when; `state` names the last step signed."""

    year: int
    compiled_by: str
    compiled_on: dt.date | None
    reviewed_by: str
    reviewed_on: dt.date | None
    approved_by: str
    approved_on: dt.date | None
    state: str  # STEP_NAMES' text of the last signed step, '' when none


def approval(year: int) -> Approval:
    year = _check_year(year)
    row = VisitPlanApproval.get_or_none(VisitPlanApproval.year == year)

    def by(step: str) -> str:
        return getattr(row, f"{step}_by") if row else ""

    def on(step: str) -> dt.date | None:
        return getattr(row, f"{step}_on") if row else None

    return {"year": year, "compiled_by": by("compiled"), "compiled_on": on("compiled"),
            "reviewed_by": by("reviewed"), "reviewed_on": on("reviewed"),
            "approved_by": by("approved"), "approved_on": on("approved"),
            "state": next((STEP_NAMES[s] for s in reversed(STEPS) if by(s)), "")}


def signature(signed: Approval, step: str) -> tuple[str, dt.date | None]:
    """Who signed one step of the plan (STEPS) and when; ('', None) while unsigned."""
    by, on = {"compiled": (signed["compiled_by"], signed["compiled_on"]),
              "reviewed": (signed["reviewed_by"], signed["reviewed_on"]),
              "approved": (signed["approved_by"], signed["approved_on"])}[step]
    return by, on


def sign(year: int, step: str, name: str, on: dt.date, today: dt.date | None = None) -> Approval:
    """Sign one step of the plan: 编制 first, then 审核, then 审批; each on or after the one before.

    Changing a step is refused once a later step is signed (withdraw the sign-off first)."""
    year = _check_year(year)
    today = today or dt.date.today()
    if step not in STEPS:
        raise ValidationError(_("签字环节只能是 编制、审核 或 审批"), field="step")
    label = STEP_NAMES[step]
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("请填写{label}人姓名").format(label=label), field=f"{step}_by")
    if len(name) > 60:
        raise ValidationError(_("{label}人姓名太长（最多60字）").format(label=label), field=f"{step}_by")
    if on is None:
        raise ValidationError(_("请填写{label}日期").format(label=label), field=f"{step}_on")
    if on > today:
        raise ValidationError(_("{label}日期（{on}）在将来，请核对").format(label=label, on=on), field=f"{step}_on")
    index = STEPS.index(step)
    with database_proxy.atomic():
        row = VisitPlanApproval.get_or_none(VisitPlanApproval.year == year) or VisitPlanApproval(year=year)
        old = audit.snapshot(row) if row.id else None
        if index > 0:
            before = STEPS[index - 1]
            if not getattr(row, f"{before}_by"):
                raise ValidationError(_("请先完成“{value}”签字，再{label}").format(value=STEP_NAMES[before], label=label), field=f"{step}_by")
            if on < getattr(row, f"{before}_on"):
                raise ValidationError(
                    _("{label}日期（{on}）早于{value}日期（{getattr}），请核对").format(label=label, on=on, value=STEP_NAMES[before], getattr=getattr(row, f"{before}_on")),
                    field=f"{step}_on")
        for later in STEPS[index + 1:]:
            if getattr(row, f"{later}_by"):
                raise ValidationError(
                    _("计划已{value}，不能再修改{label}；如需修改，请先撤回签字").format(value=STEP_NAMES[later], label=label), field=f"{step}_by")
        setattr(row, f"{step}_by", name)
        setattr(row, f"{step}_on", on)
        row.save()
        audit.record("sign", "visit_plan_approval", row.id, old, audit.snapshot(row), said(PLAN_SIGNED, year=year, label=nested(STEP_NAMES[step])))
    return approval(year)


def withdraw(year: int, reason: str) -> Approval:
    """Clear every signature of the year's plan (the audit log keeps the old ones)."""
    year = _check_year(year)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写撤回签字的原因"), field="reason")
    with database_proxy.atomic():
        row = VisitPlanApproval.get_or_none(VisitPlanApproval.year == year)
        if row is None:
            return approval(year)
        old = audit.snapshot(row)
        for step in STEPS:
            setattr(row, f"{step}_by", "")
            setattr(row, f"{step}_on", None)
        row.save()
        audit.record("withdraw", "visit_plan_approval", row.id, old, audit.snapshot(row), reason)
    return approval(year)


# --- staff ----------------------------------------------------------------------------------

def _active_staff(staff_id: int) -> Staff:
    staff = Staff.get_or_none(Staff.id == staff_id)
    if staff is None:
        raise ValidationError(_("所选人员不存在，请刷新后重选"), field="staff")
    if not staff.active:
        raise ValidationError(_("“{name}”已停用，不能再安排回访").format(name=staff.name), field="staff")
    return staff


def assign_staff(visit_ids: list[int], staff_id: int) -> int:
    """Give the selected planned visits to one person. Visits already recorded keep who did them.
    Returns how many visits changed."""
    if not visit_ids:
        raise ValidationError(_("请先选择要指派的回访"), field="visits")
    with database_proxy.atomic():
        staff = _active_staff(staff_id)
        visits = list(Visit.select(Visit.id, Visit.staff, Visit.status, Visit.version)
                      .where(Visit.id.in_(list(visit_ids))))
        if len(visits) != len(set(visit_ids)):
            raise ValidationError(_("有的回访已不存在，请刷新后重选"), field="visits")
        changed = [v for v in visits if v.status == vs.PLANNED and v.staff_id != staff.id]
        if not changed:
            return 0
        ids = [v.id for v in changed]
        Visit.update(staff=staff, version=Visit.version + 1).where(Visit.id.in_(ids)).execute()
        audit.record("assign", "visit", None, {str(v.id): v.staff_id for v in changed},
                     {str(v.id): staff.id for v in changed}, _("批量指派给{name}：{n}次回访").format(name=staff.name, n=len(ids)))
    return len(changed)


def balance_month(year: int, month: int, staff_ids: list[int] | None = None) -> dict[str, int]:
    """Spread a month's planned visits evenly over the staff (counts differ by at most one),
    keeping each project's visits with one person where the counts allow, and preferring the
    person who already has the project. Returns staff name → visits after balancing."""
    year = _check_year(year)
    if not 1 <= int(month) <= 12:
        raise ValidationError(_("月份必须在 1 到 12 之间"), field="month")
    with database_proxy.atomic():
        if staff_ids:
            people = [_active_staff(i) for i in staff_ids]
        else:
            people = list(Staff.select().where(Staff.active == True).order_by(Staff.id))  # noqa: E712
        if not people:
            raise ValidationError(_("没有在职人员可以安排回访，请先在“设置”中添加人员"), field="staff")
        start = dt.date(year, month, 1)
        end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        visits = list(Visit.select(Visit.id, Visit.project, Visit.staff, Visit.planned_on)
                      .where(Visit.planned_on.between(start, end) & (Visit.status == vs.PLANNED))
                      .order_by(Visit.planned_on, Visit.id))
        if not visits:
            return {p.name: 0 for p in people}
        ids = [p.id for p in people]
        n, k = len(visits), len(people)
        quota = {pid: n // k + (1 if i < n % k else 0) for i, pid in enumerate(ids)}
        by_project: dict[int, list] = defaultdict(list)
        for v in visits:
            by_project[v.project_id].append(v)
        holder = {}
        for pid_, group in by_project.items():
            owners = Counter(v.staff_id for v in group if v.staff_id in ids)
            holder[pid_] = owners.most_common(1)[0][0] if owners else None
        load = dict.fromkeys(ids, 0)
        assignment: dict[int, int] = {}
        # whole projects first, largest first: to the current holder if it fits, else the least loaded
        for project_id in sorted(by_project, key=lambda p: (-len(by_project[p]), p)):
            group = by_project[project_id]
            size = len(group)
            fits = [pid for pid in ids if load[pid] + size <= quota[pid]]
            if holder[project_id] in fits:
                target = holder[project_id]
            elif fits:
                target = min(fits, key=lambda pid: (load[pid] - quota[pid], ids.index(pid)))
            else:
                target = None
            if target is not None:
                for v in group:
                    assignment[v.id] = target
                load[target] += size
                continue
            # too big for anyone's remaining quota: fill the holder (or the least loaded) first, then others
            order = sorted(ids, key=lambda pid: (pid != holder[project_id], load[pid] - quota[pid]))
            for v in group:
                target = next(pid for pid in order if load[pid] < quota[pid])
                assignment[v.id] = target
                load[target] += 1
        changes = [(v, assignment[v.id]) for v in visits if v.staff_id != assignment[v.id]]
        for v, target in changes:
            Visit.update(staff=target, version=Visit.version + 1).where(Visit.id == v.id).execute()
        if changes:
            audit.record("balance", "visit", None, {str(v.id): v.staff_id for v, _ in changes},
                         {str(v.id): t for v, t in changes}, _("{year}年{month}月回访均衡分配：{n}次调整").format(year=year, month=month, n=len(changes)))
    names = {p.id: p.name for p in people}
    return {names[pid]: load[pid] for pid in ids}


# --- export ---------------------------------------------------------------------------------

HEADERS = [N_("序号"), N_("计划日期"), N_("工程编号"), N_("工程名称"), N_("回访类型"), N_("回访目的"), N_("回访方式"), N_("负责人"),
           N_("联系人"), N_("联系电话"), N_("工程地址"), N_("状态")]


def export_xlsx(year: int, path: str | Path) -> int:
    """The year's plan as an .xlsx sheet (with the sign-off below); returns the number of visits."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from ..xlsx_text import safe_row

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise ValidationError(_("导出文件的扩展名应为 .xlsx"), field="file")
    rows = plan_rows(year)
    signed = approval(year)
    book = Workbook()
    sheet = book.active
    sheet.title = _("{year}年回访计划").format(year=year)
    sheet.append(safe_row(sheet, [_("{year}年度工程回访计划表").format(year=year)]))
    sheet["A1"].font = Font(size=14, bold=True)
    sheet.append(safe_row(sheet, [_(h) for h in HEADERS]))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EDF3")
    for n, r in enumerate(rows, 1):
        sheet.append(safe_row(sheet, [
            n, r["date"], r["project_code"], r["project_name"], _(r["kind_name"]),
            join_list((purpose_text(x) for x in r["purposes"]), _("；")), method_name(r["method"]), r["staff"],
            r["contact"], r["phone"], r["address"], r["status_name"]]))
        sheet.cell(row=n + 2, column=2).number_format = "yyyy-mm-dd"
    sheet.append([])
    for step in STEPS:
        by, on = signature(signed, step)
        sheet.append(safe_row(sheet, [_(STEP_NAMES[step]), by, _("日期"), on]))
        if on:
            sheet.cell(row=sheet.max_row, column=4).number_format = "yyyy-mm-dd"
    widths = [6, 12, 14, 28, 14, 50, 10, 10, 10, 16, 30, 10]
    for i, w in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = w
    for row in sheet.iter_rows(min_row=3, max_row=len(rows) + 2, min_col=6, max_col=6):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    with shared_file(target) as tmp:
        book.save(tmp)
    return len(rows)


def staff_counts(year: int, month: int) -> list[tuple[str, int]]:
    """(staff name, planned visits) of a month, for the balance preview."""
    start = dt.date(year, month, 1)
    end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    query = (Visit.select(Staff.name, fn.COUNT(Visit.id)).join(Staff, JOIN.LEFT_OUTER)
             .where(Visit.planned_on.between(start, end) & (Visit.status == vs.PLANNED))
             .group_by(Staff.name).order_by(Staff.name))
    return [(name or _("未指派"), n) for name, n in tuples(query)]
