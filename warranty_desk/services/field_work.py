"""Work in the field, from a paired phone (手机端): the crew's work list, a repair and a visit as the
phone shows them, and the phone's submissions — arrival, the repair report (work, materials and
costs, photos, the owner's signature or refusal), the visit record (questionnaire, signature).

Nothing here decides a rule of its own: every step goes through the ticket, visit-record and
attachment services (the same validation, optimistic locking, audit and attachment checks as the
desktop). What this module adds is the phone's side of it:
- a submission is applied once: its idempotency key is claimed in the same transaction as its
  effects (a resent submission gets the stored answer; a failed one leaves nothing, not even the key);
- a submission is all or nothing: one transaction around every service call it makes;
- the history names the person and the phone (audit.acting_as).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict, cast

from peewee import IntegrityError, fn

from ..errors import ConflictError, NotFound, ValidationError
from ..i18n import N_, _, join_list, said
from ..models import AuditLog, PhoneDevice, PhoneSubmission, Visit, database_proxy
from ..rules import responsibility as resp
from ..rules import scoring
from ..rules import sla as sla_rules
from ..rules import ticket_states as st
from ..rules import visit_methods as vm
from ..rules import visit_states as vs
from ..rules.satisfaction import GRADES, grade_name
from ..rules.visit_plan import KIND_NAMES
from ..rules.visit_purposes import purposes_of
from . import attachments, audit, fields, questionnaires, tickets, visit_records
from . import visits as visits_service
from .phones import actor_name

KINDS = ("arrive", "report", "visit")
OUTCOMES = {
    "signed": N_("维修完成，业主验收签字"),
    "refused": N_("维修完成，业主拒签"),
    "done": N_("维修完成，业主稍后验收"),
    "progress": N_("还没修完，下次继续"),
}
ON_SITE = vm.ONSITE  # the visit method a phone records by default
YES_NO = ("是", "否")  # i18n: data (the stored answers of a yes/no question)
MAX_PHOTOS = 12  # per submission; each photo within the attachment rules' size limit
MAX_COST_LINES = 20
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# the states in which the phone may report work, and in which the owner may sign
REPORT_STATES = (st.DISPATCHED, st.ONSITE, st.REPAIRING, st.AWAITING_CHECK)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class WorkItem(TypedDict):
    """A repair or a visit in the crew's work list."""

    kind: str  # ticket / visit
    id: int
    title: str
    place: str
    text: str
    due: dt.datetime | None
    overdue: bool
    due_text: str
    state: str  # the ticket's state by name ('' for a visit)
    urgent: bool


class Image(TypedDict):
    """A photo or signature of a ticket or visit, as the phone lists it."""

    id: int
    kind: str
    kind_name: str
    filename: str
    created_by: str
    created_at: dt.datetime


class TicketView(tickets.TicketDetail):
    """A repair as the crew's phone shows it: the ticket's detail and what the phone adds."""

    owner: str
    owner_phone: str
    tel: str  # the number to dial (digits and +)
    address: str
    photos: list[Image]
    audit_mark: int
    urgent: bool
    awaiting_check: bool
    state_name: str
    default_cost_kind: str
    can_arrive: bool
    can_report: bool
    needs_work: bool
    default_bearer: str
    bearers: list[tuple[str, str]]  # (key, name)
    cost_kinds: list[tuple[str, str]]  # (key, name)
    outcomes: list[tuple[str, str]]  # (key, text)


class QuestionPoints(TypedDict):
    id: int
    weight: float
    points: dict[str, float | None]  # possible answer → its points (None: not scored)


class ScoreTable(TypedDict):
    """What the phone's live score adds up: each question's points by answer, and the grade bands."""

    questions: list[QuestionPoints]
    grades: list[list[Any]]  # [floor, grade name], best first


class VisitView(visit_records.VisitData):
    """A visit as the phone shows it: the visit form's data and what the phone adds."""

    owner: str
    owner_phone: str
    tel: str
    kind_name: str
    status_name: str
    methods: list[tuple[str, str]]  # (key, name)
    default_method: str
    yes_no: list[str]
    scores: ScoreTable
    photos: list[Image]
    audit_mark: int
    can_record: bool


class OfficeChange(TypedDict):
    """An audit row of the record made since the phone loaded it."""

    at: str
    user: str
    note: str
    fields: list[str]


