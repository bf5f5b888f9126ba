"""Repair tickets: the state machine, intake and the warranty decision, repeats, numbers,
dispatch, responsibility and cost, sign-off, the after-repair visit, queries, CLI, audit."""

import datetime as dt
import io
import itertools
import json
from decimal import Decimal

import pytest
from peewee import IntegrityError
from PIL import Image

from warranty_desk import cli
from warranty_desk.errors import ValidationError
from warranty_desk.models import (
    Attachment,
    AuditLog,
    CostLine,
    Staff,
    Subcontractor,
    Ticket,
    TicketEvent,
    Unit,
    Visit,
    WarrantyItem,
)
from warranty_desk.rules import responsibility as resp
from warranty_desk.rules import ticket_states as st
from warranty_desk.rules.repairs import after_repair_date
from warranty_desk.rules.responsibility import decision_text
from warranty_desk.rules.workdays import is_working_day
from warranty_desk.services import tickets
from warranty_desk.services.handover import handover

D = dt.datetime

# every legal transition: (from, to, reason required)
LEGAL_NAMES = {
    ("已受理", "已派工"): False, ("已受理", "非保修/有偿"): False, ("已受理", "业主另行委托"): True,
    ("已受理", "已撤销"): True,
    ("非保修/有偿", "已派工"): False, ("非保修/有偿", "已关闭"): True, ("非保修/有偿", "已撤销"): True,
    ("已派工", "已到场"): False, ("已派工", "已受理"): True, ("已派工", "业主另行委托"): True,
    ("已派工", "已撤销"): True,
    ("已到场", "维修中"): False, ("已到场", "非保修/有偿"): True, ("已到场", "业主另行委托"): True,
    ("已到场", "已撤销"): True,
    ("维修中", "待验收"): False,
    ("待验收", "已关闭"): False, ("待验收", "维修中"): True,
    ("业主另行委托", "已关闭"): False,
}
LEGAL = {(st.LEGACY[a], st.LEGACY[b]): v for (a, b), v in LEGAL_NAMES.items()}  # stored as keys
ALL_PAIRS = list(itertools.product(st.STATES, st.STATES))


@pytest.mark.parametrize("source, target", ALL_PAIRS)
def test_every_transition_is_legal_or_refused(source, target):
    if (source, target) in LEGAL:
        needs_reason = LEGAL[(source, target)]
        assert st.transition(source, target).reason_required is needs_reason
        assert target in st.next_states(source)
        if needs_reason:
            with pytest.raises(st.IllegalTransition, match="须写明原因"):
                st.check(source, target, "  ")
        assert st.check(source, target, "原因").target == target
    else:
        assert target not in st.next_states(source)
        with pytest.raises(st.IllegalTransition):
            st.check(source, target, "任何原因")


def test_final_states_go_nowhere_and_unknown_states_are_named():
    assert st.next_states("已关闭") == () and st.next_states("已撤销") == ()
    with pytest.raises(st.IllegalTransition, match="不能再改为"):
        st.check("已关闭", "维修中")
    with pytest.raises(st.IllegalTransition, match="未知的工单状态“完工”"):
        st.check("已受理", "完工")
    with pytest.raises(st.IllegalTransition, match="可改为：已派工 / 非保修/有偿 / 业主另行委托 / 已撤销"):
        st.check("已受理", "已关闭")


# --- cost allocation per cause class ---------------------------------------------------------

@pytest.mark.parametrize("cause, sub, payer, quote, deductible", [
    ("施工质量", False, "us", False, True),
    ("施工质量", True, "subcontractor", False, True),
    ("设计原因", False, "owner", True, False),
    ("业主指定材料", True, "owner", True, False),
    ("使用不当", False, "owner", True, False),
    ("第三方损坏", False, "owner", True, False),
    ("不可抗力", False, "separate", False, False),
    ("超出保修期", False, "owner", True, False),
])
def test_cause_class_decides_who_pays(cause, sub, payer, quote, deductible):
    a = resp.allocate(cause, subcontractor_responsible=sub)
    assert (a.payer, a.needs_quote, a.deductible) == (payer, quote, deductible)
    assert a.free_to_owner is (payer in ("us", "subcontractor"))


