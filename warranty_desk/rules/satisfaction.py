"""Satisfaction grades (RULES.md §7)."""

from __future__ import annotations

GRADES = (
    (90, "满意"),
    (80, "比较满意"),
    (60, "一般"),
    (40, "不太满意"),
    (0, "不满意"),
)


def grade(score: float) -> str:
    """满意 ≥ 90, 比较满意 80–89, 一般 60–79, 不太满意 40–59, 不满意 < 40."""
    if not 0 <= score <= 100:
        raise ValueError(f"score must be within 0–100: {score}")
    for floor, name in GRADES:
        if score >= floor:
            return name
    raise AssertionError("unreachable")
