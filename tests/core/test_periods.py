"""RULES.md §2.1: period end dates."""

import datetime as dt

import pytest

from warranty_desk.rules.periods import CIVIL_CODE, DAY_BEFORE, add_months, period_end

D = dt.date


@pytest.mark.parametrize(
    "start, months, convention, end",
    [
        (D(2024, 6, 15), 24, CIVIL_CODE, D(2026, 6, 15)),  # RULES.md example
        (D(2024, 2, 29), 12, CIVIL_CODE, D(2025, 2, 28)),  # no 29 Feb in 2025
        (D(2024, 1, 31), 1, CIVIL_CODE, D(2024, 2, 29)),  # no 31 Feb: last day
        (D(2023, 1, 31), 1, CIVIL_CODE, D(2023, 2, 28)),
        (D(2024, 2, 29), 48, CIVIL_CODE, D(2028, 2, 29)),  # leap to leap
        (D(2024, 12, 31), 60, CIVIL_CODE, D(2029, 12, 31)),
        (D(2024, 6, 15), 24, DAY_BEFORE, D(2026, 6, 14)),  # "至2026年6月14日止"
        (D(2024, 3, 1), 12, DAY_BEFORE, D(2025, 2, 28)),
        (D(2024, 6, 15), 600, CIVIL_CODE, D(2074, 6, 15)),  # 50-year design life
    ],
)
def test_period_end(start, months, convention, end):
    assert period_end(start, months, convention) == end


def test_add_months_backwards():
    assert add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)
    assert add_months(D(2026, 1, 15), -1) == D(2025, 12, 15)


def test_unknown_convention_is_refused():
    with pytest.raises(ValueError):
        period_end(D(2024, 1, 1), 12, "whatever")