def test_cause_must_agree_with_the_warranty_decision():
    with pytest.raises(ValueError, match="不能选“超出保修期”"):
        resp.check_cause("超出保修期", in_warranty=True)
    with pytest.raises(ValueError, match="已过保修期"):
        resp.check_cause("施工质量", in_warranty=False)
    with pytest.raises(ValueError, match="责任类别"):
        resp.check_cause("天灾", in_warranty=True)


# --- fixtures ---------------------------------------------------------------------------------

@pytest.fixture
def office(db, make_project):
    """A residential project accepted 2024-06-15 (roof waterproofing to 2029-06-15, plumbing to
    2026-06-15), one unit, staff, and a subcontractor responsible for the roof."""
    project = make_project(code="YG-1", name="阳光花园")
    handover(project.id)
    unit = Unit.create(project=project, building="1号楼", entrance="1单元", room="101",
                       owner_name="王业主", owner_phone="13800000001")
    sub = Subcontractor.create(name="东方防水公司", trade="防水")
    WarrantyItem.update(subcontractor=sub).where(
        (WarrantyItem.project == project) & (WarrantyItem.key == "roof_waterproofing")).execute()
    worker = Staff.create(name="张师傅")
    return {"project": project, "unit": unit, "sub": sub, "worker": worker}


def _intake(**overrides):
    data = {"project": "YG-1", "unit": "1号楼-1单元-101", "reporter": "王业主", "phone": "13800000001",
            "channel": "电话", "location": "顶层卧室", "category": "roof_waterproofing",
            "description": "雨后天花板渗水", "urgency": "一般", "reported_at": D(2026, 11, 2, 9, 0)}
    data.update(overrides)
    return tickets.create_ticket(data)


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (60, 20), "white").save(buf, "PNG")
    return buf.getvalue()


# --- intake -----------------------------------------------------------------------------------

def test_intake_saves_the_ticket_with_deadlines_and_first_event(office):
    intake = _intake(urgency="紧急", reported_at=D(2026, 10, 31, 23, 0))
    t = Ticket.get_by_id(intake.ticket.id)
    assert t.number == "BX-2026-0001" and t.state == "received"
    assert t.respond_due == D(2026, 11, 1, 1, 0) and t.onsite_due == D(2026, 11, 1, 3, 0)
    assert t.in_warranty and decision_text(t.warranty_reason) == "屋面防水工程 保修至 2029-06-15，剩余 958 天"
    assert [(e.from_state, e.to_state) for e in t.events] == [("", "received")]
    assert AuditLog.select().where((AuditLog.table == "ticket") & (AuditLog.action == "create")).count() == 1


def test_warranty_on_the_items_last_day_and_the_day_after(office):
    last = _intake(category="plumbing", reported_at=D(2026, 6, 15, 17, 0))
    assert last.ticket.in_warranty and last.decision.reason == "给排水管道 保修至 2026-06-15，剩余 0 天"
    after = _intake(category="plumbing", unit=None, location="地下车库", reported_at=D(2026, 6, 16, 8, 0))
    assert not after.ticket.in_warranty
    assert after.decision.reason == "给排水管道 保修至 2026-06-15，已于 2026-06-16 过保（报修时已过保 1 天）"
    assert after.ticket.cause_class == "expired" and after.ticket.payer == "owner"


def test_warranty_override_needs_a_reason_and_is_audited(office):
    with pytest.raises(ValidationError, match="须写明原因"):
        _intake(category="plumbing", reported_at=D(2026, 6, 20, 9), in_warranty=True)
    t = _intake(category="plumbing", reported_at=D(2026, 6, 20, 9)).ticket
    with pytest.raises(ValidationError, match="请填写"):
        tickets.override_warranty(t.id, True, "  ")
    tickets.override_warranty(t.id, True, "业主6月10日已来电，当时漏记", expected_version=t.version)
    t = Ticket.get_by_id(t.id)
    assert t.in_warranty and t.cause_class == ""
    log = AuditLog.select().where(AuditLog.action == "override_warranty").get()
    assert log.note == "业主6月10日已来电，当时漏记" and json.loads(log.new)["in_warranty"] is True


