"""Every dashboard line carries the id of the record it opens."""

import datetime as dt

from warranty_desk.services import dashboard

TODAY = dt.date(2026, 11, 29)


def test_every_dashboard_row_can_open_its_record(demo_db):
    lists = {
        "visits_overdue_or_week": dashboard.visits_this_week(dt.date(2026, 11, 30)) + dashboard.visits_overdue(TODAY + dt.timedelta(days=40)),
        "items_ending": dashboard.items_ending(TODAY),
        "open_tickets": dashboard.open_tickets(dt.datetime(2026, 11, 29, 9)),
    }
    for name, rows in lists.items():
        assert rows, name
        for row in rows:
            assert row.get("id") is not None, (name, row)
            if "project_id" in row:
                assert row["project_id"] is not None, (name, row)
    for row in lists["visits_overdue_or_week"]:
        assert row["staff"], row  # every demo visit has someone responsible


def test_overdue_visits_are_only_visits_still_to_make(demo_db):
    for row in dashboard.visits_overdue(TODAY):
        assert row["status"] == "planned"
