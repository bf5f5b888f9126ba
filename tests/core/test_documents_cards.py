"""保修卡."""

from __future__ import annotations

from documents_fixtures import (
    HOSTILE,
    HOTLINE,
    office_fixture,  # noqa: F401  (the `office` fixture)
    pdf_fonts,
    pdf_text,
    squash,
)
from pypdf import PdfReader

from warranty_desk.documents.cards import build_cards, qr_payload


def test_one_card_per_unit_four_per_a4_sheet(office, tmp_path):
    out = build_cards("ZZ-2024-01", tmp_path / "cards.pdf")
    reader = PdfReader(out)
    assert len(reader.pages) == 2  # 6 units, 4 cards a sheet
    text = squash(pdf_text(out))
    assert text.count("住宅质量保修卡") == 6
    for label, owner in (("1-1-101", "业主1101"), ("2-1-201", "业主2201")):
        assert label in text and owner in text
    for value in ("阳光花园二期", "2024年7月1日", HOTLINE, "国家规定保修期", "公司承诺保修期", "到期日",
                  "屋面防水工程", "2029年6月15日", "2个采暖期", "2小时内响应"):
        assert value in text, value
    assert "WenQuanYiMicroHei" in pdf_fonts(out)


def test_a5_layout_one_card_per_page(office, tmp_path):
    out = build_cards(office["home"], tmp_path / "a5.pdf", layout="a5")
    reader = PdfReader(out)
    assert len(reader.pages) == 6
    assert round(float(reader.pages[0].mediabox.width)) == 420  # A5 portrait, 148 mm


def test_project_without_units_gets_one_card(office, tmp_path):
    out = build_cards("BARE-1", tmp_path / "bare.pdf")
    text = squash(pdf_text(out))
    assert text.count("工程质量保修卡") == 1 and "全部" in text and "空白工程" in text


def test_hostile_owner_is_literal_and_fits_the_card(office, tmp_path):
    out = build_cards(office["hostile"], tmp_path / "hostile.pdf")
    text = squash(pdf_text(out))
    assert squash(HOSTILE) + "𠀀鑫㐂" in text
    assert "…" in text  # the 300-character owner name is cut to fit its line, not drawn over the table


def test_qr_payload():
    assert qr_payload("ZZ-2024-01", "1-2-301") == "WD:ZZ-2024-01:1-2-301"
    assert qr_payload("ZZ-2024-01", None) == "WD:ZZ-2024-01"
