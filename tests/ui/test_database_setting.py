"""设置 → 数据安全 → 数据库: the address this PC opens (saved in its config file, masked on screen),
测试连接 off the UI thread with a clear message."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from ui import data_safety
from warranty_desk import config, paths

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from keyring_helpers import fixture_memory_keyring, fixture_no_keyring  # noqa: E402, F401 - fixtures


def _box(qtbot):
    box = data_safety.DatabaseBox()
    qtbot.addWidget(box)
    box.show()
    return box


def test_save_address_masks_password_and_is_used_at_next_start(qtbot, db, tmp_path, monkeypatch, memory_keyring):
    monkeypatch.setenv("WARRANTY_DESK_CONFIG", str(tmp_path / "cfg"))
    monkeypatch.delenv("WARRANTY_DESK_DB", raising=False)
    box = _box(qtbot)
    assert box.address.text() == ""
    url = "postgresql://clerk:秘密&<b>@192.168.1.10/warranty"
    plain = "postgresql://clerk@192.168.1.10/warranty"
    box.address.setText(url)
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    # the password is in the system keyring, never in the file (#13 finding 12)
    saved = (tmp_path / "cfg" / "config.json").read_text(encoding="utf-8")
    assert json.loads(saved)["database"] == plain and "秘密" not in saved
    assert memory_keyring.entries[("WarrantyDesk", "clerk@192.168.1.10/warranty")] == "秘密&<b>"
    assert paths.default_database() == plain  # the next start opens it (no --db, no WARRANTY_DESK_DB)
    assert "已保存" in box.result.text() and "秘密" not in box.result.text() and "密码库" in box.result.text()
    assert box.address.text() == "postgresql://clerk:••••@192.168.1.10/warranty"  # never shown in clear
    # saved again untouched: the password stays in the keyring (not the dots)
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    assert config.load()["database"] == plain and memory_keyring.entries
    again = _box(qtbot)
    assert again.address.text() == "postgresql://clerk:••••@192.168.1.10/warranty" and again.value() == plain
    # cleared: back to the file in the data folder
    again.address.setText("")
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert "database" not in config.load()
    assert paths.default_database() == str(paths.data_dir() / "warranty_desk.db")


def test_without_a_keyring_the_password_is_asked_for_not_saved(qtbot, db, tmp_path, monkeypatch, no_keyring):
    monkeypatch.setenv("WARRANTY_DESK_CONFIG", str(tmp_path / "cfg"))
    box = _box(qtbot)
    box.address.setText("postgresql://clerk:秘密@192.168.1.10/warranty")
    assert box.save()
    assert "秘密" not in (tmp_path / "cfg" / "config.json").read_text(encoding="utf-8")
    assert "每次启动时询问" in box.result.text()


def test_unsupported_address_is_not_saved(qtbot, db, tmp_path, monkeypatch):
    monkeypatch.setenv("WARRANTY_DESK_CONFIG", str(tmp_path / "cfg"))
    box = _box(qtbot)
    box.address.setText("mysql://root@server/office")
    assert not box.save()
    assert "不支持的数据库地址" in box.result.text()
    assert config.load() == {}


def test_test_connection_bad_url_says_server_unreachable(qtbot, db, tmp_path, monkeypatch):
    monkeypatch.setenv("WARRANTY_DESK_CONFIG", str(tmp_path / "cfg"))
    box = _box(qtbot)
    box.address.setText("postgresql://clerk:secret@127.0.0.1:1/office")
    qtbot.mouseClick(box.test_button, Qt.MouseButton.LeftButton)
    assert not box.test_button.isEnabled()  # running on its own thread; the window stays usable
    qtbot.waitUntil(lambda: box.test_button.isEnabled(), timeout=15000)
    assert "连不上服务器“127.0.0.1”" in box.result.text()
    assert "secret" not in box.result.text()
    assert config.load() == {}  # testing saves nothing


def test_test_connection_of_a_database_file(qtbot, db, tmp_path, monkeypatch, make_project):
    if not hasattr(db, "database") or not os.path.isfile(str(db.database)):
        import pytest

        pytest.skip("SQLite file")
    make_project(code="DB-1")
    box = _box(qtbot)
    box.address.setText(str(db.database))
    box.test_connection()
    qtbot.waitUntil(lambda: box.test_button.isEnabled(), timeout=15000)
    assert "连接成功" in box.result.text() and "1个工程" in box.result.text()
    not_ours = tmp_path / "照片.db"
    not_ours.write_bytes(b"\xff\xd8\xff" * 500)
    box.address.setText(str(not_ours))
    box.test_connection()
    qtbot.waitUntil(lambda: box.test_button.isEnabled(), timeout=15000)
    assert "不是保修台的数据库文件" in box.result.text()
