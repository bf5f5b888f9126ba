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
                  "另行委托", "法定代表人（签字）", "第1页共"):
        assert value in text, value
    fonts = pdf_fonts(out)
    assert "WDSerifSC-Regular" in fonts and "Helvetica" not in fonts


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
    # the documents' one date format, in English babel's medium date (as the window shows dates)
    assert "Roof waterproofing" in text and "5 years" in text and "Jun 15, 2029" in text
    assert "Project no.: ZZ-2024-01" in text and "2 heating seasons" in text
    assert "阳光花园二期" in text  # the project's own values stay as entered


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end)]


def _typed_project(code: str, kind: str, **extra):
    import datetime as dt

    from warranty_desk.services.handover import handover
    from warranty_desk.services.projects import create_project

    project = create_project({"code": code, "name": f"{kind}工程", "client": "某某投资有限公司", "type": kind,
                              "scale": "小型", "heating_region": "北京", **extra})
    handover(project.id, dt.date(2024, 6, 15), dt.date(2024, 7, 1))
    return project


def test_a_decoration_only_certificate_covers_only_its_own_items(office, tmp_path):
    _typed_project("ZS-1", "装饰装修")
    text = squash(pdf_text(build_certificate("ZS-1", tmp_path / "d.pdf")))
    scope = _section(text, "一、工程质量保修范围和内容", "二、质量保修期")
    assert "装修工程" in scope and "电气管线" in scope
    for other in ("屋面防水", "卫生间", "供热", "供冷", "地基基础", "配套工程"):
        assert other not in scope, other
    assert "屋面防水" not in text


def test_a_municipal_certificate_cites_only_the_regulations_that_apply(office, tmp_path):
    _typed_project("SZ-1", "市政工程")
    text = squash(pdf_text(build_certificate("SZ-1", tmp_path / "m.pdf")))
    assert "《建设工程质量管理条例》" in text
    assert "房屋建筑工程质量保修办法" not in text and "房屋所有人" not in text
    assert "屋面防水" not in text and "卫生间" not in text


def test_a_residential_certificate_lists_the_estate_infrastructure_of_the_model_text(office, tmp_path):
    text = squash(pdf_text(build_certificate("ZZ-2024-01", tmp_path / "r.pdf")))
    assert "住宅小区内的给排水设施、道路等配套工程" in _section(text, "一、", "二、质量保修期")
    assert "住宅小区内的给排水设施、道路等配套工程由双方约定____年" in _section(text, "二、质量保修期", "三、")


def test_the_certificate_states_the_deposit_amount_and_its_share(office, tmp_path):
    text = squash(pdf_text(build_certificate("ZZ-2024-01", tmp_path / "r.pdf")))
    section = _section(text, "三、缺陷责任期", "四、")
    assert "质量保证金人民币300,000.00元" in section and "10,000,000.00元的3%" in section


def test_the_demo_certificate_states_its_deposit(demo_db, tmp_path):
    from warranty_desk.models import Deposit

    deposit = Deposit.select().order_by(Deposit.id).first()
    text = squash(pdf_text(build_certificate(deposit.project, tmp_path / "c.pdf")))
    assert f"质量保证金人民币{deposit.amount:,.2f}元" in text
    assert f"的{round(deposit.amount / deposit.settled_price * 100)}%" in text


def test_party_blocks_have_fax_postcode_and_room_to_sign(office, tmp_path):
    from warranty_desk.services import settings

    settings.set_many({"company_fax": "010-12345678", "company_postcode": "100022",
                       "company_bank": "工商银行建国路支行", "company_account": "0200-1234-5678"})
    out = build_certificate("ZZ-2024-01", tmp_path / "r.pdf")
    text = squash(pdf_text(out))
    block = text[text.index("发包人（公章）"):]
    for label in ("地址：", "法定代表人（签字）：", "委托代理人（签字）：", "电话：", "传真：", "开户银行：",
                  "账号：", "邮政编码："):
        assert block.count(label) == 2, label
    for value in ("010-12345678", "100022", "工商银行建国路支行", "0200-1234-5678"):
        assert value in block, value
    # the signatures stay on the page of the clause they close
    pages = pdf_text(out).split("\f")
    last = next(p for p in pages if "发包人（公章）" in p)
    assert "六、双方约定的其他工程质量保修事项" in last


def _word_x(path, page: int, word: str) -> float:
    import re
    import subprocess

    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    for m in re.finditer(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', out):
        if m.group(2).startswith(word):
            return float(m.group(1))
    raise AssertionError(f"{word} not on page {page}")


def test_the_signature_block_starts_at_the_text_margin(office, tmp_path):
    from pypdf import PdfReader

    out = build_certificate("ZZ-2024-01", tmp_path / "c.pdf")
    last = len(PdfReader(out).pages)
    assert abs(_word_x(out, last, "发包人（公章）") - _word_x(out, last, "六、")) < 0.5


def test_a_long_project_name_in_the_running_header_is_cut_at_a_readable_size(office, tmp_path):
    import re
    import subprocess

    out = build_certificate(office["hostile"].id, tmp_path / "h.pdf")
    xml = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(out), "-"], check=True, capture_output=True,
                         text=True).stdout
    header = [(float(a), float(b), w) for a, b, w in
              re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', xml)
              if float(a) < 45]  # the running header above the rule (14 mm from the top)
    assert header and any(w.endswith("…") for _a, _b, w in header)
    assert min(b - a for a, b, _w in header) >= 7.4  # not shrunk to fine print
