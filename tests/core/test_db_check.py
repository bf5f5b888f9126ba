"""测试连接: checking a database file or postgresql:// address without changing it."""

from __future__ import annotations

import sqlite3

import pytest

from warranty_desk import db_check, migrations
from warranty_desk.errors import ValidationError


def test_our_file_is_accepted_without_being_changed(tmp_path):
    from warranty_desk.db import open_database
    from warranty_desk.models import database_proxy
    from warranty_desk.services import projects

    path = tmp_path / "office.db"
    previous = database_proxy.obj
    db = open_database(str(path))
    projects.create_project({"code": "DC-1", "name": "检查", "type": "住宅", "scale": "中型"})
    db.close()
    if previous is not None:
        database_proxy.initialize(previous)
    before = path.read_bytes()
    result = db_check.check_target(str(path))
    assert (result.kind, result.version, result.projects) == ("sqlite", migrations.latest_version(), 1)
    assert "1个工程" in result.message()
    assert path.read_bytes() == before


def test_new_file_is_fine_and_nothing_is_created(tmp_path):
    result = db_check.check_target(str(tmp_path / "新建.db"))
    assert result.version == 0 and "下次启动时会建好数据表" in result.message()
    assert not (tmp_path / "新建.db").exists()


@pytest.mark.parametrize("target, words", [
    ("mysql://root@server/office", "不支持的数据库地址"),
    ("postgresql://clerk:secret@server", "地址不完整"),
    ("postgresql://clerk:secret@127.0.0.1:1/office", "连不上服务器“127.0.0.1”"),
    ("", "请填写数据库文件路径"),
])
def test_bad_addresses_say_what_is_wrong(target, words):
    with pytest.raises(ValidationError) as info:
        db_check.check_target(target)
    assert words in info.value.message
    assert "secret" not in info.value.message


def test_files_that_are_not_ours(tmp_path):
    text = tmp_path / "合同.db"
    text.write_text("合同内容" * 100, encoding="utf-8")
    with pytest.raises(ValidationError, match="不是保修台的数据库文件"):
        db_check.check_target(str(text))
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(ValidationError, match="不是保修台的数据库"):
        db_check.check_target(str(other))
    with pytest.raises(ValidationError, match="是一个文件夹"):
        db_check.check_target(str(tmp_path))


def test_newer_program_database_refused(tmp_path):
    path = tmp_path / "newer.db"
    conn = sqlite3.connect(path)
    for table in ("project", "ticket", "visit"):
        conn.execute(f"CREATE TABLE {table} (id INTEGER)")
    conn.execute("CREATE TABLE schema_version (version INTEGER, applied_at TEXT)")
    conn.execute("INSERT INTO schema_version VALUES (?, '2030-01-01')", (migrations.latest_version() + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(ValidationError, match="较新版本的保修台"):
        db_check.check_target(str(path))


def test_mask_password():
    assert db_check.mask_password("postgresql://clerk:秘密@server:5433/office") == \
        "postgresql://clerk:••••@server:5433/office"
    assert db_check.mask_password("postgresql://server/office") == "postgresql://server/office"
    assert db_check.mask_password("/data/office.db") == "/data/office.db"
