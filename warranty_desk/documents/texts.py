"""Editable document texts under resources/texts/<lang>/<document>/*.md (format: resources/texts/README.md).

A text file is read into blocks; a builder turns blocks into flowables, filling `{placeholders}`
from a dict of values (each value goes through `para_text`) and `@directive` lines with flowables
it makes itself (tables of the project's data). Every text file exists in every language
(`missing_texts` lists the gaps; `packaging/i18n.py check` and the tests refuse them): a paper is
never printed half in another language — a missing file is an error, not a fall-back.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from ..i18n import LOCALES, _, current_locale
from ..paths import resources_dir
from .style import BLANK, CJKParagraph, grid_table, para_text, styles

log = logging.getLogger(__name__)

SOURCE_LANG = "zh_CN"
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


def texts_dir() -> Path:
    return resources_dir() / "texts"


@dataclass
class Block:
    kind: str  # h1 / h2 / para / bullet / directive / pagebreak / table
    text: str = ""
    args: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class TextFile:
    name: str  # file stem, e.g. 01-structure
    path: Path
    blocks: list[Block]

    @property
    def title(self) -> str:
        for block in self.blocks:
            if block.kind == "h1":
                return block.text
        return self.name


class TextMissing(FileNotFoundError):
    """A document's text file is missing in the language it is printed in."""


def documents() -> list[str]:
    """The documents that have editable texts (certificate, manual, …)."""
    source = texts_dir() / SOURCE_LANG
    return sorted(p.name for p in source.iterdir() if p.is_dir()) if source.is_dir() else []


def missing_texts(root: Path | None = None) -> list[str]:
    """Every text file of the source language that another language lacks (lang/document/file)."""
    root = root or texts_dir()
    source = root / SOURCE_LANG
    gaps = []
    for path in sorted(source.rglob("*.md")):
        rel = path.relative_to(source)
        for lang in LOCALES:
            if lang != SOURCE_LANG and not (root / lang / rel).is_file():
                gaps.append(f"{lang}/{rel.as_posix()}")
    return gaps


def parse(text: str) -> list[Block]:
    """The tiny format: `# h1`, `## h2`, `- bullet`, `@directive args`, `---` page break,
    `| a | b` table rows (the first row is the header), `%` comment lines, `@if fact …` /
    `@else` / `@endif` around lines that only some projects get; other lines join into
    paragraphs separated by blank lines."""
    blocks: list[Block] = []
    para: list[str] = []

    def flush():
        if para:
            blocks.append(Block("para", "".join(para)))
            para.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("%"):
            continue
        if not stripped:
            flush()
            continue
        if stripped.startswith("|"):
            flush()
            cells = [cell.strip() for cell in stripped.strip("|").split("|")]
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
            continue
        if stripped.startswith("## "):
            flush()
            blocks.append(Block("h2", stripped[3:].strip()))
        elif stripped.startswith("# "):
            flush()
            blocks.append(Block("h1", stripped[2:].strip()))
        elif stripped.startswith("- "):
            flush()
            blocks.append(Block("bullet", stripped[2:].strip()))
        elif stripped.startswith("@"):
            flush()
            name, *args = stripped[1:].split()
            if name in ("if", "else", "endif"):
                blocks.append(Block(name, args=args))
            else:
                blocks.append(Block("directive", name, args))
        elif stripped == "---":
            flush()
            blocks.append(Block("pagebreak"))
        else:
            # Chinese text joins without spaces; a Latin line break becomes a space
            if para and para[-1][-1:].isascii() and stripped[:1].isascii():
                para.append(" ")
            para.append(stripped)
    flush()
    return blocks


def load(document: str, lang: str | None = None) -> list[TextFile]:
    """Every text file of a document (certificate, manual…) in `lang` (default: the active
    language), in file-name order. The source language's files say which there are; a file that
    `lang` lacks is refused (TextMissing), never taken from another language."""
    lang = lang or current_locale()
    source = texts_dir() / SOURCE_LANG / document
    names = sorted(p.name for p in source.glob("*.md"))
    wanted = texts_dir() / lang / document
    files = []
    for name in names:
        path = wanted / name
        if not path.is_file():
            raise TextMissing(_("缺少文档文本 {path}：请补上这个文件（可从 {source} 复制后翻译）").format(
                path=path, source=source / name))
        files.append(TextFile(Path(name).stem, path, parse(path.read_text(encoding="utf-8"))))
    if not files:
        raise TextMissing(_("没有找到文档文本：{source}").format(source=source))
    return files


def load_one(document: str, name: str, lang: str | None = None) -> TextFile:
    for text_file in load(document, lang):
        if text_file.name == name:
            return text_file
    raise FileNotFoundError(_("没有找到文档文本：{document}/{name}.md").format(document=document, name=name))


