"""The one style sheet of every printed document: fonts, paragraph styles, colours, helpers.

Fonts (resources/fonts/, see its README), one Song (Ming) family for everything:
- ``WDSerif``: WD Serif SC Regular, a TrueType subset of Noto Serif CJK SC (OFL): the text.
- ``WDSerifBold``: its Bold (GB2312): titles, headings, table heads. A character it lacks is
  taken from the Regular face (CJKParagraph does that per character).
- ``WDRare``: a subset of HanaMinA (Hanazono, a Ming face too) with the CJK characters the Regular
  face lacks (Ext-A such as 㐂, part of Ext-B such as 𠀀).
- ``WDSans``: WenQuanYi Micro Hei, the program's UI font, for the few non-Chinese letters the
  others lack (Hangul, rare Latin and Cyrillic letters).
A character none of them has prints as "□" and is reported (`missing_characters`), never dropped.
All are embedded as subsets in every PDF; registration happens once per process.

Every user value that reaches a PDF goes through `para_text` (escape + font fallback).

Language: every document is built inside `i18n.override(lang)` (the `printed_in` decorator of its
build function), so its labels (`_()`), the rules' words it prints (periods, states, item names),
its dates and money all speak the paper's language, whatever the window speaks.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import inspect
import logging
import re
import unicodedata
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle
from reportlab.platypus.paragraph import ParaLines, _handleBulletWidth, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

from .. import i18n
from ..fileio import shared_file
from ..i18n import _, ngettext
from ..paths import resources_dir
from . import linebreak

log = logging.getLogger(__name__)

FONT = "WDSerif"
BOLD_FONT = "WDSerifBold"
RARE_FONT = "WDRare"
SANS_FONT = "WDSans"
FONT_FILES = {FONT: ("WDSerifSC-Regular.ttf", 0), BOLD_FONT: ("WDSerifSC-Bold.ttf", 0),
              RARE_FONT: ("HanaMinA-rare.ttf", 0), SANS_FONT: ("wqy-microhei.ttc", 0)}
FALLBACKS = (RARE_FONT, SANS_FONT)  # tried in this order for a character the text font lacks
MISSING_MARK = "□"  # what prints for a character no shipped font has

INK = colors.HexColor("#1a1a1a")
GREY = colors.HexColor("#666666")
LINE = colors.HexColor("#888888")
HEAD_BG = colors.HexColor("#e8edf3")
ACCENT = colors.HexColor("#1f4e79")
ZEBRA = colors.HexColor("#f6f8fa")


# --- fonts --------------------------------------------------------------------------------


def _utf16_hex(code: int) -> str:
    if code > 0xFFFF:
        code -= 0x10000
        return f"{0xD800 + (code >> 10):04X}{0xDC00 + (code & 0x3FF):04X}"
    return f"{code:04X}"


def _to_unicode_cmap(fontname, subset):
    """reportlab's ToUnicode CMap writes U+20000 as <20000> (invalid), so copy-paste loses
    characters outside the BMP; this writes the UTF-16 surrogate pair the PDF spec asks for."""
    cmap = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
    ]
    cmap += [f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)]
    cmap += ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(cmap)


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


@functools.cache
def register_fonts() -> dict[str, frozenset]:
    """Register the fonts once; return the code points each one covers."""
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    # page streams compressed only, not also ASCII85-encoded (reportlab does that in pure Python: about
    # 2 s of a 900-page report; a PDF's streams are binary anyway, and the files are a fifth smaller)
    rl_config.useA85 = 0
    cover = {}
    for name, (file, index) in FONT_FILES.items():
        font = TTFont(name, str(fonts_dir() / file), subfontIndex=index)
        pdfmetrics.registerFont(font)
        cover[name] = frozenset(font.face.charToGlyph)
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD_FONT, italic=FONT, boldItalic=BOLD_FONT)
    for name in (BOLD_FONT, *FALLBACKS):
        pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    # reportlab's own tables (e.g. the table of contents) default to Helvetica, which a PDF names
    # but does not embed; every PDF of this program uses only the shipped fonts
    from reportlab.platypus import tables

    tables.CellStyle.fontname = FONT
    from reportlab.graphics import shapes

    shapes.STATE_DEFAULTS["fontName"] = FONT  # charts start every drawing with this font
    return cover


_collectors: list[set] = []


@contextlib.contextmanager
def missing_characters():
    """Collect the characters no shipped font has while documents are built (they print as □),
    so the program can tell the clerk which ones before the paper is printed."""
    found: set[str] = set()
    _collectors.append(found)
    try:
        yield found
    finally:
        _collectors.remove(found)


def font_for(ch: str) -> str | None:
    """The font that draws `ch`: the text font, else the first fallback that has it; None when
    no shipped font has it (reported to `missing_characters` and logged once)."""
    cover = register_fonts()
    code = ord(ch)
    if code in cover[FONT] or ch in "\n ":
        return FONT
    for name in FALLBACKS:
        if code in cover[name]:
            return name
    if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return FONT  # joiners and combining marks (e.g. an emoji's variation selector) draw nothing
    for found in _collectors:
        found.add(ch)
    if ch not in _warned:
        _warned.add(ch)
        log.warning("no shipped font has a glyph for U+%04X %r", code, ch)
    return None


_warned: set[str] = set()


def describe_missing(chars) -> str:
    """😀 (U+1F600), … for a message to the clerk."""
    return i18n.join_list(_("{ch}（U+{code}）").format(ch=ch, code=f"{ord(ch):04X}") for ch in sorted(chars))


def missing_note(chars) -> str:
    """What the clerk is told before printing a document with characters no font has (in the
    active language: the program's, not the paper's)."""
    return _("这些字符没有可用的字体，在文件中印为“□”：{chars}。请核对；需要时把它们改成文字后再打印。").format(
        chars=describe_missing(chars))


def printed_in(build):
    """A document's build function, run in the language of its `lang` argument (default Chinese):
    inside, `_()` and the formatting helpers speak that language (`i18n.override`), on this thread
    only. A language the program does not have is refused."""
    signature = inspect.signature(build)

    @functools.wraps(build)
    def run(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        with i18n.override(bound.arguments.get("lang") or i18n.SOURCE_LOCALE):
            return build(*args, **kwargs)
    return run


def clean_text(value) -> str:
    """User text as a string: None → "", control characters dropped, tabs → space."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")


