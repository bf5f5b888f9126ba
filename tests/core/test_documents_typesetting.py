"""Chinese typesetting of every printed document, checked on the text extracted from the PDFs of
the demo office: no line starts with closing punctuation, no date is split across two lines.
And the rules themselves (documents/linebreak.py) on small cases."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from documents_fixtures import pdf_text

from warranty_desk.documents import linebreak

CLOSING = "，。、；：？！）》」』】"
OPENING = "（《「『【“"
DATE_HEAD = re.compile(r"(\d{4}年(\d{1,2}月?)?|\d{4}年\d{1,2}月\d{1,2}|\d{4}-\d{1,2}-?)$")
DATE_TAIL = re.compile(r"^(\d{1,2}月|\d{1,2}日|月|日|\d{1,2}-\d{1,2}|-\d{1,2})")


def typesetting_problems(text: str) -> list[str]:
    """Lines that begin with closing punctuation, and dates split between two lines."""
    problems = []
    lines = [line.strip() for line in text.splitlines()]
    for n, line in enumerate(lines):
        if line and line[0] in CLOSING:
            problems.append(f"line starts with {line[:1]!r}: {lines[n - 1][-20:]!r} / {line[:20]!r}")
        if len(line) > 1 and line[-1] in OPENING and n + 1 < len(lines) and lines[n + 1]:
            problems.append(f"line ends with {line[-1]!r}: {line[-20:]!r} / {lines[n + 1][:20]!r}")
        if n and lines[n - 1] and DATE_HEAD.search(lines[n - 1]) and DATE_TAIL.match(line):
            problems.append(f"date split: {lines[n - 1][-20:]!r} / {line[:20]!r}")
    return problems


def test_the_check_itself_finds_what_it_looks_for():
    assert typesetting_problems("承包人在质量保修期内\n，按照约定") != []
    assert typesetting_problems("竣工验收合格之日（2023年12月24\n日）起计算") != []
    assert typesetting_problems("竣工验收合格之日（2023年12\n月24日）起计算") != []
    assert typesetting_problems("竣工验收合格之日（\n2023年12月24日）起计算") != []  # 避尾
    assert typesetting_problems("竣工验收合格之日\n（2023年12月24日）起计算") == []


def _marks(text: str) -> str:
    allowed = linebreak.break_opportunities(text)
    return "".join(("|" if ok else "") + ch for ch, ok in zip(text, allowed))


def test_break_opportunities_follow_the_chinese_rules():
    marked = _marks("于2023年12月24日竣工，保证金¥79,500.00（3%），编号GC-2024-003。")
    assert "|2023年12月24日|" in marked  # the date is one piece
    assert "工，|" in marked and "|，" not in marked and "|。" not in marked  # 避头
    assert "（|" not in marked  # 避尾
    assert "|¥79,500.00|" in marked and "|（3%），|" in marked
    assert "|GC-2024-003。" in marked
    assert "|24小时|" in _marks("在24小时内") and "|2个采暖期" not in _marks("为2个采暖期")  # 2个 stays whole
    assert "…|…" not in _marks("等等……")


def _wrap(text: str, per_line: int) -> list[str]:
    units = list(text)
    lines = linebreak.wrap_units(units, [1.0] * len(units), [float(per_line)])
    return ["".join(units[s:e]) for s, e, _w in lines]


def test_wrapping_pushes_a_character_down_rather_than_start_a_line_with_punctuation():
    lines = _wrap("承包人在质量保修期内，按照有关法律规定和合同约定", 10)
    assert all(line[:1] not in CLOSING for line in lines), lines
    assert lines[0] == "承包人在质量保修期" and lines[1].startswith("内，")


def test_a_date_is_never_split_and_no_character_stays_alone():
    for width in range(14, 30):  # (a date wider than the line itself must break somewhere)
        lines = _wrap("质量保修期自工程竣工验收合格之日（2023年12月24日）起计算", width)
        assert any("2023年12月24日" in line for line in lines), (width, lines)
        assert len(lines[-1]) >= 2, (width, lines)
    assert _wrap("哈尔滨翠湖名苑项目", 8) == ["哈尔滨翠湖名苑", "项目"]  # not "…项 / 目"


def test_a_run_longer_than_the_line_still_breaks():
    lines = _wrap("A" * 30, 10)
    assert ["".join(lines)] == ["A" * 30] and max(len(x) for x in lines) <= 10


@pytest.fixture(name="demo_documents")
def demo_documents_fixture(demo_db, tmp_path):
    """Every kind of document printed from the demo office (a residential, a public, a
    decoration-only and a municipal project; forms, dispatch sheets, reports)."""
    from warranty_desk.documents import forms
    from warranty_desk.documents.cards import build_cards
    from warranty_desk.documents.certificate import build_certificate
    from warranty_desk.documents.dispatch_sheet import build_dispatch_sheet
    from warranty_desk.documents.manual import build_manual
    from warranty_desk.documents.quarterly import build_quarterly_report
    from warranty_desk.documents.visit_plan_table import build_visit_plan
    from warranty_desk.documents.visit_report import build_visit_report
    from warranty_desk.models import Project, Ticket, Unit, Visit

    out = {}
    for kind in ("residential", "public", "decoration", "municipal"):
        project = (Project.select().where(Project.type == kind, Project.accepted_on.is_null(False))
                   .order_by(Project.accepted_on).first())
        unit = Unit.select().where(Unit.project == project).first()
        out[f"certificate {kind}"] = build_certificate(project, tmp_path / f"c-{kind}.pdf")
        out[f"cards {kind}"] = build_cards(project, tmp_path / f"k-{kind}.pdf", units=[unit] if unit else None)
        out[f"manual {kind}"] = build_manual(project, tmp_path / f"m-{kind}.pdf", unit=unit)
    out["quarterly"] = build_quarterly_report("2026Q3", tmp_path / "q.pdf", today=dt.date(2026, 11, 29))
    tickets = sorted(Ticket.select(), key=lambda t: (-len(t.description), t.id))[:3]
    for n, t in enumerate(tickets):
        out[f"record {t.number}"] = forms.build_repair_record(t, tmp_path / f"r{n}.pdf")
        out[f"notice {t.number}"] = forms.build_repair_notice(t, tmp_path / f"n{n}.pdf")
        out[f"dispatch {t.number}"] = build_dispatch_sheet(t, tmp_path / f"d{n}.pdf")
    visits = list(Visit.select().where(Visit.status == "done").order_by(Visit.id).limit(3))
    for n, v in enumerate(visits):
        out[f"visit form {v.id}"] = forms.build_visit_form(v, tmp_path / f"v{n}.pdf")
    out["visit report"] = build_visit_report([v.id for v in visits], tmp_path / "vr.pdf")
    out["visit plan"] = build_visit_plan(2026, tmp_path / "vp.pdf")
    return {name: pdf_text(path) for name, path in out.items()}


def test_no_document_starts_a_line_with_closing_punctuation_or_splits_a_date(demo_documents):
    problems = {name: typesetting_problems(text) for name, text in demo_documents.items()}
    assert {name: found for name, found in problems.items() if found} == {}
    assert len(demo_documents) >= 20
