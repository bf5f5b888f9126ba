"""The first schema: every table as released in 0.1."""

from __future__ import annotations

from pathlib import Path

VERSION = 1


def apply(db) -> None:
    dialect = "postgres" if db.__class__.__name__.startswith("Postgres") else "sqlite"
    sql = (Path(__file__).with_name(f"m001_initial.{dialect}.sql")).read_text(encoding="utf-8")
    for statement in sql.split(";\n"):
        if statement.strip():
            db.execute_sql(statement)