def para_text(value, *, newlines: bool = True) -> str:
    """Escape user text for Paragraph markup and switch fonts per character where the text font
    lacks one.

    `<b>张三 & 李四</b>` prints literally; 𠀀 and 㐂 print from the Ming fallback; a character no
    shipped font has prints as □ (see `missing_characters`); a newline becomes a line break (or a
    space with newlines=False)."""
    text = clean_text(value)
    out: list[str] = []
    run: list[str] = []
    run_font = FONT

    def flush():
        if not run:
            return
        chunk = escape("".join(run))
        out.append(chunk if run_font == FONT else f'<font name="{run_font}">{chunk}</font>')
        run.clear()

    for ch in text:
        if ch == "\n":
            flush()
            out.append("<br/>" if newlines else " ")
            continue
        font = font_for(ch)
        if font is None:
            ch, font = MISSING_MARK, FONT
        if font != run_font:
            flush()
            run_font = font
        run.append(ch)
    flush()
    return "".join(out)


def canvas_runs(value) -> list[tuple[str, str]]:
    """User text split into (font, text) runs for direct canvas drawing."""
    runs: list[tuple[str, str]] = []
    for ch in clean_text(value).replace("\n", " "):
        font = font_for(ch)
        if font is None:
            ch, font = MISSING_MARK, FONT
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


# --- Chinese line breaking -------------------------------------------------------------------