class OfficeVersion(TypedDict):
    """For a conflict: the record as the office has it now, and what changed since."""

    version: int
    rows: list[list[str]]  # [label, value]
    changes: list[OfficeChange]
    audit_mark: int


class StepResult(TypedDict):
    """What one submission did to its record."""

    message: str
    version: int
    state: str
    score: NotRequired[float | None]  # a visit's


class NextStep(TypedDict):
    """The record's state after a submission, and whether the phone has anything left to do on it."""

    state_name: str
    finished: bool
    due_text: NotRequired[str]  # a ticket's next deadline


class SubmitResult(StepResult, NextStep):
    """What the phone is told after a submission (a resent one gets the stored answer, `duplicate`)."""

    status: str
    key: str
    kind: str
    record_id: int
    version_before: int | None
    audit_mark: int
    duplicate: bool


# --- reading ------------------------------------------------------------------------------------

def week_end(today: dt.date) -> dt.date:
    """The Sunday of `today`'s week (the crew sees this week's visits, and any still open before)."""
    return today + dt.timedelta(days=6 - today.weekday())


def work_list(staff_id: int, now: dt.datetime | None = None) -> list[WorkItem]:
    """A crew member's open repairs and this week's visits, the nearest deadline first."""
    now = now or _now()
    items: list[WorkItem] = []
    for row in tickets.open_tickets(now=now, assignee=staff_id):
        items.append({
            "kind": "ticket", "id": row["id"], "title": f'{row["number"]} {_(row["category_name"])}',
            "place": " ".join(x for x in (row["project_name"], row["unit"]) if x), "text": row["description"],
            "due": row["due"], "overdue": row["overdue"], "due_text": row["sla_text"], "state": st.state_name(row["state"]),
            "urgent": row["urgency"] == sla_rules.URGENT,
        })
    end = week_end(now.date())
    where = (Visit.staff == staff_id) & Visit.status.in_(vs.OPEN_STATES) & (Visit.planned_on <= end)
    for visit in visits_service.visit_rows(where, 200):
        day = visit["date"] if isinstance(visit["date"], dt.date) else dt.date.fromisoformat(str(visit["date"]))
        items.append({
            "kind": "visit", "id": visit["id"], "title": _(visit["kind_name"]), "place": visit["project_name"],
            "text": join_list(purposes_of(visit["purposes"]), _("；")), "due": dt.datetime.combine(day, dt.time(18, 0)), "overdue": day < now.date(),
            "due_text": visit_due_text(day, now.date()), "state": "", "urgent": False,
        })
    items.sort(key=lambda i: (not i["overdue"], i["due"] is None, i["due"] or dt.datetime.max))
    return items


def visit_due_text(day: dt.date, today: dt.date) -> str:
    """When a planned visit is due, as the crew's list says it (a visit in the list is always planned)."""
    if day == today:
        return _("今天回访")
    if day < today:
        return _("计划 {day}，已过 {n} 天").format(day=day.isoformat(), n=(today - day).days)
    return _("计划 {day} 回访").format(day=day.isoformat())


def _mine_ticket(ticket_id: int, staff_id: int):
    ticket = tickets.get_ticket(int(ticket_id))
    if ticket.assignee_id != staff_id:
        raise NotFound(_("工单 {number} 没有派给您（可能已改派），请回到任务列表").format(number=ticket.number))
    return ticket


def _mine_visit(visit_id: int, staff_id: int) -> Visit:
    visit = visit_records.get_visit(int(visit_id))
    if visit.staff_id != staff_id:
        raise NotFound(_("这次回访没有安排给您（可能已改派），请回到任务列表"))
    return visit


def last_audit_id(table: str, record_id: int) -> int:
    """The newest audit row of a record: the phone remembers it with the version it loaded, so a
    conflict can list what the office changed since."""
    return (AuditLog.select(fn.MAX(AuditLog.id))
            .where((AuditLog.table == table) & (AuditLog.record_id == record_id)).scalar() or 0)


def _images(table: str, record_id: int) -> list[Image]:
    return [{"id": a.id, "kind": a.kind, "kind_name": _(attachments.KINDS.get(a.kind, a.kind)), "filename": a.filename,
             "created_by": a.created_by, "created_at": a.created_at}
            for a in attachments.list_for(table, record_id) if a.mime.startswith("image/")]


