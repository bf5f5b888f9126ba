"""质量保证金 (RULES.md §5): the 3% and 24-month limits, start dates, the 14+14 day deadlines,
the 催告 and deemed agreement, deductions only for our own defects repaired elsewhere."""

import datetime as dt
from decimal import Decimal

import pytest

from warranty_desk import cli
from warranty_desk.errors import ValidationError
from warranty_desk.models import AuditLog, Deposit, Staff, Unit
from warranty_desk.rules import deposit as rules
from warranty_desk.services import deposits, tickets
from warranty_desk.services.handover import handover

d = dt.date


def test_limit_is_three_percent_of_the_settled_price():
    assert rules.max_amount(Decimal("1000000")) == Decimal("30000.00")
    assert rules.max_amount(Decimal("333.33")) == Decimal("9.99")  # rounded down, never above 3%


def test_start_date_normal_and_owner_delayed():
    assert rules.start_date(d(2025, 3, 10)) == d(2025, 3, 10)
    assert rules.start_date(None, d(2025, 1, 15), owner_delayed=True) == d(2025, 4, 15)
    with pytest.raises(ValueError, match="报告的提交日期"):
        rules.start_date(d(2025, 3, 10), None, owner_delayed=True)


def test_schedule_application_check_reminder_deemed_and_return():
    plan = rules.schedule(d(2024, 2, 29), 12)
    assert plan.period_end == d(2025, 2, 28) and plan.apply_from == d(2025, 3, 1)
    applied = rules.schedule(d(2024, 6, 15), 24, applied_on=d(2026, 6, 20))
    assert applied.period_end == d(2026, 6, 15)
    assert applied.check_due == d(2026, 7, 4) and applied.reminder_from == d(2026, 7, 5)
    assert applied.return_due is None
    checked = rules.schedule(d(2024, 6, 15), 24, d(2026, 6, 20), checked_on=d(2026, 6, 30))
    assert checked.return_due == d(2026, 7, 14)
    reminded = rules.schedule(d(2024, 6, 15), 24, d(2026, 6, 20), reminder_on=d(2026, 7, 10))
    assert reminded.deemed_agreed_on == d(2026, 7, 24) and reminded.return_due == d(2026, 8, 7)


@pytest.mark.parametrize("today, applied, checked, reminder, returned, expected", [
    (d(2026, 6, 15), None, None, None, None, "缺陷责任期内"),
    (d(2026, 6, 16), None, None, None, None, "可申请返还"),
    (d(2026, 7, 4), d(2026, 6, 20), None, None, None, "待发包人核实"),
    (d(2026, 7, 5), d(2026, 6, 20), None, None, None, "发包人未答复，应催告"),
    (d(2026, 7, 20), d(2026, 6, 20), None, d(2026, 7, 10), None, "已催告，等待答复"),
    (d(2026, 8, 7), d(2026, 6, 20), None, d(2026, 7, 10), None, "待返还"),
    (d(2026, 8, 8), d(2026, 6, 20), None, d(2026, 7, 10), None, "逾期未返还"),
    (d(2026, 7, 15), d(2026, 6, 20), d(2026, 6, 30), None, None, "逾期未返还"),
    (d(2026, 7, 15), d(2026, 6, 20), d(2026, 6, 30), None, d(2026, 7, 14), "已返还"),
])
def test_status(today, applied, checked, reminder, returned, expected):
    plan = rules.schedule(d(2024, 6, 15), 24, applied, checked, reminder)
    assert rules.status(plan, today, applied, checked, reminder, returned) == expected


@pytest.fixture
def project(db, make_project):
    p = make_project(code="DP-1", accepted_on=d(2024, 6, 15), handed_over_on=d(2024, 7, 1),
                     contract_amount=Decimal("2000000"))
    handover(p.id)
    Unit.create(project=p, building="1号楼", entrance="1单元", room="101", owner_name="业主")
    Staff.create(name="张师傅")
    return p


def test_more_than_three_percent_or_24_months_is_refused(project):
    with pytest.raises(ValidationError, match=r"超过结算价款 ¥2,000,000.00 的3%（最多 ¥60,000.00"):
        deposits.set_deposit("DP-1", {"amount": "60000.01", "defect_months": 24})
    with pytest.raises(ValidationError, match="最长24个月"):
        deposits.set_deposit("DP-1", {"amount": 60000, "defect_months": 25})
    dep = deposits.set_deposit("DP-1", {"amount": 60000, "defect_months": 24})
    assert dep.start_on == d(2024, 6, 15) and Deposit.select().count() == 1
    info = deposits.show("DP-1", today=d(2026, 11, 29))
    assert info["period_end"] == "2026-06-15" and info["apply_from"] == "2026-06-16"
    assert info["status"] == "可申请返还" and info["balance"] == "60000.00"


def test_owner_delayed_acceptance_starts_90_days_after_the_report(project):
    dep = deposits.set_deposit("DP-1", {"amount": 50000, "defect_months": 12, "owner_delayed": True,
                                        "report_submitted_on": "2024-03-01"})
    assert dep.start_on == d(2024, 5, 30)
    assert "延迟验收" in AuditLog.select().where(AuditLog.table == "deposit").get().note


def _elsewhere_ticket(cause):
    t = tickets.create_ticket({"project": "DP-1", "unit": "1号楼-1单元-101", "category": "roof_waterproofing",
                               "description": "渗水", "reported_at": dt.datetime(2025, 5, 1, 9)}).ticket
    tickets.transition(t.id, "业主另行委托", "我方未按期到场", at=dt.datetime(2025, 5, 5, 9))
    tickets.set_cause(t.id, cause)
    tickets.transition(t.id, "已关闭", at=dt.datetime(2025, 5, 10, 9))
    return t