@pytest.mark.parametrize("field, value, message", [
    ("description", "", "请填写报修内容"),
    ("description", "漏" * 2001, "报修内容太长"),
    ("category", "屋顶", "报修类别“屋顶”不对"),
    ("urgency", "特急", "紧急程度“特急”不对"),
    ("channel", "微信", "报修方式“微信”不对"),
    ("unit", "9号楼-1单元-101", "没有房号"),
    ("phone", "abc", "电话号码"),
    ("reported_at", "2023-01-01 09:00", "早于工程竣工验收日期"),
    ("reported_at", "2099-01-01 09:00", "在将来"),
    ("reported_at", "昨天", "看不懂"),
    ("project", "NOPE", "找不到工程"),
])
def test_bad_intake_is_refused_with_a_reason(office, field, value, message):
    with pytest.raises(ValidationError, match=message):
        _intake(**{field: value})
    assert Ticket.select().count() == 0


def test_rare_characters_and_markup_are_kept_literally(office):
    t = _intake(reporter="𠀀鑫㐂 <b>&</b>", description="<b>漏水</b> & 𠀀").ticket
    assert Ticket.get_by_id(t.id).reporter == "𠀀鑫㐂 <b>&</b>"


def test_an_item_the_project_lacks_is_refused(office):
    with pytest.raises(ValidationError, match="没有“供冷系统”这个保修项目"):
        _intake(category="cooling")


def test_numbers_run_per_year_and_skip_a_taken_number(office, monkeypatch):
    a = _intake(reported_at=D(2025, 12, 31, 23, 50), unit=None, location="A").ticket
    b = _intake(reported_at=D(2026, 1, 1, 0, 5), unit=None, location="B").ticket
    c = _intake(reported_at=D(2026, 1, 2, 9), unit=None, location="C").ticket
    assert (a.number, b.number, c.number) == ("BX-2025-0001", "BX-2026-0001", "BX-2026-0002")
    # another clerk took the number between reading and saving: the service takes the next one
    calls = iter(["BX-2026-0002", "BX-2026-0003"])
    monkeypatch.setattr(tickets.intake, "next_number", lambda year: next(calls))
    d = _intake(reported_at=D(2026, 1, 3, 9), unit=None, location="D").ticket
    assert d.number == "BX-2026-0003"


def test_numbers_past_9999_keep_counting(office):
    _intake(reported_at=D(2026, 1, 3, 9), unit=None, location="A")
    Ticket.update(number="BX-2026-9999").execute()
    assert tickets.next_number(2026) == "BX-2026-10000"


def test_repeat_defects_are_linked(office):
    first = _intake(reported_at=D(2026, 8, 1, 9)).ticket
    again = _intake(reported_at=D(2026, 8, 3, 9))
    assert again.ticket.repeat_of_id == first.id
    assert "已有未关闭的工单 BX-2026-0001（已受理）" in again.warning
    # another category in the same unit is not a repeat
    assert _intake(category="plumbing", reported_at=D(2026, 8, 3, 10)).warning == ""


def _close(t, at, by_name="王业主"):
    tickets.dispatch(t.id, staff="张师傅", at=at)
    tickets.transition(t.id, "已到场", at=at + dt.timedelta(hours=1))
    tickets.set_cause(t.id, "施工质量")
    tickets.transition(t.id, "维修中", at=at + dt.timedelta(hours=2))
    tickets.transition(t.id, "待验收", at=at + dt.timedelta(hours=5))
    return tickets.sign_off(t.id, "screen", by_name, at=at + dt.timedelta(hours=6), signature_png=_png(), close=True)


def test_repeat_within_90_days_after_closing_but_not_later(office):
    first = _intake(reported_at=D(2026, 3, 1, 9)).ticket
    _close(first, D(2026, 3, 1, 12))
    within = _intake(reported_at=D(2026, 5, 29, 9))  # 89 days after closing
    assert within.ticket.repeat_of_id == first.id and "90天内再次报修" in within.warning
    tickets.cancel(within.ticket.id, "误报", at=D(2026, 5, 29, 10))
    later = _intake(reported_at=D(2026, 6, 1, 9))  # 92 days after
    assert later.ticket.repeat_of_id is None and later.warning == ""


