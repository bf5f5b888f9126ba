"""Version 11: reads that cost what they show at any size of office (issue #20).

- Any part of a phone number, or of a ticket's number: SQLite keeps `unit_search (phone_digits)` and
  `ticket_search (phone_digits, number)`, FTS5 tables with the trigram tokenizer (SQLite 3.34 and
  later), filled here and kept by triggers on every insert, update and delete of a unit or ticket,
  whatever program writes the row. A `LIKE '%6963%'` on them is answered from the index (three or
  more characters) with SQLite's own LIKE rules, instead of scanning every owner's digits.
- A part of an owner's or a caller's name: `unit_name_gram` / `ticket_name_gram` hold each
  character and each pair of neighbouring characters of the name (lower-cased as LIKE compares), one
  row each, kept by triggers; a name longer than `search_position` counts (100, the column's width)
  also gets the gram '' so that a search always looks at it. One or two typed characters are then a
  lookup; more are a lookup of the first pair, checked with LIKE.
- The calendar's month: `visit (planned_on, status, project_id, staff_id)` — which visits of six
  weeks to show is decided from this index alone, without reading the visits' rows.

PostgreSQL keeps its LIKE queries; they use pg_trgm's GIN indexes when the database allows the
extension (a trusted extension: the database's owner may create it); otherwise they scan as before.
A SQLite without FTS5's trigram tokenizer gets the name grams and the visit index, and searches
phone digits by scanning as before.
"""

from __future__ import annotations

VERSION = 11

NAME_WIDTH = 100  # characters of a name whose grams are kept (the columns' declared width)

CALENDAR_INDEX = ('CREATE INDEX IF NOT EXISTS "visit_calendar" ON "visit" '
                  '("planned_on", "status", "project_id", "staff_id")')

# table, its FTS5 search table, the columns indexed, the columns whose change re-indexes the row
_TRIGRAM = [
    ("unit", "unit_search", ("phone_digits",), ("owner_phone", "phone_digits")),
    ("ticket", "ticket_search", ("phone_digits", "number"), ("phone", "phone_digits", "number")),
]
# table, its gram table, the name column, the gram table's key column
_GRAMS = [
    ("unit", "unit_name_gram", "owner_name", "unit_id"),
    ("ticket", "ticket_name_gram", "reporter", "ticket_id"),
]


def _grams_of(row: str, name: str, extra: str = "") -> str:
    """The grams of `row`.`name` as a SELECT (characters, pairs, and '' when too long), each followed
    by `extra` columns."""
    value = f"{row}.\"{name}\""
    return (f"SELECT lower(substr({value}, \"n\", 1)){extra} FROM \"search_position\" WHERE \"n\" <= length({value}) "
            f"UNION SELECT lower(substr({value}, \"n\", 2)){extra} FROM \"search_position\" WHERE \"n\" < length({value}) "
            f"UNION SELECT ''{extra} WHERE length({value}) > {NAME_WIDTH}")


def _sqlite_grams() -> list[str]:
    out = ['CREATE TABLE IF NOT EXISTS "search_position" ("n" INTEGER NOT NULL PRIMARY KEY)',
           f'WITH RECURSIVE "k"("n") AS (SELECT 1 UNION ALL SELECT "n" + 1 FROM "k" WHERE "n" < {NAME_WIDTH}) '
           'INSERT OR IGNORE INTO "search_position" ("n") SELECT "n" FROM "k"']
    for table, grams, name, key in _GRAMS:
        out.append(f'CREATE TABLE IF NOT EXISTS "{grams}" ("gram" TEXT NOT NULL, "{key}" INTEGER NOT NULL, '
                   f'PRIMARY KEY ("gram", "{key}")) WITHOUT ROWID')
        key_of_new = ', NEW."id"'
        insert = f'INSERT OR IGNORE INTO "{grams}" ("gram", "{key}") {_grams_of("NEW", name, key_of_new)}'
        delete = f'DELETE FROM "{grams}" WHERE "{key}" = OLD."id" AND "gram" IN ({_grams_of("OLD", name)})'
        out.append(f'CREATE TRIGGER IF NOT EXISTS "{grams}_insert" AFTER INSERT ON "{table}" BEGIN {insert}; END')
        out.append(f'CREATE TRIGGER IF NOT EXISTS "{grams}_update" AFTER UPDATE OF "{name}" ON "{table}" BEGIN {delete}; {insert}; END')
        out.append(f'CREATE TRIGGER IF NOT EXISTS "{grams}_delete" AFTER DELETE ON "{table}" BEGIN {delete}; END')
        out.append(f'INSERT OR IGNORE INTO "{grams}" ("gram", "{key}") '
                   f'SELECT lower(substr(r."{name}", p."n", 1)), r."id" FROM "{table}" AS r '
                   f'JOIN "search_position" AS p ON p."n" <= length(r."{name}")')
        out.append(f'INSERT OR IGNORE INTO "{grams}" ("gram", "{key}") '
                   f'SELECT lower(substr(r."{name}", p."n", 2)), r."id" FROM "{table}" AS r '
                   f'JOIN "search_position" AS p ON p."n" < length(r."{name}")')
        out.append(f'INSERT OR IGNORE INTO "{grams}" ("gram", "{key}") '
                   f'SELECT \'\', "id" FROM "{table}" WHERE length("{name}") > {NAME_WIDTH}')
    return out


