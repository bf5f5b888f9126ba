"""Visits fall on working days: weekends, public holidays and 调休 working weekends."""

import datetime as dt

import pytest

from warranty_desk.rules.workdays import is_working_day, next_working_day

D = dt.date


@pytest.mark.parametrize(
    "day, working",
    [
        (D(2026, 11, 30), True),  # Monday
        (D(2026, 11, 28), False),  # Saturday
        (D(2026, 10, 1), False),  # 国庆节
        (D(2026, 10, 10), True),  # Saturday worked (调休)
        (D(2026, 2, 17), False),  # 春节
        (D(2026, 2, 14), True),  # Saturday worked before 春节
        (D(2025, 1, 1), False),  # 元旦
        (D(2027, 2, 8), False),  # 春节 2027, computed from the lunar calendar
        (D(2030, 5, 1), False),  # 劳动节, far ahead
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_next_working_day_skips_the_national_day_week():
    assert next_working_day(D(2026, 10, 1)) == D(2026, 10, 8)
    assert next_working_day(D(2026, 11, 30)) == D(2026, 11, 30)


def test_holiday_names_in_each_language():
    """The calendar names holidays as China does (the holidays package's own translations)."""
    from warranty_desk.rules.workdays import day_mark, holiday_name

    assert holiday_name(dt.date(2026, 1, 1), "zh_CN") == "元旦"
    assert holiday_name(dt.date(2026, 2, 17), "zh_CN") == "春节"
    assert holiday_name(dt.date(2026, 10, 1), "zh_CN") == "国庆节"
    assert holiday_name(dt.date(2026, 1, 1), "en") == "New Year's Day"
    assert day_mark(dt.date(2026, 4, 6), "zh_CN") == "清明节"  # 清明节（补假）: the note in the day list only
    assert day_mark(dt.date(2026, 1, 2), "zh_CN") == "休息日"
    assert day_mark(dt.date(2026, 2, 17), "en") == "Chinese New Year"
    assert day_mark(dt.date(2026, 1, 4), "zh_CN") == "班"  # a 调休 working Sunday
    assert day_mark(dt.date(2026, 3, 3), "zh_CN") == "" and holiday_name(dt.date(2026, 3, 3)) is None