# --- the lifecycle through the service ---------------------------------------------------------

def test_full_lifecycle_records_events_audit_and_the_after_repair_visit(office):
    t = _intake(reported_at=D(2026, 11, 20, 22, 0)).ticket
    tickets.dispatch(t.id, to_responsible_subcontractor=True, staff="张师傅", at=D(2026, 11, 21, 8, 0))
    t = Ticket.get_by_id(t.id)
    assert t.subcontractor.name == "东方防水公司" and t.responded_at == D(2026, 11, 21, 8, 0)
    tickets.transition(t.id, "已到场", at=D(2026, 11, 22, 9, 0), expected_version=t.version)
    alloc = tickets.set_cause(t.id, "施工质量")
    assert alloc.payer == "subcontractor"
    tickets.transition(t.id, "维修中", at=D(2026, 11, 22, 9, 30))
    tickets.add_cost_line(t.id, "材料", "防水卷材", quantity=3, unit_price="120.50")
    tickets.add_cost_line(t.id, "人工", "维修人工", "400")
    tickets.transition(t.id, "待验收", at=D(2026, 11, 23, 16, 0))
    with pytest.raises(ValidationError, match="关闭前须有业主验收签字"):
        tickets.transition(t.id, "已关闭", at=D(2026, 11, 24, 9, 0))
    tickets.sign_off(t.id, "screen", "王业主", at=D(2026, 11, 24, 10, 0), signature_png=_png(), satisfaction=5)
    tickets.transition(t.id, "已关闭", at=D(2026, 11, 24, 10, 5))
    t = Ticket.get_by_id(t.id)
    assert (t.onsite_at, t.completed_at, t.closed_at) == (D(2026, 11, 22, 9), D(2026, 11, 23, 16), D(2026, 11, 24, 10, 5))
    assert [e.to_state for e in t.events.order_by(TicketEvent.id)] == [
        "received", "dispatched", "onsite", "repairing", "awaiting_check", "closed"]
    assert tickets.cost_total(t.id) == Decimal("761.50")
    assert {c.borne_by for c in CostLine.select()} == {"subcontractor"}
    sig = Attachment.get((Attachment.owner_table == "ticket") & (Attachment.owner_id == t.id))
    assert sig.kind == "signature" and sig.mime == "image/png"
    visit = Visit.get(Visit.ticket == t)
    assert visit.kind == "after_repair" and visit.planned_on == dt.date(2026, 11, 26)
    m = tickets.measured(t.id)
    assert m.onsite_hours == 35.0 and m.within_sla is True
    actions = [a.action for a in AuditLog.select().where(AuditLog.table == "ticket").order_by(AuditLog.id)]
    assert actions == ["create", "transition", "transition", "set_cause", "transition", "transition", "signoff",
                       "transition"]
    moved = [json.loads(a.new).get("state") for a in AuditLog.select().where(AuditLog.action == "transition")
             .order_by(AuditLog.id)]
    assert moved == ["dispatched", "onsite", "repairing", "awaiting_check", "closed"]
    assert AuditLog.select().where(AuditLog.table == "cost_line").count() == 2


def test_after_repair_visit_lands_on_a_working_day_within_7_days():
    for start in (dt.date(2026, 9, 30), dt.date(2026, 10, 1), dt.date(2026, 12, 31), dt.date(2026, 11, 27)):
        day = after_repair_date(start)
        assert is_working_day(day) and start < day <= start + dt.timedelta(days=8)


