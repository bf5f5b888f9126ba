"""The phone companion's core: pairing, tokens, revoking; the crew's work list; submissions applied
once and all or nothing through the ticket and visit services; the change counter."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading

import pytest
from phone_fixtures import field_office, jpeg, png

from warranty_desk.errors import ConflictError, NotFound, ValidationError
from warranty_desk.models import (
    Attachment,
    AuditLog,
    CostLine,
    PairingCode,
    PhoneDevice,
    PhoneSubmission,
    Ticket,
    TicketEvent,
    Visit,
    database_proxy,
)
from warranty_desk.rules import ticket_states as st
from warranty_desk.services import changes, field_work, phones, tickets
from warranty_desk.services.field_work import Submission, Upload


@pytest.fixture
def office(db):
    return field_office()


def _paired(office, name="张师傅的红米"):
    code = phones.create_pairing(office["worker"].id)["code"]
    return phones.pair(code, name, user_agent="Mozilla/5.0 (Linux; Android 14)", ip="127.0.0.1")


def _key(n: int | str) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()[:32]


# --- pairing ----------------------------------------------------------------------------------

def test_pairing_gives_a_token_stored_only_as_its_hash(office):
    info = phones.create_pairing(office["worker"].id)
    assert info["staff_name"] == "张师傅" and len(info["code"]) >= 24
    assert (info["expires_at"] - dt.datetime.now()).total_seconds() == pytest.approx(600, abs=5)
    device, token = phones.pair(info["code"], "  张师傅的红米  ", ip="10.0.0.8")
    assert len(token) >= 40 and device.name == "张师傅的红米"
    stored = PhoneDevice.get_by_id(device.id)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in stored.token_hash
    assert info["code"] not in json.dumps([r.code_hash for r in PairingCode.select()])
    assert phones.authenticate(token, ip="10.0.0.8").id == device.id
    assert phones.authenticate("x" * 43) is None and phones.authenticate("") is None
    row = AuditLog.select().where(AuditLog.table == "phone_device").get()
    assert row.user == "张师傅（手机：张师傅的红米）" and row.action == "pair"


def test_a_pairing_code_works_once_and_only_for_ten_minutes(office):
    info = phones.create_pairing(office["worker"].id)
    phones.pair(info["code"], "手机一")
    with pytest.raises(phones.PairingRefused, match="已经用过"):
        phones.pair(info["code"], "手机二")
    late = phones.create_pairing(office["worker"].id, now=dt.datetime.now() - dt.timedelta(minutes=11))
    with pytest.raises(phones.PairingRefused, match="已过期"):
        phones.pair(late["code"], "手机三")
    with pytest.raises(phones.PairingRefused, match="无效"):
        phones.pair("not-a-code", "手机四")
    assert PhoneDevice.select().count() == 1  # nothing written by the refused ones


def test_pairing_needs_an_active_person_and_a_device_name(office):
    with pytest.raises(ValidationError, match="请选择"):
        phones.create_pairing(None)
    worker = office["worker"]
    code = phones.create_pairing(worker.id)["code"]
    with pytest.raises(ValidationError, match="起个名字"):
        phones.pair(code, "   ")
    with pytest.raises(ValidationError, match="太长"):
        phones.pair(code, "机" * 41)
    worker.active = False
    worker.save()
    with pytest.raises(ValidationError, match="已停用"):
        phones.pair(code, "手机")
    assert PhoneDevice.select().count() == 0 and PairingCode.get().used_at is None


def test_a_revoked_phone_is_known_but_refused(office):
    device, token = _paired(office)
    phones.revoke(device.id, "手机丢了")
    again = phones.authenticate(token)
    assert again.revoked_at is not None
    with pytest.raises(ValidationError, match="撤销"):
        field_work.submit(again, Submission(_key(1), "arrive", office["ticket"].id, office["ticket"].version))
    assert Ticket.get_by_id(office["ticket"].id).state == st.DISPATCHED
    listed = phones.list_devices()
    assert listed[0]["revoked_at"] is not None and listed[0]["staff_name"] == "张师傅"


def test_last_seen_is_written_at_most_once_a_minute(office):
    device, token = _paired(office)
    t0 = device.last_seen_at + dt.timedelta(minutes=5)
    phones.authenticate(token, ip="127.0.0.1", now=t0)
    phones.authenticate(token, ip="127.0.0.1", now=t0 + dt.timedelta(seconds=30))
    assert PhoneDevice.get_by_id(device.id).last_seen_at == t0
    phones.authenticate(token, ip="127.0.0.1", now=t0 + dt.timedelta(seconds=61))
    assert PhoneDevice.get_by_id(device.id).last_seen_at == t0 + dt.timedelta(seconds=61)


# --- the crew's pages ---------------------------------------------------------------------------

def test_work_list_shows_my_repairs_and_this_weeks_visits_nearest_first(office):
    worker = office["worker"]
    rows = field_work.work_list(worker.id)
    assert [(r["kind"], r["id"]) for r in rows] == [("ticket", office["ticket"].id), ("visit", office["visit"].id)] or \
        [(r["kind"], r["id"]) for r in rows] == [("visit", office["visit"].id), ("ticket", office["ticket"].id)]
    dues = [r["due"] for r in rows if not r["overdue"]]
    assert dues == sorted(dues)
    Visit.create(project=office["project"], planned_on=field_work.week_end(dt.date.today()) + dt.timedelta(days=1),
                 kind="periodic", staff=worker)  # next week: not yet
    assert len(field_work.work_list(worker.id)) == 2
    assert field_work.work_list(office["other"].id) == []


def test_the_work_list_says_when_a_visit_is_due(office):
    today = dt.date(2026, 12, 9)
    assert field_work.visit_due_text(today, today) == "今天回访"
    assert field_work.visit_due_text(dt.date(2026, 12, 11), today) == "计划 2026-12-11 回访"
    assert field_work.visit_due_text(dt.date(2026, 12, 7), today) == "计划 2026-12-07，已过 2 天"
    row = next(r for r in field_work.work_list(office["worker"].id) if r["kind"] == "visit")
    assert row["due_text"] == "今天回访" and row["state"] == ""  # every listed visit is planned: not said twice


def test_a_phone_sees_only_its_own_work(office):
    view = field_work.ticket_view(office["ticket"].id, office["worker"].id)
    assert view["owner"] == "王业主" and view["tel"] == "13800000001"
    assert "阳光路 8 号" in view["address"] and "1号楼-1单元-101" in view["address"]
    assert view["can_arrive"] and view["in_warranty"] and "2029" in view["warranty_reason"]
    with pytest.raises(NotFound, match="没有派给您"):
        field_work.ticket_view(office["ticket"].id, office["other"].id)
    with pytest.raises(NotFound):
        field_work.visit_view(office["visit"].id, office["other"].id)


def test_the_live_score_table_is_made_by_the_scoring_rules(office):
    view = field_work.visit_view(office["visit"].id, office["worker"].id)
    table = view["scores"]
    scale = next(q for q in table["questions"] if "1" in q["points"])
    assert scale["points"] == {"1": 0.0, "2": 25.0, "3": 50.0, "4": 75.0, "5": 100.0}
    assert table["grades"][0] == [90, "满意"]


# --- submissions --------------------------------------------------------------------------------

def _report(office, key, **fields):
    ticket = Ticket.get_by_id(office["ticket"].id)
    data = {"outcome": "signed", "work": "更换屋面防水卷材 3 平方米", "signer": "王业主", "satisfaction": "5",
            "remark": "修得很好", "costs": json.dumps([{"kind": "材料", "description": "防水卷材", "quantity": "3",
                                                     "unit_price": "45", "borne_by": "我方"}])}
    data.update(fields)
    return Submission(key, "report", ticket.id, ticket.version, data,
                      [Upload("现场.jpg", jpeg())], png())


def test_arrival_then_report_closes_the_ticket_with_photo_and_signature(office):
    device, _token = _paired(office)
    paired_mark = changes.latest()
    ticket = office["ticket"]
    arrived = dt.datetime.now().replace(microsecond=0) - dt.timedelta(minutes=40)
    result = field_work.submit(device, Submission(_key("a"), "arrive", ticket.id, ticket.version,
                                                  {"at": arrived.isoformat()}))
    assert result["status"] == "saved" and result["version"] == ticket.version + 1
    # the page shows the new state by name and keeps the report form (there is work to report)
    assert result["state_name"] == "已到场" and result["finished"] is False and result["due_text"]
    assert Ticket.get_by_id(ticket.id).onsite_at == arrived
    result = field_work.submit(device, _report(office, _key("r")))
    assert result["state_name"] == "已关闭" and result["finished"] is True and result["due_text"] == ""
    saved = Ticket.get_by_id(ticket.id)
    assert saved.state == st.CLOSED and saved.signoff_kind == "screen" and saved.satisfaction == 5
    kinds = sorted(a.kind for a in Attachment.select().where(Attachment.owner_id == ticket.id))
    assert kinds == ["photo", "signature"]
    assert CostLine.get().amount == 135
    actor = "张师傅（手机：张师傅的红米）"
    events = list(TicketEvent.select().where(TicketEvent.ticket == ticket.id).order_by(TicketEvent.id))
    assert [e.to_state for e in events[-4:]] == [st.ONSITE, st.REPAIRING, st.AWAITING_CHECK, st.CLOSED]
    assert all(e.by == actor for e in events[-4:])
    assert {r.user for r in AuditLog.select().where(AuditLog.id > paired_mark)} == {actor}
    assert Attachment.select().where(Attachment.kind == "photo").get().created_by == actor


def test_the_same_submission_twice_is_applied_once(office):
    device, _token = _paired(office)
    sub = _report(office, _key("once"))
    first = field_work.submit(device, sub)
    again = field_work.submit(device, sub)
    assert first["duplicate"] is False and again["duplicate"] is True and again["version"] == first["version"]
    assert CostLine.select().count() == 1
    assert Attachment.select().where(Attachment.kind == "photo").count() == 1
    assert PhoneSubmission.select().count() == 1


def test_a_refused_submission_writes_nothing_not_even_its_key(office):
    device, _token = _paired(office)
    before = AuditLog.select().count()
    for bad in (
        _report(office, _key("nosig")),  # signed, but no signature drawn
        _report(office, _key("big")),  # a photo that is not an image
        _report(office, _key("cost"), costs=json.dumps([{"kind": "材料", "description": "x", "amount": "-5"}])),
        _report(office, _key("work"), work=""),
    ):
        if bad.key == _key("nosig"):
            bad.signature = None
        if bad.key == _key("big"):
            bad.photos = [Upload("病毒.jpg", b"MZ\x90\x00 not an image" * 100)]
        with pytest.raises(ValidationError):
            field_work.submit(device, bad)
    assert Ticket.get_by_id(office["ticket"].id).state == st.DISPATCHED
    assert AuditLog.select().count() == before
    assert PhoneSubmission.select().count() == 0 and CostLine.select().count() == 0
    assert Attachment.select().count() == 0


def test_a_change_in_the_office_meanwhile_is_a_conflict_with_both_versions(office):
    device, _token = _paired(office)
    ticket = office["ticket"]
    mark = field_work.last_audit_id("ticket", ticket.id)
    sub = _report(office, _key("c"))
    with_clerk = tickets.get_ticket(ticket.id)
    tickets.set_cause(with_clerk.id, "施工质量", expected_version=with_clerk.version)
    with pytest.raises(ConflictError, match="办公室"):
        field_work.submit(device, sub)
    office_side = field_work.office_version("ticket", ticket.id, mark)
    assert office_side["version"] == with_clerk.version + 1
    assert any(row == ["责任", "施工质量"] for row in office_side["rows"])
    assert office_side["changes"] and office_side["changes"][-1]["user"] == "测试员"
    sub.expected_version = office_side["version"]
    sub.key = _key("c2")
    assert field_work.submit(device, sub)["status"] == "saved"


def test_someone_elses_ticket_is_refused(office):
    device, _token = _paired(office)
    tickets.dispatch(office["ticket"].id, office["other"].id)
    with pytest.raises(NotFound, match="没有派给您"):
        field_work.submit(device, Submission(_key(9), "arrive", office["ticket"].id, None))


def test_a_bad_key_or_kind_is_refused(office):
    device, _token = _paired(office)
    with pytest.raises(ValidationError, match="编号"):
        field_work.submit(device, Submission("short", "arrive", office["ticket"].id, None))
    with pytest.raises(ValidationError, match="未知的提交类型"):
        field_work.submit(device, Submission(_key(1), "delete", office["ticket"].id, None))


def test_visit_recorded_from_the_phone_with_questionnaire_and_signature(office):
    device, _token = _paired(office)
    view = field_work.visit_view(office["visit"].id, office["worker"].id)
    answers = {}
    for q in view["template"]["questions"]:
        answers[q["id"]] = {"scale": "5", "yesno": "是", "choice": q["choices"][0][0] if q["choices"] else "",
                            "text": "很好"}[q["kind"]]
    result = field_work.submit(device, Submission(
        _key("v"), "visit", office["visit"].id, view["version"],
        {"met_person": "王业主", "opinion": "满意", "answers": json.dumps(answers)}, [], png()))
    visit = Visit.get_by_id(office["visit"].id)
    assert visit.status == "done" and visit.score == 100 and visit.grade == "satisfied" and result["score"] == 100
    assert visit.visitor == "张师傅" and visit.method == "onsite"
    assert Attachment.get((Attachment.owner_table == "visit") & (Attachment.kind == "signature"))
    assert AuditLog.get((AuditLog.table == "visit") & (AuditLog.action == "record")).user == "张师傅（手机：张师傅的红米）"


def test_concurrent_copies_of_one_submission_apply_once(office):
    """Two copies of one submission arriving at once (a retry racing the original)."""
    device, _token = _paired(office)
    sub = Submission(_key("race"), "arrive", office["ticket"].id, office["ticket"].version)
    results, errors = [], []

    def send():
        try:
            results.append(field_work.submit(phones.get_device(device.id), sub))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            database_proxy.obj.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(r["duplicate"] for r in results) == [False, True, True, True]
    assert TicketEvent.select().where(TicketEvent.to_state == st.ONSITE).count() == 1


# --- the change counter ------------------------------------------------------------------------

def test_the_watcher_reports_only_what_others_wrote(office):
    watcher = changes.Watcher()
    tickets.set_cause(office["ticket"].id, "施工质量")  # this process: the desktop announced it itself
    assert watcher.poll() == set()
    # another process (a headless phone server) writes an audit row
    AuditLog.insert(at=dt.datetime.now().replace(microsecond=0), user="张师傅（手机：红米）", action="transition",
                    table="ticket", record_id=office["ticket"].id, old="", new="", note="").execute()
    assert watcher.poll() == {"ticket"}
    assert watcher.poll() == set()
    assert changes.latest() == watcher.last


def test_in_process_listeners_hear_notify(office):
    heard = []
    changes.subscribe(heard.append)
    try:
        changes.notify({"ticket"})
    finally:
        changes.unsubscribe(heard.append)
    changes.notify({"visit"})
    assert heard == [{"ticket"}]


# --- schema step 4 ------------------------------------------------------------------------------

def test_step_4_adds_the_phone_tables_to_a_version_3_database(db_target, tmp_path, monkeypatch):
    """An office on version 3 (SQLite or PostgreSQL) gets the three phone tables, and the
    idempotency key is unique per phone in the database itself."""
    from peewee import IntegrityError as PeeweeIntegrityError

    from warranty_desk import migrations
    from warranty_desk.db import _connect, current_version, open_database

    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    raw = _connect(db_target)
    for version, step in migrations.steps():
        if version > 3:
            break
        with raw.atomic():
            step.apply(raw)
            raw.execute_sql("INSERT INTO schema_version (version, applied_at) VALUES (%s, '2026-01-01')"
                            .replace("%s", "?" if "sqlite" in type(raw).__name__.lower() else "%s"), (version,))
    assert current_version(raw) == 3 and not raw.table_exists("phone_device")
    raw.close()
    db = open_database(db_target)
    try:
        assert current_version(db) == migrations.latest_version() >= 4
        for table in ("phone_device", "pairing_code", "phone_submission"):
            assert db.table_exists(table)
        from warranty_desk.services import settings

        settings.ensure_defaults()
        office = field_office()
        device, _token = _paired(office)
        PhoneSubmission.create(device=device.id, key=_key(1), kind="arrive", record_table="ticket", record_id=1)
        with pytest.raises(PeeweeIntegrityError), db.atomic():
            PhoneSubmission.create(device=device.id, key=_key(1), kind="arrive", record_table="ticket", record_id=1)
    finally:
        db.close()