def ticket_view(ticket_id: int, staff_id: int, now: dt.datetime | None = None) -> TicketView:
    """A repair as the crew's phone shows it: who, where, the verdict, what to do next."""
    ticket = _mine_ticket(ticket_id, staff_id)
    d = tickets.ticket_detail(ticket, now=now)
    project, unit = ticket.project, (ticket.unit if ticket.unit_id else None)
    owner = d["reporter"] or (unit.owner_name if unit else "") or project.contact
    phone = d["phone"] or (unit.owner_phone if unit else "") or project.phone
    bearer = ticket.payer if ticket.payer in resp.BEARERS else ""
    return {
        **d,
        "owner": owner, "owner_phone": phone, "tel": dial_number(phone),
        "address": " ".join(x for x in (project.address, d["unit"], d["location"]) if x),
        "photos": _images("ticket", ticket.id), "audit_mark": last_audit_id("ticket", ticket.id),
        "urgent": ticket.urgency == sla_rules.URGENT, "awaiting_check": ticket.state == st.AWAITING_CHECK,
        "state_name": st.state_name(ticket.state),
        "warranty_reason": resp.decision_text(d["warranty_reason"]),  # the program's decision in the phone's language
        "default_cost_kind": tickets.COST_KINDS[1],
        "can_arrive": ticket.state == st.DISPATCHED,
        "can_report": ticket.state in REPORT_STATES,
        "needs_work": ticket.state in (st.DISPATCHED, st.ONSITE, st.REPAIRING),
        "default_bearer": bearer, "bearers": [(b, resp.payer_name(b)) for b in resp.BEARERS],
        "cost_kinds": [(k, tickets.cost_kind_name(k)) for k in tickets.COST_KINDS],
        "outcomes": [(k, _(v)) for k, v in OUTCOMES.items()],
    }


def dial_number(phone: str) -> str:
    """The number a phone dials: the digits (and +) before any extension (转)."""
    return re.sub(r"[^0-9+]", "", phone.split("转")[0]) if phone else ""  # i18n: data


def score_table(template: questionnaires.TemplateData) -> ScoreTable:
    """For the live score on the phone: each question's weight and the points of each possible answer,
    computed here by the scoring rules (the page only adds them up), and the grade bands."""
    questions: list[QuestionPoints] = []
    for q in template["questions"]:
        spec = scoring.QuestionSpec(key=q["id"], kind=q["kind"], weight=float(q["weight"]), area=q["area"],
                                    text=q["text"], choices=tuple((c[0], float(c[1])) for c in q["choices"]))
        if q["kind"] == scoring.SCALE:
            options = [str(n) for n in range(1, 6)]
        elif q["kind"] == scoring.YESNO:
            options = list(YES_NO)
        elif q["kind"] == scoring.CHOICE:
            options = [c[0] for c in q["choices"]]
        else:
            options = []
        questions.append({"id": q["id"], "weight": spec.weight,
                          "points": {o: scoring.answer_score(spec, o) for o in options}})
    return {"questions": questions, "grades": [[floor, grade_name(name)] for floor, name in GRADES]}


def visit_view(visit_id: int, staff_id: int) -> VisitView:
    """A visit as the phone shows it: the project, the purposes, the questionnaire of its version."""
    visit = _mine_visit(visit_id, staff_id)
    data = visit_records.visit_data(visit.id)
    unit = visit.unit if visit.unit_id else None
    phone = (unit.owner_phone if unit else "") or data["phone"]
    return {
        **data,
        "owner": (unit.owner_name if unit else "") or data["contact"], "owner_phone": phone,
        "tel": dial_number(phone),
        "kind_name": _(KIND_NAMES.get(visit.kind, visit.kind)),
        "status_name": _(vs.NAMES.get(visit.status, visit.status)),
        "methods": [(m, vm.method_name(m)) for m in vm.METHODS], "default_method": ON_SITE, "yes_no": list(YES_NO),
        "purposes": "\n".join(purposes_of(data["purposes"])),
        "scores": score_table(data["template"]),
        "photos": _images("visit", visit.id), "audit_mark": last_audit_id("visit", visit.id),
        "can_record": visit.status in vs.RECORDABLE_STATES,
    }


def attachment_for(attachment_id: int, staff_id: int):
    """An image of a ticket or visit of this crew member (a phone sees only its own work)."""
    att = attachments.get_attachment(int(attachment_id))
    if att.owner_table == "ticket":
        _mine_ticket(att.owner_id, staff_id)
    elif att.owner_table == "visit":
        _mine_visit(att.owner_id, staff_id)
    else:
        raise NotFound(_("找不到附件（编号 {id}）").format(id=attachment_id))
    return att


