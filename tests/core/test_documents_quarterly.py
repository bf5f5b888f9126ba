"""季度回访报告 and its figures."""

from __future__ import annotations

import datetime as dt

import pytest
from documents_fixtures import (
    COMPANY,
    HOSTILE,
    office_fixture,  # noqa: F401  (the `office` fixture)
    pdf_fonts,
    pdf_text,
    squash,
)

from warranty_desk.documents import quarterly_figures as qf
from warranty_desk.documents.quarterly import build_quarterly_report

TODAY = dt.date(2026, 10, 5)


def test_parse_quarter():
    q = qf.parse_quarter("2026Q3")
    assert (q.start, q.end, q.label) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026年第三季度")
    assert qf.parse_quarter("2024-q1").end == dt.date(2024, 3, 31)
    with pytest.raises(ValueError):
        qf.parse_quarter("2026Q5")


def test_figures_of_a_quarter(office):
    f = qf.compute("2026Q3", today=TODAY)
    assert f.visits.done == 1 and f.visits.on_time == 1 and f.visits.missed == 1
    assert f.visits.planned == f.visits.done + f.visits.missed + f.visits.unreachable + f.visits.overdue + f.visits.pending
    assert [m for m, _, _ in f.visits.by_month] == ["7月", "8月", "9月"]
    assert f.satisfaction.average == 86 and f.satisfaction.grades["fairly_satisfied"] == 1
    t = f.tickets
    assert (t.received, t.closed, t.completed, t.within_sla, t.emergency) == (1, 1, 1, 1, 1)
    assert t.avg_response_hours == pytest.approx(0.5)
    assert t.avg_repair_days == pytest.approx(30.5 / 24)
    assert t.by_category == [("plumbing", "给排水管道", 1)]
    assert [d.project_code for d in f.deposits] == ["ZZ-2024-01"] and f.deposits[0].overdue
    assert f.findings and "BX-2026-0001" in f.findings[0].action
    assert not f.empty


def test_report_shows_the_figures_charts_and_tables(office, tmp_path):
    out = build_quarterly_report("2026Q3", tmp_path / "q.pdf", today=TODAY)
    text = squash(pdf_text(out))
    for value in ("季度回访报告", "2026年第三季度", COMPANY, "一、本季概况", "各月回访：计划与完成",
                  "满意度等级分布", "报修问题类别", "三、与前四个季度比较", "四、分项目统计", "ZZ-2024-01",
                  "五、分保修项目的满意度", "六、回访发现的问题及处理", "BX-2026-0001", "七、到期的质量保证金",
                  "八、结论与改进措施", "¥300,000.00", "86.0分", "0.5小时", "1/1（100%）",
                  squash(HOSTILE), "第2页共"):
        assert value in text, value
    assert "Helvetica" not in pdf_fonts(out)


def test_a_quarter_without_data_says_so(office, tmp_path):
    f = qf.compute("2019Q1", today=TODAY)
    assert f.empty
    text = squash(pdf_text(build_quarterly_report("2019Q1", tmp_path / "empty.pdf", today=TODAY)))
    assert "没有计划或完成的回访" in text and "没有统计数字和图表" in text


def test_report_of_the_demo_office(demo_db, tmp_path):
    out = build_quarterly_report("2026Q3", tmp_path / "demo.pdf", today=dt.date(2026, 11, 29))
    text = squash(pdf_text(out))
    assert "各月回访：计划与完成" in text and "分项目统计" in text


def test_a_claimed_deposit_not_returned_asks_for_a_reminder(demo_db, tmp_path):
    import datetime as dt

    from warranty_desk.documents.quarterly import build_quarterly_report
    from warranty_desk.models import Deposit

    late = Deposit.select().where(Deposit.applied_on.is_null(False) & Deposit.returned_on.is_null()).first()
    assert late is not None, "the demo office has a claimed deposit not yet returned"
    out = build_quarterly_report("2026Q3", tmp_path / "q.pdf", today=dt.date(2026, 11, 29))
    text = squash(pdf_text(out))
    assert late.project.code in text
    assert "已申请，返还已逾期，请催告" in text


