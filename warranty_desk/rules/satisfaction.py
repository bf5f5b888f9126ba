"""Satisfaction grades (RULES.md §7). A grade is stored as its key (schema step 13); its name is
made where it is shown, in the active language."""

from __future__ import annotations

from warranty_desk.i18n import NP_, key_of, namer, pgettext

SATISFIED, FAIRLY_SATISFIED, NEUTRAL, LESS_SATISFIED, DISSATISFIED = (
    "satisfied", "fairly_satisfied", "neutral", "less_satisfied", "dissatisfied")
# the grades, best first, with the lowest score of each
GRADES = ((90, SATISFIED), (80, FAIRLY_SATISFIED), (60, NEUTRAL), (40, LESS_SATISFIED), (0, DISSATISFIED))
KEYS = tuple(key for _floor, key in GRADES)
NAMES = {
    SATISFIED: NP_("satisfaction", "满意"),
    FAIRLY_SATISFIED: NP_("satisfaction", "比较满意"),
    NEUTRAL: NP_("satisfaction", "一般"),
    LESS_SATISFIED: NP_("satisfaction", "不太满意"),
    DISSATISFIED: NP_("satisfaction", "不满意"),
}
# the names releases before step 13 stored (the audit log keeps them)
LEGACY = {name: key for key, name in NAMES.items()}


def grade_name(key: str | None) -> str:
    """A stored grade (its key, or a name an earlier release stored) in the active language."""
    if not key:
        return ""
    key = LEGACY.get(key, key)
    return pgettext("satisfaction", NAMES[key]) if key in NAMES else key


def grade_key(text):
    """The key a grade is given by: the key, or its name in either language; anything else as given."""
    return key_of(text, KEYS, grade_name, LEGACY)


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
RATING_GRADES = {5: SATISFIED, 4: FAIRLY_SATISFIED, 3: NEUTRAL, 2: LESS_SATISFIED, 1: DISSATISFIED}


def rating_grade(rating: int | None) -> str | None:
    """The grade of a 1–5 rating (5 满意 … 1 不满意); None when there is no rating."""
    if rating is None or rating == "":
        return None
    rating = int(rating)
    if rating not in RATING_GRADES:
        raise ValueError(f"rating must be 1–5: {rating}")
    return RATING_GRADES[rating]
