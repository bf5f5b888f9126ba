"""Version 3: attachment bytes in the database (table `attachment_blob`), once per content hash.

On a shared PostgreSQL server a photo or signature taken on one clerk's PC is then readable on every
other PC; the data folder's attachments are a local cache. (On SQLite the table stays empty: the
database and the data folder live on the same PC.)
"""

from __future__ import annotations

VERSION = 3

SQLITE = [
    'CREATE TABLE "attachment_blob" ("sha256" VARCHAR(64) NOT NULL PRIMARY KEY, "size" INTEGER NOT NULL, '
    '"data" BLOB NOT NULL)',
]

POSTGRES = [
    'CREATE TABLE "attachment_blob" ("sha256" VARCHAR(64) NOT NULL PRIMARY KEY, "size" INTEGER NOT NULL, '
    '"data" BYTEA NOT NULL)',
    # the bytes are photos and PNGs (already compressed): stored out of line without another compression pass
    'ALTER TABLE "attachment_blob" ALTER COLUMN "data" SET STORAGE EXTERNAL',
]


def apply(db) -> None:
    postgres = db.__class__.__name__.startswith("Postgres")
    for statement in POSTGRES if postgres else SQLITE:
        db.execute_sql(statement)
