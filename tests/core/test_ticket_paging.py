"""The ticket list in batches: keyset paging returns exactly the rows of the whole list, in order,
for every sortable column; the dashboard's open tickets are sorted and cut in SQL like before."""

from __future__ import annotations

import datetime as dt

import pytest

from warranty_desk.errors import ValidationError
from warranty_desk.services import tickets


@pytest.mark.parametrize("order", list(tickets.LIST_ORDERS))
@pytest.mark.parametrize("descending", [True, False])
def test_keyset_batches_give_the_whole_list(demo_db, order, descending):
    whole = [r["id"] for r in tickets.list_tickets(order=order, descending=descending)]
    assert len(whole) > 7
    seen, after = [], None
    while True:
        batch = tickets.list_tickets(order=order, descending=descending, limit=7, after=after)
        seen += [r["id"] for r in batch]
        if len(batch) < 7:
            break
        after = tickets.list_cursor(batch[-1], order)
    assert seen == whole


def test_default_order_is_newest_first(demo_db):
    rows = tickets.list_tickets()
    keys = [(r["reported_at"], r["id"]) for r in rows]
    assert keys == sorted(keys, reverse=True)


def test_unknown_order_is_refused(demo_db):
    with pytest.raises(ValidationError, match="排序"):
        tickets.list_tickets(order="description; DROP TABLE ticket")


@pytest.mark.parametrize("now", [dt.datetime(2026, 11, 29, 16, 0), dt.datetime(2026, 11, 20, 8, 30),
                                 dt.datetime(2030, 1, 1)])
def test_open_tickets_overdue_first_then_by_deadline(demo_db, now):
    expected = tickets.list_tickets(open_only=True, now=now)
    expected.sort(key=lambda r: (not r["overdue"], r["due"] or dt.datetime.max, r["reported_at"]))
    got = tickets.open_tickets(now=now)
    assert [r["id"] for r in got] == [r["id"] for r in expected]
    assert any(r["overdue"] for r in got) and got[0]["overdue"]
    assert [r["id"] for r in tickets.open_tickets(now=now, limit=5)] == [r["id"] for r in expected[:5]]
