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
