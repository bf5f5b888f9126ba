"""The quality deposit, every step, from the command line (RULES.md §5; 《建设工程质量保证金管理办法》):
`deposit add | apply | check | remind | return | deduct` beside `deposit show` (cli/tickets.py).
Each prints the deposit as `deposit show --json` does after the step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import NotFound, ValidationError
from ..i18n import _
from ..rules import categories as cat
from ..rules.deposit import status_name
from .common import date_arg, emit, open_db, verbs_of


def deposit_lines(d: Mapping[str, Any]):
    """A deposit as `deposit show` prints it (also after each step)."""
    yield _("{code} {name}  质量保证金 {amount}（结算价 {settled}，上限 {max}）  状态：{status}").format(
        code=d["project_code"], name=d["project_name"], amount=d["amount"], settled=d["settled_price"],
        max=d["max_amount"], status=status_name(d["status"]))
    yield _("缺陷责任期：{period}，{start} 起，至 {end}；{apply_from} 起可申请返还").format(
        period=cat.period_text(cat.MONTHS, int(d["defect_months"])), start=d["start_on"], end=d["period_end"],
        apply_from=d["apply_from"])
    for label, key in ((_("申请返还"), "applied_on"), (_("核实期限"), "check_due"), (_("已核实"), "checked_on"),
                       (_("可催告"), "reminder_from"), (_("已催告"), "reminder_on"), (_("视同认可"), "deemed_agreed_on"),
                       (_("返还期限"), "return_due"), (_("已返还"), "returned_on")):
        if d[key]:
            yield "  " + _("{label}：{value}").format(label=label, value=d[key])
    for row in d["deductions"]:
        yield "  " + _("扣除 {amount}  {on}  {ticket}  {reason}").format(**{k: row[k] for k in ("amount", "on", "ticket",
                                                                                               "reason")})
    balance = _("已扣除 {deducted}，余额 {balance}").format(deducted=d["deducted"], balance=d["balance"])
    if d["returned_amount"]:
        balance = _("已扣除 {deducted}，余额 {balance}，已返还 {returned}").format(
            deducted=d["deducted"], balance=d["balance"], returned=d["returned_amount"])
    yield balance


def _show(args, code: str, done: str) -> int:
    from ..services import deposits

    d = deposits.show(code)
    return emit(args, d, lambda: [done, *deposit_lines(d)])


def cmd_deposit_add(args) -> int:
    from ..services import deposits

    open_db(args)
    try:
        existing = deposits.deposit_of(args.code)
    except NotFound:
        existing = None
    if existing is not None and not args.update:
        raise ValidationError(_("工程“{code}”已登记质量保证金（{amount}）；要修改请加 --update").format(
            code=args.code, amount=existing.amount))
    if existing is None and args.update:
        raise ValidationError(_("工程“{code}”还没有登记质量保证金，请去掉 --update 新登记").format(code=args.code))
    data: dict = {"owner_delayed": args.owner_delayed, "report_submitted_on": args.report_submitted}
    if existing is not None:  # a correction keeps what is not given again
        data.update(amount=existing.amount, settled_price=existing.settled_price, start_on=existing.start_on,
                    bank_guarantee=existing.bank_guarantee)
    for key, value in (("amount", args.amount), ("settled_price", args.settled), ("defect_months", args.months),
                       ("start_on", args.start), ("notes", args.notes)):
        if value is not None:
            data[key] = value
    if args.bank_guarantee:
        data["bank_guarantee"] = True
    if "amount" not in data:
        raise ValidationError(_("请用 --amount 填写保证金金额"))
    deposits.set_deposit(args.code, data, expected_version=existing.version if existing else None)
    return _show(args, args.code, _("已修改质量保证金") if existing else _("已登记质量保证金"))


def cmd_deposit_step(args) -> int:
    from ..services import deposits

    open_db(args)
    step = {"apply": (deposits.apply_for_return, _("已登记返还申请")),
            "check": (deposits.record_check, _("已登记发包人核实")),
            "remind": (deposits.record_reminder, _("已登记催告"))}
    if args.verb in step:
        fn, done = step[args.verb]
        fn(args.code, on=args.on)
    elif args.verb == "return":
        deposits.record_return(args.code, on=args.on, amount=args.amount)
        done = _("已登记返还")
    else:
        deposits.add_deduction(args.code, args.ticket, args.amount, on=args.on, reason=args.reason or "")
        done = _("已从保证金中扣除 {amount}（工单 {ticket}）").format(amount=args.amount, ticket=args.ticket)
    return _show(args, args.code, done)


def register(sub) -> None:
    verbs = verbs_of(sub, "deposit")
    add = verbs.add_parser("add", help=_("登记质量保证金（缺陷责任期不填为12个月，最长24个月）"))
    add.add_argument("code", help=_("工程编号"))
    add.add_argument("--amount", help=_("保证金金额（元），不超过结算价款的3%%"))
    add.add_argument("--settled", help=_("结算价款（元），默认工程的结算价或合同价"))
    add.add_argument("--months", help=_("缺陷责任期（月），默认12，最长24"))
    add.add_argument("--start", type=date_arg, help=_("缺陷责任期开始日期，默认竣工验收日期"))
    add.add_argument("--owner-delayed", action="store_true",
                     help=_("因发包人原因未按期验收：自竣工验收报告提交之日起满90日开始（须 --report-submitted）"))
    add.add_argument("--report-submitted", type=date_arg, help=_("竣工验收报告提交日期"))
    add.add_argument("--bank-guarantee", action="store_true", help=_("以银行保函代替保证金"))
    add.add_argument("--notes", help=_("备注"))
    add.add_argument("--update", action="store_true", help=_("修改已登记的保证金（未给出的项保持不变）"))
    add.add_argument("--json", action="store_true")
    add.set_defaults(func=cmd_deposit_add)
    for verb, text in (("apply", _("登记返还申请（缺陷责任期满后）")), ("check", _("登记发包人核实（申请后14日内）")),
                       ("remind", _("登记催告（发包人逾期未核实）"))):
        p = verbs.add_parser(verb, help=text)
        p.add_argument("code", help=_("工程编号"))
        p.add_argument("--on", type=date_arg, help=_("日期（默认今天）"))
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=cmd_deposit_step)
    ret = verbs.add_parser("return", help=_("登记返还（金额默认保证金减已扣除）"))
    ret.add_argument("code", help=_("工程编号"))
    ret.add_argument("--on", type=date_arg, help=_("返还日期（默认今天）"))
    ret.add_argument("--amount", help=_("返还金额（元）"))
    ret.add_argument("--json", action="store_true")
    ret.set_defaults(func=cmd_deposit_step)
    deduct = verbs.add_parser("deduct", help=_("从保证金中扣除业主另行委托维修的费用（只限我方施工质量问题）"))
    deduct.add_argument("code", help=_("工程编号"))
    deduct.add_argument("ticket", help=_("工单号，如 BX-2026-0042"))
    deduct.add_argument("amount", help=_("扣除金额（元）"))
    deduct.add_argument("--on", type=date_arg, help=_("扣除日期（默认今天）"))
    deduct.add_argument("--reason", help=_("原因"))
    deduct.add_argument("--json", action="store_true")
    deduct.set_defaults(func=cmd_deposit_step)
