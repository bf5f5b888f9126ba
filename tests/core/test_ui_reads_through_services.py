"""The window reads and writes only through the core's services: nothing in ui/ imports the models or
peewee, or calls the ORM (like the no-Qt test of the core, the other way round). tests/ui/conftest.py
adds the run-time half: a UI test fails when a query's nearest caller is in ui/ (a foreign key read
off a model instance, say)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_MODULES = ("warranty_desk.models", "peewee", "playhouse")
FORBIDDEN_NAMES = {"database_proxy"}
# query and write methods only the ORM has (a model class, a query, or the database)
ORM_METHODS = {"get_by_id", "get_or_none", "get_or_create", "delete_instance", "insert_many", "insert_from",
               "tuples", "dicts", "objects", "execute_sql", "atomic", "switch", "prefetch", "bulk_create",
               "bulk_update", "on_conflict", "returning", "group_by", "order_by", "where", "scalar"}
MODEL_METHODS = {"select", "insert", "update", "delete", "create", "replace", "raw"}  # on a model class


def _forbidden_module(name: str | None) -> bool:
    return bool(name) and any(name == m or name.startswith(m + ".") for m in FORBIDDEN_MODULES)


def violations(source: str, filename: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            found += [f"{where}: import {a.name}" for a in node.names if _forbidden_module(a.name)]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if _forbidden_module(module):
                found.append(f"{where}: from {module} import …")
            elif module == "warranty_desk" and any(a.name == "models" for a in node.names):
                found.append(f"{where}: from warranty_desk import models")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(f"{where}: {node.id}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method, receiver = node.func.attr, node.func.value
            if method in ORM_METHODS:
                found.append(f"{where}: .{method}(…)")
            elif (method in MODEL_METHODS and isinstance(receiver, ast.Name) and receiver.id[:1].isupper()
                  and not receiver.id.startswith("Q")):
                found.append(f"{where}: {receiver.id}.{method}(…)")
    return found


def test_ui_does_not_touch_the_orm():
    files = sorted((ROOT / "ui").rglob("*.py")) + [ROOT / "main.py"]
    found = [v for path in files for v in violations(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert not found, "ui/ must read and write through warranty_desk.services:\n" + "\n".join(found)


def test_the_guard_sees_each_kind_of_orm_use():
    source = (
        "from warranty_desk.models import Project\n"
        "import peewee\n"
        "from warranty_desk import models\n"
        "rows = Project.select().where(Project.id == 1)\n"
        "unit = Unit.get_by_id(3)\n"
        "database_proxy.obj.close()\n"
        "Ticket.update(state='x').execute()\n"
        "'、'.join(names); self.update(); path.exists(); QItemSelectionModel.select(a, b)\n"
    )
    found = sorted(f.split(": ", 1)[1] for f in violations(source, "x.py"))
    assert found == sorted([
        "from warranty_desk.models import …", "import peewee", "from warranty_desk import models",
        ".where(…)", "Project.select(…)", ".get_by_id(…)", "database_proxy", "Ticket.update(…)",
    ])
    assert not violations("'、'.join(names)\nself.update()\npath.exists()\nQItemSelectionModel.select(a, b)\n", "ok.py")


def test_ui_imports_plainly():
    """No module looked up by name (importlib, pkgutil, sys.modules): what the window uses is imported."""
    found = []
    for path in sorted((ROOT / "ui").rglob("*.py")) + [ROOT / "main.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Attribute) and node.attr == "modules" and getattr(node.value, "id", "") == "sys":
                names = ["sys.modules"]
            found += [f"{path.relative_to(ROOT)}:{node.lineno}: {n}" for n in names
                      if n.split(".")[0] in ("importlib", "pkgutil") or n == "sys.modules"]
    assert not found, "\n".join(found)
