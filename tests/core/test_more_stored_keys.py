"""Schema step 12: a ticket's channel and payer, a cost line's kind and bearer, a visit's method, a
project's type and scale, and the purposes the program writes on a visit are stored as keys (issue
#15), the text made from them where they are shown. Tested on a copy of a demo office made by the
release before the step (tests/fixtures/demo_v11.db.gz, made by main at schema version 11 with
tests/fixtures/make_demo_fixture.py: the demo office, a project handed over while the program spoke
English, a storm call, a ticket found on a visit, costs the office bears), and on both dialects from
an office written as that release wrote it."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import pytest
from db_helpers import column_counts, release_copy

from warranty_desk import i18n, migrations
from warranty_desk.db import current_version, open_database
from warranty_desk.migrations import m012_more_stored_keys as step12
from warranty_desk.models import AuditLog, CostLine, Project, Ticket, Visit
from warranty_desk.rules import categories as cat
from warranty_desk.rules import responsibility as resp
from warranty_desk.rules import visit_methods as vm
from warranty_desk.rules import visit_purposes as vp
from warranty_desk.services import handover, tickets

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "demo_v11.db.gz"
CJK = re.compile(r"[\u3400-\u9fff]")
KEYS = {
    ("ticket", "channel"): tickets.CHANNELS, ("ticket", "payer"): (*resp.PAYERS, ""),
    ("cost_line", "borne_by"): resp.BEARERS, ("cost_line", "kind"): tickets.COST_KINDS,
    ("visit", "method"): vm.METHODS, ("project", "type"): cat.PROJECT_TYPES, ("project", "scale"): cat.PROJECT_SCALES,
}


_counts = column_counts


@pytest.fixture
def release_office(tmp_path, monkeypatch):
    """The demo office as the release before step 12 left it (a copy of the file)."""
    return release_copy(FIXTURE, tmp_path, monkeypatch)


def test_the_fixture_is_the_release_before_the_step(release_office):
    con = sqlite3.connect(f"file:{release_office}?mode=ro", uri=True)
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == step12.VERSION - 1
    for table, column, mapping in step12.COLUMNS:
        assert set(_counts(con, table, column)) & set(mapping), (table, column)
    purposes = "\n".join(p for (p,) in con.execute('SELECT "purposes" FROM "visit"'))
    assert "定期回访" in purposes and "Periodic visit (中型 project, every 6 months)" in purposes
    assert "暴雨后回访" in purposes and "维修后满意度回访" in purposes
    con.close()


def test_a_release_office_opens_with_keys_and_loses_nothing(release_office):
    con = sqlite3.connect(release_office)
    before = {(t, c): _counts(con, t, c) for t, c, _m in step12.COLUMNS}
    visits_before = dict(con.execute('SELECT "id", "purposes" FROM "visit"').fetchall())
    audit_before = con.execute('SELECT "id", "chain_hash" FROM "audit_log" ORDER BY "id"').fetchall()
    con.close()

    db = open_database(str(release_office))
    assert current_version(db) == migrations.latest_version()
    for table, column, mapping in step12.COLUMNS:
        after = dict(db.execute_sql(f'SELECT "{column}", COUNT(*) FROM "{table}" GROUP BY 1').fetchall())
        assert after == {mapping.get(k, k): n for k, n in before[(table, column)].items()}, (table, column)
        assert set(after) <= set(KEYS[(table, column)]), (table, column, after)
    # every purpose the program wrote (Chinese or English) is a code with its parameters; each one
    # says in either language what the line said before
    visits = {v.id: v.purposes for v in Visit.select(Visit.id, Visit.purposes)}
    assert set(visits) == set(visits_before)
    for vid, stored in visits.items():
        lines = [line for line in stored.split("\n") if line.strip()]
        old_lines = [line for line in visits_before[vid].split("\n") if line.strip()]
        assert len(lines) == len(old_lines)
        for line, old in zip(lines, old_lines, strict=True):
            assert vp.is_programs(line), (vid, old)
            written_in_english = old.startswith(("Periodic", "Visit", "Check", "After"))
            if not written_in_english:  # a line written in Chinese is said again word for word
                with i18n.override("zh_CN"):
                    assert vp.purpose_text(line) == old
            with i18n.override("en"):
                assert not CJK.search(vp.purpose_text(line).replace(_summary(line), "")), line
    english = Project.get(Project.code == "EN-001")
    assert (english.type, english.scale) == (cat.RESIDENTIAL, cat.MEDIUM)
    periodic = [vp.parsed(v.purposes) for v in english.visits if v.kind == "periodic"]
    assert periodic and all(p == {"purpose": "periodic", "scale": "medium", "step": 6} for p in periodic)
    with i18n.override("en"):
        assert vp.purpose_text(json.dumps(periodic[0])) == "Periodic visit (Medium project, every 6 months)"
    storm = Visit.get(Visit.kind == "after_storm")
    assert vp.parsed(storm.purposes)["names"] == ["roof_waterproofing", "exterior_wall_seepage"]
    # the audit log is append-only: its rows (and their chain) are untouched and still verify
    assert [(a.id, a.chain_hash) for a in AuditLog.select().order_by(AuditLog.id)][:len(audit_before)] == audit_before
    from warranty_desk.services import verify

    report = verify.verify(db, file=str(release_office), attachments=False)
    assert report.ok, [p.text for p in report.problems]

    # the names are made from the keys, in the language asked for
    line = CostLine.select().where(CostLine.borne_by == resp.US).first()
    with i18n.override("en"):
        assert (tickets.cost_kind_name(line.kind), resp.payer_name(line.borne_by)) != ("人工", "我方")
        assert not CJK.search(tickets.cost_kind_name(line.kind) + resp.payer_name(line.borne_by))
        assert tickets.channel_name(tickets.CHANNELS[3]) == "Found on a visit"
        assert vm.method_name(vm.ONSITE) == "On site" and cat.project_type_name(cat.RESIDENTIAL) == "Residential"
    assert resp.payer_name(resp.US) == "我方" and vm.method_name("上门") == "上门"
    # and the office goes on working: a new plan and a new cost line are stored as keys
    medium = Project.select().where(Project.scale == cat.MEDIUM, Project.handed_over_on.is_null(False)).first()
    with i18n.override("en"):
        rebuilt = handover.rebuild_visit_plan(medium)
    assert rebuilt and all(vp.is_programs(line) for v in medium.visits for line in v.purposes.split("\n") if line)
    open_ticket = Ticket.select().where(Ticket.state.in_(("dispatched", "onsite", "repairing"))).first()
    added = tickets.add_cost_line(open_ticket.id, "Materials", "sealant", "12", borne_by="Us")
    assert (added.kind, added.borne_by) == (tickets.COST_KINDS[1], resp.US)


def _summary(line: str) -> str:
    """What the clerk typed inside a program-made purpose (a repair's description), as typed."""
    value = vp.parsed(line) or {}
    return str(value.get("s", ""))


def test_a_purpose_the_clerk_wrote_stays_as_written():
    for text in ("请带上防水检测仪", "{not json", '{"purpose": "x"}', "保修期满前交代回访：自家花园（2027-01-01到期）"):
        assert step12.purpose_line(text) == text
        assert vp.purpose_text(text) == text
    assert step12.purpose_line("Periodic visit (巨型 project, every 6 months)") == "Periodic visit (巨型 project, every 6 months)"
    assert step12.purpose_line("保修期满前交代回访：屋面防水工程、有防水要求的卫生间、房间的防渗漏（2030-06-16到期）") == json.dumps(
        {"isoformat": "2030-06-16", "names": ["roof_waterproofing", "wet_room_waterproofing"],
         "purpose": "before_end"}, ensure_ascii=False, sort_keys=True)


def test_step_12_on_both_dialects(db_target, tmp_path, monkeypatch):
    """An office written as the release before step 12 wrote it (Chinese names in tickets, cost
    lines, visits and projects, purposes as sentences), on SQLite or PostgreSQL, opened by this release."""
    from warranty_desk.services import settings
    from warranty_desk.services.demo import build_demo

    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("WARRANTY_DESK_USER", "测试员")
    db = open_database(db_target)
    settings.ensure_defaults()
    build_demo(today=dt.date(2026, 11, 29))
    counts = {(t, c): dict(db.execute_sql(f'SELECT "{c}", COUNT(*) FROM "{t}" GROUP BY 1').fetchall())
              for t, c, _m in step12.COLUMNS}
    purposes = dict(db.execute_sql('SELECT "id", "purposes" FROM "visit"').fetchall())
    param = "?" if "sqlite" in type(db).__name__.lower() else "%s"
    with db.atomic():  # back to what the release before wrote
        for table, column, mapping in step12.COLUMNS:
            for old, new in mapping.items():
                db.execute_sql(f'UPDATE "{table}" SET "{column}" = {param} WHERE "{column}" = {param}', (old, new))
        with i18n.override("zh_CN"):
            for vid, stored in purposes.items():
                db.execute_sql(f'UPDATE "visit" SET "purposes" = {param} WHERE "id" = {param}',
                               ("\n".join(vp.purposes_of(stored)), vid))
        db.execute_sql(f'DELETE FROM "schema_version" WHERE "version" >= {param}', (step12.VERSION,))
    assert Ticket.select().where(Ticket.channel == "电话").exists()
    assert Visit.select().where(Visit.purposes.contains("定期回访")).exists()
    db.close()

    db = open_database(db_target)
    assert current_version(db) == migrations.latest_version()
    for table, column, _mapping in step12.COLUMNS:
        after = dict(db.execute_sql(f'SELECT "{column}", COUNT(*) FROM "{table}" GROUP BY 1').fetchall())
        assert after == counts[(table, column)], (table, column)
    assert dict(db.execute_sql('SELECT "id", "purposes" FROM "visit"').fetchall()) == purposes
    db.close()


def test_names_in_either_language_reach_the_same_key(db):
    for text in ("上门", "onsite", "On site", " ON SITE "):
        assert vm.method_key(text) == vm.ONSITE
    for text in ("我方", "us", "Us"):
        assert resp.payer_key(text) == resp.US
    for text in ("来函", "letter", "Letter"):
        assert tickets.channel_key(text) == tickets.CHANNELS[1]
    for text in ("材料", "material", "Materials"):
        assert tickets.cost_kind_key(text) == tickets.COST_KINDS[1]
    for text in ("住宅", "residential", "Residential"):
        assert cat.project_type_key(text) == cat.RESIDENTIAL
    for text in ("中型", "medium", "Medium"):
        assert cat.scale_key(text) == cat.MEDIUM
    assert vm.method_key("飞鸽传书") == "飞鸽传书"  # not a method: given back for the rule that refuses it


def test_json_output_keeps_the_names_scripts_read_and_adds_the_keys(release_office, capsys):
    """`--json` is a contract: a project's type and scale, a ticket's channel and payer, a cost
    line's kind and bearer and a visit's method still carry the Chinese names the first releases
    printed, in every language, with the keys beside them; purposes are the Chinese sentences."""
    from warranty_desk import cli

    open_database(str(release_office))
    ticket = Ticket.select().join(CostLine).where(CostLine.borne_by == resp.US).first()
    for lang in ("zh_CN", "en"):
        assert cli.main(["--db", str(release_office), "--lang", lang, "ticket", "show", ticket.number, "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        assert (shown["channel"], shown["channel_key"]) == ("回访发现", "visit_finding")
        kinds = {(c["kind"], c["kind_key"], c["borne_by"], c["borne_by_key"]) for c in shown["cost_lines"]}
        assert ("人工", "labour", "我方", "us") in kinds
        assert cli.main(["--db", str(release_office), "--lang", lang, "project", "show", "EN-001", "--json"]) == 0
        project = json.loads(capsys.readouterr().out)
        assert (project["type"], project["type_key"], project["scale"], project["scale_key"]) == (
            "住宅", "residential", "中型", "medium")
        assert cli.main(["--db", str(release_office), "--lang", lang, "visits", "due", "--from", "2025-01-01",
                         "--to", "2027-12-31", "--json"]) == 0
        rows = json.loads(capsys.readouterr().out)
        periodic = next(r for r in rows if r["project_code"] == "EN-001" and r["kind"] == "periodic")
        assert periodic["purposes"] == ["中型项目定期回访（每6个月）"]
        assert periodic["purposes_key"] == [{"purpose": "periodic", "scale": "medium", "step": 6}]
        assert periodic["method"] in ("电话", "上门") and periodic["method_key"] in vm.METHODS
