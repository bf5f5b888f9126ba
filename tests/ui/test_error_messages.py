"""The window never shows the driver's text: a busy database, a full disk, a read-only file or a server
that went away is told in the clerk's words (#13 findings 5 and 8), and no message shows a password."""

from __future__ import annotations

import sqlite3

import peewee
import pytest

from ui import operations


def _raise(exc):
    def fn():
        raise exc
    return fn


@pytest.mark.parametrize(("error", "expected"), [
    (peewee.OperationalError(sqlite3.OperationalError("database is locked")), "正在被占用"),
    (peewee.OperationalError(sqlite3.OperationalError("database or disk is full")), "磁盘已满"),
    (peewee.OperationalError(sqlite3.OperationalError("attempt to write a readonly database")), "只读"),
    (peewee.DatabaseError(sqlite3.DatabaseError("database disk image is malformed")), "已损坏"),
    (OSError(28, "No space left on device", "/mnt/usb/备份.wdbak"), "磁盘已满"),
])
def test_driver_errors_are_told_in_words(qtbot, answers, error, expected):
    ok, _result = operations.perform(None, _raise(error), writes=False)
    assert not ok
    kind, _title, text = answers["shown"][-1]
    assert kind == "warning" and expected in text
    assert "database" not in text and "locked" not in text and "Errno" not in text


def test_a_program_error_never_shows_the_password(qtbot, answers, monkeypatch):
    monkeypatch.setattr(operations, "_database_target", lambda: "postgresql://clerk:Geheim-42@server/office")
    operations.perform(None, _raise(RuntimeError("cannot use postgresql://clerk:Geheim-42@server/office")),
                       writes=False)
    kind, _title, text = answers["shown"][-1]
    assert kind == "critical" and "Geheim-42" not in text and "clerk:••••@server" in text
