"""Version 10: a ticket's state, urgency and cause class are stored as keys, not as their Chinese
names (issue #15): text is made from the key where it is shown, in the language of the window, the
paper or the command, so renaming a label never changes the data.

- `ticket.state`, `ticket_event.from_state` / `to_state`: 已受理 → received, 已派工 → dispatched, …
- `ticket.urgency`: 紧急 → urgent, 一般 → normal
- `ticket.cause_class`: 施工质量 → workmanship, …
- the `sla` setting (hours per urgency): its keys 紧急 / 一般 → urgent / normal

The audit log is append-only and hash-chained: its rows keep the names they were written with (the
program still reads them: rules.ticket_states.LEGACY and friends). A value the program never wrote
is left as it is. The mapping is frozen here as released (the rules' constants may change later).
"""

from __future__ import annotations

import json

VERSION = 10

STATES = {
    "已受理": "received", "已派工": "dispatched", "已到场": "onsite", "维修中": "repairing",  # i18n: data
    "待验收": "awaiting_check", "已关闭": "closed", "非保修/有偿": "paid", "业主另行委托": "elsewhere",  # i18n: data
    "已撤销": "cancelled",  # i18n: data
}
URGENCIES = {"紧急": "urgent", "一般": "normal"}  # i18n: data
CAUSES = {
    "施工质量": "workmanship", "设计原因": "design", "业主指定材料": "owner_material", "使用不当": "misuse",  # i18n: data
    "第三方损坏": "third_party", "不可抗力": "force_majeure", "超出保修期": "expired",  # i18n: data
}
COLUMNS = [
    ("ticket", "state", STATES),
    ("ticket_event", "from_state", STATES),
    ("ticket_event", "to_state", STATES),
    ("ticket", "urgency", URGENCIES),
    ("ticket", "cause_class", CAUSES),
]


def apply(db) -> None:
    param = "%s" if db.__class__.__name__.startswith("Postgres") else "?"
    for table, column, mapping in COLUMNS:
        for old, new in mapping.items():
            db.execute_sql(f'UPDATE "{table}" SET "{column}" = {param} WHERE "{column}" = {param}', (new, old))
    row = db.execute_sql(f'SELECT "value" FROM "setting" WHERE "key" = {param}', ("sla",)).fetchone()
    if row is not None:
        value = json.loads(row[0])
        if isinstance(value, dict):
            value = {URGENCIES.get(k, k): v for k, v in value.items()}
            db.execute_sql(f'UPDATE "setting" SET "value" = {param} WHERE "key" = {param}',
                           (json.dumps(value, ensure_ascii=False), "sla"))
