"""The program's own sentences on records that are kept (issue #15): an audit note, a cause's decision,
a ticket's history, a warranty decision — said in the reader's language, not in the language of the
day they were written. New notes are stored as their template and parameters (i18n.said); the audit
log is append-only and hash-chained, so older notes stay as they were written and are recognised
by their template in either language; what a clerk typed stays as typed."""

from __future__ import annotations

import datetime as dt
import json
import re

from warranty_desk import i18n
from warranty_desk.models import AuditLog, Ticket
from warranty_desk.services import audit, handover, tickets, verify

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def _last_note(table: str, action: str) -> str:
    return AuditLog.select().where(AuditLog.table == table, AuditLog.action == action).order_by(AuditLog.id.desc()).first().note


def test_a_new_note_is_stored_as_its_template_and_said_in_either_language(db, make_project):
    project = make_project(code="SAY-1", type="住宅", scale="中型", heating_region="北京",  # i18n: data
                           accepted_on=dt.date(2025, 6, 16), handed_over_on=dt.date(2025, 7, 1))
    with i18n.override("en"):  # written while the program spoke English …
        handover.handover(project.id)
    stored = _last_note("project", "handover")
    assert json.loads(stored) == {"said": handover.HANDED_OVER, "with": {}}
    with i18n.override("zh_CN"):  # … read in Chinese, and in English
        assert audit.note_text(stored) == "竣工验收/交付"
    with i18n.override("en"):
        assert audit.note_text(stored) and not CJK.search(audit.note_text(stored))
    assert verify.verify(db, attachments=False).ok


def test_a_cause_decision_is_said_in_the_readers_language(db, make_project):
    project = make_project(code="SAY-2", heating_region="北京", accepted_on=dt.date(2025, 6, 16),
                           handed_over_on=dt.date(2025, 7, 1))
    handover.handover(project.id)
    intake = tickets.create_ticket({"project": project.code, "reporter": "张三", "phone": "13800000000",
                                    "category": "roof_waterproofing", "description": "顶层渗水",  # i18n: data
                                    "reported_at": dt.datetime(2026, 3, 2, 9, 0)})
    tickets.set_cause(intake.ticket.id, "misuse")
    stored = _last_note("ticket", "set_cause")
    parts = i18n.said_parts(stored)
    assert parts is not None and parts["with"]["cause"] == {"key": "misuse", "as": "cause"}
    with i18n.override("zh_CN"):
        assert audit.note_text(stored) == "使用不当造成，有偿维修，需业主先确认报价"
    with i18n.override("en"):
        said = audit.note_text(stored)
        assert "Improper use" in said and not CJK.search(said)
        # the ticket's warranty decision and its history, written in Chinese, are said in English too
        ticket = Ticket.get_by_id(intake.ticket.id)
        from warranty_desk.rules.responsibility import decision_text

        assert not CJK.search(decision_text(ticket.warranty_reason))
        first = ticket.events.order_by(ticket.events.model.id).first()
        assert not CJK.search(tickets.event_reason_text(first.reason))


def test_notes_written_before_as_sentences_are_still_read_in_either_language(db):
    """Rows an earlier release wrote (a finished Chinese or English sentence) are never rewritten:
    they are recognised by their template; a clerk's own note stays as typed."""
    old_zh = audit.record("plan", "project", 1, None, None, "回访计划重新编制")
    with i18n.override("en"):
        old_en = audit.record("plan", "project", 1, None, None, i18n._("回访计划重新编制"))
    typed = audit.record("reschedule", "visit", 1, None, None, "业主出差，改期")
    with i18n.override("en"):
        assert audit.note_text(old_zh.note) == audit.note_text(old_en.note) == i18n._("回访计划重新编制")
        assert not CJK.search(audit.note_text(old_zh.note))
        assert audit.note_text(typed.note) == "业主出差，改期"
    with i18n.override("zh_CN"):
        assert audit.note_text(old_en.note) == "回访计划重新编制"
    old_cause = audit.record("set_cause", "ticket", 1, None, None, "施工质量问题，无条件进行保修，费用由我方承担，业主免费")
    with i18n.override("en"):
        said = audit.note_text(old_cause.note)
        assert said != old_cause.note and not CJK.search(said)
    assert verify.verify(db, attachments=False).ok


def test_a_said_note_with_a_missing_or_unknown_part_still_reads():
    stored = i18n.said("{year}年回访计划{label}", year=2026)  # i18n: data
    with i18n.override("zh_CN"):
        assert audit.note_text(stored) == "2026年回访计划"
    assert audit.note_text('{"said": 5}') == '{"said": 5}'  # not a note the program wrote: as stored
    assert audit.note_text("") == ""


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, "PNG")
    return buf.getvalue()