def office_version(table: str, record_id: int, since_audit_id: int) -> OfficeVersion:
    """For a conflict: the record as the office has it now, and what was changed since the phone
    loaded it (who, when, what)."""
    d: Mapping[str, Any]
    if table == "ticket":
        d = tickets.ticket_detail(int(record_id))
        rows = [(_("状态"), st.state_name(d["state"])), (_("维修人"), d["assignee"] or d["subcontractor"]),
                (_("报修内容"), d["description"]), (_("紧急程度"), sla_rules.urgency_name(d["urgency"])),
                (_("责任"), resp.cause_name(d["cause_class"]) if d["cause_class"] else ""),
                (_("验收"), d["signoff_by"] or d["signoff_note"])]
        version = d["version"]
    else:
        d = visit_records.visit_data(int(record_id))
        rows = [(_("状态"), _(vs.NAMES.get(d["status"], d["status"]))),
                (_("计划日期"), str(d["planned_on"])), (_("回访人"), d["visitor"]), (_("被访人"), d["met_person"]),
                (_("业主意见"), d["opinion"]), (_("满意度"), grade_name(d["grade"]))]
        version = d["version"]
    changes: list[OfficeChange] = [
        {"at": r.at.strftime("%Y-%m-%d %H:%M") if r.at else "", "user": r.user, "note": audit.note_text(r.note) or r.action,
         "fields": sorted(set(json.loads(r.new or "{}") or {}) - {"id", "version"}) if (r.new or "").startswith("{") else []}
        for r in AuditLog.select().where((AuditLog.table == table) & (AuditLog.record_id == int(record_id))
                                         & (AuditLog.id > int(since_audit_id or 0))).order_by(AuditLog.id)
    ]
    return {"version": version, "rows": [[a, b or ""] for a, b in rows], "changes": changes,
            "audit_mark": last_audit_id(table, int(record_id))}


# --- submissions --------------------------------------------------------------------------------

@dataclass
class Upload:
    filename: str
    data: bytes


@dataclass
class Submission:
    """What a phone sent: the kind, the record, its fields and files."""

    key: str
    kind: str
    record_id: int
    expected_version: int | None
    fields: dict = field(default_factory=dict)
    photos: list[Upload] = field(default_factory=list)
    signature: bytes | None = None


def _check_key(key: str) -> str:
    if not key or not _KEY.match(key):
        raise ValidationError(_("提交缺少有效的编号，请刷新页面后重新提交"), field="key")
    return key


def _moment(value, label: str) -> dt.datetime | None:
    """A time the phone stamped (its clock, ISO text like 2026-11-29T14:30:05), None when not given."""
    if value in (None, ""):
        return None
    try:
        return dt.datetime.fromisoformat(str(value).strip()).replace(microsecond=0, tzinfo=None)
    except ValueError:
        raise ValidationError(_("{label}“{raw}”看不懂，请重新填写").format(label=label, raw=value), field="at") from None


def _satisfaction(value) -> int | None:
    if value in (None, ""):
        return None
    if str(value).strip() not in ("1", "2", "3", "4", "5"):
        raise ValidationError(_("满意度请选 1 到 5 分"), field="satisfaction")
    return int(value)


def _text(value, max_length: int, label: str, name: str) -> str:
    return fields.checked(lambda v: fields.text(v, max_length, label), value, label, name, False)


def _stored(device: PhoneDevice, key: str) -> SubmitResult | None:
    row = PhoneSubmission.get_or_none((PhoneSubmission.device == device.id) & (PhoneSubmission.key == key))
    if row is None or not row.result:
        return None
    result = cast(SubmitResult, json.loads(row.result))  # stored by `submit` as it answered
    result["duplicate"] = True
    return result