def test_paid_repair_needs_an_accepted_quote(office):
    t = _intake(category="plumbing", reported_at=D(2026, 7, 1, 9)).ticket  # out of warranty
    tickets.transition(t.id, "非保修/有偿", at=D(2026, 7, 1, 10))
    with pytest.raises(ValidationError, match="须业主先接受报价"):
        tickets.dispatch(t.id, staff="张师傅", at=D(2026, 7, 1, 10, 30))
    with pytest.raises(ValidationError, match="请先登记报价金额"):
        tickets.answer_quote(t.id, True)
    tickets.set_quote(t.id, "680")
    tickets.answer_quote(t.id, True)
    tickets.dispatch(t.id, staff="张师傅", at=D(2026, 7, 1, 11))
    tickets.transition(t.id, "已到场", at=D(2026, 7, 2, 9))
    tickets.transition(t.id, "维修中", at=D(2026, 7, 2, 9, 30))
    line = tickets.add_cost_line(t.id, "人工", "换阀门", 680)
    assert line.borne_by == "owner"
    pay = tickets.record_payment(t.id, 680, dt.date(2026, 7, 2), "张师傅")
    assert Ticket.get_by_id(t.id).payments.get().amount == Decimal("680.00") and pay.id


def test_starting_a_paid_repair_on_site_without_the_quote_is_refused(office):
    t = _intake(reported_at=D(2026, 11, 2, 9)).ticket
    tickets.dispatch(t.id, staff="张师傅", at=D(2026, 11, 2, 10))
    tickets.transition(t.id, "已到场", at=D(2026, 11, 2, 12))
    tickets.set_cause(t.id, "使用不当")
    with pytest.raises(ValidationError, match="须业主先接受报价才能开始维修"):
        tickets.transition(t.id, "维修中", at=D(2026, 11, 2, 12, 30))


def test_refused_quote_closes_with_a_reason_and_no_visit(office):
    t = _intake(category="plumbing", reported_at=D(2026, 7, 1, 9)).ticket
    tickets.transition(t.id, "非保修/有偿", at=D(2026, 7, 1, 10))
    tickets.set_quote(t.id, 500)
    with pytest.raises(ValidationError, match="只有业主拒绝了报价"):
        tickets.transition(t.id, "已关闭", "业主不修", at=D(2026, 7, 2, 9))
    tickets.answer_quote(t.id, False, "嫌贵")
    tickets.transition(t.id, "已关闭", "业主拒绝报价", at=D(2026, 7, 2, 9))
    assert Ticket.get_by_id(t.id).state == "closed"
    assert not Visit.select().where(Visit.ticket == t.id).exists()


def test_workmanship_costs_never_fall_on_the_owner_and_payments_need_an_owner_payer(office):
    t = _intake().ticket
    tickets.set_cause(t.id, "施工质量")
    with pytest.raises(ValidationError, match="不能由业主承担"):
        tickets.add_cost_line(t.id, "材料", "卷材", 100, borne_by="业主")
    with pytest.raises(ValidationError, match="不能登记业主付款"):
        tickets.record_payment(t.id, 100, dt.date(2026, 11, 3))
    with pytest.raises(ValidationError, match="超出保修期"):
        tickets.set_cause(t.id, "超出保修期")


def test_dispatch_needs_someone_and_the_item_subcontractor_when_asked(office):
    t = _intake(category="plumbing", reported_at=D(2026, 5, 1, 9)).ticket
    with pytest.raises(ValidationError, match="请先指派"):
        tickets.transition(t.id, "已派工", at=D(2026, 5, 1, 10))
    with pytest.raises(ValidationError, match="没有登记责任分包单位"):
        tickets.dispatch(t.id, to_responsible_subcontractor=True, at=D(2026, 5, 1, 10))
    with pytest.raises(ValidationError, match="请选择维修人员或分包单位"):
        tickets.dispatch(t.id, at=D(2026, 5, 1, 10))


def test_times_must_not_run_backwards(office):
    t = _intake(reported_at=D(2026, 11, 2, 9)).ticket
    with pytest.raises(ValidationError, match="早于报修时间"):
        tickets.dispatch(t.id, staff="张师傅", at=D(2026, 11, 1, 9))
    tickets.dispatch(t.id, staff="张师傅", at=D(2026, 11, 2, 12))
    with pytest.raises(ValidationError, match="早于上一步“已派工”"):
        tickets.transition(t.id, "已到场", at=D(2026, 11, 2, 11))