def _sqlite_trigram() -> list[str]:
    out = []
    for table, search, columns, watched in _TRIGRAM:
        names = ", ".join(f'"{c}"' for c in columns)
        out.append(f'CREATE VIRTUAL TABLE IF NOT EXISTS "{search}" USING fts5({names}, tokenize = \'trigram\')')
        # the row as it is now, whichever of the table's triggers ran first (step 8's fills phone_digits)
        refill = (f'DELETE FROM "{search}" WHERE "rowid" = NEW."id"; '
                  f'INSERT INTO "{search}" ("rowid", {names}) SELECT "id", {names} FROM "{table}" WHERE "id" = NEW."id";')
        out.append(f'CREATE TRIGGER IF NOT EXISTS "{search}_insert" AFTER INSERT ON "{table}" BEGIN {refill} END')
        out.append(f'CREATE TRIGGER IF NOT EXISTS "{search}_update" AFTER UPDATE OF {", ".join(chr(34) + w + chr(34) for w in watched)} '
                   f'ON "{table}" BEGIN {refill} END')
        out.append(f'CREATE TRIGGER IF NOT EXISTS "{search}_delete" AFTER DELETE ON "{table}" BEGIN '
                   f'DELETE FROM "{search}" WHERE "rowid" = OLD."id"; END')
        out.append(f'DELETE FROM "{search}"')  # (a step applied again starts from the rows)
        out.append(f'INSERT INTO "{search}" ("rowid", {names}) SELECT "id", {names} FROM "{table}"')
    return out


_POSTGRES_TRIGRAM = [
    'CREATE INDEX IF NOT EXISTS "unit_phone_digits_trgm" ON "unit" USING gin ("phone_digits" gin_trgm_ops)',
    'CREATE INDEX IF NOT EXISTS "unit_owner_name_trgm" ON "unit" USING gin ("owner_name" gin_trgm_ops)',
    'CREATE INDEX IF NOT EXISTS "ticket_phone_digits_trgm" ON "ticket" USING gin ("phone_digits" gin_trgm_ops)',
    'CREATE INDEX IF NOT EXISTS "ticket_number_trgm" ON "ticket" USING gin ("number" gin_trgm_ops)',
    'CREATE INDEX IF NOT EXISTS "ticket_reporter_trgm" ON "ticket" USING gin ("reporter" gin_trgm_ops)',
]


def _optional(db, statements: list[str]) -> bool:
    """Statements that need what the database may not offer (FTS5's trigram tokenizer, the pg_trgm
    extension): all of them, or none (a savepoint), and the step goes on either way."""
    try:
        with db.atomic():
            for statement in statements:
                db.execute_sql(statement)
    except Exception:  # noqa: BLE001 - not offered here: the searches scan, as before this step
        return False
    return True


def apply(db) -> None:
    postgres = db.__class__.__name__.startswith("Postgres")
    db.execute_sql(CALENDAR_INDEX)
    if postgres:
        _optional(db, ["CREATE EXTENSION IF NOT EXISTS pg_trgm", *_POSTGRES_TRIGRAM])
        return
    for statement in _sqlite_grams():
        db.execute_sql(statement)
    _optional(db, _sqlite_trigram())
    for statement in ("PRAGMA analysis_limit=400", 'ANALYZE "visit_calendar"'):
        db.execute_sql(statement)
