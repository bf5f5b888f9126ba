"""The desktop start does not wait for the check of the file's pages (it takes time in proportion to
the office, #20), and still nothing is written before the file is known sound: the file is opened
read-only while the check runs (SQLite refuses every write on that connection), and only a sound
answer opens it for writing. A damaged file stays exactly as it was."""

from __future__ import annotations

import shutil

import pytest
from damage import garbage_pages, hold_early_check
from peewee import OperationalError

from warranty_desk import early_check, migrations
from warranty_desk.models import Project, database_proxy
from warranty_desk.services import integrity, projects


@pytest.fixture
def gate(monkeypatch):
    """The early check answers only when the test says so (a large office on a busy machine)."""
    release = hold_early_check(monkeypatch)
    yield release
    release.set()


@pytest.fixture
def office(demo_file, tmp_path, monkeypatch):
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("WARRANTY_DESK_USER", "测试员")
    target = tmp_path / "office.db"
    shutil.copy(demo_file, target)
    yield target
    if database_proxy.obj is not None:
        database_proxy.obj.close()


def test_peek_looks_at_the_header_and_schema_only(office):
    """What the start reads before the window shows does not depend on the file's size: garbage in
    the middle of the file is not seen by it (the check on the thread finds it)."""
    seen = early_check.peek(office)
    assert seen.kind == "ok" and seen.version == migrations.latest_version()
    garbage_pages(office)
    assert early_check.peek(office).kind == "ok"
    assert early_check.inspect(office).kind == "damaged"


def test_a_sound_file_is_read_at_once_and_written_only_after_the_check(office, gate):
    early = early_check.start(str(office))
    check = integrity.open_for_start(str(office), early)
    assert check.pending is early and not early.done()  # the window can be built now
    assert Project.select().count() > 0  # reading works before the check has answered
    with pytest.raises(OperationalError, match="readonly|read-only|read only"):
        projects.create_project({"code": "W-1", "name": "写入测试", "type": "住宅", "scale": "小型"})
    gate.set()
    done = integrity.finish_start(check)
    assert done.ok and not done.read_only and done.pending is None
    projects.create_project({"code": "W-1", "name": "写入测试", "type": "住宅", "scale": "小型"})
    assert Project.select().where(Project.code == "W-1").count() == 1


def test_a_damaged_file_is_never_written_though_the_start_did_not_wait(office, gate):
    garbage_pages(office)
    before = office.read_bytes()
    early = early_check.start(str(office))
    check = integrity.open_for_start(str(office), early)
    assert check.pending is early
    with pytest.raises(Exception):  # noqa: B017 - read-only (or the damage itself): never a write
        projects.create_project({"code": "W-2", "name": "写入测试", "type": "住宅", "scale": "小型"})
    gate.set()
    done = integrity.finish_start(check)
    assert done.read_only and done.problems
    with pytest.raises(Exception):  # noqa: B017 - still read-only after the answer
        projects.create_project({"code": "W-3", "name": "写入测试", "type": "住宅", "scale": "小型"})
    if done.db is not None:
        done.db.close()
    assert office.read_bytes() == before  # not one byte written


@pytest.mark.parametrize("case", ["new", "truncated", "foreign", "old_schema", "no_early_check"])
def test_what_cannot_be_told_cheaply_is_checked_before_opening(office, tmp_path, case):
    """A new file, a header that is wrong, another program's database, a migration to make, or no
    check begun: opened as before (checked first, then written only when sound) — nothing pending."""
    from damage import foreign, truncate

    target = str(office)
    if case == "new":
        target = str(tmp_path / "new.db")
    elif case == "truncated":
        truncate(office)
    elif case == "foreign":
        foreign(office)
    elif case == "old_schema":
        import sqlite3

        con = sqlite3.connect(office)
        con.execute("DELETE FROM schema_version WHERE version = ?", (migrations.latest_version(),))
        con.commit()
        con.close()
    early = None if case == "no_early_check" else early_check.start(target)
    check = integrity.open_for_start(target, early)
    assert check.pending is None
    expected = {"new": "new", "truncated": "truncated", "foreign": "foreign", "old_schema": "ok",
                "no_early_check": "ok"}[case]
    assert check.kind == expected
    if check.db is not None:
        check.db.close()
