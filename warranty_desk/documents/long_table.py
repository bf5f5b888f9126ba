"""A long ruled table drawn straight on the canvas: the quarterly report's per-project table and its
findings (thousands of rows in a large office).

reportlab's Table sets every cell as a Paragraph and measures the whole table again at every page it
is split at; at 10,000 rows that is minutes. `LongTable` looks the same as `style.grid_table` with
paragraph cells (the same fonts, sizes, padding, rules, shaded header repeated on every page, zebra
rows, the cell's smaller size for a date or a lonely last character), but each cell is broken into
lines once — by the same Chinese rules (`linebreak.wrap_units`, widths from pdfmetrics.stringWidth;
Latin words stay whole, Chinese breaks between characters) — the rows' heights are summed once, a
split is a binary search, and the rows are drawn with a few canvas calls. A row taller than a page
(a 2,000-character name) continues on the next page, its lines split between the pages.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import Flowable
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.rl_config import _FUZZ

from . import linebreak
from .style import (
    BOLD_FONT,
    FONT,
    HEAD_BG,
    INK,
    LINE,
    MISSING_MARK,
    ZEBRA,
    clean_text,
    font_for,
    register_fonts,
    styles,
)

PADDING_X = 4  # grid_table's cell padding
PADDING_Y = 3
RULE = 0.5
_BREAK = "\x00"  # a line break while the text is cleaned as reportlab cleans a paragraph (clean_text drops NUL)


@dataclass(frozen=True)
class Line:
    """One line of a cell: its width and its text in runs of one font."""
    used: float
    runs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Cell:
    lines: tuple[Line, ...]
    size: float
    leading: float

    @property
    def height(self) -> float:
        return len(self.lines) * self.leading


class _Widths:
    """Glyph widths by (character, font, size), measured once."""

    def __init__(self):
        self.known: dict[tuple[str, str, float], float] = {}

    def __call__(self, ch: str, font: str, size: float) -> float:
        key = (ch, font, size)
        w = self.known.get(key)
        if w is None:
            w = self.known[key] = stringWidth(ch, font, size) if ch else 0.0
        return w


def _units(value, bold: bool) -> tuple[list[str], list[str], list[bool]]:
    """The characters of a cell's text, each with its font, as a paragraph of `style.P` would set
    them: whitespace collapsed and trimmed as reportlab's paragraph does, a newline a forced break,
    a character the text font lacks from the fallback faces (□ when none has it)."""
    text = cleanBlockQuotedText(clean_text(value).replace("\n", _BREAK))
    units, fonts, forced = [], [], []
    bold_cover = register_fonts()[BOLD_FONT] if bold else frozenset()
    for ch in text:
        if ch == _BREAK:
            units.append("")
            fonts.append(FONT)
            forced.append(True)
            continue
        if bold:  # the Bold face has GB2312 only: other characters come from the Regular one
            font = BOLD_FONT if (ord(ch) in bold_cover or ch.isspace()) else FONT
        else:
            found = font_for(ch)
            if found is None:
                ch, found = MISSING_MARK, FONT
            font = found
        units.append(ch)
        fonts.append(font)
        forced.append(False)
    return units, fonts, forced


def wrap_cell(value, width: float, size: float, leading: float, shrink: float | None = None,
              bold: bool = False, widths: _Widths | None = None) -> Cell:
    """A cell's text broken into lines of `width` (what CJKParagraph does for a table cell: when a
    run had to be cut at the width or the last line holds one character, a size down to `shrink`
    of the style's that avoids it)."""
    measure = widths or _Widths()
    units, fonts, forced = _units(value, bold)
    if not units:
        return Cell((), size, leading)

    def attempt(factor: float):
        s = size * factor
        glyph_widths = [measure(u, f, s) for u, f in zip(units, fonts)]
        report: dict = {}
        lines = linebreak.wrap_units(units, glyph_widths, [width], _FUZZ, forced, report)
        return lines, report, s, leading * factor

    lines, report, s, lead = attempt(1.0)
    if shrink and (report.get("cut") or report.get("lonely")):
        factor = 1.0
        found = False
        while factor - 0.04 >= shrink - 1e-9:
            factor -= 0.04
            lines, report, s, lead = attempt(factor)
            if not report.get("cut") and not report.get("lonely"):
                found = True
                break
        if not found:  # no size helps: the rules of linebreak apply as they are
            lines, report, s, lead = attempt(1.0)
    out = []
    for start, end, used in lines:
        while end > start and units[end - 1] and units[end - 1].isspace():
            end -= 1
        runs: list[tuple[str, str]] = []
        for k in range(start, end):
            if not units[k]:
                continue
            if runs and runs[-1][0] == fonts[k]:
                runs[-1] = (fonts[k], runs[-1][1] + units[k])
            else:
                runs.append((fonts[k], units[k]))
        out.append(Line(used, tuple(runs)))
    return Cell(tuple(out), s, lead)


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    height: float
    shaded: bool  # a zebra row


