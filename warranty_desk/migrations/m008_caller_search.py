"""Version 8: a call starts from the caller (issue #16).

- `unit.phone_digits` and `ticket.phone_digits`: the phone number's digits only (073-7565 5921 →
  0737565 5921 without separators), kept by database triggers on every insert and update, whatever
  program writes the row (the window, an import, a restore). Indexed, so "any part of a phone number"
  (the last four digits, a landline without its area code) is a scan of a small index, not of the table.
- indexes on `unit.room` (a room typed as 1-2-301 or 1号楼2单元301) and `ticket.reporter` (a caller's name).
- the region season table gains the provincial capitals and the larger prefecture-level cities of the
  heating zone with the heating periods of their regulations (RULES.md §2.2); a region the office
  already has keeps its own dates.
"""

from __future__ import annotations

VERSION = 8

# characters a stored phone may hold besides digits (services/fields.phone): what SQLite strips
_SEPARATORS = (" ", "-", "(", ")", "+", "（", "）", "—", "/", ".", "转")


def _digits_sql(column: str) -> str:
    expression = f"COALESCE({column}, '')"
    for separator in _SEPARATORS:
        expression = f"REPLACE({expression}, '{separator}', '')"
    return expression


_COLUMNS = [
    'ALTER TABLE "unit" ADD COLUMN "phone_digits" VARCHAR(40) NOT NULL DEFAULT \'\'',
    'ALTER TABLE "ticket" ADD COLUMN "phone_digits" VARCHAR(40) NOT NULL DEFAULT \'\'',
]
_INDEXES = [
    'CREATE INDEX "unit_phone_digits" ON "unit" ("phone_digits")',
    'CREATE INDEX "ticket_phone_digits" ON "ticket" ("phone_digits")',
    'CREATE INDEX "unit_room" ON "unit" ("room")',
    'CREATE INDEX "ticket_reporter" ON "ticket" ("reporter")',
]


def _sqlite() -> list[str]:
    out = list(_COLUMNS)
    for table, phone in (("unit", "owner_phone"), ("ticket", "phone")):
        digits = _digits_sql(f'NEW."{phone}"')
        out.append(f'CREATE TRIGGER "{table}_phone_digits_insert" AFTER INSERT ON "{table}" BEGIN '
                   f'UPDATE "{table}" SET "phone_digits" = {digits} WHERE "id" = NEW."id"; END')
        out.append(f'CREATE TRIGGER "{table}_phone_digits_update" AFTER UPDATE OF "{phone}", "phone_digits" '
                   f'ON "{table}" BEGIN UPDATE "{table}" SET "phone_digits" = {digits} WHERE "id" = NEW."id"; END')
        out.append(f'UPDATE "{table}" SET "phone_digits" = {_digits_sql(chr(34) + phone + chr(34))}')
    return out + _INDEXES


def _postgres() -> list[str]:
    out = list(_COLUMNS)
    for table, phone in (("unit", "owner_phone"), ("ticket", "phone")):
        out.append(f'''CREATE OR REPLACE FUNCTION "{table}_phone_digits"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."phone_digits" := regexp_replace(COALESCE(NEW."{phone}", ''), '[^0-9]', '', 'g');
  RETURN NEW;
END
$$''')
        out.append(f'CREATE TRIGGER "{table}_phone_digits" BEFORE INSERT OR UPDATE ON "{table}" '
                   f'FOR EACH ROW EXECUTE PROCEDURE "{table}_phone_digits"()')
        out.append(f'UPDATE "{table}" SET "phone_digits" = regexp_replace("{phone}", \'[^0-9]\', \'\', \'g\')')
    return out + _INDEXES


# name, 采暖期 start, end, rainy season start, source — frozen here as released (rules/seasons.py
# holds the current defaults for a new database)
REGIONS = [
    ("石家庄", "11-15", "03-15", "07-01", "《河北省供热用热办法》：供热期11月15日至次年3月15日"),
    ("唐山", "11-15", "03-15", "07-01", "《河北省供热用热办法》"),
    ("保定", "11-15", "03-15", "07-01", "《河北省供热用热办法》"),
    ("邯郸", "11-15", "03-15", "07-01", "《河北省供热用热办法》"),
    ("张家口", "10-15", "04-15", "07-01", "张家口市供热期（《河北省供热用热办法》准许高寒地区自定）"),
    ("太原", "11-01", "03-31", "07-01", "《太原市城市集中供热条例》"),
    ("大同", "10-15", "04-15", "07-01", "大同市供热期"),
    ("呼和浩特", "10-15", "04-15", "07-01", "《呼和浩特市城市供热管理条例》"),
    ("包头", "10-15", "04-15", "07-01", "《包头市城市供热管理条例》"),
    ("鞍山", "11-01", "03-31", "07-01", "《辽宁省城市供热条例》：采暖期11月1日至次年3月31日"),
    ("长春", "10-25", "04-10", "07-01", "《长春市城市供热条例》"),
    ("吉林", "10-25", "04-10", "07-01", "《吉林市城市供热管理条例》"),
    ("齐齐哈尔", "10-15", "04-15", "07-01", "齐齐哈尔市供热期"),
    ("大庆", "10-15", "04-15", "07-01", "大庆市供热期"),
    ("青岛", "11-16", "04-05", "07-01", "《青岛市供热条例》"),
    ("淄博", "11-15", "03-15", "07-01", "淄博市供热期"),
    ("潍坊", "11-15", "03-15", "07-01", "潍坊市供热期"),
    ("洛阳", "11-15", "03-15", "07-01", "洛阳市供热期"),
    ("兰州", "11-01", "03-31", "07-01", "《兰州市城市供热管理条例》"),
    ("西宁", "10-15", "04-15", "07-01", "西宁市供热期"),
    ("银川", "11-01", "03-31", "07-01", "《银川市城市供热条例》"),
    ("拉萨", "11-15", "03-15", "06-01", "拉萨市城区供暖期"),
    ("重庆", None, None, "05-01", ""),
    ("长沙", None, None, "04-15", ""),
    ("合肥", None, None, "06-01", ""),
    ("南昌", None, None, "04-15", ""),
    ("福州", None, None, "04-15", ""),
    ("南宁", None, None, "04-15", ""),
    ("海口", None, None, "05-01", ""),
    ("昆明", None, None, "05-15", ""),
    ("贵阳", None, None, "05-01", ""),
]


def apply(db) -> None:
    postgres = db.__class__.__name__.startswith("Postgres")
    for statement in _postgres() if postgres else _sqlite():
        db.execute_sql(statement)
    param = "%s" if postgres else "?"
    have = {name for (name,) in db.execute_sql('SELECT "name" FROM "region"').fetchall()}
    if not have:
        return  # a new database: settings.ensure_defaults fills the whole current table
    for name, start, end, rainy, note in REGIONS:
        if name not in have:
            db.execute_sql(
                'INSERT INTO "region" ("name", "heating_start", "heating_end", "cooling_start", "cooling_end", '
                f'"rainy_start", "note") VALUES ({", ".join([param] * 7)})',
                (name, start, end, "06-01", "09-30", rainy, note))
