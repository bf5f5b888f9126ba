"""Version 12: the rest of the labels the program stored in Chinese become keys (issue #15): text is
made from the key where it is shown, in the language of the window, the paper or the command.

- `ticket.channel`: 电话 → phone, 来函 → letter, 来访 → walk_in, 回访发现 → visit_finding
- `ticket.payer`, `cost_line.borne_by`: 我方 → us, 分包单位 → subcontractor, 业主 → owner, 另行处理 → separate
- `cost_line.kind`: 人工 → labour, 材料 → material, 其他 → other
- `visit.method`: 电话 → phone, 短信 → sms, 邮件 → email, 上门 → onsite, 问卷 → questionnaire
- `project.type`: 住宅 → residential, 公共建筑 → public, 工业建筑 → industrial, 市政工程 → municipal,
  装饰装修 → decoration; `project.scale`: 小型 → small, 中型 → medium, 大型 → large
- `visit.purposes`: each line the program wrote (the visit plan, a closed repair, a storm call, an
  import — in Chinese, or in English when the program spoke English) becomes its purpose code with
  its parameters, one JSON object on the line: {"purpose": "periodic", "scale": "medium", "step": 6}.
  A line the clerk wrote, or one whose parameters are not all recognised, stays as written.

`visit.method` becomes VARCHAR(20) on PostgreSQL (its keys are longer than the names were). No
setting holds these names (the SLA's urgencies moved in step 10). The audit log is append-only
and hash-chained: its rows keep the names they were written with (the program still reads them).
A value the program never wrote is left as it is. Every mapping and wording is frozen here as
released (the rules' constants and the catalogs may change later).
"""

from __future__ import annotations

import json
import re

VERSION = 12

CHANNELS = {"电话": "phone", "来函": "letter", "来访": "walk_in", "回访发现": "visit_finding"}  # i18n: data
PAYERS = {"我方": "us", "分包单位": "subcontractor", "业主": "owner", "另行处理": "separate"}  # i18n: data
COST_KINDS = {"人工": "labour", "材料": "material", "其他": "other"}  # i18n: data
METHODS = {"电话": "phone", "短信": "sms", "邮件": "email", "上门": "onsite", "问卷": "questionnaire"}  # i18n: data
TYPES = {"住宅": "residential", "公共建筑": "public", "工业建筑": "industrial", "市政工程": "municipal",  # i18n: data
         "装饰装修": "decoration"}  # i18n: data
SCALES = {"小型": "small", "中型": "medium", "大型": "large"}  # i18n: data
PURPOSE_SCALES = {**SCALES, "Small": "small", "Medium": "medium", "Large": "large"}  # as a purpose says it
COLUMNS = [
    ("ticket", "channel", CHANNELS),
    ("ticket", "payer", PAYERS),
    ("cost_line", "borne_by", PAYERS),
    ("cost_line", "kind", COST_KINDS),
    ("visit", "method", METHODS),
    ("project", "type", TYPES),
    ("project", "scale", SCALES),
]

# the purposes as the releases before wrote them, in Chinese and in English: (code, wording)
WORDINGS = [
    ("periodic", "{scale}项目定期回访（每{step}个月）"),  # i18n: data
    ("periodic", "Periodic visit ({scale} project, every {step} months)"),
    ("one_month", "交付后一个月回访"),  # i18n: data
    ("one_month", "Visit one month after handover"),
    ("half_year", "交付后半年回访"),  # i18n: data
    ("half_year", "Visit six months after handover"),
    ("before_end", "保修期满前交代回访：{names}（{isoformat}到期）"),  # i18n: data
    ("before_end", "Visit before the warranty ends: {names} (ends {isoformat})"),
    ("before_heating", "采暖期前检查（{isoformat}开始供暖）：供热、新风、门窗、保温"),  # i18n: data
    ("before_heating", "Check before the heating season (heating starts {isoformat}): heating, fresh air, "
                       "windows, insulation"),
    ("before_rains", "雨季前检查：屋面、天沟、落水管、外墙、排水、防雷"),  # i18n: data
    ("before_rains", "Check before the rainy season: roof, gutters, downpipes, external walls, drainage, "
                     "lightning protection"),
    ("after_warranty", "保修期满后回访：介绍有偿维修和保养服务"),  # i18n: data
    ("after_warranty", "Visit after the warranty: introduce paid repair and maintenance services"),
    ("after_storm", "{storm}暴雨后回访：询问并检查屋面、外墙有无渗漏（{names}保修至{ends}）"),  # i18n: data
    ("after_storm", "After the storm of {storm}: ask about and check leaks through the roof and exterior walls "
                    "({names} under warranty until {ends})"),
    ("after_repair", "维修后满意度回访：{n}（{s}）"),  # i18n: data
    ("after_repair", "After-repair satisfaction visit: {n} ({s})"),
    ("imported", "以往回访记录（表格导入）"),  # i18n: data
]
# the warranty items by their names in either language
ITEMS = {
    "地基基础工程和主体结构工程": "foundation_structure", "Foundations and main structure": "foundation_structure",  # i18n: data
    "屋面防水工程": "roof_waterproofing", "Roof waterproofing": "roof_waterproofing",  # i18n: data
    "有防水要求的卫生间、房间的防渗漏": "wet_room_waterproofing",  # i18n: data
    "Leak-proofing of bathrooms and other wet rooms": "wet_room_waterproofing",
    "外墙面的防渗漏": "exterior_wall_seepage", "Leak-proofing of external walls": "exterior_wall_seepage",  # i18n: data
    "供热系统": "heating", "Heating system": "heating",  # i18n: data
    "供冷系统": "cooling", "Cooling system": "cooling",  # i18n: data
    "电气管线": "electrical", "Electrical conduits and wiring": "electrical",  # i18n: data
    "给排水管道": "plumbing", "Water supply and drainage pipes": "plumbing",  # i18n: data
    "设备安装": "equipment", "Equipment installation": "equipment",  # i18n: data
    "装修工程": "decoration", "Finishing works": "decoration",  # i18n: data
    "其他项目": "other", "Other items": "other",  # i18n: data
}
_SEPARATOR = re.compile(r"、|, ")  # i18n: data (the list separators of both languages)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_FIELD = re.compile(r"\{(\w+)\}")


