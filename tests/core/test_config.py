"""This PC's config file: the database address saved in 设置, and which database opens."""

from __future__ import annotations

import json

from keyring_helpers import fixture_memory_keyring  # noqa: F401 - fixture

from warranty_desk import config, paths


def test_default_database_precedence_env_then_config_then_data_folder(tmp_path, monkeypatch, memory_keyring):
    monkeypatch.setenv("WARRANTY_DESK_CONFIG", str(tmp_path / "cfg"))
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("WARRANTY_DESK_DB", raising=False)
    assert paths.default_database() == str(tmp_path / "data" / "warranty_desk.db")

    config.save({"database": "postgresql://clerk:秘密@server/office"})
    saved = json.loads((tmp_path / "cfg" / "config.json").read_text(encoding="utf-8"))
    # the password goes to the system keyring (test_passwords.py), never into this file
    assert saved == {"database": "postgresql://clerk@server/office"}
    assert paths.default_database() == "postgresql://clerk@server/office"

    monkeypatch.setenv("WARRANTY_DESK_DB", str(tmp_path / "env.db"))
    assert paths.default_database() == str(tmp_path / "env.db")

    monkeypatch.delenv("WARRANTY_DESK_DB")
    config.save({"database": ""})  # cleared in 设置: back to the data folder
    assert "database" not in config.load()
    assert paths.default_database() == str(tmp_path / "data" / "warranty_desk.db")


def test_unreadable_config_falls_back_to_default(tmp_path, monkeypatch):
    monkeypatch.setenv("WARRANTY_DESK_CONFIG", str(tmp_path))
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("WARRANTY_DESK_DB", raising=False)
    (tmp_path / "config.json").write_text("{not json", encoding="utf-8")
    assert config.load() == {}
    assert paths.default_database().endswith("warranty_desk.db")
    config.save({"database": str(tmp_path / "office.db")})  # a broken file is replaced, not crashed on
    assert paths.default_database() == str(tmp_path / "office.db")


def test_cli_db_argument_beats_saved_address(tmp_path, monkeypatch):
    from warranty_desk import cli

    monkeypatch.setenv("WARRANTY_DESK_CONFIG", str(tmp_path / "cfg"))
    monkeypatch.delenv("WARRANTY_DESK_DB", raising=False)
    config.save({"database": str(tmp_path / "saved.db")})
    given = tmp_path / "given.db"
    assert cli.main(["--db", str(given), "visits", "due", "--from", "2026-01-01", "--to", "2026-01-31"]) == 0
    assert given.exists() and not (tmp_path / "saved.db").exists()
