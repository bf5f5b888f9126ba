"""Where things live: the user data folder and the shipped resources."""

from __future__ import annotations

import functools
import importlib.resources
import os
from pathlib import Path

import platformdirs

from .fileio import private_folder

APP_NAME = "WarrantyDesk"


@functools.cache
def resources_dir() -> Path:
    """The shipped resources (fonts, icons, translations, document texts): the package data of
    `warranty_desk.resources`, wherever the program is installed — a wheel in site-packages, the
    PyInstaller bundle, or (installed editable for development) the source tree's resources/ folder,
    which pyproject.toml maps to that package."""
    return Path(str(importlib.resources.files("warranty_desk.resources")))


def data_dir(create: bool = True) -> Path:
    override = os.environ.get("WARRANTY_DESK_DATA")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return private_folder(path) if create else path  # the office's data: a folder this creates is owner-only


def default_database(create: bool = True) -> str:
    """The database to open when no `--db` is given: the environment variable WARRANTY_DESK_DB,
    then the address saved in 设置 → 数据安全 (this PC's config file), then the user data folder
    (`create=False`: only say where, without making the folder)."""
    env = os.environ.get("WARRANTY_DESK_DB")
    if env:
        return env
    from . import config

    saved = config.load().get("database")
    if isinstance(saved, str) and saved.strip():
        return saved.strip()
    return str(data_dir(create) / "warranty_desk.db")
