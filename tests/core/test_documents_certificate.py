"""工程质量保修书."""

from __future__ import annotations

from documents_fixtures import (
    COMPANY,
    HOSTILE,
    HOTLINE,
    office_fixture,  # noqa: F401  (the `office` fixture)
    pdf_fonts,
    pdf_text,
    squash,
)

from warranty_desk.documents.certificate import build_certificate


def test_certificate_shows_the_projects_own_values(office, tmp_path):
    out = build_certificate("ZZ-2024-01", tmp_path / "cert.pdf")
    text = squash(pdf_text(out))
    for value in ("工程质量保修书", "阳光花园二期", "ZZ-2024-01", "北京城建置业有限公司", COMPANY, HOTLINE,
                  "发包人", "承包人", "一、工程质量保修范围和内容", "二、质量保修期", "三、缺陷责任期",
                  "四、质量保修责任", "五、保修费用", "六、双方约定的其他工程质量保修事项",
                  "屋面防水工程", "2029年6月15日", "设计文件规定的合理使用年限50年", "2074年6月15日",
                  "2个采暖期", "2026年3月15日", "2024年6月15日", "24个月",
                  "24小时内响应", "3天内派人到达现场", "15天内修复", "2小时内联系报修人", "4小时内到达事故现场",
                  "另行委托", "法定代表人（签字）", "第1页共2页"):
        assert value in text, value
    fonts = pdf_fonts(out)
    assert "WenQuanYiMicroHei" in fonts and "Helvetica" not in fonts


def test_certificate_with_hostile_text_builds_and_prints_it_literally(office, tmp_path):
    out = build_certificate(office["hostile"].id, tmp_path / "hostile.pdf")
    text = squash(pdf_text(out))
    assert squash(HOSTILE) + "𠀀鑫㐂" in text
    assert "HX-<1>&" in text
    assert "外墙渗水、卫生间地漏返味、" * 20 in text  # the long notes wrap, all of them


def test_certificate_of_a_project_not_yet_handed_over(office, tmp_path):
    out = build_certificate(office["bare"], tmp_path / "bare.pdf")
    text = squash(pdf_text(out))
    assert "空白工程" in text and "待交付时确定" in text
    assert "______个月" in text  # no deposit yet: a blank to fill by hand


def test_certificate_in_english_uses_the_english_clauses_and_item_names(office, tmp_path):
    out = build_certificate("ZZ-2024-01", tmp_path / "en.pdf", lang="en")
    text = pdf_text(out)
    assert "Roof waterproofing" in text and "5 years" in text and "June 15, 2029" in text
    assert "阳光花园二期" in text  # the project's own values stay as entered
