#!/usr/bin/env python3
"""Render the application icon (resources/icons/warranty_desk.svg) to the PNG sizes the desktops
want and to a multi-size Windows .ico. Run after editing the SVG; the outputs are committed.

    .venv/bin/python packaging/make_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "warranty_desk.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_pngs() -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - Qt needs it alive
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    out = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        path = ICONS / f"warranty_desk_{size}.png"
        if not image.save(str(path)):
            raise SystemExit(f"cannot write {path}")
        out.append(path)
    return out


def write_ico(pngs: list[Path]) -> Path:
    from PIL import Image

    images = [Image.open(p).convert("RGBA") for p in pngs]
    largest = images[-1]
    target = ICONS / "warranty_desk.ico"
    # each size drawn from the SVG, not scaled down from 256 by Pillow
    largest.save(target, format="ICO", sizes=[im.size for im in images], append_images=images[:-1])
    return target


def main() -> int:
    pngs = render_pngs()
    ico = write_ico(pngs)
    for path in [*pngs, ico]:
        print(path.relative_to(ROOT), path.stat().st_size, "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
