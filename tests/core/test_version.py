"""One version number: pyproject.toml, warranty_desk.__version__, the running program and the database."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import warranty_desk
from warranty_desk.db import open_database
from warranty_desk.models import Setting
from warranty_desk.services import settings
from warranty_desk.version import app_version

ROOT = Path(__file__).resolve().parents[2]


def _pyproject_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_package_version_equals_pyproject():
    assert warranty_desk.__version__ == _pyproject_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", warranty_desk.__version__)


def test_app_version_is_the_pyproject_version():
    # installed metadata (or the fallback inside a bundle) says the same as pyproject
    assert app_version() == _pyproject_version()


def test_app_version_falls_back_without_metadata(monkeypatch):
    from importlib import metadata

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    assert app_version() == warranty_desk.__version__


def test_database_records_program_version(db):
    rows = {r.key: json.loads(r.value) for r in Setting.select().where(Setting.key.startswith("meta."))}
    assert rows == {"meta.app_version": app_version(), "meta.created_by_version": app_version()}
    # the metadata rows are not settings a clerk could edit
    assert not any(key.startswith("meta.") for key in settings.get_all())


def test_reopening_keeps_creator_and_updates_last_version(tmp_path, monkeypatch):
    path = str(tmp_path / "v.db")
    database = open_database(path)
    Setting.update(value=json.dumps("0.0.9")).where(Setting.key.in_(["meta.app_version", "meta.created_by_version"])).execute()
    database.close()
    database = open_database(path)
    assert json.loads(Setting.get_by_id("meta.created_by_version").value) == "0.0.9"
    assert json.loads(Setting.get_by_id("meta.app_version").value) == app_version()
    database.close()
