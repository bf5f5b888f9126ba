"""SLA deadlines (RULES.md §4): across midnight, month ends and year ends; time left / overdue; measured figures."""

import datetime as dt

import pytest

from warranty_desk.rules import sla

D = dt.datetime


@pytest.mark.parametrize("reported, urgency, respond, onsite, complete", [
    # urgent at 23:00: response and on-site deadlines fall after midnight
    (D(2026, 11, 28, 23, 0), "紧急", D(2026, 11, 29, 1, 0), D(2026, 11, 29, 3, 0), D(2026, 12, 1, 23, 0)),
    # normal on the last day of January: into February
    (D(2026, 1, 31, 16, 30), "一般", D(2026, 2, 1, 16, 30), D(2026, 2, 3, 16, 30), D(2026, 2, 15, 16, 30)),
    # end of February in a common year, 3 days → 3 March
    (D(2026, 2, 28, 10, 0), "一般", D(2026, 3, 1, 10, 0), D(2026, 3, 3, 10, 0), D(2026, 3, 15, 10, 0)),
    # leap year: 29 February exists
    (D(2028, 2, 28, 10, 0), "一般", D(2028, 2, 29, 10, 0), D(2028, 3, 2, 10, 0), D(2028, 3, 14, 10, 0)),
    # New Year's Eve
    (D(2026, 12, 31, 22, 45), "紧急", D(2027, 1, 1, 0, 45), D(2027, 1, 1, 2, 45), D(2027, 1, 3, 22, 45)),
    (D(2026, 12, 20, 9, 0), "一般", D(2026, 12, 21, 9, 0), D(2026, 12, 23, 9, 0), D(2027, 1, 4, 9, 0)),
])
def test_deadlines_cross_midnight_and_month_ends(reported, urgency, respond, onsite, complete):
    limits = sla.deadlines(reported, urgency, sla.DEFAULT_SLA)
    assert (limits.respond, limits.onsite, limits.complete) == (respond, onsite, complete)


def test_deadlines_follow_the_settings():
    custom = {"紧急": {"respond_hours": 0.5, "onsite_hours": 1, "complete_hours": 24},
              "一般": {"respond_hours": 48, "onsite_hours": 168, "complete_hours": 720}}
    limits = sla.deadlines(D(2026, 3, 31, 23, 50), "紧急", custom)
    assert limits.respond == D(2026, 4, 1, 0, 20)
    assert limits.onsite == D(2026, 4, 1, 0, 50)
    assert sla.deadlines(D(2026, 1, 1, 8), "一般", custom).complete == D(2026, 1, 31, 8)


def test_unknown_urgency_is_refused():
    with pytest.raises(ValueError, match="紧急程度"):
        sla.deadlines(D(2026, 1, 1), "特急")


def test_time_left_then_overdue_at_each_step():
    reported = D(2026, 11, 28, 23, 0)
    limits = sla.deadlines(reported, "紧急")
    before = sla.state_at(limits, D(2026, 11, 29, 0, 40))
    assert before.step == "respond" and not before.overdue
    assert before.text == "距响应时限还剩20分"
    late = sla.state_at(limits, D(2026, 11, 29, 5, 30))
    assert late.overdue and late.text == "响应已超时4小时30分"
    # responded in time: now the on-site deadline counts
    onsite_late = sla.state_at(limits, D(2026, 11, 30, 3, 0), responded_at=D(2026, 11, 29, 0, 30))
    assert onsite_late.step == "onsite" and onsite_late.overdue
    assert onsite_late.text == "到场已超时1天"
    done = sla.state_at(limits, D(2026, 12, 5), D(2026, 11, 29, 0, 30), D(2026, 11, 29, 4, 0), D(2026, 11, 30))
    assert done.step is None and not done.overdue
    assert done.late_steps == ("onsite",) and "到场超时" in done.text


def test_measured_figures():
    reported = D(2026, 1, 31, 22, 0)
    limits = sla.deadlines(reported, "一般")
    m = sla.measure(reported, limits, D(2026, 2, 1, 8, 0), D(2026, 2, 2, 10, 0), D(2026, 2, 5, 22, 0),
                    D(2026, 2, 6, 22, 0))
    assert (m.response_hours, m.onsite_hours, m.complete_hours, m.close_hours) == (10.0, 36.0, 120.0, 144.0)
    assert m.within_sla is True
    late = sla.measure(reported, limits, D(2026, 2, 2, 8, 0), D(2026, 2, 2, 10, 0), D(2026, 2, 5, 22, 0))
    assert late.within_sla is False
    assert sla.measure(reported, limits, None, None, None).within_sla is None
