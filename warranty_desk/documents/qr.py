"""QR codes for the cards: reportlab's encoder, with its choice of mask made fast.

reportlab picks the mask by building the symbol eight times and scoring each build with its
penalty rules in pure Python (about 30 ms a code: 15 s of a 500-card run). The same choice is made
here from one build: the eight candidates differ only in the data modules, so each is the first
build with the data modules of the two masks' difference flipped (kept per version), and reportlab's
own rules are scored on rows held as integers and strings. The rules are reportlab's as they are,
quirks included (the finder-like pattern is only found left to right, never at a row's last place,
and not in columns), so the symbol is the same module for module (tests/core/test_qr.py compares
them on many texts)."""

from __future__ import annotations

import functools
import itertools
import re

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.barcode.qrencoder import EXP_TABLE, LOG_TABLE, QRBitBuffer, QRCode, QRRSBlock, QRUtil

_RUN = re.compile(r"0{5,}|1{5,}")  # five or more modules alike in a row or column
_FINDER = "10111010000"  # reportlab's rule 3 pattern (dark light dark dark dark light dark, four light)


def modules(value: str, level: str = "L") -> list[list[bool]]:
    """The symbol's modules (True = dark), rows top to bottom, exactly as reportlab makes them."""
    qr = QrCodeWidget(value, barLevel=level).qr
    if qr.version is None:
        qr.version = qr.calculate_version()
    n = qr.version * 4 + 17
    layout = _layout(qr.version, qr.errorCorrectLevel)
    data = _data_rows(layout.places, n, create_data(qr.version, qr.errorCorrectLevel, qr.dataList))
    best, least = 0, None
    for i in range(8):  # reportlab's choice: the first mask with the least penalty
        lost = lost_point([f | (d ^ m) for f, d, m in zip(layout.test, data, layout.masks[i], strict=True)], n)
        if least is None or least > lost:
            best, least = i, lost
    rows = [f | (d ^ m) for f, d, m in zip(layout.final[best], data, layout.masks[best], strict=True)]
    return [[c == "1" for c in format(r, f"0{n}b")] for r in rows]


class _Layout:
    """What the symbols of one version and level share: the function patterns (as the test builds
    and as each mask's final build draws them, data places cleared), the data places in reportlab's
    order (row, bit), and each mask's dark data places."""

    def __init__(self, version: int, level: int):
        code = QRCode(version, level)
        n = code.moduleCount = version * 4 + 17
        self.places = [(row, 1 << (n - 1 - col)) for col, row in code.dataPosIterator()]
        data_places = [0] * n
        for row, bit in self.places:
            data_places[row] |= bit
        self.masks = []
        for mask in (QRUtil.getMask(i) for i in range(8)):
            rows = [0] * n
            for col, row in code.dataPosIterator():
                if mask(row, col):
                    rows[row] |= 1 << (n - 1 - col)
            self.masks.append(rows)

        def patterns(test: bool, mask: int) -> list[int]:
            code.modules = [[False] * n for _x in range(n)]
            code.setupPositionProbePattern(0, 0)
            code.setupPositionProbePattern(n - 7, 0)
            code.setupPositionProbePattern(0, n - 7)
            code.setupPositionAdjustPattern()
            code.setupTimingPattern()
            code.setupTypeInfo(test, mask)
            if version >= 7:
                code.setupTypeNumber(test)
            return [int("".join("1" if v else "0" for v in row), 2) & ~places
                    for row, places in zip(code.modules, data_places, strict=True)]

        self.test = patterns(True, 0)
        self.final = [patterns(False, mask) for mask in range(8)]


@functools.lru_cache(maxsize=16)
def _layout(version: int, level: int) -> _Layout:
    return _Layout(version, level)


def _data_rows(places: list[tuple[int, int]], n: int, codewords: list[int]) -> list[int]:
    """The codewords' bits in the data places, in reportlab's order (its `mapData` before masking)."""
    rows = [0] * n
    bits = ((byte >> shift) & 1 for byte in codewords for shift in range(7, -1, -1))
    for (row, bit), dark in zip(places, bits):
        if dark:
            rows[row] |= bit
    return rows