def _row(cells, shaded: bool) -> Row:
    return Row(tuple(cells), max((c.height for c in cells), default=0) + 2 * PADDING_Y, shaded)


def _split_row(row: Row, room: float) -> tuple[Row, Row] | None:
    """The lines of a row that fit in `room` and the rest; None when not one line fits."""
    inner = room - 2 * PADDING_Y
    first, rest = [], []
    for cell in row.cells:
        n = max(0, int(inner / cell.leading + 1e-9)) if cell.leading else 0
        first.append(Cell(cell.lines[:n], cell.size, cell.leading))
        rest.append(Cell(cell.lines[n:], cell.size, cell.leading))
    if not any(c.lines for c in first) or not any(c.lines for c in rest):
        return None
    return _row(first, row.shaded), _row(rest, row.shaded)


class _Body:
    """The rows of the whole table, set once, and their running heights (tops[i]: rows before i)."""

    def __init__(self, header: Row, rows: list[Row], widths: list[float], aligns: list[int], head_align: int):
        self.header, self.rows, self.widths, self.aligns = header, rows, widths, aligns
        self.head_align = head_align
        self.codes: dict[tuple, str] = {}  # a line's PDF text operators (see LongTable._line_code)
        self.codes_for: object = None  # … for this document (a font subset's codes are the document's)
        self.tops = [0.0]
        for r in rows:
            self.tops.append(self.tops[-1] + r.height)