def test_the_report_compares_with_the_four_quarters_before(demo_db, tmp_path):
    f = qf.compute("2026Q3", today=dt.date(2026, 11, 29))
    assert [r.label for r in f.trend] == ["2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    now = f.trend[-1]
    # the trend's own quarter agrees with the report's figures
    assert (now.planned, now.done, now.on_time, now.judged) == (f.visits.planned, f.visits.done, f.visits.on_time,
                                                                f.visits.judged)
    assert now.received == f.tickets.received and now.within_sla == f.tickets.within_sla
    earlier = qf.compute("2026Q1", today=dt.date(2026, 11, 29))
    assert (f.trend[2].planned, f.trend[2].done, f.trend[2].received) == (
        earlier.visits.planned, earlier.visits.done, earlier.tickets.received)
    text = squash(pdf_text(build_quarterly_report("2026Q3", tmp_path / "q.pdf", today=dt.date(2026, 11, 29))))
    assert "与前四个季度比较" in text and "2025Q3" in text and "时限内修复率" in text


def test_satisfaction_per_warranty_item(demo_db, tmp_path):
    from warranty_desk.models import Ticket

    f = qf.compute("2026Q3", today=dt.date(2026, 11, 29))
    q = f.quarter
    closed = [t for t in Ticket.select() if t.closed_at and q.contains(t.closed_at) and t.satisfaction]
    assert f.items and sum(r.rated for r in f.items) == len(closed)
    for r in f.items:
        mine = [t.satisfaction for t in closed if t.category == r.key]
        assert r.rated == len(mine) and r.average == pytest.approx(sum(mine) / len(mine))
        assert r.satisfied == sum(1 for x in mine if x >= 4)
    text = squash(pdf_text(build_quarterly_report("2026Q3", tmp_path / "q.pdf", today=dt.date(2026, 11, 29))))
    assert "分保修项目的满意度" in text and squash(f.items[0].name) in text


def test_conclusions_measures_denominators_and_dated_sign_off(demo_db, tmp_path):
    text = squash(pdf_text(build_quarterly_report("2026Q3", tmp_path / "q.pdf", today=dt.date(2026, 11, 29))))
    for value in ("结论与改进措施", "结论", "改进措施", "其他改进措施（质量部填写）", "已完成（次，占计划）",
                  "按期完成（次，占应完成*）", "*应完成=已完成+错过+逾期未回访", "报修最多"):
        assert value in text, value
    sign = text[text.rindex("编制："):]
    assert sign.count("日期：____年__月__日") == 3 and "审核：" in sign and "批准：" in sign
    assert "截至" not in text  # 2026Q3 ended before the report day


def test_an_unfinished_quarter_is_marked_as_of_its_day(demo_db, tmp_path):
    f = qf.compute("2026Q4", today=dt.date(2026, 11, 29))
    assert f.unfinished
    text = squash(pdf_text(build_quarterly_report("2026Q4", tmp_path / "q.pdf", today=dt.date(2026, 11, 29))))
    assert "（本季度尚未结束，数字截至2026年11月29日）" in text
    assert "以下数字截至2026年11月29日" in text


def test_findings_without_a_ticket_say_what_happens_to_them(office):
    from warranty_desk.models import VisitFinding

    VisitFinding.create(visit=office["visit"], area="门窗", description="个别窗户密封条老化")
    f = qf.compute("2026Q3", today=TODAY)
    actions = {x.description: x.action for x in f.findings}
    assert "BX-2026-0001" in actions[next(d for d in actions if "地漏返味" in d)]
    assert actions["[门窗] 个别窗户密封条老化"] == "未立维修工单：记录在案，下次回访复查"
