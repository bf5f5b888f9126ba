"""Version 13: the last values the program stored as Chinese names become keys (issue #15): text is
made from the key where it is shown, in the language of the window, the paper or the command.

- `visit.grade`: 满意 → satisfied, 比较满意 → fairly_satisfied, 一般 → neutral,
  不太满意 → less_satisfied, 不满意 → dissatisfied (a visit's questionnaire, a phone's record, an import)
- `visit_finding.area`: the areas the visit form offers (屋面 → roof, 门窗 → doors_windows, …, and
  地下室 → basement, which the demo office used); an area the clerk typed stays as typed
- `staff.role`: the roles the program wrote or offers (维修人员 → repairer from an import, 文员 →
  clerk — or Clerk, written while the program spoke English — for a new operator, 项目经理 →
  project_manager, …); a role the clerk typed stays as typed
- `cost_line.description` of a cost line a history import made (以往维修费用（表格导入）) becomes the
  program's sentence stored as its template (i18n.said), said in the reader's language; what the
  clerk typed on other cost lines stays as typed

`visit.grade` becomes VARCHAR(20) on PostgreSQL (its keys are longer than the names were). The audit
log is append-only and hash-chained: its rows keep the names they were written with (the program
still reads them: the rules' LEGACY maps). Every mapping and wording is frozen here as released.
"""

from __future__ import annotations

VERSION = 13

GRADES = {"满意": "satisfied", "比较满意": "fairly_satisfied", "一般": "neutral",  # i18n: data
          "不太满意": "less_satisfied", "不满意": "dissatisfied"}  # i18n: data
AREAS = {
    "屋面": "roof", "外墙": "exterior_wall", "卫生间": "bathroom", "厨房": "kitchen", "门窗": "doors_windows",  # i18n: data
    "墙面/地面": "walls_floors", "给排水": "plumbing", "电气": "electrical", "供暖": "heating",  # i18n: data
    "地下室": "basement", "公共部位": "common_areas", "其他": "other",  # i18n: data
}
ROLES = {
    "项目经理": "project_manager", "资料员": "document_controller", "维修主管": "repair_lead",  # i18n: data
    "维修人员": "repairer", "回访专员": "visit_officer", "质量部": "quality", "文员": "clerk",  # i18n: data
    "Clerk": "clerk",  # the operator's role as a release speaking English wrote it
}
# the imported cost line's description, and the same words as i18n.said stores them
IMPORTED_COST = "以往维修费用（表格导入）"  # i18n: data
IMPORTED_COST_SAID = '{"said": "以往维修费用（表格导入）", "with": {}}'  # i18n: data
COLUMNS = [
    ("visit", "grade", GRADES),
    ("visit_finding", "area", AREAS),
    ("staff", "role", ROLES),
    ("cost_line", "description", {IMPORTED_COST: IMPORTED_COST_SAID}),
]

# the one column too narrow for its keys (fairly_satisfied); SQLite does not enforce a VARCHAR's length
POSTGRES_DDL = ['ALTER TABLE "visit" ALTER COLUMN "grade" TYPE VARCHAR(20)']


def apply(db) -> None:
    postgres = db.__class__.__name__.startswith("Postgres")
    param = "%s" if postgres else "?"
    if postgres:
        for statement in POSTGRES_DDL:
            db.execute_sql(statement)
    for table, column, mapping in COLUMNS:
        for old, new in mapping.items():
            db.execute_sql(f'UPDATE "{table}" SET "{column}" = {param} WHERE "{column}" = {param}', (new, old))