def submit(device: PhoneDevice, sub: Submission, now: dt.datetime | None = None) -> SubmitResult:
    """Apply a phone's submission once. Returns what the phone is told (status, message, the
    record's new version). A submission whose key was applied before gets the stored answer
    (`duplicate`) and changes nothing. ValidationError / ConflictError: nothing was written."""
    _check_key(sub.key)
    if sub.kind not in KINDS:
        raise ValidationError(_("未知的提交类型“{kind}”").format(kind=sub.kind), field="kind")
    if device.revoked_at is not None:
        raise ValidationError(_("本手机已被撤销配对，不能再提交"), field="device")
    stored = _stored(device, sub.key)
    if stored is not None:
        return stored
    if len(sub.photos) > MAX_PHOTOS:
        raise ValidationError(_("一次最多上传{n}张照片，请分几次提交").format(n=MAX_PHOTOS), field="photos")
    now = now or _now()
    staff = device.staff
    actor = actor_name(staff.name, device.name)
    table = "visit" if sub.kind == "visit" else "ticket"
    try:
        with audit.acting_as(actor), database_proxy.atomic():
            # the key first: a second copy of this submission waits here, then finds it taken
            claim = PhoneSubmission.create(device=device.id, key=sub.key, kind=sub.kind, record_table=table,
                                           record_id=sub.record_id, received_at=now)
            if sub.kind == "arrive":
                done = _arrive(sub, staff, actor, now)
            elif sub.kind == "report":
                done = _report(sub, staff, actor, now)
            else:
                done = _visit(sub, staff, now)
            result: SubmitResult = {
                **done, "status": "saved", "key": sub.key, "kind": sub.kind, "record_id": sub.record_id,
                "version_before": sub.expected_version, "audit_mark": last_audit_id(table, sub.record_id),
                **_next_step(table, sub.record_id), "duplicate": False}
            kept = {k: v for k, v in result.items() if k != "duplicate"}  # the stored answer: a resend says duplicate
            PhoneSubmission.update(result=json.dumps(kept, ensure_ascii=False, default=str)).where(
                PhoneSubmission.id == claim.id).execute()
    except IntegrityError:
        stored = _stored(device, sub.key)
        if stored is None:
            raise
        return stored
    return result


def _next_step(table: str, record_id: int) -> NextStep:
    """What the phone shows after a submission: the record's state by name, and whether the phone
    has anything left to do on it (`finished`: its forms are taken off the page)."""
    if table == "ticket":
        ticket = tickets.get_ticket(record_id)
        # the deadline line: the next deadline while open, nothing once closed (the state says it)
        due = "" if ticket.state in st.FINAL_STATES else _(tickets.ticket_detail(ticket)["sla_text"])
        return {"state_name": st.state_name(ticket.state), "finished": ticket.state not in REPORT_STATES, "due_text": due}
    visit = visit_records.get_visit(record_id)
    return {"state_name": _(vs.NAMES.get(visit.status, visit.status)),
            "finished": visit.status not in vs.OPEN_STATES}


def _check_version(record, expected: int | None) -> None:
    if expected is not None and record.version != expected:
        raise ConflictError(_("办公室在您填写期间修改了这条记录。请对照两边的内容，确认后重新提交（您的输入已保留）"))


def _arrive(sub: Submission, staff, actor: str, now: dt.datetime) -> StepResult:
    ticket = _mine_ticket(sub.record_id, staff.id)
    _check_version(ticket, sub.expected_version)
    at = _moment(sub.fields.get("at"), _("到场时间")) or now
    if ticket.state != st.DISPATCHED:
        raise ValidationError(
            _("工单当前为“{s}”，不能再签到“已到场”").format(s=st.state_name(ticket.state)), field="state")
    ticket = tickets.transition(ticket.id, st.ONSITE, said(tickets.common.CHECKED_IN_BY_PHONE), by=actor, at=at)
    return {"message": _("已记录到场：{at}").format(at=at.strftime("%H:%M")), "version": ticket.version,
            "state": ticket.state}


def _cost_lines(raw) -> list[dict]:
    if raw in (None, ""):
        return []
    lines = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(lines, list):
        raise ValidationError(_("材料和费用的格式不对，请重新填写"), field="costs")
    lines = [c for c in lines if isinstance(c, dict) and any(str(c.get(k) or "").strip()
                                                            for k in ("description", "amount", "unit_price"))]
    if len(lines) > MAX_COST_LINES:
        raise ValidationError(_("材料和费用最多{n}行").format(n=MAX_COST_LINES), field="costs")
    return lines


