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
