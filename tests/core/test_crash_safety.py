"""Crash safety: a process killed (SIGKILL) in the middle of a large import or a ticket transition
leaves a consistent database holding all or none of that work."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from datasafety_helpers import ticket_awaiting_check
from db_helpers import database_is_postgres

from warranty_desk.db import open_database
from warranty_desk.models import Attachment, AuditLog, Project, Ticket, TicketEvent, Visit
from warranty_desk.services import integrity

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")

WORKER = Path(__file__).with_name("crash_worker.py")
ROOT = Path(__file__).resolve().parents[2]
ROWS = 2000


def _write_sheet(path: Path, rows: int) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["工程编号", "工程名称", "建设单位", "工程类型", "工程规模", "竣工验收日期", "交付日期", "采暖地区"])
        for n in range(rows):
            # every tenth project has both dates and is handed over in the import's transaction
            w.writerow([f"K-{n:05d}", f"导入工程{n} 鑫𠀀", f"建设单位{n % 40}", "住宅", "中型",
                        "2024-06-15", "2024-07-01" if n % 10 == 0 else "", "北京"])


def _start(mode: str, target: str, arg: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, str(WORKER), mode, target, arg], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def _kill_when(proc: subprocess.Popen, ready) -> list[str]:
    seen = []
    for line in proc.stdout:
        seen.append(line.strip())
        if ready(line):
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, (seen[-3:], proc.stderr.read())
    return seen


def _reopen(db, target: str):
    db.close()
    reopened = open_database(target)
    if not database_is_postgres():
        assert integrity.check_integrity(reopened) == []
    return reopened


def test_import_killed_half_way_leaves_none_of_it(db, db_target, tmp_path):
    sheet = tmp_path / "projects.csv"
    _write_sheet(sheet, ROWS)
    audit_before = AuditLog.select().count()
    proc = _start("import", db_target, str(sheet))
    # progress counts rows read, rows checked, then records written: killed half way through the writing
    seen = _kill_when(proc, lambda line: line.startswith("PROGRESS") and int(line.split()[1]) > int(line.split()[2]) * 5 // 6)
    assert any(line.startswith("PROGRESS") for line in seen)
    reopened = _reopen(db, db_target)
    assert Project.select().count() == 0
    assert AuditLog.select().count() == audit_before
    reopened.close()


def test_import_not_killed_holds_all_of_it(db, db_target, tmp_path):
    sheet = tmp_path / "projects.csv"
    _write_sheet(sheet, ROWS)
    proc = _start("import", db_target, str(sheet))
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert f"DONE {ROWS}" in out
    reopened = _reopen(db, db_target)
    assert Project.select().count() == ROWS
    reopened.close()


def test_ticket_close_killed_mid_transaction_leaves_it_as_it_was(db, db_target, make_project):
    make_project(code="CR-1")
    ticket = ticket_awaiting_check("CR-1")
    events, visits, audits = TicketEvent.select().count(), Visit.select().count(), AuditLog.select().count()
    if not database_is_postgres():
        db.close()  # the worker is the only writer
    proc = _start("signoff", db_target, str(ticket.id))
    _kill_when(proc, lambda line: line.strip() == "MID")
    reopened = _reopen(db, db_target)
    after = Ticket.get_by_id(ticket.id)
    assert after.state == "awaiting_check" and after.signoff_kind == "" and after.version == ticket.version
    assert TicketEvent.select().count() == events
    assert Visit.select().count() == visits
    assert AuditLog.select().count() == audits
    assert Attachment.select().where(Attachment.owner_table == "ticket").count() == 0
    reopened.close()
