"""Version 7: the audit log becomes a hash chain, and its guards close the last gaps.

Two columns: ``prev_hash`` (the previous row's hash) and ``chain_hash`` (this row's hash over that and
its content, audit_chain format 1). The rows already there are chained here, in id order (the update
guard is lifted for that inside this step's transaction and put back).
SQLite: ``INSERT OR REPLACE`` deleted a row without firing the delete guard — a new guard refuses any
insert whose id already exists. PostgreSQL: ``TRUNCATE`` fired no row guard — a statement guard refuses
it (a restore lifts it inside its own transaction, as the table's owner).
"""

from __future__ import annotations

VERSION = 7

ADD_COLUMNS = [
    """ALTER TABLE "audit_log" ADD COLUMN "prev_hash" VARCHAR(64) NOT NULL DEFAULT ''""",
    """ALTER TABLE "audit_log" ADD COLUMN "chain_hash" VARCHAR(64) NOT NULL DEFAULT ''""",
]

SQLITE_BEFORE = ["DROP TRIGGER IF EXISTS audit_log_no_update"]
SQLITE_AFTER = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "  # i18n: data
    "BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不可修改'); END",
    "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "  # i18n: data
    "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
    "BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不可替换已有的记录'); END",
]

POSTGRES_BEFORE = ["ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"]
POSTGRES_AFTER = [
    "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only",
    "CREATE OR REPLACE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "  # i18n: data
    "BEGIN RAISE EXCEPTION '审计日志只能追加，不可清空'; END $$",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE PROCEDURE audit_log_no_truncate()",
]

BATCH = 1000


def _chain_existing(db, postgres: bool) -> None:
    from warranty_desk.audit_chain import GENESIS, row_hash

    rows = db.execute_sql('SELECT id, at, "user", action, "table", record_id, old, new, note FROM audit_log '
                          "ORDER BY id").fetchall()
    previous = GENESIS
    links = []
    for row in rows:
        link = row_hash(previous, *row)
        links.append((previous, link, row[0]))
        previous = link
    cursor = db.cursor()
    for start in range(0, len(links), BATCH):
        batch = links[start:start + BATCH]
        if postgres:
            from psycopg2.extras import execute_values

            execute_values(cursor, "UPDATE audit_log AS a SET prev_hash = v.p, chain_hash = v.h "
                                   "FROM (VALUES %s) AS v(p, h, id) WHERE a.id = v.id", batch)
        else:
            cursor.executemany("UPDATE audit_log SET prev_hash = ?, chain_hash = ? WHERE id = ?", batch)


def apply(db) -> None:
    postgres = db.__class__.__name__.startswith("Postgres")
    for statement in ADD_COLUMNS + (POSTGRES_BEFORE if postgres else SQLITE_BEFORE):
        db.execute_sql(statement)
    _chain_existing(db, postgres)
    for statement in POSTGRES_AFTER if postgres else SQLITE_AFTER:
        db.execute_sql(statement)
