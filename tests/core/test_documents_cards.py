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
    for value in ("阳光花园二期", "2024年7月1日", HOTLINE, "国家规定保修期", "公司承诺保修期", "保修期至",
                  "屋面防水工程", "2029年6月15日", "2个采暖期", "2小时内响应"):
        assert value in text, value
    assert "WDSerifSC-Regular" in pdf_fonts(out)


def test_a5_layout_one_card_per_page(office, tmp_path):
    out = build_cards(office["home"], tmp_path / "a5.pdf", layout="a5")
    reader = PdfReader(out)
    assert len(reader.pages) == 6
    assert round(float(reader.pages[0].mediabox.width)) == 420  # A5 portrait, 148 mm


def test_project_without_units_gets_one_card(office, tmp_path):
    out = build_cards("BARE-1", tmp_path / "bare.pdf")
    text = squash(pdf_text(out))
    assert text.count("工程质量保修卡") == 1 and "空白工程" in text
    assert "全部" not in text and "房号" not in text and "建设单位" in text  # a project's card, not a unit's


def test_hostile_owner_is_literal_and_fits_the_card(office, tmp_path):
    out = build_cards(office["hostile"], tmp_path / "hostile.pdf")
    text = squash(pdf_text(out))
    assert squash(HOSTILE) + "𠀀鑫㐂" in text
    assert "…" in text  # the 300-character owner name is cut to fit its line, not drawn over the table


def test_each_card_has_the_deadline_column_number_issue_date_and_seal(office, tmp_path):
    import datetime as dt

    from warranty_desk.models import Unit

    out = build_cards("ZZ-2024-01", tmp_path / "c.pdf", issued_on=dt.date(2026, 3, 2))
    text = squash(pdf_text(out))
    assert text.count("问题处理期限") == 6
    # the normal on-site and repair times of the settings: nine items do not fit with one deadline
    # per row at a readable size, so the card says it once, in one cell beside all rows
    assert text.count("3天内到场，15天内修复") == 6
    assert text.count("发卡日期：2026年3月2日") == 6 and text.count("施工单位（盖章）") == 6
    for unit in Unit.select().where(Unit.project == office["home"]):
        assert f"ZZ-2024-01-{unit.id:05d}" in text


def test_the_items_table_takes_the_first_layout_that_fits_at_a_readable_size(office):
    """Each row with its deadline while that fits at 5.5 pt or more; else the deadline once beside
    all rows; else also the items' short names — never the long layout in fine print."""
    from reportlab.lib.units import mm

    from warranty_desk import i18n
    from warranty_desk.documents import cards
    from warranty_desk.documents.style import styles

    styles()
    width = cards.CARD_W - 2 * cards.PAD

    def paragraph(cell):
        return cell[0] if isinstance(cell, (list, tuple)) and cell else cell or None

    def deadlines(table):
        return [paragraph(row[4]) for row in table._cellvalues[1:]]

    def size(table):
        return paragraph(table._cellvalues[1][0]).style.fontSize

    with i18n.override("zh_CN"):
        roomy = cards._items_table(office["home"], width, 120 * mm)
        assert all(deadlines(roomy)) and size(roomy) == 7  # every row says its deadline
        tight = cards._items_table(office["home"], width, 52 * mm)
        assert deadlines(tight)[0] and not any(deadlines(tight)[1:])  # once, spanning the rows
        assert size(tight) >= 5.5
    with i18n.override("en"):
        assert size(cards._items_table(office["home"], width, 52 * mm)) >= 5.5


def test_the_qr_code_tells_the_owner_something_readable(office):
    from warranty_desk.documents import data
    from warranty_desk.models import Unit
    from warranty_desk.services import settings

    unit = Unit.select().where(Unit.project == office["home"]).first()
    payload = qr_payload(office["home"], unit, data.company())
    assert not payload.startswith("WD:")
    for value in ("阳光花园二期", unit.label, f"报修电话：{HOTLINE}", "保修期至", "2029年6月15日 屋面防水、卫生间防水、外墙防渗",
                  "2074年6月15日 主体结构"):
        assert value in payload, value
    settings.set_many({"company_website": "https://baoxiu.example.cn/"})
    assert qr_payload(office["home"], unit, data.company()) == "https://baoxiu.example.cn/"


def test_a_one_card_project_prints_on_one_page(office, tmp_path):
    out = build_cards("BARE-1", tmp_path / "one.pdf")
    assert len(PdfReader(out).pages) == 1


def test_printing_more_cards_asks_the_database_nothing_more(office, tmp_path, monkeypatch):
    """A card's QR text names until when each item is covered: the project's items are read once
    for the whole print run, so 500 cards cost the database what one card costs."""
    from warranty_desk.models import Unit, database_proxy

    units = list(Unit.select().where(Unit.project == office["home"]).order_by(Unit.id))
    assert len(units) == 6
    database = database_proxy.obj
    asked: list[str] = []
    original = database.execute_sql

    def counting(sql, *args, **kwargs):
        asked.append(sql)
        return original(sql, *args, **kwargs)

    monkeypatch.setattr(database, "execute_sql", counting)
    build_cards(office["home"], tmp_path / "one.pdf", units=units[:1])
    one = len(asked)
    asked.clear()
    build_cards(office["home"], tmp_path / "six.pdf", units=units * 20)
    assert len(asked) == one
