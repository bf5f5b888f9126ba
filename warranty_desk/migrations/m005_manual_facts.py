"""Version 5: what a 住宅使用说明书 states about the building and the unit (issue #17).

Project: 结构类型, 抗震设防烈度, 配电负荷, 燃气, 通讯, 消防, 外墙保温, 物业管理单位 and its phone
(free text as the clerk types it; empty = not known, and the manual leaves the part out or a
line to fill in). Unit: 户型 and 建筑面积 (m²).
"""

from __future__ import annotations

VERSION = 5

PROJECT_TEXT = [("structure_type", 100), ("seismic_intensity", 40), ("power_load", 100), ("gas_supply", 200),
                ("telecom", 200), ("fire_safety", 300), ("insulation", 200), ("property_company", 200),
                ("property_phone", 40)]


def statements(postgres: bool) -> list[str]:
    out = [f'ALTER TABLE "project" ADD COLUMN "{name}" VARCHAR({size}) NOT NULL DEFAULT \'\''
           for name, size in PROJECT_TEXT]
    out.append('ALTER TABLE "unit" ADD COLUMN "layout" VARCHAR(40) NOT NULL DEFAULT \'\'')
    out.append(f'ALTER TABLE "unit" ADD COLUMN "area" {"NUMERIC" if postgres else "DECIMAL"}(10, 2)')
    return out


def apply(db) -> None:
    postgres = db.__class__.__name__.startswith("Postgres")
    for statement in statements(postgres):
        db.execute_sql(statement)
