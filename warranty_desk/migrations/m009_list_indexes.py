"""Version 9: indexes for the lists the window shows at start (issue #20), so that they cost what they
show, not what the office has accumulated over the years:

- `visit (status, planned_on)`: the overdue visits of 工作台 and of the start-up reminder ("planned, and
  planned before today") — without it SQLite reads every planned visit of the coming years, or walks
  ten years of visits by date, to find the few overdue ones;
- `warranty_item (end_on)`: 保修期即将届满 ("ending within 60 days") — without it every warranty item
  of every project was read;
- `visit (done_at)`: the figures of 报表 (satisfaction, visits on time, falling projects) for the last
  two years read those two years' visits, not every visit of the office's history.

SQLite: the planner statistics of the two new indexes are taken here (sampled, as `db.update_statistics`
does), so they are used from the first start after the upgrade.
"""

from __future__ import annotations

VERSION = 9

INDEXES = [
    'CREATE INDEX IF NOT EXISTS "visit_status_planned_on" ON "visit" ("status", "planned_on")',
    'CREATE INDEX IF NOT EXISTS "warranty_item_end_on" ON "warranty_item" ("end_on")',
    'CREATE INDEX IF NOT EXISTS "visit_done_at" ON "visit" ("done_at")',
]
SQLITE_STATISTICS = [
    "PRAGMA analysis_limit=400",
    'ANALYZE "visit_status_planned_on"',
    'ANALYZE "warranty_item_end_on"',
    'ANALYZE "visit_done_at"',
]


def apply(db) -> None:
    postgres = db.__class__.__name__.startswith("Postgres")
    for statement in INDEXES:
        db.execute_sql(statement)
    if not postgres:
        for statement in SQLITE_STATISTICS:
            db.execute_sql(statement)
