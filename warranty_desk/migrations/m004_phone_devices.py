"""Version 4: the phone companion (手机端) — paired phones, one-time pairing codes, and the
idempotency keys of phone submissions. Tokens and codes are stored only as SHA-256 hashes."""

from __future__ import annotations

VERSION = 4

_COMMON = [
    # (sqlite, postgres) column types differ only in the id and the timestamps
    'CREATE TABLE "phone_device" ("id" {id}, "staff_id" INTEGER NOT NULL, "name" VARCHAR(40) NOT NULL, '
    '"token_hash" VARCHAR(64) NOT NULL, "paired_at" {ts} NOT NULL, "paired_by" VARCHAR(100) NOT NULL, '
    '"user_agent" VARCHAR(200) NOT NULL, "last_seen_at" {ts}, "last_seen_ip" VARCHAR(64) NOT NULL, '
    '"revoked_at" {ts}, "revoked_by" VARCHAR(100) NOT NULL, FOREIGN KEY ("staff_id") REFERENCES "staff" ("id"))',
    'CREATE INDEX "phone_device_staff_id" ON "phone_device" ("staff_id")',
    'CREATE UNIQUE INDEX "phone_device_token_hash" ON "phone_device" ("token_hash")',
    'CREATE TABLE "pairing_code" ("id" {id}, "code_hash" VARCHAR(64) NOT NULL, "staff_id" INTEGER NOT NULL, '
    '"created_at" {ts} NOT NULL, "created_by" VARCHAR(100) NOT NULL, "expires_at" {ts} NOT NULL, "used_at" {ts}, '
    '"device_id" INTEGER, FOREIGN KEY ("staff_id") REFERENCES "staff" ("id"), '
    'FOREIGN KEY ("device_id") REFERENCES "phone_device" ("id"))',
    'CREATE UNIQUE INDEX "pairing_code_code_hash" ON "pairing_code" ("code_hash")',
    'CREATE INDEX "pairing_code_staff_id" ON "pairing_code" ("staff_id")',
    'CREATE INDEX "pairing_code_device_id" ON "pairing_code" ("device_id")',
    'CREATE TABLE "phone_submission" ("id" {id}, "device_id" INTEGER NOT NULL, "key" VARCHAR(64) NOT NULL, '
    '"kind" VARCHAR(20) NOT NULL, "record_table" VARCHAR(40) NOT NULL, "record_id" INTEGER, '
    '"received_at" {ts} NOT NULL, "result" TEXT NOT NULL, FOREIGN KEY ("device_id") REFERENCES "phone_device" ("id"))',
    'CREATE INDEX "phone_submission_device_id" ON "phone_submission" ("device_id")',
    'CREATE UNIQUE INDEX "phone_submission_device_id_key" ON "phone_submission" ("device_id", "key")',
]

SQLITE = [s.format(id="INTEGER NOT NULL PRIMARY KEY", ts="DATETIME") for s in _COMMON]
POSTGRES = [s.format(id="SERIAL NOT NULL PRIMARY KEY", ts="TIMESTAMP") for s in _COMMON]


def apply(db) -> None:
    postgres = db.__class__.__name__.startswith("Postgres")
    for statement in POSTGRES if postgres else SQLITE:
        db.execute_sql(statement)
