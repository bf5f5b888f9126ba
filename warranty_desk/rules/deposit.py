"""Dates and limits of the 质量保证金 and the 缺陷责任期
(《建设工程质量保证金管理办法》建质〔2017〕138号, RULES.md §5). Pure: dates in, dates out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from warranty_desk.i18n import N_, _

from .periods import CIVIL_CODE, period_end

MAX_RATE = Decimal("0.03")  # 第七条: at most 3% of the settled price
DEFAULT_MONTHS = 12  # 第二条: 缺陷责任期 一般为1年 …
MAX_MONTHS = 24  # … 最长不超过2年
DELAYED_START_DAYS = 90  # 第八条: owner delayed acceptance → 90 days after the report was submitted
CHECK_DAYS = 14  # 第十条: the owner checks within 14 days of the application
RETURN_DAYS = 14  # … and returns within 14 days after the check
REMINDER_DAYS = 14  # 第十一条: 14 more days of silence after a reminder counts as agreement


def rate_text() -> str:
    """The limit as the clerk reads it: 3%."""
    return f"{(MAX_RATE * 100).normalize():f}%"


def settled_price(settled_amount: Decimal | None, contract_amount: Decimal | None) -> Decimal | None:
    """The price the deposit is measured against: the settled price, else the contract amount."""
    return settled_amount or contract_amount


def max_amount(settled_price: Decimal) -> Decimal:
    """The largest deposit allowed: 3% of the settled price, rounded down to the fen."""
    return (Decimal(settled_price) * MAX_RATE).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def start_date(accepted_on: dt.date | None, report_submitted_on: dt.date | None = None,
               owner_delayed: bool = False) -> dt.date:
    """The 缺陷责任期 starts at 竣工验收; when the owner delayed acceptance, 90 days after the
    竣工验收报告 was submitted."""
    if owner_delayed:
        if report_submitted_on is None:
            raise ValueError(_("发包人原因延迟验收时，须填写竣工验收报告的提交日期"))
        return report_submitted_on + dt.timedelta(days=DELAYED_START_DAYS)
    if accepted_on is None:
        raise ValueError(_("须填写竣工验收日期（或发包人延迟验收时的报告提交日期）"))
    return accepted_on


@dataclass(frozen=True)
class DepositSchedule:
    period_end: dt.date  # last day of the 缺陷责任期
    apply_from: dt.date  # the return can be applied for from this day
    check_due: dt.date | None  # the owner must check by this day (after an application)
    reminder_from: dt.date | None  # a 催告 can be sent from this day when the owner stayed silent
    deemed_agreed_on: dt.date | None  # silence until this day counts as agreement (after a 催告)
    return_due: dt.date | None  # the money must be back by this day


def schedule(start_on: dt.date, months: int, applied_on: dt.date | None = None,
             checked_on: dt.date | None = None, reminder_on: dt.date | None = None,
             convention: str = CIVIL_CODE) -> DepositSchedule:
    end = period_end(start_on, months, convention)
    check_due = reminder_from = deemed = return_due = None
    if applied_on is not None:
        check_due = applied_on + dt.timedelta(days=CHECK_DAYS)
        reminder_from = check_due + dt.timedelta(days=1)
        if checked_on is not None:
            return_due = checked_on + dt.timedelta(days=RETURN_DAYS)
        elif reminder_on is not None:
            deemed = reminder_on + dt.timedelta(days=REMINDER_DAYS)
            return_due = deemed + dt.timedelta(days=RETURN_DAYS)
    return DepositSchedule(end, end + dt.timedelta(days=1), check_due, reminder_from, deemed, return_due)


IN_PERIOD = N_("缺陷责任期内")
CAN_APPLY = N_("可申请返还")
WAITING_CHECK = N_("待发包人核实")
NEEDS_REMINDER = N_("发包人未答复，应催告")
REMINDED = N_("已催告，等待答复")
WAITING_RETURN = N_("待返还")
OVERDUE = N_("逾期未返还")
RETURNED = N_("已返还")
STATUSES = (IN_PERIOD, CAN_APPLY, WAITING_CHECK, NEEDS_REMINDER, REMINDED, WAITING_RETURN, OVERDUE, RETURNED)


def status_name(status: str | None) -> str:
    """A deposit's status in the active language."""
    return _(status) if status in STATUSES else (status or "")


def status(plan: DepositSchedule, today: dt.date, applied_on: dt.date | None,
           checked_on: dt.date | None, reminder_on: dt.date | None, returned_on: dt.date | None) -> str:
    if returned_on is not None:
        return RETURNED
    if applied_on is None:
        return CAN_APPLY if today >= plan.apply_from else IN_PERIOD
    assert plan.check_due is not None  # an application sets it
    if checked_on is None and reminder_on is None:
        return NEEDS_REMINDER if today > plan.check_due else WAITING_CHECK
    assert plan.return_due is not None  # a check or a reminder sets it
    if checked_on is None and plan.deemed_agreed_on and today <= plan.deemed_agreed_on:
        return REMINDED
    return OVERDUE if today > plan.return_due else WAITING_RETURN
