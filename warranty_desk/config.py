"""This PC's own settings, kept outside the database: above all which database to open (a file
path or a postgresql:// address), which cannot live in the database itself.

A small JSON file in the user config folder (platformdirs), or in the folder named by the
environment variable WARRANTY_DESK_CONFIG (tests, portable installs)."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from .fileio import private_file

log = logging.getLogger(__name__)

FILE_NAME = "config.json"
KEYS = ("database",)


def config_dir() -> Path:
    override = os.environ.get("WARRANTY_DESK_CONFIG")
    if override:
        return Path(override).expanduser()
    import platformdirs

    from .paths import APP_NAME

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    return config_dir() / FILE_NAME


def load() -> dict:
    """The saved values ({} when there is no file, or it is unreadable: the defaults apply). A password
    an older version wrote into the database address is moved out of the file (into the keyring when
    there is one; otherwise it is asked for at start)."""
    path = config_path()
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable config %s: %s", path, exc)
        return {}
    if not isinstance(values, dict):
        return {}
    database = values.get("database")
    if isinstance(database, str) and "://" in database:
        from . import passwords

        if passwords.password_in(database) is not None:
            values["database"], _stored = passwords.store(database)
            try:
                _write(values)
            except OSError as exc:
                log.warning("could not take the password out of %s: %s", path, exc)
    return values


def _write(values: dict) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with private_file(path) as tmp:
        Path(tmp).write_text(json.dumps(values, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def save(values: dict) -> Path:
    """Merge `values` into the file (a value of None or "" removes the key); written whole or not at all.
    A database address's password goes into the system keyring (passwords.store), never into the file."""
    current = load()
    for key, value in values.items():
        if value in (None, ""):
            current.pop(key, None)
        else:
            if key == "database" and isinstance(value, str) and "://" in value:
                from . import passwords

                value, _stored = passwords.store(value)  # never a password in this file
            current[key] = value
    return _write(current)


def _database_key(target) -> str:
    """One database's key in this file: its full file path, or its server address without password."""
    text = str(target or "")
    if "://" in text:
        from .db_check import mask_password

        return mask_password(text)
    try:
        return str(Path(text).expanduser().resolve())
    except OSError:
        return text


def database_key(target) -> str:
    """The key a database is remembered under on this PC (its full file path, or its server address
    without password): for what other modules remember per database."""
    return _database_key(target)

def remembered_backup_folder(target) -> str:
    """The backup folder last used for this database on this PC ("" when none is remembered)."""
    folders = load().get("backup_folders")
    if not isinstance(folders, dict):
        return ""
    value = folders.get(_database_key(target))
    return value if isinstance(value, str) else ""


def remember_backup_folder(target, folder: str) -> None:
    """Remember where this database's backups go, so that they are found even when the database itself
    cannot be read (its own setting then cannot be). Written only when it changed; a failure to write
    is only logged."""
    if not target or remembered_backup_folder(target) == folder:
        return
    folders = load().get("backup_folders")
    folders = dict(folders) if isinstance(folders, dict) else {}
    folders[_database_key(target)] = folder
    try:
        save({"backup_folders": folders})
    except OSError as exc:
        log.warning("could not remember the backup folder: %s", exc)
