"""Several clerks: optimistic locking between processes; one window per SQLite file on one machine."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from db_helpers import database_is_postgres

from warranty_desk import instance_lock
from warranty_desk.errors import ConflictError
from warranty_desk.models import AuditLog, Project, database_proxy
from warranty_desk.services import backup, projects

ROOT = Path(__file__).resolve().parents[2]


def _run_clerk(target: str, code: str, name: str, version: int) -> subprocess.CompletedProcess:
    """Another clerk, on another connection in another process, saves the project."""
    script = textwrap.dedent(f"""
        from warranty_desk.db import open_database
        from warranty_desk.services import audit, projects
        open_database({target!r})
        audit.set_clerk("李文员")
        p = projects.find_project({code!r})
        data = {{"code": p.code, "name": {name!r}, "type": p.type, "scale": p.scale}}
        projects.update_project(p.id, data, expected_version={version})
        print("SAVED")
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=60)


def test_two_clerks_edit_the_same_project_second_save_refused(db, db_target, make_project):
    project = make_project(code="TC-1", name="原名称")
    # clerk 1 (this process) opens the form: version 1
    mine = {"code": "TC-1", "name": "张文员的修改 <b>&</b>", "type": "住宅", "scale": "中型", "notes": "鑫" * 2000}
    opened_version = project.version
    # clerk 2 on another PC saves first
    other = _run_clerk(db_target, "TC-1", "李文员的修改", opened_version)
    assert other.returncode == 0 and "SAVED" in other.stdout, other.stderr
    # clerk 1 presses 保存
    with pytest.raises(ConflictError, match="已被他人修改") as exc:
        projects.update_project(project.id, dict(mine), expected_version=opened_version)
    assert "您的输入已保留" in exc.value.message
    stored = Project.get_by_id(project.id)
    assert stored.name == "李文员的修改" and stored.version == opened_version + 1  # never a silent overwrite
    assert AuditLog.select().where((AuditLog.table == "project") & (AuditLog.user == "李文员")).count() == 1
    # clerk 1 re-applies the kept input on the fresh version: saved
    saved = projects.update_project(project.id, mine, expected_version=stored.version)
    assert saved.name == mine["name"] and Project.get_by_id(project.id).notes == "鑫" * 2000


def test_a_stale_save_from_another_process_is_refused_too(db, db_target, make_project):
    project = make_project(code="TC-2", name="原名称")
    projects.update_project(project.id, {"code": "TC-2", "name": "先保存", "type": "住宅", "scale": "中型"},
                            expected_version=project.version)
    late = _run_clerk(db_target, "TC-2", "过时的修改", project.version)
    assert late.returncode != 0 and "ConflictError" in late.stderr
    assert Project.get_by_id(project.id).name == "先保存"


# --- one machine, two windows -------------------------------------------------------------------

HOLD = textwrap.dedent("""
    import sys, time
    from warranty_desk import instance_lock
    instance_lock.acquire(sys.argv[1])
    print("LOCKED", flush=True)
    time.sleep(60)
""")


def _holder(path: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", HOLD, path], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert proc.stdout.readline().strip() == "LOCKED"
    return proc


def test_second_window_is_told_the_program_is_already_open(tmp_path):
    path = str(tmp_path / "office.db")
    proc = _holder(path)
    try:
        with pytest.raises(instance_lock.AlreadyRunning, match="保修台已在运行") as exc:
            instance_lock.acquire(path)
        assert exc.value.holder.pid == proc.pid
        assert str(proc.pid) in str(exc.value)
        assert instance_lock.held_elsewhere(path)
        # another database file is not locked by it
        other = instance_lock.acquire(str(tmp_path / "other.db"))
        other.release()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    # a killed program leaves a lock file, but not a lock: the next start works
    assert instance_lock.lock_path(path).exists()
    assert not instance_lock.held_elsewhere(path)
    lock = instance_lock.acquire(path)
    assert instance_lock.read_holder(path).pid == os.getpid()
    assert not instance_lock.held_elsewhere(path)  # our own lock is not "elsewhere"
    assert instance_lock.acquire(path) is lock  # taking it twice in one process is harmless
    lock.release()


def test_restore_refused_while_another_window_has_the_file(db, make_project, tmp_path):
    if database_is_postgres():
        pytest.skip("the window lock is for SQLite files")
    make_project(code="LK-1")
    archive = tmp_path / "a.wdbak"
    backup.backup_to(archive)
    proc = _holder(db.database)
    try:
        with pytest.raises(Exception, match="另一个窗口"):
            backup.restore_from(archive)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert Project.select().count() == 1


HOLD_WRITE = textwrap.dedent("""
    import sys
    from warranty_desk.db import open_database
    from warranty_desk.models import database_proxy
    from warranty_desk.services import projects
    open_database(sys.argv[1])
    with database_proxy.atomic():
        projects.create_project({"code": "B-1", "name": "乙", "type": "住宅", "scale": "小型"})
        print("HOLDING", flush=True)
        sys.stdin.readline()  # commit when told
    print("COMMITTED", flush=True)
""")


def test_a_save_waits_while_another_process_holds_the_file(db, db_target, make_project):
    """WAL, BEGIN IMMEDIATE and the busy timeout: while another process is in the middle of a save, a
    save here waits for it instead of failing with "database is locked", and neither row is lost.
    The other process keeps its transaction open until told to commit, so the two saves always meet:
    the outcome does not depend on how fast either process runs."""
    if database_is_postgres():
        pytest.skip("SQLite file sharing")
    make_project(code="WAL-0")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", HOLD_WRITE, db_target], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        assert proc.stdout.readline().strip() == "HOLDING", proc.stderr.read()
        saved, failed = [], []

        def save():
            try:
                saved.append(projects.create_project({"code": "A-1", "name": "甲", "type": "住宅", "scale": "小型"}))
            except Exception as exc:  # noqa: BLE001 - asserted below
                failed.append(exc)
            finally:
                database_proxy.close()  # this thread's own connection

        thread = threading.Thread(target=save)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive() and not failed, failed  # waiting for the other process, not refused
        proc.stdin.write("commit\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "COMMITTED"
        thread.join(30)
        assert not failed and saved, failed
        assert proc.wait(timeout=30) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert {p.code for p in Project.select()} == {"WAL-0", "B-1", "A-1"}
