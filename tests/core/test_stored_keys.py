"""Schema step 10: a ticket's state, urgency and cause class stored as keys (issue #15), the text made
from them where they are shown. Tested on a copy of a demo office made by the release before the step
(tests/fixtures/demo_v9.db.gz, made by main at schema version 9 with its SLA changed through
`settings set sla.紧急.respond_hours 1`), and on both dialects from an office written as that release
wrote it."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest
from db_helpers import column_counts, release_copy

from warranty_desk import i18n, migrations
from warranty_desk.db import current_version, open_database
from warranty_desk.migrations import m010_stored_keys as step10
from warranty_desk.models import AuditLog, Ticket, TicketEvent
from warranty_desk.rules import responsibility as resp
from warranty_desk.rules import sla
from warranty_desk.rules import ticket_states as st
from warranty_desk.services import settings, tickets

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "demo_v9.db.gz"
CJK = re.compile(r"[\u3400-\u9fff]")
KEYS = {"state": st.STATES, "urgency": sla.URGENCIES, "cause_class": (*resp.CAUSE_CLASSES, "")}


_counts = column_counts


@pytest.fixture
def release_office(tmp_path, monkeypatch):
    """The demo office as the release before step 10 left it (a copy of the file)."""
    return release_copy(FIXTURE, tmp_path, monkeypatch)


def test_the_fixture_is_the_release_before_the_step(release_office):
    con = sqlite3.connect(f"file:{release_office}?mode=ro", uri=True)
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == step10.VERSION - 1
    assert "已关闭" in _counts(con, "ticket", "state") and "紧急" in _counts(con, "ticket", "urgency")
    assert "施工质量" in _counts(con, "ticket", "cause_class")
    con.close()


def test_a_release_office_opens_with_keys_and_loses_nothing(release_office):
    con = sqlite3.connect(release_office)
    before = {(t, c): _counts(con, t, c) for t, c, _m in step10.COLUMNS}
    audit_before = con.execute('SELECT "id", "chain_hash" FROM "audit_log" ORDER BY "id"').fetchall()
    con.close()

    db = open_database(str(release_office))
    assert current_version(db) == migrations.latest_version()
    for table, column, mapping in step10.COLUMNS:
        after = dict(db.execute_sql(f'SELECT "{column}", COUNT(*) FROM "{table}" GROUP BY 1').fetchall())
        assert after == {mapping.get(k, k): n for k, n in before[(table, column)].items()}, (table, column)
        assert not any(CJK.search(value) for value in after), (table, column, after)
    for field, keys in KEYS.items():
        assert {getattr(t, field) for t in Ticket.select()} <= set(keys), field
    assert {e.to_state for e in TicketEvent.select()} <= set(st.STATES)
    # the office's own SLA change survives under the new keys
    assert settings.get("sla")[sla.URGENT]["respond_hours"] == 1
    assert settings.get("sla")[sla.NORMAL]["complete_hours"] == 360
    # the audit log is append-only: its rows (and their chain) are untouched and still verify
    assert [(a.id, a.chain_hash) for a in AuditLog.select().order_by(AuditLog.id)][:len(audit_before)] == audit_before
    from warranty_desk.services import verify

    report = verify.verify(db, file=str(release_office), attachments=False)
    assert report.ok, [p.text for p in report.problems]

    # the text is made from the key, in the language asked for
    closed = Ticket.select().where(Ticket.state == st.CLOSED).first()
    detail = tickets.ticket_detail(closed.id)
    assert detail["state"] == st.CLOSED
    assert st.state_name(detail["state"]) == "已关闭"
    with i18n.override("en"):
        assert st.state_name(detail["state"]) == "Closed"
        assert sla.urgency_name(sla.URGENT) == "Urgent"
        assert resp.cause_name(resp.WORKMANSHIP) == "Construction quality"
    # and the office goes on working: a dispatched ticket moves on, its event stored as keys
    dispatched = Ticket.select().where(Ticket.state == st.DISPATCHED).order_by(Ticket.id).first()
    moved = tickets.transition(dispatched.id, "已到场", at=dt.datetime(2026, 11, 30, 9, 0))
    assert moved.state == st.ONSITE
    last = TicketEvent.select().where(TicketEvent.ticket == moved).order_by(TicketEvent.id.desc()).first()
    assert (last.from_state, last.to_state) == (st.DISPATCHED, st.ONSITE)


def test_history_written_before_the_step_is_still_said_in_either_language(release_office):
    """The audit log keeps the Chinese names it was written with; they are shown like keys."""
    open_database(str(release_office))
    old_rows = [row.old + row.new for row in AuditLog.select().where(AuditLog.table == "ticket")]
    assert any("已关闭" in text or "已派工" in text for text in old_rows)
    for label, key in st.LEGACY.items():
        assert st.state_name(label) == st.state_name(key)
        with i18n.override("en"):
            assert st.state_name(label) == st.state_name(key)
            assert not CJK.search(st.state_name(label))
    with i18n.override("en"):
        assert sla.urgency_name("紧急") == "Urgent" and resp.cause_name("使用不当") == "Improper use"


def test_step_10_on_both_dialects(db_target, tmp_path, monkeypatch):
    """An office written as the release before step 10 wrote it (Chinese names in the ticket, its
    events and the SLA setting), on SQLite or PostgreSQL, opened by this release."""
    from warranty_desk.services.demo import build_demo

    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("WARRANTY_DESK_USER", "测试员")
    db = open_database(db_target)
    settings.ensure_defaults()
    build_demo(today=dt.date(2026, 11, 29))
    settings.set_text("sla.urgent.onsite_hours", "3")
    counts = {(t, c): dict(db.execute_sql(f'SELECT "{c}", COUNT(*) FROM "{t}" GROUP BY 1').fetchall())
              for t, c, _m in step10.COLUMNS}
    param = "?" if "sqlite" in type(db).__name__.lower() else "%s"
    with db.atomic():  # back to what the release before wrote
        for table, column, mapping in step10.COLUMNS:
            for old, new in mapping.items():
                db.execute_sql(f'UPDATE "{table}" SET "{column}" = {param} WHERE "{column}" = {param}', (old, new))
        db.execute_sql(f'UPDATE "setting" SET "value" = REPLACE(REPLACE("value", {param}, {param}), {param}, {param}) '
                       f'WHERE "key" = {param}', ('"urgent"', '"紧急"', '"normal"', '"一般"', "sla"))
        db.execute_sql(f'DELETE FROM "schema_version" WHERE "version" >= {param}', (step10.VERSION,))
    assert Ticket.select().where(Ticket.state == "已关闭").exists()
    db.close()

    db = open_database(db_target)
    assert current_version(db) == migrations.latest_version()
    for table, column, _mapping in step10.COLUMNS:
        after = dict(db.execute_sql(f'SELECT "{column}", COUNT(*) FROM "{table}" GROUP BY 1').fetchall())
        assert after == counts[(table, column)], (table, column)
    assert settings.get("sla")[sla.URGENT]["onsite_hours"] == 3
    db.close()


def test_names_in_either_language_reach_the_same_key(db):
    for text in ("已派工", "dispatched", "Dispatched", " DISPATCHED "):
        assert st.state_key(text) == st.DISPATCHED
    for text in ("紧急", "urgent", "Urgent", "emergency"):
        assert sla.urgency_key(text) == sla.URGENT
    for text in ("使用不当", "misuse", "Improper use"):
        assert resp.cause_key(text) == resp.MISUSE
    assert st.state_key("半关闭") == "半关闭"  # not a state: given back for the rule that refuses it
    with pytest.raises(Exception, match="半关闭"):
        st.check(st.RECEIVED, st.state_key("半关闭"))


def test_json_output_keeps_the_names_scripts_read_and_adds_the_keys(release_office, capsys):
    """`--json` is a contract: a ticket's state (and urgency, cause, a history step) still carries the
    Chinese name the first releases printed, in every language, with the key beside it."""
    import json

    from warranty_desk import cli

    open_database(str(release_office))
    closed = Ticket.select().where(Ticket.state == st.CLOSED, Ticket.cause_class != "").first()
    for lang in ("zh_CN", "en"):
        assert cli.main(["--db", str(release_office), "--lang", lang, "ticket", "show", closed.number, "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        assert (shown["state"], shown["state_key"]) == ("已关闭", "closed")
        assert shown["urgency"] in ("紧急", "一般") and shown["urgency_key"] in sla.URGENCIES
        assert shown["cause_class"] == resp.CAUSE_LABELS[shown["cause_class_key"]]
        assert shown["events"][-1]["to"] == "已关闭" and shown["events"][-1]["to_key"] == "closed"
    assert cli.main(["--db", str(release_office), "ticket", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(r["state"] == st.LABELS[r["state_key"]] for r in rows)
