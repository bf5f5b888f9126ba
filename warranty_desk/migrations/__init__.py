"""Numbered schema steps. Each step and its version stamp commit in one transaction.

A step is a module `mNNN_name.py` with `VERSION` and `apply(db)`. A released step is never
edited: a schema change is a new step (DDL frozen with `freeze.py`, or `playhouse.migrate`).
"""

from __future__ import annotations

import importlib
import pkgutil


def steps():
    """[(version, module)] in order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:4].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append((module.VERSION, module))
    found.sort(key=lambda pair: pair[0])
    versions = [v for v, _ in found]
    assert versions == list(range(1, len(versions) + 1)), f"migration steps must be numbered 1..n: {versions}"
    return found


def latest_version() -> int:
    return steps()[-1][0]
