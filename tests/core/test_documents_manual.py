"""用户手册 / 住宅使用说明书."""

from __future__ import annotations

import re

from documents_fixtures import (
    HOSTILE,
    HOTLINE,
    office_fixture,  # noqa: F401  (the `office` fixture)
    pdf_fonts,
    pdf_text,
    squash,
)
from pypdf import PdfReader

from warranty_desk.documents.manual import build_manual
from warranty_desk.models import Unit


def test_manual_has_cover_contents_with_page_numbers_and_the_projects_data(office, tmp_path):
    out = build_manual("ZZ-2024-01", tmp_path / "manual.pdf")
    raw = pdf_text(out)
    text = squash(raw)
    for value in ("住宅使用说明书", "阳光花园二期", "目录", "北京城建置业有限公司", "北京市建筑设计研究院",
                  "京诚监理有限公司", "北京宏建建设工程有限公司", "铝合金窗：断桥铝60系列", "SBS改性沥青4mm",
                  "承重墙", "防水层", "燃气", "维护保养日历", "2029年6月15日", "2026年3月15日", HOTLINE,
                  "不属于保修范围的情形", "24小时内", "紧急情况与联系电话", "第2页共"):
        assert value in text, value
    # the contents page lists the chapters with the page they start on
    contents = raw.split("目")[1] if "目" in raw else raw
    assert re.search(r"一、工程概况\s*\.+\s*\d+", raw) or re.search(r"一、工程概况[ .]*\d", contents)
    assert re.search(r"十一、如何报修[ .\s]*\d+", raw)
    reader = PdfReader(out)
    assert len(reader.pages) >= 5
    assert [o.title for o in reader.outline if not isinstance(o, list)][:2] == ["一、工程概况", "二、房屋结构与不得擅自改动的部位"]
    assert "WenQuanYiMicroHei" in pdf_fonts(out) and "Helvetica" not in pdf_fonts(out)


def test_manual_for_one_unit_names_the_unit_and_owner(office, tmp_path):
    unit = Unit.get((Unit.project == office["home"]) & (Unit.room == "201") & (Unit.building == "2"))
    text = squash(pdf_text(build_manual(office["home"], tmp_path / "unit.pdf", unit=unit)))
    assert "2-1-201" in text and "业主2201" in text


def test_manual_with_hostile_and_empty_fields(office, tmp_path):
    text = squash(pdf_text(build_manual(office["hostile"], tmp_path / "h.pdf")))
    assert squash(HOSTILE) + "𠀀鑫㐂" in text
    assert "外墙渗水、卫生间地漏返味、" * 20 in text  # the 2,000-character materials list wraps, whole
    bare = squash(pdf_text(build_manual("BARE-1", tmp_path / "bare.pdf")))
    assert "工程使用维护手册" in bare and "未登记主要材料和设备清单" in bare
