"""Developer tool: write the DDL of the current models as a frozen migration step.

    python -m warranty_desk.migrations.freeze m001_initial

Each step keeps the DDL it was released with, so a later change to models.py never changes
what an old step does.
"""

from __future__ import annotations

import sys
from pathlib import Path

from peewee import PostgresqlDatabase, SqliteDatabase

from warranty_desk.models import ALL_MODELS, database_proxy


def ddl(db) -> list[str]:
    database_proxy.initialize(db)
    statements = []
    for model in ALL_MODELS:
        schema = model._schema  # type: ignore[attr-defined]  # peewee's schema manager (not in its stubs)
        for query in [schema._create_table(safe=False), *schema._create_indexes(safe=False)]:
            sql, params = db.get_sql_context().sql(query).query()
            assert not params, params
            statements.append(sql)
    return statements


def main(name: str) -> None:
    folder = Path(__file__).parent
    for dialect, db in (("sqlite", SqliteDatabase(None)), ("postgres", PostgresqlDatabase(None))):
        (folder / f"{name}.{dialect}.sql").write_text(";\n".join(ddl(db)) + ";\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