def _ticket_life(project, lang: str):
    """Two requests for one place (the second a repeat, its urgency overridden by the clerk), the
    first dispatched, repaired and signed off: every sentence the program keeps on them, written
    while the program spoke `lang`."""
    from warranty_desk.models import Staff

    Staff.get_or_create(name="张师傅", defaults={"role": "repairer"})
    base = {"project": project.code, "reporter": "张三", "phone": "13800000000", "category": "plumbing",
            "location": "地下车库"}
    with i18n.override(lang):
        first = tickets.create_ticket({**base, "description": "水管爆裂，跑水", "urgency": "normal",  # i18n: data
                                       "urgency_reason": "业主已关闭总阀", "reported_at": dt.datetime(2026, 3, 2, 9, 0)})
        again = tickets.create_ticket({**base, "description": "水管又漏", "reported_at": dt.datetime(2026, 3, 3, 9, 0)})  # i18n: data
        tid = first.ticket.id
        tickets.dispatch(tid, staff="张师傅", at=dt.datetime(2026, 3, 2, 10, 0))
        tickets.transition(tid, "onsite", at=dt.datetime(2026, 3, 2, 11, 0))
        tickets.transition(tid, "repairing", at=dt.datetime(2026, 3, 2, 12, 0))
        tickets.transition(tid, "awaiting_check", at=dt.datetime(2026, 3, 2, 15, 0))
        tickets.sign_off(tid, "screen", "张三", at=dt.datetime(2026, 3, 2, 16, 0), signature_png=_png(), close=True)
    return Ticket.get_by_id(tid), Ticket.get_by_id(again.ticket.id)


def _said_on(first: Ticket, again: Ticket) -> list[str]:
    """What the clerk reads of the program's sentences on the two tickets, in the active language."""
    from warranty_desk.rules.responsibility import decision_text

    out = [decision_text(first.warranty_reason), decision_text(again.warranty_reason)]
    out += [tickets.event_reason_text(e.reason) for t in (first, again) for e in t.events.order_by(e_id()) if e.reason]
    out += [audit.note_text(a.note) for a in AuditLog.select().where(AuditLog.table == "ticket",
                                                                      AuditLog.action == "create").order_by(AuditLog.id)]
    return out


def e_id():
    from warranty_desk.models import TicketEvent

    return TicketEvent.id


def test_a_tickets_decision_history_and_intake_note_are_stored_as_templates_and_said_in_either_language(db, make_project):
    """A warranty decision, a ticket's history (received by, urgency overridden, dispatched, signed
    off) and the intake's combined note (a repeat warning with the urgency decision) are stored as
    their template and parameters: saved in Chinese they read in English, saved in English they
    read in Chinese word for word as saved in Chinese."""
    zh_project = make_project(code="SAY-ZH", heating_region="北京", accepted_on=dt.date(2025, 6, 16),
                              handed_over_on=dt.date(2025, 7, 1))
    en_project = make_project(code="SAY-EN", heating_region="北京", accepted_on=dt.date(2025, 6, 16),
                              handed_over_on=dt.date(2025, 7, 1))
    handover.handover(zh_project.id)
    handover.handover(en_project.id)
    zh_first, zh_again = _ticket_life(zh_project, "zh_CN")
    en_first, en_again = _ticket_life(en_project, "en")
    for t in (zh_first, zh_again, en_first, en_again):
        assert i18n.said_parts(t.warranty_reason) is not None, t.warranty_reason
        assert all(i18n.said_parts(e.reason) is not None for e in t.events if e.reason), [e.reason for e in t.events]
    assert zh_first.warranty_reason == en_first.warranty_reason.replace("SAY-EN", "SAY-ZH")  # no language in it
    create_notes = [a.note for a in AuditLog.select().where(AuditLog.table == "ticket", AuditLog.action == "create")]
    assert all(i18n.said_parts(n) is not None for n in create_notes), create_notes

    data = {"张三", "张师傅", "业主已关闭总阀", "地下车库", "SAY-ZH", "SAY-EN"}
    with i18n.override("zh_CN"):
        zh_read = _said_on(zh_first, zh_again)
        en_read_in_chinese = _said_on(en_first, en_again)
    assert zh_read[0] == "给排水管道 保修至 2027-06-16，剩余 471 天"
    assert any(s.startswith("电话报修；系统建议紧急（管道爆裂、跑水：紧急抢修），登记人改为一般：业主已关闭总阀") for s in zh_read)
    assert "派工：张师傅" in zh_read and "业主屏幕签字验收" in zh_read
    assert any(s.startswith("重复报修：地下车库的“给排水管道”已有未关闭的工单") for s in zh_read)
    assert en_read_in_chinese == zh_read  # written in English, read in Chinese as if written in Chinese
    with i18n.override("en"):
        for said in _said_on(zh_first, zh_again):
            foreign = [c for c in CJK.findall(said) if not any(c in d for d in data)]
            assert said and not foreign, said
        english = _said_on(zh_first, zh_again)
    assert "Dispatched: 张师傅" in english and english != zh_read
    assert verify.verify(db, attachments=False).ok