def fill(text: str, values: dict) -> str:
    """Paragraph markup of a text line: literal parts and values both escaped by para_text."""
    out = []
    pos = 0
    for m in PLACEHOLDER.finditer(text):
        out.append(para_text(text[pos:m.start()]))
        token = m.group(0)
        if token == "{{":
            out.append("{")
        elif token == "}}":
            out.append("}")
        else:
            key = m.group(1)
            if key not in values:
                log.warning("unknown placeholder {%s} in a document text", key)
                out.append(para_text(token))
            else:
                value = values[key]
                out.append(value.markup if isinstance(value, Markup) else para_text(value) or BLANK)
        pos = m.end()
    out.append(para_text(text[pos:]))
    return "".join(out)


def _table(rows: list[list[str]], values: dict, width: float):
    ncols = max(len(r) for r in rows)
    rows = [r + [""] * (ncols - len(r)) for r in rows]
    longest = [max(len(r[i]) for r in rows) for i in range(ncols)]
    share = [max(n, sum(longest) * 0.12) for n in longest]
    widths = [width * n / sum(share) for n in share]
    cells = [[CJKParagraph(fill(cell, values), styles()["head" if n == 0 else "cell"]) for cell in row]
             for n, row in enumerate(rows)]
    return grid_table(cells, widths)


def plain(markup: str) -> str:
    """The text of paragraph markup (for PDF outline entries)."""
    from xml.sax.saxutils import unescape

    return unescape(re.sub(r"<[^>]+>", "", markup))


class Markup(str):
    """A value that is already safe markup (e.g. an underlined blank); `fill` inserts it as is."""

    @property
    def markup(self) -> str:
        return str(self)


def holds(args: list[str], facts) -> bool:
    """`@if a b !c`: true when any of the words holds (a word with ! holds when the fact does not)."""
    return any((arg[1:] not in facts) if arg.startswith("!") else (arg in facts) for arg in args)


def select(blocks: list[Block], facts) -> list[Block]:
    """The blocks whose `@if` conditions hold for these facts (nested ifs allowed)."""
    out: list[Block] = []
    stack: list[tuple[bool, bool]] = []  # (active before the if, its condition)
    active = True
    for block in blocks:
        if block.kind == "if":
            cond = holds(block.args, facts)
            stack.append((active, cond))
            active = active and cond
        elif block.kind == "else":
            if not stack:
                log.warning("@else without @if in a document text")
                continue
            outer, cond = stack[-1]
            active = outer and not cond
        elif block.kind == "endif":
            if not stack:
                log.warning("@endif without @if in a document text")
                continue
            active = stack.pop()[0]
        elif active:
            if block.kind == "table" and out and out[-1].kind == "table":
                # rows around an @if belong to the table above it (its header stays the header)
                out[-1] = Block("table", rows=out[-1].rows + block.rows)
            else:
                out.append(block)
    if stack:
        log.warning("@if without @endif in a document text")
    return out


def heading_number(n: int, lang: str | None = None) -> str:
    """一、 二、 … 十二、 for Chinese; 1. 2. … otherwise (default: the active language)."""
    if not (lang or current_locale()).startswith("zh"):
        return f"{n}. "
    digits = "〇一二三四五六七八九"  # i18n: data (numerals)
    if n < 10:
        text = digits[n]
    elif n < 20:
        text = "十" + (digits[n % 10] if n % 10 else "")  # i18n: data (numerals)
    else:
        text = digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")  # i18n: data (numerals)
    return text + "、"


def render(blocks: list[Block], values: dict, directives: dict[str, Callable[..., list[Flowable]]] | None = None,
           *, h1_style="h1", para_style="indent", bookmark: Callable | None = None,
           width: float = 170 * mm, facts=frozenset(), numbering: dict | None = None) -> list[Flowable]:
    """Flowables of a parsed text. `directives` maps @name → function(*args) → flowables;
    `facts` decide the `@if` parts; `numbering` (a dict shared by the files of one document)
    numbers the `#` headings 一、二、… in the order they print."""
    from reportlab.platypus import PageBreak

    st = styles()
    directives = directives or {}
    story: list[Flowable] = []
    for block in select(blocks, facts):
        if block.kind == "h1":
            markup = fill(block.text, values)
            if numbering is not None:
                numbering["h1"] = numbering.get("h1", 0) + 1
                markup = para_text(heading_number(numbering["h1"])) + markup
            para = CJKParagraph(markup, st[h1_style])
            para._wd_heading = True  # a section starts here (the certificate keeps its last one together)
            if bookmark:
                bookmark(para, 0, markup)
            story.append(para)
        elif block.kind == "h2":
            markup = fill(block.text, values)
            para = CJKParagraph(markup, st["h2"])
            if bookmark:
                bookmark(para, 1, markup)
            story.append(para)
        elif block.kind == "para":
            story.append(CJKParagraph(fill(block.text, values), st[para_style]))
        elif block.kind == "bullet":
            story.append(CJKParagraph(fill(block.text, values), st["bullet"], bulletText="•"))
        elif block.kind == "table":
            story.append(_table(block.rows, values, width))
            story.append(Spacer(1, 4))
        elif block.kind == "pagebreak":
            story.append(PageBreak())
        elif block.kind == "directive":
            make = directives.get(block.text)
            if make is None:
                log.warning("unknown directive @%s in a document text", block.text)
                continue
            story.extend(make(*block.args))
            story.append(Spacer(1, 4))
    return story