def best_mask(qr) -> int:
    """reportlab's `QRCode.getBestMaskPattern`, from one build instead of eight."""
    qr.makeImpl(True, 0)
    n = qr.moduleCount
    base = [int("".join("1" if v else "0" for v in row), 2) for row in qr.modules]
    flips = _flips(qr.version, n, tuple(qr.dataPosIterator()))
    best, least = 0, None
    for i in range(8):
        rows = [b ^ f for b, f in zip(base, flips[i], strict=True)] if i else base
        lost = lost_point(rows, n)
        if least is None or least > lost:
            best, least = i, lost
    return best


def create_data(version: int, level: int, data_list) -> list[int]:
    """reportlab's `QRCode.createData` (the codewords: data, then the error correction of each
    block, interleaved), with the Reed–Solomon remainders by table instead of polynomial objects."""
    blocks = QRRSBlock.getRSBlocks(version, level)
    buffer = QRBitBuffer()
    for data in data_list:
        data.write(buffer, version)
    capacity = sum(block.dataCount for block in blocks) * 8
    if buffer.getLengthInBits() > capacity:
        return QRCode.createData(version, level, data_list)  # reportlab's own error
    if buffer.getLengthInBits() + 4 <= capacity:
        buffer.put(0, 4)
    while buffer.getLengthInBits() % 8 != 0:
        buffer.putBit(False)
    pads = (QRCode.PAD0, QRCode.PAD1)
    while buffer.getLengthInBits() < capacity:
        buffer.put(pads[0], 8)
        pads = pads[::-1]
    offset, dc, ec = 0, [], []
    for block in blocks:
        count = block.dataCount
        dc.append(buffer.buffer[offset:offset + count])
        offset += count
        ec.append(_remainder(dc[-1], block.totalCount - count))
    return [d for group in itertools.chain(itertools.zip_longest(*dc), itertools.zip_longest(*ec))
            for d in group if d is not None]


@functools.lru_cache(maxsize=32)
def _generator(degree: int) -> tuple[int, ...]:
    """The Reed–Solomon generator polynomial of `degree`, as the logs of its coefficients after the
    leading 1 (reportlab's `getErrorCorrectPolynomial`)."""
    return tuple(LOG_TABLE[c] for c in QRUtil.getErrorCorrectPolynomial(degree).num[1:])


def _remainder(data: list[int], degree: int) -> list[int]:
    """data(x)·x^degree mod the generator: the block's error correction codewords."""
    generator = _generator(degree)
    rest = [0] * degree
    for value in data:
        factor = value ^ rest[0]
        rest = rest[1:] + [0]
        if factor:
            log = LOG_TABLE[factor]
            rest = [r ^ EXP_TABLE[(log + g) % 255] for r, g in zip(rest, generator, strict=True)]
    return rest


@functools.lru_cache(maxsize=8)
def _flips(version: int, n: int, positions: tuple) -> list[list[int]]:
    """Per mask: the data modules (as bits of each row) where it differs from mask 0."""
    masks = [QRUtil.getMask(i) for i in range(8)]
    out = []
    for i in range(8):
        rows = [0] * n
        for col, row in positions:
            if bool(masks[i](row, col)) != bool(masks[0](row, col)):
                rows[row] |= 1 << (n - 1 - col)
        out.append(rows)
    return out


def lost_point(rows: list[int], n: int) -> int:
    """reportlab's `QRUtil.getLostPoint` of the symbol whose rows are `rows` (bit n-1 = column 0)."""
    lines = [format(r, f"0{n}b") for r in rows]
    columns = ["".join(c) for c in zip(*lines)]
    score = 0
    # rule 1: a run of five or more alike, in a row or a column, costs its length less two
    runs = _RUN.findall(" ".join(lines + columns))
    score += sum(map(len, runs)) - 2 * len(runs)
    # rule 2: each 2×2 block of one colour costs 3
    pairs = (1 << (n - 1)) - 1
    for a, b in zip(rows, rows[1:]):
        same = ~(a ^ b)
        score += 3 * (same & (same >> 1) & ~(a ^ (a >> 1)) & pairs).bit_count()
    # rule 3: the finder-like pattern in rows (reportlab compares columns as tuples with a list: never equal)
    last = n - len(_FINDER)
    for line in lines:
        j = 0
        while True:
            j = line.find(_FINDER, j)
            if j < 0 or j >= last:
                break
            score += 40
            j += len(_FINDER)
    # rule 4: the share of dark modules away from half
    dark = sum(line.count("1") for line in lines)
    return score + 10 * (abs(100 * dark // (n * n) - 50) // 5)