class CJKParagraph(Paragraph):
    """A Paragraph broken into lines by the Chinese rules of `linebreak` (every document's text
    goes through this class: P, M, fit_paragraph, the texts and the cards)."""

    def wrap(self, availWidth, availHeight):  # noqa: N802 - reportlab API
        """In a table cell (a style with `shrink_to_fit`, the smallest factor allowed), a smaller
        font size is taken when it keeps a date or number whole or saves a lonely last character.

        The lines depend on the width alone: a paragraph wrapped again at the width it was last
        wrapped at keeps its lines (a long table is measured again on every page it is split at —
        without this, breaking its cells into lines grew with the square of its rows)."""
        memo = self.__dict__.get("_wd_wrapped")
        if memo is not None and memo[0] == availWidth and "blPara" in self.__dict__:
            self.width, self.height = memo[1]
            return memo[1]
        result = self._wrap_fitted(availWidth, availHeight)
        if "blPara" in self.__dict__:
            self._wd_wrapped = (availWidth, result)
        return result

    def _wrap_fitted(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        result = super().wrap(availWidth, availHeight)
        floor = getattr(self.style, "shrink_to_fit", None)
        report = getattr(self, "_wd_report", {})
        if (not floor or not (report.get("cut") or report.get("lonely")) or getattr(self, "_wd_shrunk", False)
                or getattr(self, "_splitpara", 0)):
            return result
        base_style, base_sizes = self.style, [getattr(f, "fontSize", None) for f in self.frags]
        factor = 1.0
        while factor - 0.04 >= floor - 1e-9:
            factor -= 0.04
            self._scale(base_style, base_sizes, factor)
            result = super().wrap(availWidth, availHeight)
            report = self._wd_report
            if not report.get("cut") and not report.get("lonely"):
                self._wd_shrunk = True
                return result
        self._scale(base_style, base_sizes, 1.0)  # no size helps: the rules of linebreak apply as they are
        self._wd_shrunk = True
        return super().wrap(availWidth, availHeight)

    def _scale(self, base_style, base_sizes, factor):
        self.style = ParagraphStyle(f"{base_style.name}~", parent=base_style, fontSize=base_style.fontSize * factor,
                                    leading=base_style.leading * factor)
        for frag, size in zip(self.frags, base_sizes):
            if size is not None:
                frag.fontSize = size * factor
        for attr in ("blPara", "_splitpara"):
            self.__dict__.pop(attr, None)

    def breakLinesCJK(self, maxWidths):  # noqa: N802 - reportlab API
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara
        style = self.style
        self.height = 0
        _handleBulletWidth(self.bulletText, style, maxWidths)
        frags = self.frags
        if not frags:
            return ParaLines(kind=0, fontSize=style.fontSize, fontName=style.fontName, textColor=style.textColor,
                             lines=[], ascent=style.fontSize, descent=-0.2 * style.fontSize)
        units = []
        bold_cover = register_fonts()[BOLD_FONT]
        regular: dict[int, object] = {}
        for f in frags:
            text = f.text.decode("utf8") if isinstance(f.text, bytes) else f.text
            if not text:
                units.append(cjkU(text, f, "utf8"))
                continue
            for t in text:
                if f.fontName == BOLD_FONT and ord(t) not in bold_cover and not t.isspace():
                    # the Bold face has GB2312 only: other characters come from the Regular one
                    if id(f) not in regular:
                        regular[id(f)] = f.clone(fontName=FONT)
                    units.append(cjkU(t, regular[id(f)], "utf8"))
                else:
                    units.append(cjkU(t, f, "utf8"))
        widths = []
        for u in units:
            w = u.width
            if hasattr(w, "normalizedValue"):
                w._normalizer = maxWidths[0]
                w = w.normalizedValue(maxWidths[0])
            widths.append(w)
        forced = [hasattr(u.frag, "lineBreak") for u in units]
        auto_leading = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        calc_bounds = auto_leading not in ("", "off")
        lines = []
        report: dict[str, Any] = {}
        self._wd_report = report
        for n, (start, end, used) in enumerate(linebreak.wrap_units(units, widths, list(maxWidths), _FUZZ, forced,
                                                                    report)):
            width = maxWidths[n] if n < len(maxWidths) else maxWidths[-1]
            segment = units[start:end]
            while segment and segment[-1] and segment[-1].isspace():
                segment = segment[:-1]
            lines.append(makeCJKParaLine(segment, width, used, width - used, bool(forced[end - 1]), calc_bounds))
        return ParaLines(kind=1, lines=lines)


# --- paragraph styles ---------------------------------------------------------------------

CELL_SHRINK = 0.8  # a table cell may set its text this much smaller to keep a date whole


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, textColor=INK,
                          bulletFontName=FONT, wordWrap="CJK", allowWidows=0, allowOrphans=0)
    s = {
        "body": base,
        "indent": ParagraphStyle("indent", parent=base, firstLineIndent=21),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12),
        "tiny": ParagraphStyle("tiny", parent=base, fontSize=7, leading=9),
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=12, textColor=GREY),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD_FONT, fontSize=22, leading=30,
                                alignment=TA_CENTER, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=12, leading=18, alignment=TA_CENTER,
                                   textColor=GREY),
        "h1": ParagraphStyle("h1", parent=base, fontName=BOLD_FONT, fontSize=15, leading=22, spaceBefore=10,
                             spaceAfter=6, textColor=ACCENT, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD_FONT, fontSize=12, leading=18, spaceBefore=8,
                             spaceAfter=3, textColor=ACCENT, keepWithNext=1),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=14, bulletIndent=3),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        "cell_c": ParagraphStyle("cell_c", parent=base, fontSize=9, leading=12, alignment=TA_CENTER),
        "cell_r": ParagraphStyle("cell_r", parent=base, fontSize=9, leading=12, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD_FONT, fontSize=9, leading=12,
                               alignment=TA_CENTER),
        "left": ParagraphStyle("left", parent=base, alignment=TA_LEFT),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "toc1": ParagraphStyle("toc1", parent=base, fontSize=11, leading=20, leftIndent=10),
        "toc2": ParagraphStyle("toc2", parent=base, fontSize=10, leading=16, leftIndent=28),
    }
    for name in ("cell", "cell_c", "cell_r", "head"):
        s[name].shrink_to_fit = CELL_SHRINK
    return s


