"""The shared style sheet: escaping, rare-character fallback, fonts embedded, atomic writes, texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from documents_fixtures import HOSTILE, pdf_fonts, pdf_text, squash
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from warranty_desk.documents import texts
from warranty_desk.documents.style import (
    FONT,
    RARE_FONT,
    P,
    atomic_pdf,
    doc_kwargs,
    fonts_dir,
    hours_text,
    para_text,
)


def test_para_text_escapes_markup_and_switches_font_for_rare_characters():
    markup = para_text(HOSTILE + "𠀀鑫㐂\n下一行")
    assert "&lt;b&gt;张三 &amp; 李四&lt;/b&gt;" in markup
    assert f'<font name="{RARE_FONT}">𠀀</font>' in markup
    assert "鑫" in markup and f'<font name="{RARE_FONT}">鑫' not in markup  # the Song face has 鑫
    assert f'<font name="{RARE_FONT}">㐂</font>' in markup
    assert "<br/>" in markup
    assert para_text(None) == "" and para_text("a\x00b\tc") == "ab c"


def test_rare_characters_are_embedded_and_extractable(tmp_path):
    out = tmp_path / "rare.pdf"
    with atomic_pdf(out) as tmp:
        doc = SimpleDocTemplate(tmp, pagesize=A4, **doc_kwargs("t"))
        doc.build([P(HOSTILE + " 𠀀 鑫 㐂 " + "长" * 300)])
    text = pdf_text(out)
    assert HOSTILE in text
    for ch in "𠀀鑫㐂":
        assert ch in text
    fonts = pdf_fonts(out)
    assert "WDSerifSC-Regular" in fonts and "HanaMinA" in fonts
    for line in fonts.splitlines()[2:]:
        assert " yes yes yes " in line, line  # embedded, subset, with a ToUnicode map
    assert "Helvetica" not in fonts


def test_shipped_fonts_and_licences_are_in_resources():
    folder = fonts_dir()
    for name in ("WDSerifSC-Regular.ttf", "WDSerifSC-Bold.ttf", "wqy-microhei.ttc", "HanaMinA-rare.ttf",
                 "LICENSE-noto-serif-cjk.txt", "LICENSE-wqy-microhei.txt", "LICENSE-hanazono.txt"):
        assert (folder / name).is_file(), name
    # the Song family (22,700 + 8,400 glyphs), the Ming fallback and the UI's sans face
    assert sum(p.stat().st_size for p in folder.iterdir()) < 25_000_000
    assert FONT and RARE_FONT


def test_atomic_pdf_leaves_nothing_behind_on_failure(tmp_path):
    out = tmp_path / "x.pdf"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_pdf(out) as tmp:
        Path(tmp).write_bytes(b"half")
        raise RuntimeError("boom")
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]


def test_hours_text():
    assert [hours_text(h) for h in (2, 4, 24, 72, 360)] == ["2小时", "4小时", "24小时", "3天", "15天"]


def test_text_format_parses_headings_bullets_tables_directives_and_placeholders():
    blocks = texts.parse("% comment\n# 标题\n\n第一行\n第二行\n\n- 要点 {name}\n@items a b\n| 甲 | 乙\n| 1 | 2\n---\n")
    kinds = [b.kind for b in blocks]
    assert kinds == ["h1", "para", "bullet", "directive", "table", "pagebreak"]
    assert blocks[1].text == "第一行第二行"
    assert blocks[3].text == "items" and blocks[3].args == ["a", "b"]
    assert blocks[4].rows == [["甲", "乙"], ["1", "2"]]
    markup = texts.fill("致 {name}：{{不是占位符}} & {missing}", {"name": HOSTILE})
    assert "&lt;b&gt;张三 &amp; 李四&lt;/b&gt;" in markup
    assert "{不是占位符}" in markup and "&amp;" in markup and "{missing}" in markup


def test_a_missing_english_text_is_refused_not_taken_from_chinese(tmp_path, monkeypatch):
    """A paper is never printed half in another language: a text file the language lacks is an
    error at print time (and `missing_texts`, which the catalog check runs, lists it)."""
    import shutil

    root = tmp_path / "texts"
    shutil.copytree(texts.texts_dir() / "zh_CN", root / "zh_CN")
    shutil.copytree(texts.texts_dir() / "en", root / "en")
    (root / "en" / "certificate" / "02-periods.md").unlink()
    monkeypatch.setattr(texts, "texts_dir", lambda: root)
    assert texts.missing_texts() == ["en/certificate/02-periods.md"]
    with pytest.raises(texts.TextMissing, match="02-periods.md"):
        texts.load("certificate", "en")
    assert [f.name for f in texts.load("certificate", "zh_CN")][2] == "02-periods"


def test_the_shipped_texts_have_every_file_in_every_language():
    assert texts.missing_texts() == []


def test_every_shipped_text_file_parses():
    root = texts.texts_dir() / "zh_CN"
    for document in ("certificate", "manual"):
        for f in texts.load(document):
            assert f.blocks, f.path
    assert (root.parent / "README.md").is_file()


def test_squash_helper():
    assert squash("a b\nc") == "abc"


def test_if_blocks_print_only_for_the_projects_they_name():
    blocks = texts.parse("甲\n\n@if residential public\n乙\n@if item:heating\n丙\n@else\n丁\n@endif\n@else\n戊\n"
                         "@endif\n@if !municipal\n己\n@endif\n")

    def shown(*facts):
        return "".join(b.text for b in texts.select(blocks, set(facts)))

    assert shown("residential", "item:heating") == "甲乙丙己"
    assert shown("public") == "甲乙丁己"
    assert shown("decoration") == "甲戊己"
    assert shown("municipal") == "甲戊"
    assert texts.heading_number(1) == "一、" and texts.heading_number(12) == "十二、"
    assert texts.heading_number(20) == "二十、" and texts.heading_number(3, "en") == "3. "


def test_every_document_is_set_in_one_song_family_with_a_real_bold(tmp_path):
    from reportlab.pdfbase import pdfmetrics

    from warranty_desk.documents.style import BOLD_FONT, FONT, styles

    for name in ("title", "h1", "h2", "head"):
        assert styles()[name].fontName == BOLD_FONT, name
    for name in ("body", "indent", "cell", "small", "note"):
        assert styles()[name].fontName == FONT, name
    regular, bold = pdfmetrics.getFont(FONT), pdfmetrics.getFont(BOLD_FONT)
    assert regular.face.name.startswith(b"WDSerifSC") and bold.face.name != regular.face.name
    out = tmp_path / "b.pdf"
    with atomic_pdf(out) as tmp:
        doc = SimpleDocTemplate(tmp, pagesize=A4, **doc_kwargs("t"))
        doc.build([P("标题 堃 喆", "h1"), P("正文 𠀀 한", "body")])
    fonts = pdf_fonts(out)
    assert "WDSerifSC-Bold" in fonts and "WDSerifSC-Regular" in fonts and "HanaMinA" in fonts
    text = pdf_text(out)
    for value in ("标题", "堃", "喆", "𠀀", "한"):
        assert value in text, value


def test_a_character_no_font_has_prints_as_a_visible_mark_and_is_reported(tmp_path):
    from warranty_desk.documents.style import MISSING_MARK, describe_missing, missing_characters

    with missing_characters() as found:
        markup = para_text("业主😀张三")
        out = tmp_path / "e.pdf"
        with atomic_pdf(out) as tmp:
            SimpleDocTemplate(tmp, pagesize=A4, **doc_kwargs("t")).build([P("业主😀张三")])
    assert markup == f"业主{MISSING_MARK}张三"
    assert found == {"😀"} and "U+1F600" in describe_missing(found)
    assert f"业主{MISSING_MARK}张三" in pdf_text(out)


def test_a_paragraph_wrapped_again_keeps_its_lines_for_that_width():
    """A long table measures its cells again on every page it is split at: the lines are kept for the
    width they were made for, and made anew for another width."""
    from warranty_desk.documents.style import P

    text = "回访发现卫生间地面渗水，已通知项目部安排维修，业主同意下周上门。" * 3
    para = P(text, "body")
    narrow = para.wrap(60, 1000)
    lines = para.blPara
    assert para.wrap(60, 1000) == narrow and para.blPara is lines  # not broken again
    wide = para.wrap(300, 1000)
    assert wide[1] < narrow[1] and para.blPara is not lines
    assert para.wrap(60, 1000) == narrow and len(para.blPara.lines) == len(lines.lines)
    assert P(text, "body").wrap(300, 1000) == wide