def _report(sub: Submission, staff, actor: str, now: dt.datetime) -> StepResult:
    """The repair report, step by step through the ticket service, in one transaction."""
    f = sub.fields
    outcome = f.get("outcome") or ""
    if outcome not in OUTCOMES:
        raise ValidationError(_("请选择维修结果"), field="outcome")
    work = _text(f.get("work"), 1000, _("维修情况"), "work")
    at = _moment(f.get("done_at"), _("完成时间")) or now
    arrived = _moment(f.get("arrived_at"), _("到场时间")) or at
    ticket = _mine_ticket(sub.record_id, staff.id)
    _check_version(ticket, sub.expected_version)
    if ticket.state not in REPORT_STATES:
        raise ValidationError(_("工单当前为“{s}”，不能在手机上登记维修").format(s=st.state_name(ticket.state)), field="state")
    finished = outcome in ("signed", "refused", "done")
    if finished and ticket.state != st.AWAITING_CHECK and not work:
        raise ValidationError(_("请填写维修情况（做了什么）"), field="work")
    if ticket.state == st.DISPATCHED:
        ticket = tickets.transition(ticket.id, st.ONSITE, said(tickets.common.CHECKED_IN_BY_PHONE), by=actor, at=min(arrived, at))
    if ticket.state == st.ONSITE:
        ticket = tickets.transition(ticket.id, st.REPAIRING, "" if finished else work, by=actor, at=at)
    elif outcome == "progress" and work:
        audit.record("progress", "ticket", ticket.id, None, {"work": work}, work)
    for n, line in enumerate(_cost_lines(f.get("costs")), 1):
        try:
            tickets.add_cost_line(ticket.id, line.get("kind") or tickets.COST_KINDS[1], line.get("description"),
                                  line.get("amount"), quantity=line.get("quantity") or 1,
                                  unit_price=line.get("unit_price"), borne_by=line.get("borne_by") or None)
        except ValidationError as exc:
            raise ValidationError(_("第{n}行费用：{m}").format(n=n, m=exc.message), field="costs") from None
    for photo in sub.photos:
        tickets.attach_file(ticket.id, photo.data, "photo", photo.filename)
    ticket = tickets.get_ticket(ticket.id)
    if finished and ticket.state == st.REPAIRING:
        ticket = tickets.transition(ticket.id, st.AWAITING_CHECK, work, by=actor, at=at)
    satisfaction = _satisfaction(f.get("satisfaction"))
    if outcome == "signed":
        ticket = tickets.sign_off(ticket.id, "screen", f.get("signer") or "", at=at, signature_png=sub.signature,
                                  note=f.get("remark") or "", satisfaction=satisfaction, close=True, by=actor)
    elif outcome == "refused":
        ticket = tickets.sign_off(ticket.id, "refused", f.get("signer") or "", at=at,
                                  note=f.get("refusal") or "", satisfaction=satisfaction, close=True, by=actor)
    ticket = tickets.get_ticket(ticket.id)
    return {"message": _("已提交：工单 {number} 现为“{s}”").format(number=ticket.number, s=st.state_name(ticket.state)),
            "version": ticket.version, "state": ticket.state}


def _visit(sub: Submission, staff, now: dt.datetime) -> StepResult:
    f = sub.fields
    visit = _mine_visit(sub.record_id, staff.id)
    answers = f.get("answers") or {}
    if isinstance(answers, str):
        answers = json.loads(answers or "{}")
    data = {
        "method": f.get("method") or ON_SITE,
        "done_at": _moment(f.get("done_at"), _("回访时间")) or now,
        "visitor": f.get("visitor") or staff.name,
        "met_person": f.get("met_person"),
        "opinion": f.get("opinion"),
        "answers": answers,
        "template_id": f.get("template_id") or None,
    }
    record = visit_records.record_visit(visit.id, data, expected_version=sub.expected_version, now=now)
    if sub.signature:
        attachments.attach("visit", visit.id, sub.signature, kind="signature",
                           filename=_("回访签名-{id}.png").format(id=visit.id))
    for photo in sub.photos:
        attachments.attach("visit", visit.id, photo.data, kind="photo", filename=photo.filename)
    grade = grade_name(record.grade) if record.grade else _("未评分")
    return {"message": _("回访已记录：{grade}").format(grade=grade), "version": record.version,
            "state": record.status, "score": record.score}


def questionnaire_of(visit_id: int) -> questionnaires.TemplateData:
    """The questionnaire a visit is answered with (its own version once recorded)."""
    visit = visit_records.get_visit(int(visit_id))
    template = visit.template or questionnaires.active_template()
    return questionnaires.template_data(template)
