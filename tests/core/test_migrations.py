"""Schema version and numbered migrations from day one."""

import sqlite3

import pytest

from warranty_desk import migrations
from warranty_desk.db import NewerSchemaError, current_version, open_database
from warranty_desk.models import ALL_MODELS


def test_a_new_database_gets_every_table_and_the_latest_version(tmp_path):
    db = open_database(str(tmp_path / "new.db"))
    assert current_version(db) == migrations.latest_version()
    for model in ALL_MODELS:
        assert db.table_exists(model._meta.table_name), model
        columns = {c.name for c in db.get_columns(model._meta.table_name)}
        assert {f.column_name for f in model._meta.sorted_fields} <= columns, model
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    db.close()


def test_each_step_from_the_first_schema_upward(tmp_path):
    """Apply the steps one by one, as an office upgrading release by release would."""
    path = tmp_path / "steps.db"
    conn = sqlite3.connect(path)
    conn.close()
    from peewee import SqliteDatabase

    db = SqliteDatabase(str(path))
    for version, step in migrations.steps():
        with db.atomic():
            step.apply(db)
            db.execute_sql("INSERT INTO schema_version (version, applied_at) VALUES (?, '2026-01-01')", (version,))
        assert current_version(db) == version
    db.close()
    reopened = open_database(str(path))
    assert current_version(reopened) == migrations.latest_version()
    reopened.close()


def test_reopening_does_not_migrate_again(tmp_path):
    path = str(tmp_path / "again.db")
    open_database(path).close()
    db = open_database(path)
    assert db.execute_sql("SELECT COUNT(*) FROM schema_version").fetchone()[0] == migrations.latest_version()
    db.close()


def test_a_database_from_a_newer_program_is_refused(tmp_path):
    path = str(tmp_path / "newer.db")
    db = open_database(path)
    db.execute_sql("INSERT INTO schema_version (version, applied_at) VALUES (999, '2030-01-01')")
    db.close()
    with pytest.raises(NewerSchemaError, match="请先升级"):
        open_database(path)



def _database_at(db_target: str, version: int):
    """A database as a release at schema `version` left it (both dialects): (connection, its placeholder)."""
    from warranty_desk.db import _connect

    db = _connect(db_target)
    db.connect(reuse_if_open=True)
    param = "?" if "sqlite" in type(db).__name__.lower() else "%s"
    for number, step in migrations.steps():
        if number > version:
            break
        with db.atomic():
            step.apply(db)
            db.execute_sql(f"INSERT INTO schema_version (version, applied_at) VALUES ({param}, '2026-01-01')",
                           (number,))
    return db, param


def _old_project_with_an_owner(db, param: str, code: str, phone: str) -> int:
    """A residential project with one owner (张三, room 1-1-101), written as an old release would: its id."""
    db.execute_sql(
        'INSERT INTO "project" ("code", "name", "contact", "phone", "address", "type", "scale", "has_cooling", '
        '"design_life_years", "manager", "designer", "supervisor", "developer", "materials", "notes", "created_at", '
        f'"version") VALUES ({", ".join([param] * 17)})',
        (code, "旧工程", "", "", "", "住宅", "小型", False, 50, "", "", "", "", "", "", "2026-01-01 00:00:00", 1))
    pid = db.execute_sql('SELECT "id" FROM "project" WHERE "code" = ' + param, (code,)).fetchone()[0]
    db.execute_sql(f'INSERT INTO "unit" ("project_id", "building", "entrance", "room", "owner_name", "owner_phone", '
                   f'"version") VALUES ({", ".join([param] * 7)})', (pid, "1", "1", "101", "张三", phone, 1))
    return pid


def test_step_5_adds_the_manual_facts_and_keeps_every_row(db_target):
    """An office's version-4 database (SQLite, or PostgreSQL when WARRANTY_DESK_TEST_PG is set)
    gets the 用户手册 columns; its projects and units stay, with nothing known yet."""
    db, param = _database_at(db_target, 4)
    _old_project_with_an_owner(db, param, "V3-1", "")
    db.close()
    reopened = open_database(db_target)
    from warranty_desk.models import Project, Unit

    project = Project.get(Project.code == "V3-1")
    assert project.name == "旧工程" and project.structure_type == "" and project.gas_supply == ""
    unit = Unit.get(Unit.project == project)
    assert unit.owner_name == "张三" and unit.layout == "" and unit.area is None
    unit.area = 89.62
    unit.save()
    assert float(Unit.get_by_id(unit.id).area) == 89.62
    reopened.close()


def test_step_8_keeps_phone_digits_and_adds_the_heating_cities(db_target):
    """An office's version-7 database (both dialects): every owner's and caller's phone gets its digits
    (and keeps them current after), the region table gains the missing heating cities while a
    region the office already has keeps its own dates."""
    db, param = _database_at(db_target, 7)
    db.execute_sql(f'INSERT INTO "region" ("name", "heating_start", "heating_end", "cooling_start", "cooling_end", '
                   f'"rainy_start", "note") VALUES ({", ".join([param] * 7)})',
                   ("沈阳", "10-25", "04-05", "06-01", "09-30", "07-01", "本公司自定"))
    _old_project_with_an_owner(db, param, "V5-1", "138-0000 6963")
    db.close()
    reopened = open_database(db_target)
    from warranty_desk.models import Region, Unit

    unit = Unit.get(Unit.owner_name == "张三")
    assert unit.phone_digits == "13800006963"
    unit.owner_phone = "010-6101 8806"
    unit.save()
    assert Unit.get_by_id(unit.id).phone_digits == "01061018806"
    regions = {r.name: r for r in Region.select()}
    assert (regions["沈阳"].heating_start, regions["沈阳"].note) == ("10-25", "本公司自定")
    assert (regions["长春"].heating_start, regions["长春"].heating_end) == ("10-25", "04-10")
    assert {"石家庄", "太原", "呼和浩特", "兰州", "西宁", "银川", "拉萨", "青岛"} <= set(regions)
    assert regions["长沙"].heating_start is None
    reopened.close()


