"""The core's lower layers never reach up into the services: the database layer (db.py, models.py,
the migrations, where attachment bytes live) and the rules are what services stand on (issue #14: db.py
imported a service to share attachment files; attachment_store.py now holds that)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "warranty_desk"
LOWER = [CORE / "db.py", CORE / "models.py", CORE / "op_changes.py", CORE / "attachment_store.py",
         *sorted((CORE / "rules").glob("*.py")), *sorted((CORE / "migrations").glob("*.py"))]


def _services_imported(source: str, module_path: str) -> list[str]:
    """The services a module imports (also inside functions); `module_path` like warranty_desk/db.py."""
    found = []
    package = tuple(module_path.split("/")[:-1])  # e.g. ("warranty_desk", "rules")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else ()
            module = ".".join((*base, node.module or "")).strip(".")
            names = [module] if node.module else [f"{module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found += [f"{module_path}:{node.lineno} {n}" for n in names
                  if n == "warranty_desk.services" or n.startswith("warranty_desk.services.")]
    return found


def test_the_database_layer_and_the_rules_import_no_service():
    assert len(LOWER) > 20
    found = [hit for path in LOWER
             for hit in _services_imported(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())]
    assert not found, found


def test_the_check_sees_a_service_import():
    """The check cannot pass by itself: what db.py once did is found, in every spelling."""
    for line in ("    from .services import attachments", "    from .services.attachments import share_local_files",
                 "    import warranty_desk.services.attachments", "    from warranty_desk.services import backup"):
        assert _services_imported(f"def f():\n{line}\n", "warranty_desk/db.py"), line
    assert _services_imported("from ..services import audit\n", "warranty_desk/rules/x.py")
    assert not _services_imported("from . import attachment_store\n", "warranty_desk/db.py")
