"""The benchmarks still work: the generator builds a consistent office and the runner measures
every target at the tiny size (a smoke check; the real numbers come from `python -m benchmarks`)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from benchmarks.generate import SIZES, generate

ROOT = Path(__file__).resolve().parents[2]


def test_generator_builds_a_consistent_reproducible_office(tmp_path):
    size = SIZES["tiny"]
    first = generate(tmp_path / "a.db", size, seed=7)
    generate(tmp_path / "b.db", size, seed=7)
    assert first["projects"] == size.projects and first["units"] == size.units
    assert first["visits"] == size.visits and first["tickets"] == size.tickets
    con = sqlite3.connect(str(tmp_path / "a.db"))
    other = sqlite3.connect(str(tmp_path / "b.db"))
    try:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        numbers = [n for (n,) in con.execute("SELECT number FROM ticket")]
        assert len(numbers) == len(set(numbers)) == size.tickets
        assert all(n.startswith("BX-") and len(n.split("-")[2]) >= 4 for n in numbers)
        # every project has the warranty items the rules give its type, and visits over the years
        assert con.execute("SELECT COUNT(*) FROM project WHERE id NOT IN (SELECT project_id FROM warranty_item)"
                           ).fetchone()[0] == 0
        statuses = {s for (s,) in con.execute("SELECT DISTINCT status FROM visit")}
        assert {"done", "planned"} <= statuses
        # 未联系上 is an attempt: each one has a later retry
        assert con.execute(
            "SELECT COUNT(*) FROM visit v WHERE v.status = 'unreachable' AND NOT EXISTS "
            "(SELECT 1 FROM visit r WHERE r.retry_of_id = v.id AND r.planned_on > v.planned_on)").fetchone()[0] == 0
        assert con.execute("SELECT COUNT(*) FROM ticket_event").fetchone()[0] > size.tickets
        assert con.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] >= size.audit_rows
        # the same seed gives the same office
        query = "SELECT number, project_id, unit_id, state, reported_at FROM ticket ORDER BY id"
        assert con.execute(query).fetchall() == other.execute(query).fetchall()
    finally:
        con.close()
        other.close()


def test_runner_measures_every_target_at_tiny_size(tmp_path):
    out = tmp_path / "results.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--size", "tiny", "--out", str(out)],
                          cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    payload = json.loads(out.read_text(encoding="utf-8"))
    results = {r["name"]: r for r in payload["results"]}
    for name in ("startup", "memory", "ticket_list_open", "memory_ticket_list", "calendar_query", "visits_due", "search",
                 "certificate", "cards", "quarterly", "import", "history_import", "history_import_memory"):
        assert name in results, f"{name} missing from {sorted(results)}"
        assert results[name]["value"] is not None, results[name]
        assert results[name]["error"] == ""
    # one printed line per measurement, with its target
    assert "global search per keystroke" in proc.stdout and "target < 50 ms" in proc.stdout
    assert results["import"]["note"].endswith("left the database unchanged")
    assert "projects (handed over)" in results["history_import"]["note"]


def test_opening_a_database_gives_the_planner_statistics_so_due_visits_use_the_date_index(tmp_path):
    """Without statistics SQLite read every planned visit of ten years through the status index for
    a quarter's due visits (benchmarks/RESULTS.md); open_database refreshes them."""
    import datetime as dt

    from warranty_desk.db import open_database
    from warranty_desk.models import Project, Visit, database_proxy

    path = tmp_path / "office.db"
    generate(path, SIZES["tiny"], seed=3)
    db = open_database(str(path))
    try:
        assert db.execute_sql("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'visit'").fetchone()[0] > 0
        query = (Visit.select(Visit.id).join(Project)
                 .where(Visit.planned_on.between(dt.date(2026, 10, 1), dt.date(2026, 12, 31))
                        & Visit.status.in_(("planned",))))
        sql, params = query.sql()
        plan = " ".join(row[3] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
        # the date index, or the (status, date) index of schema step 9: a range of dates, never a scan
        assert "USING INDEX visit_planned_on" in plan or "visit_status_planned_on (status=? AND planned_on" in plan, plan
        # fresh statistics are not taken again at the next open (nothing written at a normal start)
        from warranty_desk.db import update_statistics

        assert update_statistics(db) is False
        assert update_statistics(db, force=True) is True
    finally:
        db.close()
        database_proxy.initialize(None)


def test_refreshing_statistics_on_a_read_only_file_is_skipped_not_an_error(tmp_path):
    from peewee import SqliteDatabase

    from warranty_desk.db import update_statistics

    path = tmp_path / "office.db"
    generate(path, SIZES["tiny"], seed=3)
    db = SqliteDatabase(f"file:{path}?mode=ro", uri=True)
    db.connect()
    try:
        update_statistics(db)  # a damaged office is opened read-only: this must not stop the program
        assert db.execute_sql("SELECT COUNT(*) FROM project").fetchone()[0] == SIZES["tiny"].projects
    finally:
        db.close()
