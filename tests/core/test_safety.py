"""RULES.md §4 and 《房屋建筑工程质量保修办法》第九、十条: urgency from the content of a request, the
clerk's override kept in the history; a structural-safety defect is 紧急, shows the duty to report
it at once, prints the 工程质量安全隐患报告, and stays on the dashboard until the report is sent."""

import datetime as dt
import io
import json

import pytest
from pypdf import PdfReader

from warranty_desk.errors import ValidationError
from warranty_desk.models import AuditLog, SafetyReport, Ticket, Unit
from warranty_desk.rules.sla import urgency_name
from warranty_desk.services import audit, safety, tickets
from warranty_desk.services.handover import handover

D = dt.datetime


@pytest.fixture
def office(db, make_project):
    project = make_project(code="AQ-1", name="安全花园", heating_region="北京", address="长江路 <b>8</b> & 号")
    handover(project.id)
    Unit.create(project=project, building="2号楼", entrance="1单元", room="302", owner_name="李业主",
                owner_phone="13900000002")
    return project


def _intake(**overrides):
    data = {"project": "AQ-1", "unit": "2号楼-1单元-302", "category": "plumbing",
            "description": "卫生间下水管接口渗水", "reported_at": D(2026, 7, 2, 10, 0)}
    data.update(overrides)
    return tickets.create_ticket(data)


# --- urgency at intake ------------------------------------------------------------------------

@pytest.mark.parametrize("given, description, reported_at, urgency, history", [
    # §4: nothing urgent, nothing said: 一般, and no word about it in the history
    (None, "卫生间下水管接口渗水", D(2026, 7, 2, 10), "一般", ""),
    # §4 burst pipe, the clerk leaves it to the suggestion: 紧急, said so
    (None, "厨房水管爆裂，水流了一地", D(2026, 7, 2, 10), "紧急", "按系统建议登记为紧急"),
    # confirmed
    ("紧急", "厨房水管爆裂", D(2026, 7, 2, 10), "紧急", "已确认"),
    # overridden down, with the reason
    ("一般", "厨房水管爆裂", D(2026, 7, 2, 10), "一般", "登记人改为一般：业主已关总阀，明天上午处理即可"),
    # overridden up
    ("紧急", "卫生间下水管接口渗水", D(2026, 7, 2, 10), "紧急", "系统建议一般，登记人改为紧急：楼下住户天花板滴水"),
    # §4 no heating — only in the heating season (北京 11-15 → 03-15)
    (None, "暖气不热，室温只有12度", D(2026, 12, 2, 10), "紧急", "采暖期内不供暖"),
    (None, "暖气不热", D(2026, 7, 2, 10), "一般", ""),
])
def test_intake_takes_the_suggested_urgency_and_keeps_the_override(office, given, description, reported_at,
                                                                    urgency, history):
    category = "heating" if "暖气" in description else "plumbing"
    reason = history.split("：", 1)[1] if "登记人改为" in history else ""
    intake = _intake(urgency=given, description=description, reported_at=reported_at, category=category,
                     urgency_reason=reason)
    t = Ticket.get_by_id(intake.ticket.id)
    assert urgency_name(t.urgency) == urgency  # stored as a key, named in the clerk's language
    hours = 2 if urgency == "紧急" else 24  # the deadlines follow the urgency (§4 defaults)
    assert t.respond_due == reported_at + dt.timedelta(hours=hours)
    first = t.events.get()
    log = AuditLog.get((AuditLog.table == "ticket") & (AuditLog.record_id == t.id) & (AuditLog.action == "create"))
    said = tickets.event_reason_text(first.reason)  # stored as its template, read in the clerk's language
    if history:
        assert history in said and history in audit.note_text(log.note) and history in intake.urgency_note
        assert history in tickets.event_reason_text(tickets.ticket_detail(t.id)["events"][0]["reason"])
    else:
        assert said == "电话报修" and intake.urgency_note == ""


def test_suggestion_without_a_ticket(office):
    """The intake form asks while the clerk types (nothing is written)."""
    s = tickets.suggest_urgency("AQ-1", "electrical", "整个单元停电了", D(2026, 7, 2, 10))
    assert s.urgency == "urgent" and "停电" in s.text
    assert Ticket.select().count() == 0


# --- structural safety -----------------------------------------------------------------------

def test_a_structural_safety_ticket_is_urgent_shows_the_duty_and_waits_on_the_dashboard(office):
    intake = _intake(category="foundation_structure", description="客厅承重墙出现斜向裂缝", structural_safety=True,
                     safety_reason="承重墙斜向裂缝，宽约3毫米", reported_at=D(2026, 7, 2, 10))
    t = Ticket.get_by_id(intake.ticket.id)
    assert t.urgency == "urgent" and t.respond_due == D(2026, 7, 2, 12)
    duty = safety.info(t.number)
    assert "立即向当地建设行政主管部门报告" in duty["duty"] and "第十条" in duty["duty"]
    assert duty["reason"] == "承重墙斜向裂缝，宽约3毫米" and duty["sent"] is False
    assert [r["number"] for r in safety.pending(now=D(2026, 7, 2, 16))] == [t.number]
    assert safety.pending(now=D(2026, 7, 2, 16))[0]["hours_waiting"] == 6.0
    # recorded as sent: off the dashboard, the report's facts kept
    safety.record_sent(t.number, authority="某区住房和城乡建设局", sent_at="2026-07-02 11:30", how="letter",
                       ref="建安报〔2026〕12号", measures="设置警戒线，暂停使用该房间")
    assert safety.pending() == []
    row = SafetyReport.get(SafetyReport.ticket == t)
    assert (row.authority, row.sent_at, row.sent_how, row.sent_ref) == (
        "某区住房和城乡建设局", D(2026, 7, 2, 11, 30), "letter", "建安报〔2026〕12号")
    assert [a.action for a in AuditLog.select().where(AuditLog.table == "safety_report").order_by(AuditLog.id)] == [
        "create", "sent"]


