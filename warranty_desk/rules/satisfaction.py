"""Satisfaction grades (RULES.md §7)."""

from __future__ import annotations

from warranty_desk.i18n import N_

GRADES = (
    (90, N_("满意")),
    (80, N_("比较满意")),
    (60, N_("一般")),
    (40, N_("不太满意")),
    (0, N_("不满意")),
)


def grade(score: float) -> str:
    """满意 ≥ 90, 比较满意 80–89, 一般 60–79, 不太满意 40–59, 不满意 < 40."""
    if not 0 <= score <= 100:
        raise ValueError(f"score must be within 0–100: {score}")
    for floor, name in GRADES:
        if score >= floor:
            return name
    raise AssertionError("unreachable")


# a repair's sign-off asks the owner for 1–5 (tickets.satisfaction); each rating is one grade
RATING_GRADES = {5: N_("满意"), 4: N_("比较满意"), 3: N_("一般"), 2: N_("不太满意"), 1: N_("不满意")}


def rating_grade(rating: int | None) -> str | None:
    """The grade of a 1–5 rating (5 满意 … 1 不满意); None when there is no rating."""
    if rating is None or rating == "":
        return None
    rating = int(rating)
    if rating not in RATING_GRADES:
        raise ValueError(f"rating must be 1–5: {rating}")
    return RATING_GRADES[rating]
