"""The ticket, ledger export and deposit verbs of the `warranty-desk` command (registered by cli.py)."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from .errors import ValidationError
from .rules import ticket_states as st


def _open(args):
    from .cli import _open as open_db

    return open_db(args)


def _dt(text: str) -> dt.datetime | None:
    from .services.tickets import _moment

    try:
        return _moment(text, "时间")
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def cmd_ticket_add(args) -> int:
    from .services import tickets

    _open(args)
    intake = tickets.create_ticket({
        "project": args.project, "unit": args.unit, "reporter": args.reporter, "phone": args.phone,
        "channel": args.channel, "location": args.location, "category": args.category,
        "description": args.description, "urgency": args.urgency, "reported_at": args.at,
        "urgency_reason": args.urgency_reason, "structural_safety": args.structural_safety,
        "safety_reason": args.safety_reason,
    })
    t = intake.ticket
    print(f"已受理工单 {t.number}：{'保修期内' if t.in_warranty else '保修期外'}（{intake.decision.reason}）")
    print(f"紧急程度：{t.urgency}" + (f"（{intake.urgency_note}）" if intake.urgency_note else ""))
    if args.structural_safety:
        print("涉及结构安全：须立即报告当地建设行政主管部门并采取安全措施（ticket safety show / print safety-report）")
    print(f"响应时限 {t.respond_due:%Y-%m-%d %H:%M}，到场时限 {t.onsite_due:%Y-%m-%d %H:%M}，"
          f"完成时限 {t.complete_due:%Y-%m-%d %H:%M}")
    if intake.warning:
        print(intake.warning)
    return 0


def cmd_ticket_show(args) -> int:
    from .services import tickets

    _open(args)
    data = tickets.ticket_detail(args.number)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"{data['number']}  {data['state']}  {data['urgency']}  {data['sla_text']}")
    print(f"工程：{data['project_code']} {data['project_name']}  房号：{data['unit'] or '—'}  部位：{data['location'] or '—'}")
    print(f"报修人：{data['reporter']} {data['phone']}  方式：{data['channel']}  报修时间：{data['reported_at']}")
    print(f"类别：{data['category_name']}  内容：{data['description']}")
    print(f"保修判定：{'保修期内' if data['in_warranty'] else '保修期外'}（{data['warranty_reason']}）"
          + (f" 已人工更改：{data['warranty_override_reason']}" if data['warranty_override_reason'] else ""))
    if data["repeat_of"]:
        print(f"重复报修，关联工单：{data['repeat_of']}")
    print(f"维修：{data['assignee'] or '—'} {data['subcontractor']}  责任类别：{data['cause_class'] or '未定'}  "
          f"承担方：{data['payer'] or '未定'}  费用合计：{data['cost_total']}")
    for e in data["events"]:
        print(f"  {e['at']}  {e['from'] or '—'} → {e['to']}  {e['by']}  {e['reason']}")
    if data["next_states"]:
        print("可改为：" + " / ".join(data["next_states"]))
    return 0


def cmd_ticket_move(args) -> int:
    from .services import tickets

    _open(args)
    ticket = tickets.transition(args.number, args.state, args.reason or "", by=args.by, at=args.at)
    print(f"工单 {ticket.number} 已改为“{ticket.state}”")
    return 0


def cmd_ticket_list(args) -> int:
    from .services import tickets

    _open(args)
    rows = tickets.list_tickets(project=args.project, state=args.state, overdue=args.overdue)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=lambda v: v.isoformat(sep=" ")))
        return 0
    for r in rows:
        print(f"{r['number']}  {r['reported_at']:%Y-%m-%d %H:%M}  {r['project_code']}  {r['unit'] or '—'}  "
              f"{r['category_name']}  {r['urgency']}  {r['state']}  {r['sla_text']}")
    print(f"共{len(rows)}张工单")
    return 0


def cmd_export_ledger(args) -> int:
    from .services.ledger import export_ledger

    _open(args)
    count = export_ledger(args.output, project=args.project, state=args.state, date_from=args.date_from,
                          date_to=args.date_to)
    print(f"已导出保修台账：{count}张工单 → {args.output}")
    return 0


def cmd_deposit_show(args) -> int:
    from .services import deposits

    _open(args)
    d = deposits.show(args.code)
    if args.json:
        print(json.dumps(d, ensure_ascii=False, indent=2))
        return 0
    print(f"{d['project_code']} {d['project_name']}  质量保证金 {d['amount']}（结算价 {d['settled_price']}，"
          f"上限 {d['max_amount']}）  状态：{d['status']}")
    print(f"缺陷责任期：{d['defect_months']}个月，{d['start_on']} 起，至 {d['period_end']}；{d['apply_from']} 起可申请返还")
    for label, value in (("申请返还", d["applied_on"]), ("核实期限", d["check_due"]), ("已核实", d["checked_on"]),
                         ("可催告", d["reminder_from"]), ("已催告", d["reminder_on"]),
                         ("视同认可", d["deemed_agreed_on"]), ("返还期限", d["return_due"]),
                         ("已返还", d["returned_on"])):
        if value:
            print(f"  {label}：{value}")
    for row in d["deductions"]:
        print(f"  扣除 {row['amount']}  {row['on']}  {row['ticket']}  {row['reason']}")
    print(f"已扣除 {d['deducted']}，余额 {d['balance']}" + (f"，已返还 {d['returned_amount']}" if d['returned_amount'] else ""))
    return 0


def register(sub) -> None:
    from .rules.categories import CATEGORIES
    from .services.tickets import CHANNELS

    ticket = sub.add_parser("ticket", help="维修工单")
    tsub = ticket.add_subparsers(dest="verb", required=True)
    add = tsub.add_parser("add", help="登记报修")
    add.add_argument("--project", required=True, help="工程编号")
    add.add_argument("--unit", help="房号：楼栋-单元-房号，例如 1号楼-1单元-101")
    add.add_argument("--reporter", help="报修人（有房号时默认业主）")
    add.add_argument("--phone", help="联系电话")
    add.add_argument("--channel", default="电话", help=" / ".join(CHANNELS))
    add.add_argument("--location", help="报修部位")
    add.add_argument("--category", required=True, help="保修项目：" + " / ".join(CATEGORIES))
    add.add_argument("--description", required=True, help="报修内容")
    add.add_argument("--urgency", help="紧急 / 一般（不填：按类别、内容和日期建议，见 ticket suggest）")
    add.add_argument("--urgency-reason", help="不按建议的紧急程度登记时的原因（记入处理记录）")
    add.add_argument("--structural-safety", action="store_true", help="涉及结构安全：按紧急处理并须立即报告")
    add.add_argument("--safety-reason", help="结构安全隐患的情况")
    add.add_argument("--at", type=_dt, help="报修时间，例如 2026-11-29 14:30（默认现在）")
    add.set_defaults(func=cmd_ticket_add)

    show = tsub.add_parser("show", help="显示工单")
    show.add_argument("number")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_ticket_show)

    move = tsub.add_parser("move", help="改变工单状态")
    move.add_argument("number")
    move.add_argument("state", help=" / ".join(st.STATES))
    move.add_argument("--reason", default="")
    move.add_argument("--by", help="经办人")
    move.add_argument("--at", type=_dt, help="时间（默认现在）")
    move.set_defaults(func=cmd_ticket_move)

    lst = tsub.add_parser("list", help="列出工单")
    lst.add_argument("--project")
    lst.add_argument("--state")
    lst.add_argument("--overdue", action="store_true", help="只列超时的工单")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=cmd_ticket_list)

    export = sub.add_parser("export", help="导出")
    esub = export.add_subparsers(dest="what", required=True)
    ledger = esub.add_parser("ledger", help="导出保修台账（.xlsx）")
    ledger.add_argument("-o", "--output", required=True)
    ledger.add_argument("--project")
    ledger.add_argument("--state")
    ledger.add_argument("--from", dest="date_from")
    ledger.add_argument("--to", dest="date_to")
    ledger.set_defaults(func=cmd_export_ledger)

    deposit = sub.add_parser("deposit", help="质量保证金")
    dsub = deposit.add_subparsers(dest="verb", required=True)
    dshow = dsub.add_parser("show", help="显示工程的质量保证金")
    dshow.add_argument("code")
    dshow.add_argument("--json", action="store_true")
    dshow.set_defaults(func=cmd_deposit_show)
