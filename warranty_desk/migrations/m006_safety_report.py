"""Version 6: `safety_report` — a repair ticket marked as a structural-safety defect (涉及结构安全,
《房屋建筑工程质量保修办法》第十条), with the report to the local construction authority once it is
recorded as sent. One row per marked ticket; the dashboard lists those not sent yet."""

from __future__ import annotations

VERSION = 6

SQLITE = [
    'CREATE TABLE "safety_report" ("id" INTEGER NOT NULL PRIMARY KEY, "ticket_id" INTEGER NOT NULL, '
    '"marked_at" DATETIME NOT NULL, "marked_by" VARCHAR(100) NOT NULL, "reason" TEXT NOT NULL, '
    '"measures" TEXT NOT NULL, "authority" VARCHAR(200) NOT NULL, "sent_at" DATETIME, '
    '"sent_by" VARCHAR(100) NOT NULL, "sent_how" VARCHAR(20) NOT NULL, "sent_ref" VARCHAR(100) NOT NULL, '
    '"note" TEXT NOT NULL, "version" INTEGER NOT NULL, FOREIGN KEY ("ticket_id") REFERENCES "ticket" ("id"))',
    'CREATE UNIQUE INDEX "safety_report_ticket_id" ON "safety_report" ("ticket_id")',
]

POSTGRES = [
    'CREATE TABLE "safety_report" ("id" SERIAL NOT NULL PRIMARY KEY, "ticket_id" INTEGER NOT NULL, '
    '"marked_at" TIMESTAMP NOT NULL, "marked_by" VARCHAR(100) NOT NULL, "reason" TEXT NOT NULL, '
    '"measures" TEXT NOT NULL, "authority" VARCHAR(200) NOT NULL, "sent_at" TIMESTAMP, '
    '"sent_by" VARCHAR(100) NOT NULL, "sent_how" VARCHAR(20) NOT NULL, "sent_ref" VARCHAR(100) NOT NULL, '
    '"note" TEXT NOT NULL, "version" INTEGER NOT NULL, FOREIGN KEY ("ticket_id") REFERENCES "ticket" ("id"))',
    'CREATE UNIQUE INDEX "safety_report_ticket_id" ON "safety_report" ("ticket_id")',
]


def apply(db) -> None:
    postgres = db.__class__.__name__.startswith("Postgres")
    for statement in POSTGRES if postgres else SQLITE:
        db.execute_sql(statement)