def P(value, style: str | ParagraphStyle = "body") -> Paragraph:  # noqa: N802 - reads like a flowable
    """A paragraph of user text (escaped, fallback font)."""
    st = styles()[style] if isinstance(style, str) else style
    return CJKParagraph(para_text(value), st)


def M(markup: str, style: str | ParagraphStyle = "body") -> Paragraph:  # noqa: N802
    """A paragraph of markup that is already safe (built from para_text pieces)."""
    st = styles()[style] if isinstance(style, str) else style
    return CJKParagraph(markup, st)


def label_width(labels, style: str | ParagraphStyle, least: float, most: float | None = None,
                padding: float = 8) -> float:
    """The width of a column of labels: as wide as the longest label on one line (at least `least`,
    at most `most`), so that a language with longer words gets a wider column, not wrapped labels."""
    st = styles()[style] if isinstance(style, str) else style
    font = st.fontName
    widest = max((pdfmetrics.stringWidth(clean_text(label), font, st.fontSize) for label in labels), default=0)
    width = max(least, widest + padding)
    return min(width, most) if most is not None else width


def longest_word(text: str, style: str | ParagraphStyle = "head") -> float:
    """The width of the widest piece of `text` that may not break (a word, a date, a number with
    its unit — the rules of `linebreak`), in `style`'s font."""
    st = styles()[style] if isinstance(style, str) else style
    text = clean_text(text)
    allowed = linebreak.break_opportunities(text)
    pieces, start = [], 0
    for k in range(1, len(text) + 1):
        if k == len(text) or (allowed[k] and not text[k].isspace()):
            pieces.append(text[start:k].strip())
            start = k
    return max((pdfmetrics.stringWidth(p, st.fontName, st.fontSize) for p in pieces if p), default=0)


