"""What a wheel carries: every package of the program, and the shipped resources as the package data
of `warranty_desk.resources`, found through importlib.resources (not beside the source tree)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from warranty_desk import paths

ROOT = Path(__file__).resolve().parents[2]


def _setuptools_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_package_is_listed_for_the_wheel():
    listed = set(_setuptools_config()["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts)
             for top in ("warranty_desk", "ui") for init in (ROOT / top).rglob("__init__.py")}
    assert found - listed == set(), "add these packages to [tool.setuptools] packages in pyproject.toml"
    assert listed - found == {"warranty_desk.resources"}


def test_resources_are_the_package_data_of_warranty_desk_resources():
    config = _setuptools_config()
    assert config["package-dir"] == {"warranty_desk.resources": "resources"}
    assert config["package-data"]["warranty_desk.resources"] == ["**/*"]
    assert (ROOT / "resources" / "__init__.py").is_file()
    import importlib.resources

    found = Path(str(importlib.resources.files("warranty_desk.resources")))
    assert paths.resources_dir() == found
    for needed in ("fonts/wqy-microhei.ttc", "icons/warranty_desk_256.png", "texts/zh_CN/certificate",
                   "locale/en/LC_MESSAGES/messages.po"):
        assert (found / needed).exists(), needed
