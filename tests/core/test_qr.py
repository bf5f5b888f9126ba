"""The cards' QR codes (documents/qr.py) are reportlab's own, module for module: the fast choice of
mask and the table-driven error correction give the symbol reportlab's encoder gives."""

from __future__ import annotations

import random

import pytest
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.barcode.qrencoder import QRCode

from warranty_desk.documents import qr

ALPHABET = "保修卡工程阳光花园号楼单元室报修电话至主体结构屋面防水、：𠀀 0123456789-:ABC\n"


def reportlab_modules(text: str, level: str) -> list[list[bool]]:
    code = QrCodeWidget(text, barLevel=level).qr
    code.make()
    return [[bool(v) for v in row] for row in code.modules]


def texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _x in range(rng.randint(1, 220))) for _y in range(count)]


@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
def test_same_symbol_as_reportlab(level):
    for text in texts(12, seed=ord(level)) + ["https://example.com/warranty", "1", "保修卡 GC-2024-0425-00042"]:
        assert [[bool(v) for v in row] for row in qr.modules(text, level)] == reportlab_modules(text, level), text


def test_same_codewords_as_reportlab():
    for text in texts(20, seed=7):
        code = QrCodeWidget(text, barLevel="L").qr
        code.version = code.calculate_version()
        assert qr.create_data(code.version, code.errorCorrectLevel, code.dataList) == QRCode.createData(
            code.version, code.errorCorrectLevel, code.dataList)


def test_same_mask_as_reportlab():
    for text in texts(20, seed=11):
        mine = QrCodeWidget(text, barLevel="M").qr
        mine.version = mine.calculate_version()
        theirs = QrCodeWidget(text, barLevel="M").qr
        theirs.version = mine.version
        assert qr.best_mask(mine) == theirs.getBestMaskPattern()
