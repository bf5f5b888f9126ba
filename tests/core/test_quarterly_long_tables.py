"""The quarterly report's long tables (every project, every finding), drawn by documents/long_table.py:
what a reader of the paper sees — every row's text, the header on every page a table continues on,
nothing printed over anything else or outside the page's frame, long and hostile text included."""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess

import pytest
from documents_fixtures import (
    HOSTILE,
    LONG,
    RARE,
    holds_all_of,
    office_fixture,  # noqa: F401  (the `office` fixture)
    pdf_text,
    squash,
)

from warranty_desk.documents import quarterly_figures as qf
from warranty_desk.documents.long_table import wrap_cell
from warranty_desk.documents.quarterly import build_quarterly_report
from warranty_desk.documents.style import BOLD_FONT, FONT

TODAY = dt.date(2026, 10, 5)
MM = 72 / 25.4
PROJECTS = 70  # three pages of the per-project table


def _words(path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words with their boxes (x0, y0 from the top, x1, y1), as pdftotext finds them."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        pages.append([(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)])
    return pages


@pytest.fixture(name="busy_office")
def busy_office_fixture(office):
    """The documents' office with 70 more projects, each visited in 2026Q3 and each visit with a
    problem found (its own text; one of 2,000 characters) and one with two findings recorded by area."""
    from warranty_desk.models import Visit, VisitFinding
    from warranty_desk.services.projects import create_project

    made = []
    for n in range(PROJECTS):
        project = create_project({"code": f"QT-2025-{n:03d}", "name": f"第{n}号测试工程", "type": "公共建筑",
                                  "scale": "小型"})
        visit = Visit.create(project=project, planned_on=dt.date(2026, 7, 1) + dt.timedelta(days=n), kind="periodic",
                             status="done", done_at=dt.datetime(2026, 7, 1, 10) + dt.timedelta(days=n),
                             findings=LONG if n == 3 else f"{n}号楼外墙第{n}处渗水", score=90)
        made.append((project, LONG if n == 3 else f"{n}号楼外墙第{n}处渗水"))
        if n == 7:
            VisitFinding.create(visit=visit, area="门窗", description="北侧窗框密封胶开裂")
            VisitFinding.create(visit=visit, area="屋面", description="Roof drain blocked by leaves & <b>debris</b>")
    return made


def test_every_project_and_every_finding_is_printed(busy_office, tmp_path):
    out = build_quarterly_report("2026Q3", tmp_path / "q.pdf", today=TODAY)
    text = squash(pdf_text(out))
    figures = qf.compute("2026Q3", today=TODAY)
    assert len(figures.projects) == PROJECTS + 2 and len(figures.findings) >= PROJECTS
    for row in figures.projects:
        assert squash(f"{row.code}{row.name}") in text or squash(row.code) in text, row.code
    for project, _finding in busy_office:
        assert squash(f"{project.code}{project.name}") in text, project.code
    for finding in figures.findings:
        if finding.description == LONG:
            assert holds_all_of(text, LONG)  # 2,000 characters, over pages
        else:
            assert squash(finding.description) in text, finding.description
    assert "[门窗]北侧窗框密封胶开裂" in text and squash("Roof drain blocked by leaves & <b>debris</b>") in text
    # a project's figures beside its name: 1 visit planned, 1 done, on time, 0 missed, 90.0
    page = next(p for p in _words(out) if any(w[4] == "QT-2025-000" for w in p))
    code = next(w for w in page if w[4] == "QT-2025-000")
    same_row = sorted((w[0], w[4]) for w in page if abs((w[1] + w[3]) / 2 - (code[1] + code[3]) / 2) < 3)
    assert [t for _x, t in same_row] == ["QT-2025-000", "第0号测试工程", "1", "1", "1", "0", "90.0", "0", "0", "0"]


def test_the_tables_header_is_printed_on_every_page_they_continue_on(busy_office, tmp_path):
    pages = _words(build_quarterly_report("2026Q3", tmp_path / "q.pdf", today=TODAY))
    project_pages = [p for p in pages if any(w[4].startswith("QT-2025-") for w in p)]
    assert len(project_pages) >= 4  # the per-project table and the findings each take more than a page
    for page in project_pages:
        first_row = min(w[1] for w in page if w[4].startswith("QT-2025-"))
        heads = {w[4] for w in page if w[1] < first_row}
        assert {"工程", "计划回访", "时限内修复"} <= heads or {"日期", "工程", "发现的问题", "处理情况"} <= heads, heads


def _overlapping(page) -> list[tuple[str, str]]:
    found = []
    boxes = sorted(page)
    for n, a in enumerate(boxes):
        for b in boxes[n + 1:]:
            if b[0] >= a[2] - 0.5:
                break
            if min(a[3], b[3]) - max(a[1], b[1]) > 1.5 and min(a[2], b[2]) - max(a[0], b[0]) > 0.5:
                found.append((a[4], b[4]))
    return found


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_long_and_hostile_cells_stay_in_their_place(busy_office, tmp_path, lang):
    """The office's hostile project (<b>张三 & 李四</b>, 𠀀鑫㐂, a name of 150 characters, a finding of
    2,000 characters that runs over more than a page): printed whole, inside the page's frame, no
    word over another."""
    out = build_quarterly_report("2026Q3", tmp_path / "q.pdf", today=TODAY, lang=lang)
    text = squash(pdf_text(out))
    assert squash(HOSTILE + RARE) in text and holds_all_of(text, LONG)
    width, height = 595.2756, 841.8898
    pages = _words(out)
    for number, page in enumerate(pages[1:], 2):
        assert _overlapping(page) == [], number
        body = [w for w in page if 15 * MM < w[1] and w[3] < height - 15 * MM]  # between the running rules
        for x0, _y0, x1, _y1, word in body:
            assert 18 * MM - 0.5 <= x0 and x1 <= width - 18 * MM + 0.5, (number, word)
    # the 2,000 characters run over a page break: the page they continue on starts with the header
    long_pages = [n for n, p in enumerate(pages) if sum(w[4].count("地漏返味") for w in p) > 20]
    assert long_pages
    heads = {"日期", "发现的问题", "处理情况"} if lang == "zh_CN" else {"Date", "Problems", "Action"}
    assert len(long_pages) >= 2
    for n in long_pages:
        words = [w[4] for w in pages[n]]
        assert heads <= set(words), n
        assert words.count("处理情况" if lang == "zh_CN" else "Action") == 1, n  # once, at the top


def test_a_cell_is_broken_by_the_chinese_rules_and_latin_words_stay_whole():
    cell = wrap_cell("外墙渗水，卫生间地漏返味，屋面防水层起鼓开裂需要返修", 60, 9, 12)
    lines = ["".join(t for _f, t in line.runs) for line in cell.lines]
    assert "".join(lines) == "外墙渗水，卫生间地漏返味，屋面防水层起鼓开裂需要返修" and len(lines) > 1
    assert all(line.used <= 60 + 1e-6 for line in cell.lines)
    assert not any(text.startswith(("，", "。")) for text in lines)  # 避头
    english = wrap_cell("Waterproofing membrane failure at the north wall, GC-2024-003", 80, 9, 12)
    words = "Waterproofing membrane failure at the north wall, GC-2024-003".split()
    for line in english.lines:
        for word in "".join(t for _f, t in line.runs).split():
            assert word in words  # broken at spaces only
    rare = wrap_cell(HOSTILE + RARE, 200, 9, 12)
    runs = [run for line in rare.lines for run in line.runs]
    assert "".join(t for _f, t in runs) == "<b>张三 & 李四</b>𠀀鑫㐂"
    assert {f for f, t in runs if "𠀀" in t} != {FONT}  # a character the text font lacks: the Ming fallback
    head = wrap_cell("时限内修复", 200, 9, 12, bold=True)
    assert head.lines[0].runs[0][0] == BOLD_FONT
