"""Integrity at start: a damaged database is found, opened read-only, and a good backup is offered."""

from __future__ import annotations

import sqlite3

import pytest
from db_helpers import database_is_postgres
from peewee import DatabaseError, OperationalError

from warranty_desk.db import open_database
from warranty_desk.models import Project
from warranty_desk.services import backup, integrity, projects


@pytest.fixture
def sqlite_only(db):
    if database_is_postgres():
        pytest.skip("SQLite file integrity")
    return db


def _damage(path: str) -> None:
    """Overwrite the middle of the file (index and table pages) with garbage, as a failing disk would."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    with open(path, "r+b") as fh:
        size = fh.seek(0, 2)
        for offset in range(page * 3, size - page, page * 4):
            fh.seek(offset + 100)
            fh.write(b"\xde\xad\xbe\xef" * 200)


def test_a_sound_database_has_no_problems(demo_db):
    assert integrity.check_integrity(demo_db) == []
    assert integrity.check_integrity(demo_db, quick=True) == []
    assert integrity.check_file(demo_db.database) == []


def test_postgres_reports_nothing(db):
    if not database_is_postgres():
        pytest.skip("PostgreSQL only")
    assert integrity.check_integrity(db) == []


def test_a_foreign_key_problem_is_reported(sqlite_only, make_project):
    project = make_project()
    sqlite_only.execute_sql("PRAGMA foreign_keys=0")
    sqlite_only.execute_sql("UPDATE project SET region_id = 9999 WHERE id = ?", (project.id,))
    sqlite_only.execute_sql("PRAGMA foreign_keys=1")
    problems = integrity.check_integrity(sqlite_only)
    assert any("project" in p and "region" in p for p in problems)


def test_a_damaged_file_is_opened_read_only_and_a_good_backup_offered(sqlite_only, make_project, tmp_path):
    for n in range(60):
        make_project(code=f"D-{n:03d}", notes="维修记录" * 200)
    folder = tmp_path / "backups"
    folder.mkdir()
    backup.backup_to(folder / "warranty-desk-20261128-170000.wdbak")
    path = sqlite_only.database
    sqlite_only.close()
    _damage(path)

    check = integrity.open_checked(path)
    assert check.read_only and check.problems
    # SQLite cannot even walk this file: it is not opened at all (nothing could be shown from it)
    assert check.db is None and not check.viewable
    assert "不会往里面写任何内容" in check.message() and path in check.message()
    with open(path, "rb") as fh:
        damaged_bytes = fh.read()
    with pytest.raises(DatabaseError):
        projects.create_project({"code": "NEW", "name": "新", "type": "住宅", "scale": "小型"})
    with open(path, "rb") as fh:
        assert fh.read() == damaged_bytes  # not one byte written

    offer = backup.latest_good_backup(folder)
    assert offer is not None and offer[1].counts["project"] == 60
    result = backup.restore_from(offer[0], target=path)
    assert result.safety_backup is not None and ".damaged-" in result.safety_backup.name
    assert result.safety_backup.read_bytes() == damaged_bytes  # the damaged file is kept, untouched
    assert Project.select().count() == 60
    assert integrity.check_file(path) == []
    assert integrity.open_checked(path).ok


def test_read_only_mode_refuses_every_write(sqlite_only, make_project):
    make_project(code="RO")
    path = sqlite_only.database
    sqlite_only.close()
    ro = integrity.open_read_only(path)
    assert Project.select().count() == 1  # reading works: the clerk can still look things up
    with pytest.raises(OperationalError, match="readonly|read-only"):
        projects.create_project({"code": "NEW", "name": "新", "type": "住宅", "scale": "小型"})
    ro.close()


def test_open_checked_on_a_new_file_creates_it(tmp_path):
    check = integrity.open_checked(str(tmp_path / "新建" / "office.db"))
    assert check.ok and not check.read_only
    assert Project.select().count() == 0
    check.db.close()


def test_start_up_check_is_fast_on_the_demo_office(demo_file, tmp_path):
    """Not a benchmark (benchmarks/ measures): a guard against an accidental full scan in a loop."""
    import shutil
    import time

    target = tmp_path / "demo.db"
    shutil.copy(demo_file, target)
    start = time.perf_counter()
    check = integrity.open_checked(str(target))
    elapsed = time.perf_counter() - start
    assert check.ok
    assert elapsed < 2.0
    check.db.close()
    open_database(str(target)).close()
