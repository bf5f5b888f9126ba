"""The quality deposit, every step, from the command line (RULES.md §5; 《建设工程质量保证金管理办法》):
`deposit add | apply | check | remind | return | deduct` beside `deposit show` (cli_tickets.py).
Each prints the deposit as `deposit show --json` does after the step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .cli_rules import date_arg, emit, open_db, verbs_of
from .errors import NotFound, ValidationError


def _lines(d: Mapping[str, Any]):
    yield (f"{d['project_code']} {d['project_name']}  质量保证金 {d['amount']}（结算价 {d['settled_price']}，"
           f"上限 {d['max_amount']}）  状态：{d['status']}")
    yield f"缺陷责任期：{d['defect_months']}个月，{d['start_on']} 起，至 {d['period_end']}；{d['apply_from']} 起可申请返还"
    for label, key in (("申请返还", "applied_on"), ("核实期限", "check_due"), ("已核实", "checked_on"),
                       ("可催告", "reminder_from"), ("已催告", "reminder_on"), ("视同认可", "deemed_agreed_on"),
                       ("返还期限", "return_due"), ("已返还", "returned_on")):
        if d[key]:
            yield f"  {label}：{d[key]}"
    for row in d["deductions"]:
        yield f"  扣除 {row['amount']}  {row['on']}  {row['ticket']}  {row['reason']}"
    yield f"已扣除 {d['deducted']}，余额 {d['balance']}" + (f"，已返还 {d['returned_amount']}" if d["returned_amount"] else "")


def _show(args, code: str, done: str) -> int:
    from .services import deposits

    d = deposits.show(code)
    return emit(args, d, lambda: [done, *_lines(d)])


def cmd_deposit_add(args) -> int:
    from .services import deposits

    open_db(args)
    try:
        existing = deposits.deposit_of(args.code)
    except NotFound:
        existing = None
    if existing is not None and not args.update:
        raise ValidationError(f"工程“{args.code}”已登记质量保证金（{existing.amount}）；要修改请加 --update")
    if existing is None and args.update:
        raise ValidationError(f"工程“{args.code}”还没有登记质量保证金，请去掉 --update 新登记")
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
        raise ValidationError("请用 --amount 填写保证金金额")
    deposits.set_deposit(args.code, data, expected_version=existing.version if existing else None)
    return _show(args, args.code, "已修改质量保证金" if existing else "已登记质量保证金")


def cmd_deposit_step(args) -> int:
    from .services import deposits

    open_db(args)
    step = {"apply": (deposits.apply_for_return, "已登记返还申请"),
            "check": (deposits.record_check, "已登记发包人核实"),
            "remind": (deposits.record_reminder, "已登记催告")}
    if args.verb in step:
        fn, done = step[args.verb]
        fn(args.code, on=args.on)
    elif args.verb == "return":
        deposits.record_return(args.code, on=args.on, amount=args.amount)
        done = "已登记返还"
    else:
        deposits.add_deduction(args.code, args.ticket, args.amount, on=args.on, reason=args.reason or "")
        done = f"已从保证金中扣除 {args.amount}（工单 {args.ticket}）"
    return _show(args, args.code, done)


def register(sub) -> None:
    verbs = verbs_of(sub, "deposit")
    add = verbs.add_parser("add", help="登记质量保证金（缺陷责任期不填为12个月，最长24个月）")
    add.add_argument("code", help="工程编号")
    add.add_argument("--amount", help="保证金金额（元），不超过结算价款的3%%")
    add.add_argument("--settled", help="结算价款（元），默认工程的结算价或合同价")
    add.add_argument("--months", help="缺陷责任期（月），默认12，最长24")
    add.add_argument("--start", type=date_arg, help="缺陷责任期开始日期，默认竣工验收日期")
    add.add_argument("--owner-delayed", action="store_true",
                     help="因发包人原因未按期验收：自竣工验收报告提交之日起满90日开始（须 --report-submitted）")
    add.add_argument("--report-submitted", type=date_arg, help="竣工验收报告提交日期")
    add.add_argument("--bank-guarantee", action="store_true", help="以银行保函代替保证金")
    add.add_argument("--notes", help="备注")
    add.add_argument("--update", action="store_true", help="修改已登记的保证金（未给出的项保持不变）")
    add.add_argument("--json", action="store_true")
    add.set_defaults(func=cmd_deposit_add)
    for verb, text in (("apply", "登记返还申请（缺陷责任期满后）"), ("check", "登记发包人核实（申请后14日内）"),
                       ("remind", "登记催告（发包人逾期未核实）")):
        p = verbs.add_parser(verb, help=text)
        p.add_argument("code", help="工程编号")
        p.add_argument("--on", type=date_arg, help="日期（默认今天）")
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=cmd_deposit_step)
    ret = verbs.add_parser("return", help="登记返还（金额默认保证金减已扣除）")
    ret.add_argument("code", help="工程编号")
    ret.add_argument("--on", type=date_arg, help="返还日期（默认今天）")
    ret.add_argument("--amount", help="返还金额（元）")
    ret.add_argument("--json", action="store_true")
    ret.set_defaults(func=cmd_deposit_step)
    deduct = verbs.add_parser("deduct", help="从保证金中扣除业主另行委托维修的费用（只限我方施工质量问题）")
    deduct.add_argument("code", help="工程编号")
    deduct.add_argument("ticket", help="工单号，如 BX-2026-0042")
    deduct.add_argument("amount", help="扣除金额（元）")
    deduct.add_argument("--on", type=date_arg, help="扣除日期（默认今天）")
    deduct.add_argument("--reason", help="原因")
    deduct.add_argument("--json", action="store_true")
    deduct.set_defaults(func=cmd_deposit_step)