def test_deductions_only_for_our_defects_repaired_elsewhere(project):
    deposits.set_deposit("DP-1", {"amount": 60000, "defect_months": 24})
    ours = _elsewhere_ticket("施工质量")
    theirs = _elsewhere_ticket("使用不当")
    normal = tickets.create_ticket({"project": "DP-1", "category": "plumbing", "reporter": "物业",
                                    "description": "漏水", "reported_at": dt.datetime(2025, 6, 1, 9)}).ticket
    with pytest.raises(ValidationError, match="不是我方施工质量问题，不能从保证金中扣除"):
        deposits.add_deduction("DP-1", theirs.number, 800, "2025-05-20")
    with pytest.raises(ValidationError, match="只有“业主另行委托”"):
        deposits.add_deduction("DP-1", normal.number, 800, "2025-06-20")
    with pytest.raises(ValidationError, match="超过保证金余额"):
        deposits.add_deduction("DP-1", ours.number, 60001, "2025-05-20")
    deposits.add_deduction("DP-1", ours.number, "1,250.00", "2025-05-20")
    info = deposits.show("DP-1", today=d(2026, 11, 29))
    assert info["deducted"] == "1250.00" and info["balance"] == "58750.00"
    assert info["deductions"][0]["ticket"] == ours.number


def test_return_flow_and_dashboard_queries(project):
    deposits.set_deposit("DP-1", {"amount": 60000, "defect_months": 24})
    assert [r["project_code"] for r in deposits.to_apply(d(2026, 6, 16))] == ["DP-1"]
    assert deposits.to_apply(d(2026, 6, 15)) == []
    assert [r["project_code"] for r in deposits.to_apply(d(2026, 6, 1), within_days=30)] == ["DP-1"]
    with pytest.raises(ValidationError, match="2026-06-16 起才能申请返还"):
        deposits.apply_for_return("DP-1", "2026-06-15")
    deposits.apply_for_return("DP-1", "2026-06-20")
    with pytest.raises(ValidationError, match="2026-07-05 起才能催告"):
        deposits.record_reminder("DP-1", "2026-07-04")
    assert deposits.overdue_returns(d(2026, 7, 4)) == []
    assert [r["status"] for r in deposits.overdue_returns(d(2026, 7, 5))] == ["发包人未答复，应催告"]
    deposits.record_reminder("DP-1", "2026-07-10")
    info = deposits.show("DP-1", today=d(2026, 7, 20))
    assert info["deemed_agreed_on"] == "2026-07-24" and info["return_due"] == "2026-08-07"
    assert [r["project_code"] for r in deposits.overdue_returns(d(2026, 8, 8))] == ["DP-1"]
    with pytest.raises(ValidationError, match="超过应返还"):
        deposits.record_return("DP-1", "2026-08-10", "60000.01")
    dep = deposits.record_return("DP-1", "2026-08-10")
    assert dep.returned_amount == Decimal("60000.00")
    assert deposits.overdue_returns(d(2026, 9, 1)) == []
    with pytest.raises(ValidationError, match="已返还"):
        deposits.set_deposit("DP-1", {"amount": 1000, "defect_months": 12})
    actions = [a.action for a in AuditLog.select().where(AuditLog.table == "deposit").order_by(AuditLog.id)]
    assert actions == ["create", "applied", "reminder", "return"]


def test_cli_deposit_show(project, db_target, capsys):
    deposits.set_deposit("DP-1", {"amount": 60000, "defect_months": 24})
    assert cli.main(["--db", db_target, "deposit", "show", "DP-1"]) == 0
    out = capsys.readouterr().out
    assert "质量保证金 60000.00" in out and "2026-06-16 起可申请返还" in out
    assert cli.main(["--db", db_target, "deposit", "show", "NOPE"]) == 2
    assert "找不到工程" in capsys.readouterr().err


@pytest.mark.parametrize("given, expected_months, expected_end", [
    # 《建设工程质量保证金管理办法》第二条: 缺陷责任期一般为1年，最长不超过2年 (RULES.md §5)
    ({}, 12, "2025-06-15"),
    ({"defect_months": None}, 12, "2025-06-15"),
    ({"defect_months": ""}, 12, "2025-06-15"),
    ({"defect_months": 18}, 18, "2025-12-15"),
    ({"defect_months": 24}, 24, "2026-06-15"),
])
def test_a_deposit_entered_without_a_period_gets_twelve_months(project, given, expected_months, expected_end):
    dep = deposits.set_deposit("DP-1", {"amount": 30000, **given})
    assert dep.defect_months == expected_months
    assert deposits.show("DP-1")["period_end"] == expected_end
    assert Deposit.get_by_id(dep.id).defect_months == expected_months


def test_changing_a_deposit_without_a_period_keeps_its_period(project):
    """RULES.md §5: the default applies to a new deposit; a correction of the amount keeps the
    period agreed before."""
    deposits.set_deposit("DP-1", {"amount": 30000, "defect_months": 24})
    dep = deposits.set_deposit("DP-1", {"amount": 20000})
    assert (dep.amount, dep.defect_months) == (Decimal("20000"), 24)


def test_the_dashboards_first_deposits_to_apply_are_the_earliest(demo_db):
    """`limit` describes only the first deposits (the dashboard), the same ones in the same order as
    the whole list; the list itself is ordered by the day the return can be applied for."""
    for day in (d(2025, 3, 1), d(2026, 11, 29), d(2028, 1, 1)):
        whole = deposits.to_apply(day)
        assert [r["apply_from"] for r in whole] == sorted(r["apply_from"] for r in whole)
        for n in (1, 3):
            assert deposits.to_apply(day, limit=n) == whole[:n]
    assert deposits.to_apply(d(2028, 1, 1))  # the demo office has deposits to apply for by then
