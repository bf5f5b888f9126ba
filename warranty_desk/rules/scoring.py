"""Scoring a 回访问卷 (RULES.md §7). Pure: questions and answers in, score and grade out.

Question kinds and how an answer scores (0–100):
- ``scale``: 1–5 → 0, 25, 50, 75, 100
- ``yesno``: 是 → 100, 否 → 0
- ``choice``: each choice carries its own score 0–100
- ``text``: free text, never scored

The questionnaire's score is the weighted mean of the scored answers. Unanswered questions are
left out of the weighting (they neither help nor hurt); no scored answer at all → no score.
The grade follows `rules.satisfaction.grade` on the rounded score, so the stored score and the
stored grade always agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from warranty_desk.i18n import N_, _, join_list

from .satisfaction import grade

SCALE = "scale"
YESNO = "yesno"
CHOICE = "choice"
TEXT = "text"
KINDS = (SCALE, YESNO, CHOICE, TEXT)
KIND_NAMES = {SCALE: N_("1–5分"), YESNO: N_("是/否"), CHOICE: N_("单选"), TEXT: N_("文字")}

SCALE_SCORES = {1: 0.0, 2: 25.0, 3: 50.0, 4: 75.0, 5: 100.0}
YES_WORDS = {N_("是"), N_("有"), "yes", "y", "true", "1", N_("满意")}
NO_WORDS = {N_("否"), N_("没有"), N_("无"), "no", "n", "false", "0", N_("不满意")}


class AnswerError(ValueError):
    """An answer that does not fit its question (a 6 on a 1–5 scale, an unknown choice)."""


@dataclass(frozen=True)
class QuestionSpec:
    key: int | str
    kind: str
    weight: float = 1.0
    area: str = ""
    text: str = ""
    choices: tuple[tuple[str, float], ...] = ()


@dataclass
class ScoreResult:
    score: float | None
    grade: str
    answer_scores: dict = field(default_factory=dict)  # key → 0–100 (None for text / unanswered)
    area_scores: dict = field(default_factory=dict)  # area → weighted mean within the area
    answered: int = 0


def parse_choices(raw) -> tuple[tuple[str, float], ...]:
    """Choices as stored (JSON list of [label, score]) or given as a list; validated."""
    if raw in (None, "", []):
        return ()
    items = json.loads(raw) if isinstance(raw, str) else raw
    out = []
    for item in items:
        label, value = item[0], float(item[1])
        label = str(label).strip()
        if not label:
            raise AnswerError(_("选项名称不能为空"))
        if not 0 <= value <= 100:
            raise AnswerError(_("选项“{label}”的分值必须在 0 到 100 之间").format(label=label))
        out.append((label, value))
    labels = [c[0] for c in out]
    if len(set(labels)) != len(labels):
        raise AnswerError(_("选项名称不能重复"))
    return tuple(out)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def answer_score(question: QuestionSpec, value) -> float | None:
    """The 0–100 score of one answer; None for free text or no answer."""
    if question.kind == TEXT or is_blank(value):
        return None
    if question.kind == SCALE:
        try:
            number = float(str(value).strip())
        except ValueError:
            raise AnswerError(_("“{value}”不是 1 到 5 之间的分数").format(value=value)) from None
        if number not in SCALE_SCORES:
            raise AnswerError(_("“{value}”不是 1 到 5 之间的整数分数").format(value=value))
        return SCALE_SCORES[int(number)]
    if question.kind == YESNO:
        if isinstance(value, bool):
            return 100.0 if value else 0.0
        word = str(value).strip().lower()
        if word in YES_WORDS:
            return 100.0
        if word in NO_WORDS:
            return 0.0
        raise AnswerError(_("“{value}”不是“是”或“否”").format(value=value))
    if question.kind == CHOICE:
        label = str(value).strip()
        for choice_label, choice_score in question.choices:
            if choice_label == label:
                return float(choice_score)
        names = join_list(c[0] for c in question.choices)
        raise AnswerError(_("“{label}”不是可选的答案（可选：{names}）").format(label=label, names=names))
    raise AnswerError(_("未知的题型：{kind}").format(kind=question.kind))


def _weighted(pairs: list[tuple[float, float]]) -> float | None:
    total = sum(w for _, w in pairs)
    if total <= 0:
        return None
    return sum(s * w for s, w in pairs) / total


def score(questions: list[QuestionSpec], answers: dict) -> ScoreResult:
    """Weighted 0–100 score and grade of a questionnaire's answers (keyed by question key)."""
    scored: list[tuple[float, float]] = []
    by_area: dict[str, list[tuple[float, float]]] = {}
    answer_scores = {}
    answered = 0
    for question in questions:
        if question.weight < 0:
            raise AnswerError(_("题目“{value}”的权重不能为负数").format(value=question.text or question.key))
        value = answers.get(question.key)
        s = answer_score(question, value)
        answer_scores[question.key] = s
        if not is_blank(value):
            answered += 1
        if s is None:
            continue
        scored.append((s, question.weight))
        by_area.setdefault(question.area, []).append((s, question.weight))
    total = _weighted(scored)
    areas = {}
    for area, pairs in by_area.items():
        mean = _weighted(pairs)
        if mean is not None:
            areas[area] = round(mean, 2)
    if total is None:
        return ScoreResult(None, "", answer_scores, areas, answered)
    rounded = round(total, 2)
    return ScoreResult(rounded, grade(rounded), answer_scores, areas, answered)
