"""A call starts from the caller (issue #16): any part of a phone number, a name, a room or a project
finds the owner; the chosen caller brings the unit's warranty items and earlier repairs. On both
dialects (WARRANTY_DESK_TEST_PG): the phone digits are kept by the database itself."""

from __future__ import annotations

import datetime as dt

import pytest

from warranty_desk.models import Ticket, Unit
from warranty_desk.services import callers, search
from warranty_desk.services.handover import handover
from warranty_desk.services.tickets import create_ticket, transition

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def office(db, make_project):
    sun = make_project(code="GC-2024-001", name="北京阳光花园项目", phone="010-8385 3264", contact="梁秀丽",
                       accepted_on=dt.date(2024, 6, 15), handed_over_on=dt.date(2024, 7, 1))
    park = make_project(code="GC-2025-002", name="天津锦绣家园", phone="022-2345-6789", contact="吴工",
                        accepted_on=dt.date(2025, 3, 1), handed_over_on=dt.date(2025, 3, 10))
    handover(sun.id)
    handover(park.id)
    rows = [
        (sun, "1号楼", "1单元", "101", "郑勇军", "153 7355 6963"),
        (sun, "1号楼", "2单元", "301", "彭芳", "13594501234"),
        (sun, "2号楼", "1单元", "301", "李刚", "(0451) 8123-4567"),
        (park, "1号楼", "2单元", "301", "黄平勇", "13146350001"),
        (park, "3栋", "", "1201", "何勇军", "15705006201"),
    ]
    units = {}
    for project, building, entrance, room, owner, phone in rows:
        units[owner] = Unit.create(project=project, building=building, entrance=entrance, room=room,
                                   owner_name=owner, owner_phone=phone)
    return {"sun": sun, "park": park, "units": units}


def _owners(found):
    return [c.name for c in found if c.matched == "owner"]


def test_the_database_keeps_the_phone_digits(office):
    unit = office["units"]["郑勇军"]
    assert Unit.get_by_id(unit.id).phone_digits == "15373556963"
    Unit.update(owner_phone="+86 139-1234-0000").where(Unit.id == unit.id).execute()
    assert Unit.get_by_id(unit.id).phone_digits == "8613912340000"
    unit = Unit.get_by_id(unit.id)
    unit.owner_phone = "010-6101 8806转12"
    unit.save()
    assert Unit.get_by_id(unit.id).phone_digits == "0106101880612"


def test_last_four_digits_and_any_part_of_the_number(office):
    assert _owners(callers.find_callers("6963")) == ["郑勇军"]
    assert _owners(callers.find_callers("73556963")) == ["郑勇军"]
    assert _owners(callers.find_callers("7355 6963")) == ["郑勇军"]
    assert _owners(callers.find_callers("8123-4567")) == ["李刚"]  # a landline without its area code
    project = callers.find_callers("83853264")  # the project's own number, written with a space
    assert [(c.matched, c.project_code, c.unit_id) for c in project] == [("project", "GC-2024-001", None)]
    assert callers.find_callers("99999999") == []


def test_names_rooms_and_projects(office):
    assert set(_owners(callers.find_callers("勇军"))) == {"郑勇军", "何勇军"}
    assert set(_owners(callers.find_callers("1-2-301"))) == {"彭芳", "黄平勇"}
    assert set(_owners(callers.find_callers("1号楼2单元301"))) == {"彭芳", "黄平勇"}
    assert set(_owners(callers.find_callers("1号楼2单元301室"))) == {"彭芳", "黄平勇"}
    assert _owners(callers.find_callers("阳光花园 1-2-301")) == ["彭芳"]
    assert _owners(callers.find_callers("锦绣 1-2-301")) == ["黄平勇"]
    assert _owners(callers.find_callers("3栋1201")) == ["何勇军"]
    assert _owners(callers.find_callers("锦绣 1201")) == ["何勇军"]
    assert _owners(callers.find_callers("阳光 301")) == ["彭芳", "李刚"]
    assert _owners(callers.find_callers("郑 6963")) == ["郑勇军"]
    assert _owners(callers.find_callers("李 6963")) == []
    whole = callers.find_callers("锦绣")
    assert [(c.matched, c.project_name, c.name) for c in whole] == [("project", "天津锦绣家园", "吴工")]


def test_typed_wildcards_match_only_themselves(office):
    assert callers.find_callers("%") == []
    assert callers.find_callers("_") == []
    assert search.search("%%") == []