def fitted_widths(headers, fractions, width: float, flexible: int = 0, style: str | ParagraphStyle = "head",
                  padding: float = 8) -> list[float]:
    """Column widths: `fractions` of `width`, but each column at least as wide as the longest
    unbreakable piece of its header (so that no word of a heading is cut — English headings are
    longer than Chinese ones); what that takes comes out of the `flexible` column."""
    widths = [width * f for f in fractions]
    need = [longest_word(h, style) * CELL_SHRINK + padding for h in headers]
    for n, least in enumerate(need):
        if n != flexible and widths[n] < least:
            widths[flexible] -= least - widths[n]
            widths[n] = least
    return widths


def grid_table(rows, col_widths, *, header_rows: int = 1, zebra: bool = True, extra=()) -> Table:
    """A bordered table whose cells are Paragraphs (so they wrap inside their column)."""
    table = Table(rows, colWidths=col_widths, repeatRows=header_rows)
    cmds = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, LINE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        cmds.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG))
    if zebra:
        for r in range(header_rows + 1, len(rows), 2):
            cmds.append(("BACKGROUND", (0, r), (-1, r), ZEBRA))
    cmds.extend(extra)
    table.setStyle(TableStyle(cmds))
    return table


def plain_table(rows, col_widths, extra=(), **kw) -> Table:
    """A borderless layout table (cells top-aligned, no side padding) in the CJK font."""
    table = Table(rows, colWidths=col_widths, **kw)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), *extra]))
    return table


def fit_paragraph(value, style: ParagraphStyle, width: float, height: float, *, min_size: float = 5.5,
                  markup: str | None = None) -> Paragraph:
    """A paragraph that fits in width × height: shrink the font, then cut the text with "…"."""
    text = markup if markup is not None else para_text(value)
    size = style.fontSize
    while True:
        st = ParagraphStyle(f"{style.name}_{size}", parent=style, fontSize=size, leading=size * 1.25)
        para = CJKParagraph(text, st)
        _x, h = para.wrap(width, height)
        if h <= height:
            return para
        if size - 0.5 >= min_size:
            size -= 0.5
            continue
        break
    # still too tall at the smallest size: cut the plain text until it fits
    raw = clean_text(value)
    lo, hi = 0, len(raw)
    best = CJKParagraph("…", st)
    while lo <= hi:
        mid = (lo + hi) // 2
        candidate = CJKParagraph(para_text(raw[:mid]) + "…", st)
        if candidate.wrap(width, height)[1] <= height:
            best, lo = candidate, mid + 1
        else:
            hi = mid - 1
    best.wrap(width, height)
    return best


# --- values -------------------------------------------------------------------------------


def fmt_date(value, blank: str = "") -> str:
    """The documents' one date format: 2026年6月15日, Jun 15, 2026 (babel, the paper's language)."""
    if value is None or value == "":
        return blank
    return i18n.format_date(value, "long")