def test_a_new_database_gets_the_whole_region_table(db):
    from warranty_desk.models import Region
    from warranty_desk.rules.seasons import DEFAULT_REGIONS

    names = [r.name for r in Region.select().order_by(Region.id)]
    assert names == [r[0] for r in DEFAULT_REGIONS]
    capitals = {"北京", "天津", "石家庄", "太原", "呼和浩特", "沈阳", "长春", "哈尔滨", "济南", "郑州", "西安", "兰州",
                "西宁", "银川", "乌鲁木齐", "拉萨"}
    heated = {r.name for r in Region.select() if r.heating_start}
    assert capitals <= heated
    assert all(r.note for r in Region.select() if r.heating_start)  # each heating period names its source


def test_the_list_indexes_step_indexes_the_lists_shown_at_start(db_target):
    """An office's database of the version before the step gets the indexes of the overdue visits, the
    warranty items ending soon and the visits done by date (#20); its rows stay. On SQLite the overdue
    visits and the items ending soon are then ranges of the new indexes."""
    import datetime as dt

    from warranty_desk.db import _connect

    db = _connect(db_target)
    db.connect(reuse_if_open=True)
    param = "?" if "sqlite" in type(db).__name__.lower() else "%s"
    step_version = next(v for v, step in migrations.steps() if step.__name__.endswith("_list_indexes"))
    for version, step in migrations.steps():
        if version >= step_version:
            break
        with db.atomic():
            step.apply(db)
            db.execute_sql(f"INSERT INTO schema_version (version, applied_at) VALUES ({param}, '2026-01-01')",
                           (version,))
    db.close()
    reopened = open_database(db_target)
    from warranty_desk.models import Visit, WarrantyItem

    assert any(i.columns == ["status", "planned_on"] for i in reopened.get_indexes("visit"))
    assert any(i.columns == ["end_on"] for i in reopened.get_indexes("warranty_item"))
    assert any(i.columns == ["done_at"] for i in reopened.get_indexes("visit"))
    if "sqlite" in type(reopened).__name__.lower():
        query = Visit.select(Visit.id).where((Visit.status == "planned") & (Visit.planned_on < dt.date(2026, 12, 1)))
        sql, params = query.sql()
        plan = " ".join(row[3] for row in reopened.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
        assert "visit_status_planned_on" in plan, plan
        query = WarrantyItem.select(WarrantyItem.id).where(
            WarrantyItem.end_on.between(dt.date(2026, 12, 1), dt.date(2027, 1, 30)))
        sql, params = query.sql()
        plan = " ".join(row[3] for row in reopened.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
        assert "warranty_item_end_on" in plan, plan
    reopened.close()


def test_the_read_indexes_step_fills_the_indexes_from_the_rows_and_keeps_them(db_target):
    """An office's database of the version before the step (#20) gets the search indexes, filled from
    its rows and kept by the database from then on, and the calendar's index (both dialects)."""
    step_version = next(v for v, step in migrations.steps() if step.__name__.endswith("_read_indexes"))
    db, param = _database_at(db_target, step_version - 1)
    pid = _old_project_with_an_owner(db, param, "V11-1", "153 7355 6963")
    db.execute_sql('UPDATE "unit" SET "owner_name" = ' + param, ("郑勇军",))
    db.close()
    reopened = open_database(db_target)
    import datetime as dt

    from warranty_desk.models import Unit, Visit
    from warranty_desk.services import callers, search, visits

    assert [c.name for c in callers.find_callers("73556963")] == ["郑勇军"]
    assert [c.name for c in callers.find_callers("勇军")] == ["郑勇军"]
    assert [c.name for c in callers.find_callers("军")] == ["郑勇军"]
    unit = Unit.get(Unit.owner_name == "郑勇军")
    unit.owner_name, unit.owner_phone = "彭芳", "135 9450 1234"
    unit.save()
    assert callers.find_callers("73556963") == [] and [c.name for c in callers.find_callers("94501234")] == ["彭芳"]
    assert set(search.ids_containing(Unit.owner_name, "芳", 10)) == {unit.id}
    assert any(i.columns == ["planned_on", "status", "project_id", "staff_id"] for i in reopened.get_indexes("visit"))
    Visit.create(project=pid, planned_on=dt.date(2026, 12, 3), kind="periodic", purposes="", method="电话",
                 status="planned")
    shown = visits.calendar_days(dt.date(2026, 11, 30), dt.date(2027, 1, 10), 5, dt.date(2026, 12, 3))
    assert shown.counts == {dt.date(2026, 12, 3): 1} and [r[4] for r in shown.rows] == ["V11-1"]
    if "sqlite" in type(reopened).__name__.lower():
        tables = {n for (n,) in reopened.execute_sql("SELECT name FROM sqlite_master").fetchall()}
        assert {"unit_search", "ticket_search", "unit_name_gram", "ticket_name_gram"} <= tables
    reopened.close()