def test_marking_an_existing_ticket_makes_it_urgent(office):
    t = _intake(description="外墙瓷砖大面积空鼓", category="exterior_wall_seepage").ticket
    assert t.urgency == "normal"
    safety.mark(t.number, "外墙饰面层整体外鼓，有坠落危险", at=D(2026, 7, 2, 11))
    t = Ticket.get_by_id(t.id)
    assert t.urgency == "urgent" and t.respond_due == D(2026, 7, 2, 12)
    with pytest.raises(ValidationError, match="须按紧急处理"):
        tickets.change_urgency(t.id, "一般", "搞错了")


@pytest.mark.parametrize("action, message", [
    (lambda n: _intake(structural_safety=True, urgency="一般"), "须按紧急处理"),
    (lambda n: safety.mark(n, "再次标记"), "已标记为结构安全隐患"),
    (lambda n: safety.record_sent(n, authority=""), "请填写报告单位"),
    (lambda n: safety.record_sent(n, authority="住建局", how="carrier_pigeon"), "报送方式“carrier_pigeon”不对"),
    (lambda n: safety.record_sent(n, authority="住建局", sent_at="2026-07-01 09:00"), "早于报修时间"),
    (lambda n: safety.record_sent(n, authority="住建局", sent_at="2099-01-01 09:00"), "在将来"),
    (lambda n: safety.unmark(n, ""), "请填写取消标记的原因"),
])
def test_bad_safety_steps_are_refused(office, action, message):
    t = _intake(category="foundation_structure", description="楼板开裂", structural_safety=True).ticket
    with pytest.raises(ValidationError, match=message):
        action(t.number)
    assert SafetyReport.get(SafetyReport.ticket == t).sent_at is None


def test_a_sent_report_cannot_be_sent_again_or_unmarked(office):
    t = _intake(category="foundation_structure", description="楼板开裂", structural_safety=True).ticket
    safety.record_sent(t.number, authority="住建局", sent_at="2026-07-02 12:00")
    with pytest.raises(ValidationError, match="不能重复登记"):
        safety.record_sent(t.number, authority="住建局", sent_at="2026-07-02 13:00")
    with pytest.raises(ValidationError, match="报告已报送"):
        safety.unmark(t.number, "不是结构问题")


def test_unmarking_with_a_reason_takes_it_off_the_dashboard_and_the_log_keeps_it(office):
    t = _intake(category="foundation_structure", description="墙面裂缝", structural_safety=True).ticket
    safety.unmark(t.number, "技术负责人现场确认为抹灰层裂缝，不涉及结构安全")
    assert safety.info(t.number) is None and safety.pending() == []
    log = AuditLog.get((AuditLog.table == "safety_report") & (AuditLog.action == "delete"))
    assert log.note.startswith("技术负责人现场确认") and json.loads(log.old)["reason"]


def test_a_cancelled_ticket_leaves_the_dashboard(office):
    t = _intake(category="foundation_structure", description="楼板开裂", structural_safety=True).ticket
    tickets.cancel(t.number, "与 BX 重复登记", at=D(2026, 7, 2, 11))
    assert safety.pending() == []


def test_the_report_prints_what_is_known(office, tmp_path):
    from warranty_desk.documents.safety_report import build_safety_report

    t = _intake(category="foundation_structure", description="阳台悬挑板根部开裂 <b>&</b> 𠀀",
                structural_safety=True, safety_reason="悬挑板根部贯通裂缝").ticket
    safety.update(t.number, measures="阳台已封闭，禁止使用", authority="某区住房和城乡建设局")
    path = build_safety_report(t.number, tmp_path / "报告.pdf")
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert len(reader.pages) == 1
    for expected in ("工程质量安全隐患报告", "某区住房和城乡建设局", t.number, "安全花园", "长江路 <b>8</b> & 号",
                     "2号楼-1单元-302", "阳台悬挑板根部开裂 <b>&</b>", "悬挑板根部贯通裂缝", "阳台已封闭，禁止使用",
                     "第十条"):
        assert expected in text, expected


def test_an_unmarked_ticket_has_no_report(office, tmp_path):
    from warranty_desk.documents.safety_report import build_safety_report

    t = _intake().ticket
    with pytest.raises(ValidationError, match="没有标记为结构安全隐患"):
        build_safety_report(t.number, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