_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def long_dates(text: str) -> str:
    """Stored text with dates written 2027-01-01 (a warranty decision) in the documents' one date
    format: 2027年1月1日."""
    def one(m):
        try:
            return fmt_date(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            return m.group(0)

    return _ISO_DATE.sub(one, text or "")


def fmt_datetime(value, blank: str = "") -> str:
    if value is None:
        return blank
    return f"{fmt_date(value)} {value:%H:%M}"


def hours_text(hours) -> str:
    """2 → 2小时 / 2 hours; 24 → 24小时; 72 → 3天 / 3 days; 360 → 15天."""
    hours = float(hours)
    if hours >= 48 and hours % 24 == 0:
        n = int(hours // 24)
        return ngettext("{n}天", "{n}天", n).format(n=n)
    if hours != int(hours):
        return _("{hours}小时").format(hours=i18n.format_number(hours, 1))
    n = int(hours)
    return ngettext("{n}小时", "{n}小时", n).format(n=n)


def money_text(value, blank: str = "") -> str:
    """¥1,234.50 (babel, the paper's language)."""
    if value is None:
        return blank
    return i18n.format_money(value)


BLANK = "__________"
# reportlab's page frames keep 6 pt inside each margin: what is left between them is the width a
# table may take so that its rules stand on the text margin (not 2 mm out on either side)
FRAME_PADDING = 6


def text_width(page_width: float, margin: float) -> float:
    return page_width - 2 * margin - 2 * FRAME_PADDING


class RuledLines(Flowable):
    """`count` full-width lines to write on by hand (even, unlike a row of underscores)."""

    def __init__(self, count: int, width: float, gap: float = 9 * mm):
        super().__init__()
        self.count, self.line_width, self.gap = count, width, gap

    def wrap(self, aw, ah):
        return min(self.line_width, aw), self.count * self.gap

    def draw(self):
        self.canv.saveState()
        self.canv.setStrokeColor(LINE)
        self.canv.setLineWidth(0.5)
        for n in range(self.count):
            y = self.count * self.gap - (n + 1) * self.gap + 1
            self.canv.line(0, y, min(self.line_width, self.width or self.line_width), y)
        self.canv.restoreState()


# --- files and canvases ---------------------------------------------------------------------


@contextlib.contextmanager
def atomic_pdf(path):
    """Yield a temp file path in the target folder; move it over `path` only on success."""
    with shared_file(path) as tmp:  # a printed paper is handed on: readable as the umask allows
        yield str(tmp)


def doc_kwargs(title: str, author: str = "") -> dict:
    """Arguments every DocTemplate gets: metadata, and the CJK font as the canvas base font
    (otherwise reportlab names Helvetica in every page, a font the PDF does not embed)."""
    register_fonts()
    return {"title": title, "author": author, "creator": "保修台 Warranty Desk",  # i18n: data (PDF metadata)
            "initialFontName": FONT, "initialFontSize": 10}


def make_canvas(path, pagesize, title: str, author: str = "") -> rl_canvas.Canvas:
    register_fonts()
    c = rl_canvas.Canvas(str(path), pagesize=pagesize, initialFontName=FONT, initialFontSize=10)
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator("保修台 Warranty Desk")  # i18n: data (PDF metadata)
    return c


def numbered_canvas_class(company: str, doc_title: str, skip_first: bool = True):
    """A canvas that writes the header (company, title) and "第 x 页 共 y 页" once it knows y."""
    fitted: dict = {}

    def header_paragraphs(w):
        if not fitted:
            note = styles()["note"]
            # a long name is cut with "…" at a readable size, never shrunk to fine print over the rule
            fitted["left"] = fit_paragraph(company, note, w / 2 - 20 * mm, 5 * mm, min_size=7.5)
            fitted["right"] = fit_paragraph(doc_title, ParagraphStyle("hr", parent=note, alignment=TA_RIGHT),
                                            w / 2 - 20 * mm, 5 * mm, min_size=7.5)
        return fitted["left"], fitted["right"]

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("initialFontName", FONT)
            super().__init__(*args, **kwargs)
            self._saved_pages = []

        def showPage(self):  # noqa: N802 - reportlab API
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total):
            page = self._pageNumber
            if skip_first and page == 1:
                return
            w, h = self._pagesize
            self.saveState()
            self.setStrokeColor(LINE)
            self.setLineWidth(0.5)
            self.line(18 * mm, h - 14 * mm, w - 18 * mm, h - 14 * mm)
            self.line(18 * mm, 14 * mm, w - 18 * mm, 14 * mm)
            head, right = header_paragraphs(w)
            head.drawOn(self, 18 * mm, h - 13 * mm)
            right.drawOn(self, w / 2 + 2 * mm, h - 13 * mm)
            text = _("第 {page} 页 共 {total} 页").format(page=page, total=total)
            self.setFont(FONT, 8.5)
            self.setFillColor(GREY)
            self.drawCentredString(w / 2, 9 * mm, text)
            self.restoreState()

    return NumberedCanvas
