"""RULES.md §2.2: heating and cooling seasons, "2 个采暖期"."""

import datetime as dt

import pytest

from warranty_desk.rules.seasons import Season, parse_month_day, seasons_end

D = dt.date
BEIJING = Season("11-15", "03-15")
HARBIN = Season("10-20", "04-20")
COOLING = Season("06-01", "09-30")


@pytest.mark.parametrize(
    "accepted, season, count, under_way, end",
    [
        (D(2024, 6, 15), BEIJING, 2, False, D(2026, 3, 15)),  # RULES.md example
        (D(2024, 12, 1), BEIJING, 2, False, D(2027, 3, 15)),  # season under way does not count
        (D(2024, 12, 1), BEIJING, 2, True, D(2026, 3, 15)),  # the setting counts it
        (D(2024, 11, 15), BEIJING, 2, False, D(2026, 3, 15)),  # starts on acceptance day: complete
        (D(2024, 3, 16), BEIJING, 2, True, D(2026, 3, 15)),  # just after a season: nothing under way
        (D(2024, 6, 15), HARBIN, 2, False, D(2026, 4, 20)),
        (D(2024, 6, 15), COOLING, 2, False, D(2026, 9, 30)),  # under way on 06-15: skipped
        (D(2024, 5, 1), COOLING, 2, False, D(2025, 9, 30)),
        (D(2024, 7, 1), COOLING, 2, True, D(2025, 9, 30)),
    ],
)
def test_seasons_end(accepted, season, count, under_way, end):
    assert seasons_end(accepted, season, count, under_way) == end


def test_bad_month_day_is_refused():
    with pytest.raises(ValueError):
        parse_month_day("13-01")
    with pytest.raises(ValueError):
        parse_month_day("11/15")