def test_a_stale_version_is_a_conflict(office):
    t = _intake().ticket
    tickets.dispatch(t.id, staff="张师傅", at=D(2026, 11, 2, 12))
    with pytest.raises(ValidationError, match="已被他人修改"):
        tickets.transition(t.id, "已到场", at=D(2026, 11, 2, 13), expected_version=t.version)


def test_sign_off_kinds(office):
    t = _intake().ticket
    tickets.dispatch(t.id, staff="张师傅", at=D(2026, 11, 2, 10))
    with pytest.raises(ValidationError, match="待验收"):
        tickets.sign_off(t.id, "paper", "王业主", scan=_png(), at=D(2026, 11, 2, 11))
    tickets.transition(t.id, "已到场", at=D(2026, 11, 2, 11))
    tickets.transition(t.id, "维修中", at=D(2026, 11, 2, 11, 10))
    tickets.transition(t.id, "待验收", at=D(2026, 11, 2, 15))
    with pytest.raises(ValidationError, match="签名图像"):
        tickets.sign_off(t.id, "screen", "王业主", signature_png=b"not a png", at=D(2026, 11, 2, 16))
    with pytest.raises(ValidationError, match="扫描件"):
        tickets.sign_off(t.id, "paper", "王业主", at=D(2026, 11, 2, 16))
    with pytest.raises(ValidationError, match="拒签时须写明原因"):
        tickets.sign_off(t.id, "refused", at=D(2026, 11, 2, 16))
    tickets.sign_off(t.id, "refused", note="业主对色差不满意", at=D(2026, 11, 2, 16), close=True)
    t = Ticket.get_by_id(t.id)
    assert t.state == "closed" and t.signoff_kind == "refused" and t.signoff_note == "业主对色差不满意"


def test_rework_clears_the_completion_and_the_signature(office):
    t = _intake().ticket
    tickets.dispatch(t.id, staff="张师傅", at=D(2026, 11, 2, 10))
    tickets.transition(t.id, "已到场", at=D(2026, 11, 2, 11))
    tickets.transition(t.id, "维修中", at=D(2026, 11, 2, 11, 10))
    tickets.transition(t.id, "待验收", at=D(2026, 11, 2, 15))
    tickets.sign_off(t.id, "paper", "王业主", scan=_png(), scan_name="验收单.png", at=D(2026, 11, 2, 16))
    tickets.transition(t.id, "维修中", "业主复查仍渗水", at=D(2026, 11, 3, 9))
    t = Ticket.get_by_id(t.id)
    assert t.completed_at is None and t.signoff_kind == ""
    with pytest.raises(ValidationError, match="不能直接改为"):
        tickets.transition(t.id, "已关闭", at=D(2026, 11, 3, 10))


def test_a_ticket_cannot_be_deleted_only_cancelled_with_a_reason(office):
    t = _intake().ticket
    assert not hasattr(tickets, "delete_ticket")
    with pytest.raises(IntegrityError):
        Ticket.delete().where(Ticket.id == t.id).execute()
    assert Ticket.select().count() == 1
    with pytest.raises(ValidationError, match="须写明原因"):
        tickets.cancel(t.id, "")
    tickets.cancel(t.id, "业主电话撤回", at=D(2026, 11, 2, 10))
    t = Ticket.get_by_id(t.id)
    assert t.state == "cancelled" and t.events.order_by(TicketEvent.id.desc()).first().reason == "业主电话撤回"
    with pytest.raises(ValidationError, match="不能再改为"):
        tickets.transition(t.id, "已受理", "重开")


def test_owner_elsewhere_then_closed(office):
    t = _intake().ticket
    with pytest.raises(ValidationError, match="须写明原因"):
        tickets.transition(t.id, "业主另行委托", at=D(2026, 11, 5, 9))
    tickets.transition(t.id, "业主另行委托", "三天未到场，业主自行找人修", at=D(2026, 11, 5, 9))
    tickets.transition(t.id, "已关闭", at=D(2026, 11, 6, 9))
    assert Ticket.get_by_id(t.id).state == "closed"


