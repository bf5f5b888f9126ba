"""Version 2: the audit log becomes append-only in the database itself.

Triggers refuse every UPDATE and DELETE of an `audit_log` row, whatever program or tool sends it.
(PostgreSQL's TRUNCATE does not fire row triggers: a whole-database restore replaces the log with the
backup's own log through TRUNCATE, which needs the table owner's rights.)
"""

from __future__ import annotations

VERSION = 2

SQLITE = [
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不可修改'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不可删除'); END""",
]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '审计日志只能追加，不可修改或删除';
END
$$""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE PROCEDURE audit_log_append_only()""",
]


def apply(db) -> None:
    postgres = db.__class__.__name__.startswith("Postgres")
    for statement in POSTGRES if postgres else SQLITE:
        db.execute_sql(statement)
