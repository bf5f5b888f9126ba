"""Chinese line breaking (the rules of GB/T 15834 and 《中文排版需求》 that a printed page needs).

`break_opportunities(text)` says before which characters a line may break; `wrap_units` breaks a
paragraph's glyphs into lines with it. The style module's paragraph uses this for every
document, so all of them follow the same rules:

- no line starts with closing punctuation (，。、；：？！）》」』】 …) — 避头;
- no line ends with opening punctuation (（《「『【 “ …) — 避尾;
- dates (2023年12月24日, 2026-06-15, 09:30, Jun 15, 2026), numbers with their unit (24小时,
  ¥79,500.00, 3%, 5 years, 2 heating seasons), codes and Latin words (GC-2024-003, BX-2026-0042)
  are kept whole;
- a paragraph does not end with one character alone on its last line (孤字): the line before gives
  up one more character.

A run that is wider than the whole line (a 60-character code) still breaks, at the width.
"""

from __future__ import annotations

import re

# 避头: characters that may not begin a line (closing punctuation, stops, small kana, units)
CANNOT_START = frozenset(
    "，。、；：？！）》」』】〕〗〉］｝”’．，・…‥—～％‰℃°′″"
    ",.;:?!)]}%\u00b7\u30fb\u3005\u30fc"
)
# 避尾: characters that may not end a line (opening punctuation, currency prefixes, a form's
# check box, which belongs to the option after it)
CANNOT_END = frozenset("（《「『【〔〖〈［｛“‘([{¥￥$＄#＃№□■")
# pairs that stay together: ……, ——
NO_SPLIT_PAIRS = frozenset("…—─")

_UNIT_CHARS = "年月日天时分秒个元号楼层户次件期项条款栋单室米度倍岁周"  # i18n: data (characters, not text)
KEEP_WHOLE = re.compile(
    "|".join([
        # dates: 2023年12月24日, 2023年12月, 12月24日, 2026-06-15, 2026/6/15, times 09:30
        r"\d{2,4}\s?年\s?\d{1,2}\s?月(?:\s?\d{1,2}\s?日)?",
        r"\d{1,2}\s?月\s?\d{1,2}\s?日",
        r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s\d{1,2}:\d{2}(?::\d{2})?)?",
        r"\d{1,2}:\d{2}(?::\d{2})?",
        # money and numbers with their unit: ¥79,500.00  3%  24小时  2个采暖期  50年
        r"[¥￥$＄]?\d[\d,，.]*(?:%|％|‰)?(?:小时|个月|[" + _UNIT_CHARS + r"])?",
        # English dates and periods: Jun 15, 2026; 15 June 2026; 5 years; 2 heating seasons; 72 hours
        r"[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}",
        r"\d{1,2} [A-Z][a-z]{2,8} \d{4}",
        r"\d+(?:\.\d+)? (?:(?:heating |cooling )?seasons?|years?|months?|weeks?|days?|hours?|h|min)\b",
        # codes, words, addresses in Latin letters: GC-2024-003, BX-2026-0042, www.example.cn
        r"[A-Za-z0-9][A-Za-z0-9_.@/\-+#&'’]*[A-Za-z0-9]",
    ])
)


def break_opportunities(text: str) -> list[bool]:
    """allowed[k] is True when a line may break before text[k] (allowed[0] is always False)."""
    n = len(text)
    allowed = [True] * n
    if n:
        allowed[0] = False
    for k in range(1, n):
        before, ch = text[k - 1], text[k]
        if ch in CANNOT_START or before in CANNOT_END:
            allowed[k] = False
        elif ch in NO_SPLIT_PAIRS and before == ch:
            allowed[k] = False
        elif ch.isspace() and not before.isspace():
            allowed[k] = False  # a space ends the line it follows, never starts the next one
        elif ch in "\u00a0\u2060" or before in "\u00a0\u2060":
            allowed[k] = False  # no-break space, word joiner
    for m in KEEP_WHOLE.finditer(text):
        for k in range(m.start() + 1, m.end()):
            allowed[k] = False
    return allowed


def _is_space(u: str) -> bool:
    return u != "" and u.isspace()


def wrap_units(units, widths: list[float], max_widths: list[float], fuzz: float = 1e-8,
               forced: list[bool] | None = None, report: dict | None = None) -> list[tuple[int, int, float]]:
    """Break glyph units into lines.

    `units[k]` is one character ('' for an object without text), `widths[k]` its width;
    `forced[k]` is True when the unit ends a line (an explicit line break).
    Returns (start, end, width used) per line; spaces at the end of a line are not counted.
    `report`, when given, is filled with cut=True when a run had to be cut at the width and
    lonely=True when the last line held one character before the line above gave it company."""
    n = len(units)
    text = "".join(u if len(u) == 1 else "\ufffc" for u in units)
    allowed = break_opportunities(text)
    forced = forced or [False] * n
    lines: list[tuple[int, int, float]] = []

    def max_width(line_no: int) -> float:
        return max_widths[line_no] if line_no < len(max_widths) else max_widths[-1]

    def used(start: int, end: int) -> float:
        while end > start and _is_space(units[end - 1]):
            end -= 1
        return sum(widths[start:end])

    start = 0
    while start < n:
        # a new line never begins with the spaces the previous one ended on
        while start < n and _is_space(units[start]) and lines:
            start += 1
        if start >= n:
            break
        limit = max_width(len(lines))
        width = 0.0
        k = start
        end = None
        while k < n:
            width += widths[k]
            if forced[k]:
                end = k + 1
                break
            if width > limit + fuzz and not _is_space(units[k]) and k > start:
                # overflow at k: break at the last opportunity at or before k
                b = k
                while b > start and not allowed[b]:
                    b -= 1
                if b == start:
                    if report is not None:
                        report["cut"] = True
                    # one run longer than the line: cut at the width, still not before
                    # closing punctuation when a character can go with it
                    b = k
                    while b > start + 1 and text[b] in CANNOT_START:
                        b -= 1
                end = b
                break
            k += 1
        if end is None:
            end = n
        lines.append((start, end, used(start, end)))
        start = end
    lonely = _no_lonely_last_character(lines, units, allowed, forced, max_width, used)
    if report is not None:
        report["lonely"] = lonely
    return lines


def _visible(units, start: int, end: int) -> int:
    return sum(1 for u in units[start:end] if u and not u.isspace())


def _no_lonely_last_character(lines, units, allowed, forced, max_width, used) -> bool:
    """孤字: when the last line holds a single character (or one character and its punctuation),
    end the line before it one break opportunity earlier. True when the last line was lonely."""
    if len(lines) < 2:
        return False
    last_start, last_end, _w = lines[-1]
    prev_start, prev_end, _pw = lines[-2]
    chars = [u for u in units[last_start:last_end] if u and not u.isspace()]
    if len(chars) != 1 and not (len(chars) == 2 and chars[1] in CANNOT_START):
        return False
    if forced[prev_end - 1]:
        return False  # the previous line ended on an explicit break
    b = prev_end - 1
    while b > prev_start and not allowed[b]:
        b -= 1
    if b <= prev_start or _visible(units, prev_start, b) < 2:
        return True
    if used(b, last_end) > max_width(len(lines) - 1):
        return True
    lines[-2] = (prev_start, b, used(prev_start, b))
    lines[-1] = (b, last_end, used(b, last_end))
    return True