# --- queries ----------------------------------------------------------------------------------

def test_open_overdue_and_subcontractor_queries(office):
    late = _intake(reported_at=D(2026, 11, 1, 9)).ticket  # no response for weeks
    fresh = _intake(category="plumbing", reported_at=D(2026, 11, 29, 8), unit=None, location="车库").ticket
    waiting = _intake(category="electrical", reported_at=D(2026, 11, 1, 9)).ticket
    tickets.transition(waiting.id, "非保修/有偿", at=D(2026, 11, 1, 10))
    done = _intake(category="decoration", reported_at=D(2026, 11, 1, 9)).ticket
    tickets.cancel(done.id, "重复登记", at=D(2026, 11, 1, 9, 5))
    now = D(2026, 11, 29, 12, 0)
    rows = tickets.open_tickets(now)
    assert [r["number"] for r in rows][0] == late.number and rows[0]["overdue"]
    assert rows[0]["sla_text"].startswith("响应已超时")
    assert {r["number"] for r in rows} == {late.number, fresh.number, waiting.number}
    assert [r["number"] for r in tickets.overdue_tickets(now)] == [late.number]
    assert tickets.overdue_count(now) == 1
    tickets.dispatch(late.id, subcontractor="东方防水公司", at=D(2026, 11, 29, 11))
    summary = tickets.subcontractor_tickets("东方防水公司", now)
    assert summary["open_count"] == 1 and summary["overdue_count"] == 1  # on-site deadline passed too
    assert [r["number"] for r in tickets.list_tickets(state="已撤销")] == [done.number]
    with pytest.raises(ValidationError, match="状态“完工”不对"):
        tickets.list_tickets(state="完工")


# --- CLI --------------------------------------------------------------------------------------

def test_cli_ticket_verbs(office, db_target, capsys):
    base = ["--db", db_target]
    assert cli.main(base + ["ticket", "add", "--project", "YG-1", "--unit", "1号楼-1单元-101", "--category",
                            "roof_waterproofing", "--description", "屋顶渗水", "--urgency", "紧急",
                            "--at", "2026-11-28 23:00"]) == 0
    out = capsys.readouterr().out
    assert "BX-2026-0001" in out and "保修期内" in out and "2026-11-29 01:00" in out
    assert cli.main(base + ["ticket", "move", "BX-2026-0001", "已关闭"]) == 2
    assert "不能直接改为“已关闭”" in capsys.readouterr().err
    assert cli.main(base + ["ticket", "move", "BX-2026-0001", "已撤销", "--reason", "业主撤回",
                            "--at", "2026-11-29 08:00"]) == 0
    capsys.readouterr()
    assert cli.main(base + ["ticket", "show", "BX-2026-0001", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["state"] == "已撤销" and data["events"][-1]["reason"] == "业主撤回"
    assert cli.main(base + ["ticket", "list", "--project", "YG-1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["number"] == "BX-2026-0001"
    assert cli.main(base + ["ticket", "add", "--project", "YG-1", "--category", "roof_waterproofing",
                            "--description", "x"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "请填写报修人"
    assert cli.main(base + ["ticket", "show", "BX-2000-0001"]) == 2
    assert "找不到工单" in capsys.readouterr().err


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 10), (30, 90, 200)).save(buf, "PNG")
    return buf.getvalue()


def test_intake_photos_are_attached_in_the_tickets_transaction(office):
    from warranty_desk.models import Attachment

    data = {"project": "YG-1", "unit": office["unit"].id, "category": "roof_waterproofing",
            "description": "屋面渗水", "reported_at": D(2025, 5, 1, 9, 0)}
    with pytest.raises(ValidationError, match="不是可以打开的图片"):
        tickets.create_ticket(data, photos=[_png(), b"not a picture"])
    assert Ticket.select().count() == 0 and Attachment.select().count() == 0  # nothing half-written
    intake = tickets.create_ticket(data, photos=[_png()])
    assert [a.kind for a in Attachment.select().where(Attachment.owner_id == intake.ticket.id)] == ["photo"]