def test_history_an_import_writes_is_said_in_either_language(db, make_project, tmp_path):
    from openpyxl import Workbook

    from warranty_desk.services import importing

    project = make_project(code="SAY-IMP", heating_region="北京", accepted_on=dt.date(2025, 6, 16),
                           handed_over_on=dt.date(2025, 7, 1))
    handover.handover(project.id)
    book = Workbook()
    book.active.append(["工程编号", "报修日期", "报修内容", "问题类别", "处理结果", "维修人员", "完成日期", "验收人"])  # i18n: data
    book.active.append(["SAY-IMP", dt.datetime(2026, 3, 1, 9), "屋面渗水", "屋面防水工程", "重做防水层", "李师傅",  # i18n: data
                        dt.datetime(2026, 3, 3, 16), "王业主"])
    book.save(tmp_path / "r.xlsx")
    importing.import_tickets(tmp_path / "r.xlsx")
    ticket = Ticket.get(Ticket.project == project)
    assert all(i18n.said_parts(e.reason) is not None for e in ticket.events)
    with i18n.override("zh_CN"):
        said = [tickets.event_reason_text(e.reason) for e in ticket.events.order_by(e_id())]
    assert said == ["电话报修（表格导入的以往记录：r.xlsx）", "派工：李师傅", "处理结果：重做防水层", "业主纸质验收：王业主"]
    with i18n.override("en"):
        english = [tickets.event_reason_text(e.reason) for e in ticket.events.order_by(e_id())]
    assert english == ["Reported by phone (past record imported from r.xlsx)", "Dispatched: 李师傅", "Result: 重做防水层",
                       "Owner signed off on paper: 王业主"]
    # a history written as a sentence by an earlier release still reads in either language
    with i18n.override("en"):
        assert tickets.event_reason_text("电话报修（表格导入的以往记录：r.xlsx）") == "Reported by phone (past record imported from r.xlsx)"
        assert tickets.event_reason_text("业主纸质验收：王业主") == "Owner signed off on paper: 王业主"


def test_a_reassignment_and_a_sign_off_with_the_owners_words_are_noted_in_the_readers_language(db, make_project):
    from warranty_desk.models import Staff

    project = make_project(code="SAY-RE", heating_region="北京", accepted_on=dt.date(2025, 6, 16),
                           handed_over_on=dt.date(2025, 7, 1))
    handover.handover(project.id)
    for name in ("张师傅", "李师傅"):
        Staff.create(name=name, role="repairer")
    intake = tickets.create_ticket({"project": project.code, "reporter": "张三", "phone": "13800000000",
                                    "category": "plumbing", "description": "水管渗水",  # i18n: data
                                    "reported_at": dt.datetime(2026, 3, 2, 9, 0)})
    tid = intake.ticket.id
    tickets.dispatch(tid, staff="张师傅", at=dt.datetime(2026, 3, 2, 10, 0))
    tickets.dispatch(tid, staff="李师傅", at=dt.datetime(2026, 3, 2, 10, 30), reason="张师傅请假")
    for state, hour in (("onsite", 11), ("repairing", 12), ("awaiting_check", 15)):
        tickets.transition(tid, state, at=dt.datetime(2026, 3, 2, hour, 0))
    tickets.sign_off(tid, "refused", "张三", at=dt.datetime(2026, 3, 2, 16, 0), note="墙面色差")
    reassigned = _last_note("ticket", "dispatch")
    signed = _last_note("ticket", "signoff")
    assert i18n.said_parts(reassigned) is not None and i18n.said_parts(signed) is not None
    with i18n.override("zh_CN"):
        assert audit.note_text(reassigned) == "改派：李师傅（张师傅请假）"
        assert audit.note_text(signed) == "业主拒签：墙面色差"
    with i18n.override("en"):
        for said, data in ((audit.note_text(reassigned), "李师傅张师傅请假"), (audit.note_text(signed), "墙面色差")):
            assert [c for c in CJK.findall(said) if c not in data] == [], said
