"""The search indexes of the schema step read_indexes (#20): a part of a phone number, of a ticket number or of a
name is found through them exactly as `LIKE '%…%'` finds it on the table, and they stay right
after every insert, update and delete, and after an import, whatever writes the rows. On both
dialects (WARRANTY_DESK_TEST_PG): PostgreSQL keeps its LIKE queries (indexed by pg_trgm when the
database allows the extension)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from warranty_desk.db import is_postgres
from warranty_desk.models import Ticket, Unit, database_proxy
from warranty_desk.services import callers, search
from warranty_desk.services.handover import handover
from warranty_desk.services.tickets import create_ticket


def database_is_postgres() -> bool:
    return is_postgres(database_proxy.obj)


OWNERS = ["郑勇军", "彭芳", "李刚", "黄平勇", "何勇军", "Anna Lee", "anna", "ANNA-MARIA", "王伟", "伟", "𠀀张"]


@pytest.fixture
def office(db, make_project):
    project = make_project(code="GC-2024-001", name="北京阳光花园项目", phone="010-8385 3264")
    handover(project.id)
    rng = random.Random(20)
    units = []
    for i in range(60):
        phone = rng.choice(["1", "0", "(0451) ", "+86 "]) + "".join(rng.choice("0123456789") for _x in range(10))
        units.append(Unit.create(project=project, building=f"{i % 3 + 1}号楼", entrance="1单元", room=f"{i + 101}",
                                 owner_name=OWNERS[i % len(OWNERS)] + ("" if i < len(OWNERS) else str(i)),
                                 owner_phone=phone))
    return {"project": project, "units": units}


def like_ids(field, text: str) -> set[int]:
    """What the table itself says, without the indexes."""
    return {i for (i,) in field.model.select(field.model.id).where(field.contains(text)).tuples()}


def parts(values: list[str], rng: random.Random, count: int) -> list[str]:
    """Pieces of the stored values (and a few that are in none), of one to six characters."""
    out = ["99999", "zzz", "𠀀", "Ann", "nna", "王", "伟", "勇军", "a"]
    for _x in range(count):
        value = rng.choice([v for v in values if v])
        start = rng.randrange(len(value))
        out.append(value[start:start + rng.randint(1, 6)])
    return [p for p in out if p.strip()]


def test_the_indexes_find_what_like_finds(office):
    rng = random.Random(7)
    units = list(Unit.select())
    for text in parts([u.phone_digits for u in units], rng, 40):
        assert set(search.ids_containing(Unit.phone_digits, text, 10_000)) == like_ids(Unit.phone_digits, text), text
    for text in parts([u.owner_name for u in units], rng, 40):
        assert set(search.ids_containing(Unit.owner_name, text, 10_000)) == like_ids(Unit.owner_name, text), text
        assert {u.id for u in Unit.select().where(search.contains(Unit.owner_name, text))} == like_ids(
            Unit.owner_name, text)


def test_a_limit_gives_that_many_rows_that_match(office):
    found = search.ids_containing(Unit.owner_name, "勇军", 3)
    assert len(found) == 3 and set(found) <= like_ids(Unit.owner_name, "勇军")


def test_the_indexes_follow_insert_update_and_delete(office):
    project = office["project"]
    unit = Unit.create(project=project, building="9号楼", entrance="", room="901", owner_name="欧阳修远",
                       owner_phone="138-7777 2468")
    assert [c.name for c in callers.find_callers("77772468")] == ["欧阳修远"]
    assert [c.name for c in callers.find_callers("阳修")] == ["欧阳修远"]
    unit.owner_name, unit.owner_phone = "司马光", "010-5555 1357"
    unit.save()
    assert callers.find_callers("77772468") == [] and callers.find_callers("阳修") == []
    assert [c.name for c in callers.find_callers("55551357")] == ["司马光"]
    assert [c.name for c in callers.find_callers("马光")] == ["司马光"]
    Unit.update(owner_phone="139 0000 1111").where(Unit.id == unit.id).execute()  # a bulk update, as an import does
    assert [c.name for c in callers.find_callers("00001111")] == ["司马光"]
    assert callers.find_callers("55551357") == []
    Unit.delete().where(Unit.id == unit.id).execute()
    assert callers.find_callers("00001111") == [] and callers.find_callers("马光") == []


def test_tickets_are_found_by_part_of_the_number_the_phone_and_the_callers_name(office):
    project = office["project"]
    ticket = create_ticket({"project": project.id, "unit": office["units"][0].id, "reporter": "租户慕容雪",
                            "phone": "186 2222 9753", "category": "plumbing", "description": "厨房漏水",
                            "reported_at": dt.datetime(2026, 11, 2, 9)}).ticket
    hits = {(h.kind, h.id) for h in search.search("22229753")}
    assert ("ticket", ticket.id) in hits
    assert ("ticket", ticket.id) in {(h.kind, h.id) for h in search.search(ticket.number[3:])}
    assert [c.name for c in callers.find_callers("慕容") if c.matched == "caller"] == ["租户慕容雪"]
    Ticket.update(reporter="业主本人", phone="186 3333 0000").where(Ticket.id == ticket.id).execute()
    assert ("ticket", ticket.id) not in {(h.kind, h.id) for h in search.search("22229753")}
    assert [c.name for c in callers.find_callers("慕容") if c.matched == "caller"] == []
    assert ("ticket", ticket.id) in {(h.kind, h.id) for h in search.search("33330000")}


def test_a_name_longer_than_the_grams_kept_is_still_found(office):
    if database_is_postgres():
        pytest.skip("PostgreSQL holds the column's 100 characters at most")
    long_name = "长" * 120 + "尾巴"
    unit = Unit.create(project=office["project"], building="8号楼", entrance="", room="801", owner_name=long_name,
                       owner_phone="")
    assert unit.id in search.ids_containing(Unit.owner_name, "尾巴", 100)
    assert unit.id in search.ids_containing(Unit.owner_name, "巴", 100)


def test_wildcards_typed_are_searched_as_before(office):
    for text in ("%", "_", "勇%", "a_n"):
        assert set(search.ids_containing(Unit.owner_name, text, 10_000)) == like_ids(Unit.owner_name, text)


def test_the_sqlite_indexes_exist_and_are_used(office):
    if database_is_postgres():
        pytest.skip("PostgreSQL keeps its LIKE queries")
    tables = {n for (n,) in database_proxy.obj.execute_sql("SELECT name FROM sqlite_master").fetchall()}
    assert {"unit_search", "ticket_search", "unit_name_gram", "ticket_name_gram"} <= tables
    plan = " ".join(str(r) for r in database_proxy.obj.execute_sql(
        "EXPLAIN QUERY PLAN " + search._index_query(Unit.phone_digits, "6963")[0], ["%6963%"]).fetchall())
    assert "VIRTUAL TABLE" in plan


def test_the_indexes_after_an_import_of_units(office, tmp_path):
    from warranty_desk.services.importing import import_units

    sheet = tmp_path / "units.csv"
    sheet.write_text("工程编号,楼栋,单元,房号,业主姓名,联系电话,交付日期\n"
                     "GC-2024-001,5号楼,1单元,501,上官婉儿,139-8765 4321,2024-07-01\n"
                     "GC-2024-001,5号楼,1单元,502,独孤求败,010-6677 8899,2024-07-01\n", encoding="utf-8")
    import_units(sheet)
    assert [c.name for c in callers.find_callers("87654321")] == ["上官婉儿"]
    assert [c.name for c in callers.find_callers("66778899")] == ["独孤求败"]
    assert [c.name for c in callers.find_callers("求败")] == ["独孤求败"]
