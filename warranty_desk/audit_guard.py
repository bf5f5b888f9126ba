"""The guards that keep the audit log append-only, in the database itself: which ones a database must
have, whether they are there, and putting back those that are missing.

The schema steps create them (m002, m007); a database restored from a backup whose guards were
dropped — or a server where someone dropped them — gets them back here, so a database the program
works on is always guarded. The statements are the current set; a step that changes the set adds them
here too.
"""

from __future__ import annotations

# the refusals are the database's own words (the same text as the schema steps that made them)
SQLITE = {
    "audit_log_no_update": ("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "  # i18n: data
                            "BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不可修改'); END"),
    "audit_log_no_delete": ("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "  # i18n: data
                            "BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不可删除'); END"),
    # INSERT OR REPLACE deletes the old row without firing the delete guard: refuse an existing id
    "audit_log_no_replace": ("CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "  # i18n: data
                             "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
                             "BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不可替换已有的记录'); END"),
}

POSTGRES_FUNCTIONS = [
    ("CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "  # i18n: data
     "BEGIN RAISE EXCEPTION '审计日志只能追加，不可修改或删除'; END $$"),
    ("CREATE OR REPLACE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "  # i18n: data
     "BEGIN RAISE EXCEPTION '审计日志只能追加，不可清空'; END $$"),
]

POSTGRES = {
    "audit_log_append_only": ("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                              "FOR EACH ROW EXECUTE PROCEDURE audit_log_append_only()"),
    "audit_log_no_truncate": ("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                              "FOR EACH STATEMENT EXECUTE PROCEDURE audit_log_no_truncate()"),
}


def _postgres(db) -> bool:
    return db.__class__.__name__.startswith("Postgres")


def present(db) -> set[str]:
    """The names of the audit log's triggers the database has."""
    if _postgres(db):
        rows = db.execute_sql("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal")
    else:
        rows = db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
    return {r[0] for r in rows.fetchall()}


def missing(db) -> list[str]:
    wanted = POSTGRES if _postgres(db) else SQLITE
    have = present(db)
    return [name for name in wanted if name not in have]


def ensure(db) -> list[str]:
    """Create the guards that are missing (in the caller's transaction, or one of its own); returns
    their names."""
    gone = missing(db)
    if not gone:
        return []
    with db.atomic():
        if _postgres(db):
            for statement in POSTGRES_FUNCTIONS:
                db.execute_sql(statement)
            for name in gone:
                db.execute_sql(POSTGRES[name])
        else:
            for name in gone:
                db.execute_sql(SQLITE[name])
    return gone
