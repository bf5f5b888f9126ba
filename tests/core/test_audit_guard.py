"""The audit log: who did what, with old and new values; append-only, down to the database."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from peewee import DatabaseError

from warranty_desk.models import AuditLog
from warranty_desk.services import audit, projects

CORE = Path(__file__).resolve().parents[2] / "warranty_desk"
UI = Path(__file__).resolve().parents[2] / "ui"


def test_history_shows_who_and_old_and_new_values(db, make_project):
    project = make_project(code="AU-1", name="旧名称")
    audit.set_clerk("张文员")
    try:
        data = {"code": "AU-1", "name": "新名称 <b>&</b>", "type": "住宅", "scale": "中型"}
        projects.update_project(project.id, data, expected_version=project.version)
    finally:
        audit.set_clerk(None)
    rows = audit.history("project", project.id)
    assert [r.action for r in rows] == ["create", "update"]
    assert rows[0].user == "测试员"  # the OS user (here from WARRANTY_DESK_USER) when no clerk is chosen
    assert rows[1].user == "张文员"
    assert "旧名称" in rows[1].old and "新名称 <b>&</b>" in rows[1].new
    assert audit.current_user() == "测试员"


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET \"user\" = 'someone else'",
    "DELETE FROM audit_log",
])
def test_the_database_refuses_to_change_or_delete_audit_rows(db, make_project, statement):
    make_project()
    count = AuditLog.select().count()
    with pytest.raises(DatabaseError, match="审计日志"):
        with db.atomic():
            db.execute_sql(statement)
    assert AuditLog.select().count() == count
    assert AuditLog.select().where(AuditLog.user == "someone else").count() == 0


def test_the_orm_cannot_delete_an_audit_row_either(db, make_project):
    make_project()
    row = AuditLog.select().first()
    with pytest.raises(DatabaseError, match="审计日志"):
        with db.atomic():
            row.delete_instance()
    with pytest.raises(DatabaseError, match="审计日志"):
        with db.atomic():
            AuditLog.update(note="x").where(AuditLog.id == row.id).execute()


def _python_files():
    for folder in (CORE, UI):
        yield from folder.rglob("*.py")


def test_no_code_updates_or_deletes_audit_rows():
    """Scan every module: AuditLog is only ever created and read."""
    offenders = []
    for path in _python_files():
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("update", "delete", "delete_instance", "save",
                                                                  "replace", "insert_many", "truncate_table"):
                base = node.value
                while isinstance(base, (ast.Call, ast.Attribute)):
                    base = base.func if isinstance(base, ast.Call) else base.value
                if isinstance(base, ast.Name) and base.id == "AuditLog":
                    offenders.append(f"{path.name}:{node.lineno} AuditLog…{node.attr}")
        lowered = source.lower()
        for needle in ("update audit_log", "delete from audit_log"):
            # the step that made the guards, and the one that chained the rows already there
            if needle in lowered and not path.name.endswith(("_audit_guard.py", "_audit_chain.py")):
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []
