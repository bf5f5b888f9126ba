"""Satisfaction grades (RULES.md §7)."""

from __future__ import annotations

from warranty_desk.i18n import NP_, namer, pgettext

GRADES = (
    (90, NP_("satisfaction", "满意")),
    (80, NP_("satisfaction", "比较满意")),
    (60, NP_("satisfaction", "一般")),
    (40, NP_("satisfaction", "不太满意")),
    (0, NP_("satisfaction", "不满意")),
)
_NAMES = {name for _floor, name in GRADES}


def grade_name(name: str | None) -> str:
    """A stored grade (满意 … 不满意, on a visit or from a rating) in the active language."""
    if not name:
        return ""
    return pgettext("satisfaction", name) if name in _NAMES else name


namer("grade", grade_name)


def grade(score: float) -> str:
    """满意 ≥ 90, 比较满意 80–89, 一般 60–79, 不太满意 40–59, 不满意 < 40."""
    if not 0 <= score <= 100:
        raise ValueError(f"score must be within 0–100: {score}")
    for floor, name in GRADES:
        if score >= floor:
            return name
    raise AssertionError("unreachable")


# a repair's sign-off asks the owner for 1–5 (tickets.satisfaction); each rating is one grade
RATING_GRADES = {5: GRADES[0][1], 4: GRADES[1][1], 3: GRADES[2][1], 2: GRADES[3][1], 1: GRADES[4][1]}


def rating_grade(rating: int | None) -> str | None:
    """The grade of a 1–5 rating (5 满意 … 1 不满意); None when there is no rating."""
    if rating is None or rating == "":
        return None
    rating = int(rating)
    if rating not in RATING_GRADES:
        raise ValueError(f"rating must be 1–5: {rating}")
    return RATING_GRADES[rating]
