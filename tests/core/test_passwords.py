"""The PostgreSQL password is kept in the system keyring, or asked for — never written in plain text
(#13 finding 12, the secrets half)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from db_helpers import PG_URL
from keyring_helpers import fixture_memory_keyring, fixture_no_keyring  # noqa: F401 - fixtures

from warranty_desk import config, passwords, paths
from warranty_desk.db import PostgresqlOfficeDatabase, open_database

ROOT = Path(__file__).resolve().parents[2]
URL = "postgresql://clerk:秘密&<b>@192.168.1.10:5433/warranty"
PLAIN = "postgresql://clerk@192.168.1.10:5433/warranty"


def _file_text(tmp_path) -> str:
    return (tmp_path / "cfg" / "config.json").read_text(encoding="utf-8")


def test_the_password_goes_to_the_keyring_not_the_file(memory_keyring, tmp_path, monkeypatch):
    monkeypatch.setenv("WARRANTY_DESK_CONFIG", str(tmp_path / "cfg"))
    monkeypatch.delenv("WARRANTY_DESK_DB", raising=False)
    config.save({"database": URL})
    assert "秘密" not in _file_text(tmp_path) and "%E7%A7%98" not in _file_text(tmp_path)
    assert config.load()["database"] == PLAIN == paths.default_database()
    assert memory_keyring.entries == {("WarrantyDesk", "clerk@192.168.1.10:5433/warranty"): "秘密&<b>"}
    assert passwords.password_for(PLAIN) == "秘密&<b>"
    assert PostgresqlOfficeDatabase(PLAIN).connect_params["password"] == "秘密&<b>"


def test_without_a_keyring_the_password_is_not_saved_at_all(no_keyring, tmp_path, monkeypatch):
    monkeypatch.setenv("WARRANTY_DESK_CONFIG", str(tmp_path / "cfg"))
    config.save({"database": URL})
    assert "秘密" not in _file_text(tmp_path) and config.load()["database"] == PLAIN
    passwords._session.clear()  # a new start: nothing remembered
    assert passwords.password_for(PLAIN) is None
    passwords.remember_for_session(PLAIN, "typed")  # what the clerk types at start
    assert PostgresqlOfficeDatabase(PLAIN).connect_params["password"] == "typed"


def test_an_old_config_with_the_password_in_it_is_cleaned(memory_keyring, tmp_path, monkeypatch):
    monkeypatch.setenv("WARRANTY_DESK_CONFIG", str(tmp_path / "cfg"))
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "config.json").write_text(json.dumps({"database": URL}, ensure_ascii=False), encoding="utf-8")
    assert config.load()["database"] == PLAIN
    assert "秘密" not in _file_text(tmp_path)
    assert passwords.password_for(PLAIN) == "秘密&<b>"


@pytest.mark.skipif(not PG_URL, reason="needs the PostgreSQL server (WARRANTY_DESK_TEST_PG)")
def test_a_saved_address_connects_with_the_password_from_the_keyring(memory_keyring, db_target, tmp_path,
                                                                    monkeypatch):
    # a throw-away database (db_target), not the server's own: opening migrates it
    monkeypatch.setenv("WARRANTY_DESK_CONFIG", str(tmp_path / "cfg"))
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    config.save({"database": db_target})
    saved = config.load()["database"]
    assert urlsplit(saved).password is None and f":{urlsplit(db_target).password}@" not in _file_text(tmp_path)
    db = open_database(saved)
    assert db.execute_sql("SELECT 1").fetchone()[0] == 1
    db.close()


@pytest.mark.skipif(not PG_URL, reason="needs the PostgreSQL server (WARRANTY_DESK_TEST_PG)")
def test_no_password_anywhere_is_one_line_in_a_script(tmp_path):
    parts = urlsplit(PG_URL)
    plain = f"postgresql://{parts.username}@{parts.hostname}:{parts.port or 5432}{parts.path}"
    env = dict(os.environ, PYTHONPATH=str(ROOT), WARRANTY_DESK_CONFIG=str(tmp_path / "cfg"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", HOME=str(tmp_path))
    env.pop("PGPASSWORD", None)
    result = subprocess.run([sys.executable, "-m", "warranty_desk.cli", "--db", plain, "visits", "due", "--from",
                             "2026-01-01", "--to", "2026-01-02"], capture_output=True, text=True, env=env, cwd=ROOT,
                            stdin=subprocess.DEVNULL, timeout=120)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "密码" in result.stderr
