"""Rebuild WDSerifSC-Regular.ttf and WDSerifSC-Bold.ttf: the Song (Ming) face of every document.

Source: Noto Serif CJK SC (SIL Open Font License 1.1), Debian package fonts-noto-cjk. reportlab
embeds only TrueType outlines, and Noto CJK ships CFF ones, so the glyphs are converted to
quadratic TrueType curves (fontTools' cu2qu, within 1 font unit) and subset:

- Regular: every character of GBK (21,886 Chinese characters and symbols) plus Latin, punctuation,
  box drawing, enclosed numbers — what a Chinese office types;
- Bold (headings, table heads): GB2312 (6,763 characters) plus the same symbols; a heading with a
  character outside it takes that character from the Regular face.
Characters outside the Regular face come from HanaMinA-rare.ttf (a Ming face as well).
The family is renamed "WD Serif SC" (a modified version under the OFL); copyright and licence
names are kept.

Needs fontTools (a build-time tool only, not a dependency of the program):
    pip install fonttools
    python resources/fonts/build_serif_fonts.py [/usr/share/fonts/opentype/noto]
Takes several minutes (the Regular face has about 22,700 glyphs).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

HERE = Path(__file__).resolve().parent
SC_FACE = 2  # JP, KR, SC, TC, HK in the .ttc
SYMBOL_RANGES = [(0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x2100, 0x218F), (0x2190, 0x21FF),
                 (0x2200, 0x22FF), (0x2460, 0x24FF), (0x2500, 0x257F), (0x25A0, 0x25FF), (0x2600, 0x26FF),
                 (0x3000, 0x303F), (0x3200, 0x32FF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF)]


def characters(codec: str) -> set[int]:
    """Every character of a Chinese code page (gb2312 or gbk), and the symbol ranges."""
    out = {c for lo, hi in SYMBOL_RANGES for c in range(lo, hi + 1)}
    for first in range(0x81, 0xFF):
        for second in range(0x40, 0xFF):
            try:
                out.add(ord(bytes([first, second]).decode(codec)))
            except (UnicodeDecodeError, TypeError):
                continue
    return out


def to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines by TrueType (glyf) ones."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                 "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont, style: str) -> None:
    """Family "WD Serif SC": a subset is a modified version, which the OFL asks to rename."""
    family, full, postscript = "WD Serif SC", f"WD Serif SC {style}", f"WDSerifSC-{style}"
    table = font["name"]
    for record in list(table.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            table.removeNames(nameID=record.nameID)
    table.setName(family, 1, 3, 1, 0x409)
    table.setName(style, 2, 3, 1, 0x409)
    table.setName(f"{postscript};subset of Noto Serif CJK SC", 3, 3, 1, 0x409)
    table.setName(full, 4, 3, 1, 0x409)
    table.setName(postscript, 6, 3, 1, 0x409)


def build(source: Path, codec: str, style: str) -> Path:
    font = TTCollection(str(source)).fonts[SC_FACE]
    cmap = font.getBestCmap()
    wanted = sorted(c for c in characters(codec) if c in cmap)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    to_truetype(font)
    rename(font, style)
    target = HERE / f"WDSerifSC-{style}.ttf"
    font.save(str(target))
    print(f"{len(wanted)} characters → {target}")
    return target


def main(folder: str) -> None:
    build(Path(folder) / "NotoSerifCJK-Regular.ttc", "gbk", "Regular")
    build(Path(folder) / "NotoSerifCJK-Bold.ttc", "gb2312", "Bold")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto")
