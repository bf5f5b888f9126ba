"""Rebuild HanaMinA-rare.ttf: the CJK characters HanaMinA has and the documents' Song face
(WDSerifSC-Regular.ttf, see build_serif_fonts.py) lacks — a Ming face too, so a rare character in a
name matches the text around it.

Needs fontTools (a build-time tool only, not a dependency of the program):
    pip install fonttools
    python resources/fonts/build_fallback_font.py /usr/share/fonts/truetype/hanazono/HanaMinA.ttf
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent


def is_cjk(code: int) -> bool:
    return (0x2E80 <= code <= 0x2FDF or 0x3000 <= code <= 0x303F or 0x31C0 <= code <= 0x31EF
            or 0x3200 <= code <= 0x33FF or 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF
            or 0xF900 <= code <= 0xFAFF or 0xFE30 <= code <= 0xFE4F or 0x20000 <= code <= 0x3FFFF)


def main(source: str) -> None:
    have = set(TTFont(str(HERE / "WDSerifSC-Regular.ttf")).getBestCmap())
    font = TTFont(source)
    wanted = [c for c in font.getBestCmap() if c not in have and is_cjk(c)]
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    font.save(str(HERE / "HanaMinA-rare.ttf"))
    print(f"{len(wanted)} characters → {HERE / 'HanaMinA-rare.ttf'}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf")