def test_phone_numbers_are_not_read_as_rooms():
    assert search.parse_room("010-8385-3264") is None
    assert search.parse_room("400-810-2468") is None
    assert search.parse_room("010-8385") is None
    assert search.parse_room("1-2-301") == search.Room("1", "2", "301")
    assert search.parse_room("１号楼２单元３０１") == search.Room("1", "2", "301")
    assert search.parse_room("12栋-3单元-1502室") == search.Room("12", "3", "1502")
    assert search.parse_room("2-301") == search.Room("2", None, "301")
    assert [t.kind for t in search.terms_of("010-8385 3264")] == ["phone"]
    assert [t.kind for t in search.terms_of("阳光花园 1-2-301")] == ["text", "room"]


def test_an_earlier_caller_who_is_not_the_owner(office):
    unit = office["units"]["彭芳"]
    create_ticket({"project": office["sun"].id, "unit": unit.id, "reporter": "租户小王", "phone": "18600007777",
                   "category": "plumbing", "description": "厨房下水漏水", "reported_at": dt.datetime(2026, 5, 6, 9)})
    found = callers.find_callers("7777")
    assert [(c.matched, c.name, c.unit_id, c.unit_label) for c in found] == [
        ("caller", "租户小王", unit.id, "1号楼-2单元-301")]
    assert [(c.matched, c.name) for c in callers.find_callers("小王")] == [("caller", "租户小王")]


def test_caller_context_items_and_earlier_repairs(office):
    unit = office["units"]["彭芳"]
    first = create_ticket({"project": office["sun"].id, "unit": unit.id, "reporter": "彭芳",
                           "category": "plumbing", "description": "卫生间下水慢",
                           "reported_at": dt.datetime(2026, 11, 20, 9)}).ticket
    other_unit = create_ticket({"project": office["sun"].id, "unit": office["units"]["李刚"].id, "reporter": "李刚",
                                "category": "plumbing", "description": "别人家的",
                                "reported_at": dt.datetime(2026, 11, 21, 9)}).ticket
    context = callers.caller_context(office["sun"].id, unit.id, today=TODAY)
    assert (context.unit_label, context.owner_name, context.owner_phone) == ("1号楼-2单元-301", "彭芳", "13594501234")
    # accepted 2024-06-15: two-year items end 2026-06-15, five-year ones and the structure run on
    running = {i["key"]: i for i in context.items}
    assert "roof_waterproofing" in running and running["roof_waterproofing"]["end_on"] == dt.date(2029, 6, 15)
    assert "plumbing" not in running and "plumbing" in {i["key"] for i in context.ended}
    assert all(i["days_left"] >= 0 for i in context.items)
    assert [e["number"] for e in context.earlier] == [first.number]  # not the neighbour's
    assert other_unit.number not in [e["number"] for e in context.earlier]
    repeat = callers.possible_repeat(office["sun"].id, unit.id, "plumbing",
                                     reported_at=dt.datetime(2026, 11, 29, 9))
    assert repeat["id"] == first.id and first.number in repeat["text"]
    assert callers.possible_repeat(office["sun"].id, unit.id, "decoration",
                                   reported_at=dt.datetime(2026, 11, 29, 9)) is None
    transition(first.id, "已撤销", "打错了", at=dt.datetime(2026, 11, 20, 10))
    assert callers.possible_repeat(office["sun"].id, unit.id, "plumbing",
                                   reported_at=dt.datetime(2026, 11, 29, 9)) is None


def test_global_search_finds_any_part(office):
    unit = office["units"]["郑勇军"]
    hits = search.search("6963")
    assert [(h.kind, h.id) for h in hits][:1] == [("unit", unit.id)]
    assert "北京阳光花园项目" in hits[0].detail
    assert [h.kind for h in search.search("阳光花园")] == ["project"]  # the middle of a project name
    assert any(h.kind == "unit" and h.id == unit.id for h in search.search("勇军"))
    ticket = create_ticket({"project": office["sun"].id, "unit": unit.id, "reporter": "郑勇军",
                            "category": "plumbing", "description": "漏水",
                            "reported_at": dt.datetime(2026, 11, 20, 9)}).ticket
    number_tail = ticket.number.rsplit("-", 1)[1]  # 0001 of BX-2026-0001
    assert any(h.kind == "ticket" and h.id == ticket.id for h in search.search(number_tail))
    assert any(h.kind == "ticket" and h.id == ticket.id for h in search.search(ticket.number.lower()))
    assert Ticket.get_by_id(ticket.id).phone_digits == "15373556963"