class LongTable(Flowable):
    """A ruled table of plain-text cells (see the module's docstring). `styles_` names each column's
    paragraph style ("cell", "cell_c", "cell_r"); the header's cells are set in "head"."""

    def __init__(self, header, rows, col_widths, styles_, zebra: bool = True, *, _body: _Body | None = None,
                 _range: tuple[int, int] | None = None, _lead: Row | None = None, _tail: Row | None = None):
        super().__init__()
        if _body is None:
            _body = _set_table(header, rows, list(col_widths), list(styles_), zebra)
        self.body = _body
        self.start, self.stop = _range or (0, len(_body.rows))
        self.lead = _lead  # the rest of a row split at the page before (drawn before rows[start])
        self.tail = _tail  # the first lines of a row taller than a page (drawn after rows[stop - 1])
        self.width = sum(_body.widths)

    def _part(self, start: int, stop: int, lead: Row | None, tail: Row | None = None) -> LongTable:
        return LongTable(None, None, (), (), _body=self.body, _range=(start, stop), _lead=lead, _tail=tail)

    def _height(self) -> float:
        b = self.body
        extra = (self.lead.height if self.lead else 0) + (self.tail.height if self.tail else 0)
        return b.header.height + extra + b.tops[self.stop] - b.tops[self.start]

    def wrap(self, availWidth, availHeight):  # noqa: N802, N803 - reportlab API
        self.height = self._height()
        return self.width, self.height

    def _page_room(self, available: float) -> float:
        """The height of a whole frame (a row taller than that must be split across pages)."""
        frame = getattr(self, "_frame", None)
        if frame is None:
            return available
        return max(available, frame._aH)

    def split(self, availWidth, availHeight):  # noqa: N802, N803 - reportlab API
        b = self.body
        room = availHeight - b.header.height
        lead, start = self.lead, self.start
        if room <= 2 * PADDING_Y:
            return []  # not even the header and one line: the next frame
        if lead is not None:
            if lead.height > room + _FUZZ:
                halves = _split_row(lead, room)
                return [] if halves is None else [self._part(start, start, halves[0]),
                                                   self._part(start, self.stop, halves[1])]
            room -= lead.height
        # the rows that fit: tops[k] - tops[start] <= room
        k = max(start, bisect.bisect_right(b.tops, b.tops[start] + room + _FUZZ, start, self.stop + 1) - 1)
        if k >= self.stop:
            return [self]
        row = b.rows[k]
        if row.height + b.header.height > self._page_room(availHeight) + _FUZZ:
            # taller than a page: its first lines fill this one, the rest goes on
            halves = _split_row(row, room - (b.tops[k] - b.tops[start]))
            if halves is not None:
                return [self._part(start, k, lead, halves[0]), self._part(k + 1, self.stop, halves[1])]
        if k == start and lead is None:
            return []  # the row fits on the next page
        return [self._part(start, k, lead), self._part(k, self.stop, None)]

    def draw(self):
        b = self.body
        canv = self.canv
        rows = ([self.lead] if self.lead else []) + b.rows[self.start:self.stop] + ([self.tail] if self.tail else [])
        xs = [0.0]
        for w in b.widths:
            xs.append(xs[-1] + w)
        width = xs[-1]
        top = self.height
        placed = []  # (row, its bottom)
        y = top
        for row in [b.header, *rows]:
            y -= row.height
            placed.append((row, y))
        canv.saveState()
        for row, bottom in placed:
            fill = HEAD_BG if row is b.header else (ZEBRA if row.shaded else None)
            if fill is not None:
                canv.setFillColor(fill)
                canv.rect(0, bottom, width, row.height, stroke=0, fill=1)
        canv.setFillColor(INK)
        text = ["BT"]
        for row, bottom in placed:
            aligns = [b.head_align] * len(xs) if row is b.header else b.aligns
            for cell, x, w, align in zip(row.cells, xs, b.widths, aligns):
                if not cell.lines:
                    continue
                # centred in the row as a table centres its cell's paragraph (VALIGN MIDDLE)
                baseline = bottom + (row.height + cell.height) / 2 - cell.size
                inner = w - 2 * PADDING_X
                for line in cell.lines:
                    if align == TA_RIGHT:
                        left = x + PADDING_X + inner - line.used
                    elif align == TA_CENTER:
                        left = x + PADDING_X + (inner - line.used) / 2
                    else:
                        left = x + PADDING_X
                    text.append(f"1 0 0 1 {left:.6g} {baseline:.6g} Tm {self._line_code(line, cell.size)}")
                    baseline -= cell.leading
        text.append("ET")
        canv.addLiteral("\n".join(text))
        canv.setStrokeColor(LINE)
        canv.setLineWidth(RULE)
        canv.setLineCap(1)
        canv.setLineJoin(1)
        rules = [(0.0, bottom, width, bottom) for _row, bottom in placed]
        rules.append((0.0, top, width, top))
        rules += [(x, placed[-1][1], x, top) for x in xs]
        canv.lines(rules)
        canv.restoreState()


    def _line_code(self, line: Line, size: float) -> str:
        """The PDF operators that show a line at the current text position: what reportlab's text object
        writes for it (each font subset named, the text escaped), made once per line and document — a
        count, a date or a repeated name is drawn thousands of times."""
        b = self.body
        doc = self.canv._doc
        if b.codes_for is not doc:
            b.codes, b.codes_for = {}, doc
        key = (line.runs, size)
        code = b.codes.get(key)
        if code is None:
            parts = []
            for name, run in line.runs:
                font = getFont(name)  # every face of the documents is a TrueType subset font
                for subset, chunk in font.splitString(run, doc):
                    parts.append(f"{font.getSubsetInternalName(subset, doc)} {size:g} Tf "
                                 f"({self.canv._escape(chunk)}) Tj")
            code = b.codes[key] = " ".join(parts)
        return code


def _set_table(header, rows, widths: list[float], column_styles: list[str], zebra: bool) -> _Body:
    st = styles()
    measure = _Widths()
    head = st["head"]
    header_cells = [wrap_cell(h, w - 2 * PADDING_X, head.fontSize, head.leading,
                              getattr(head, "shrink_to_fit", None), bold=True, widths=measure)
                    for h, w in zip(header, widths)]
    made: dict[tuple[int, str], Cell] = {}  # counts, dates and repeated names are set once
    body = []
    for n, values in enumerate(rows):
        cells = []
        for col, value in enumerate(values):
            key = (col, value)
            cell = made.get(key)
            if cell is None:
                s = st[column_styles[col]]
                cell = made[key] = wrap_cell(value, widths[col] - 2 * PADDING_X, s.fontSize, s.leading,
                                             getattr(s, "shrink_to_fit", None), widths=measure)
            cells.append(cell)
        body.append(_row(cells, zebra and n % 2 == 1))
    return _Body(_row(header_cells, False), body, widths, [st[name].alignment for name in column_styles],
                 head.alignment)
