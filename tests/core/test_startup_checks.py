"""The desktop start: the quick check begun on a thread before the program loads (early_check),
its answer used by open_checked, and no write to the database at a normal start."""

from __future__ import annotations

import shutil

import pytest
from db_helpers import database_is_postgres

from warranty_desk import db as db_module
from warranty_desk import early_check
from warranty_desk.services import integrity


def _garbage(path) -> None:
    with open(path, "r+b") as fh:  # a failing disk: garbage over the middle of the file
        size = fh.seek(0, 2)
        for offset in range(8192, size - 4096, 16384):
            fh.seek(offset + 100)
            fh.write(b"\xde\xad\xbe\xef" * 200)


def test_early_check_of_a_sound_file(demo_file, tmp_path):
    target = tmp_path / "office.db"
    shutil.copy(demo_file, target)
    early = early_check.start(str(target))
    assert early is not None
    assert integrity.early_problems(early) == []
    check = integrity.open_checked(str(target), quick=True, early=early)
    assert check.ok and not check.read_only
    check.db.close()


def test_early_check_finds_damage_and_the_file_opens_read_only(demo_file, tmp_path):
    target = tmp_path / "office.db"
    shutil.copy(demo_file, target)
    _garbage(target)
    before = target.read_bytes()
    early = early_check.start(target)
    check = integrity.open_checked(str(target), quick=True, early=early)
    assert check.read_only and check.problems
    if check.db is not None:  # opened read-only when SQLite still reads it, not at all otherwise
        check.db.close()
    assert target.read_bytes() == before  # not one byte written


def test_no_early_check_for_a_new_file_or_a_server(tmp_path):
    assert early_check.start(str(tmp_path / "new.db")) is None
    (tmp_path / "empty.db").write_bytes(b"")
    assert early_check.start(str(tmp_path / "empty.db")).wait().kind == "empty"  # refused, never reused
    assert early_check.start("postgresql://user@localhost/office") is None
    assert early_check.start(None) is None


def test_a_normal_open_does_not_write_the_version_again(db):
    if database_is_postgres():
        pytest.skip("SQLite connection counter")
    db_module.stamp_app_version()
    connection = db.connection()
    before = connection.total_changes
    db_module.stamp_app_version()
    assert connection.total_changes == before