def _pattern(wording: str) -> re.Pattern:
    parts, pos = [], 0
    for m in _FIELD.finditer(wording):
        parts.append(re.escape(wording[pos:m.start()]))
        parts.append(f"(?P<{m.group(1)}>.+?)")
        pos = m.end()
    parts.append(re.escape(wording[pos:]))
    return re.compile("".join(parts) + r"\Z", re.S)


_PATTERNS = [(code, _pattern(wording)) for code, wording in WORDINGS]


def _items(text: str) -> list[str] | None:
    """Warranty item names (either language, 、 or ", " between them; a name may hold 、) → keys."""
    names = sorted(ITEMS, key=len, reverse=True)
    found, pos = [], 0
    while pos < len(text):
        for name in names:
            if text.startswith(name, pos):
                rest = text[pos + len(name):]
                sep = _SEPARATOR.match(rest)
                if not rest or sep:
                    found.append(ITEMS[name])
                    pos += len(name) + (sep.end() if sep else 0)
                    break
        else:
            return None
    return found or None


def _dates(text: str) -> list[str] | None:
    dates = _SEPARATOR.split(text)
    return dates if all(_DATE.match(d) for d in dates) else None


def purpose_line(line: str) -> str:
    """One stored purpose line as this release stores it (a line not the program's: as it is)."""
    text = line.strip()
    for code, pattern in _PATTERNS:
        m = pattern.match(text)
        if m is None:
            continue
        params: dict = {}
        for name, value in m.groupdict().items():
            if name == "scale":
                value = PURPOSE_SCALES.get(value)
            elif name == "step":
                value = int(value) if value.isdigit() else None
            elif name == "names":
                value = _items(value)
            elif name in ("isoformat", "storm"):
                value = value if _DATE.match(value) else None
            elif name == "ends":
                value = _dates(value)
            if value is None:
                break
            params[name] = value
        else:
            return json.dumps({"purpose": code, **params}, ensure_ascii=False, sort_keys=True)
    return line


def purposes(stored: str) -> str:
    return "\n".join(purpose_line(line) if line.strip() else line for line in stored.split("\n"))


# the one column too narrow for its keys (questionnaire); SQLite does not enforce a VARCHAR's length
POSTGRES_DDL = ['ALTER TABLE "visit" ALTER COLUMN "method" TYPE VARCHAR(20)']


def apply(db) -> None:
    postgres = db.__class__.__name__.startswith("Postgres")
    param = "%s" if postgres else "?"
    if postgres:
        for statement in POSTGRES_DDL:
            db.execute_sql(statement)
    for table, column, mapping in COLUMNS:
        for old, new in mapping.items():
            db.execute_sql(f'UPDATE "{table}" SET "{column}" = {param} WHERE "{column}" = {param}', (new, old))
    rows = db.execute_sql('SELECT "id", "purposes" FROM "visit" WHERE "purposes" <> \'\'').fetchall()
    changed = [(new, vid) for vid, old in rows if (new := purposes(old)) != old]
    if changed:
        cursor = db.cursor()
        cursor.executemany(f'UPDATE "visit" SET "purposes" = {param} WHERE "id" = {param}', changed)
