"""The ticket, ledger export and deposit verbs of the `warranty-desk` command (registered by build_parser in cli/__init__.py)."""

from __future__ import annotations

import json

from ..i18n import _
from ..rules import responsibility as resp
from ..rules import sla as sla_rules
from ..rules import ticket_states as st
from ..rules.categories import category_name
from .common import moment_arg
from .language import json_compatible, names, stored_value


def _open(args):
    from .common import _open as open_db

    return open_db(args)


def cmd_ticket_add(args) -> int:
    from ..services import tickets

    _open(args)
    intake = tickets.create_ticket({
        "project": args.project, "unit": args.unit, "reporter": args.reporter, "phone": args.phone,
        "channel": stored_value(args.channel, tickets.CHANNELS, tickets.channel_name) or tickets.CHANNELS[0],
        "location": args.location, "category": args.category, "description": args.description,
        "urgency": stored_value(args.urgency, sla_rules.URGENCIES, sla_rules.urgency_name), "reported_at": args.at,
        "urgency_reason": args.urgency_reason, "structural_safety": args.structural_safety,
        "safety_reason": args.safety_reason,
    })
    t = intake.ticket
    print(_("已受理工单 {number}：{verdict}（{reason}）").format(
        number=t.number, verdict=_in_warranty(t.in_warranty), reason=resp.decision_text(intake.decision.reason)))
    urgency = sla_rules.urgency_name(t.urgency)
    print(_("紧急程度：{urgency}（{note}）").format(urgency=urgency, note=intake.urgency_note) if intake.urgency_note
          else _("紧急程度：{urgency}").format(urgency=urgency))
    if args.structural_safety:
        print(_("涉及结构安全：须立即报告当地建设行政主管部门并采取安全措施（ticket safety show / print safety-report）"))
    print(_("响应时限 {respond}，到场时限 {onsite}，完成时限 {complete}").format(
        respond=f"{t.respond_due:%Y-%m-%d %H:%M}", onsite=f"{t.onsite_due:%Y-%m-%d %H:%M}",
        complete=f"{t.complete_due:%Y-%m-%d %H:%M}"))
    if intake.warning:
        print(intake.warning)
    return 0


def _in_warranty(yes: bool) -> str:
    return _("保修期内") if yes else _("保修期外")


def cmd_ticket_show(args) -> int:
    from ..services import tickets

    _open(args)
    data = tickets.ticket_detail(args.number)
    if args.json:
        print(json.dumps(json_compatible(data), ensure_ascii=False, indent=2))
        return 0
    from ..services.tickets import channel_name, event_reason_text

    print(f"{data['number']}  {st.state_name(data['state'])}  {sla_rules.urgency_name(data['urgency'])}  {data['sla_text']}")
    print(_("工程：{code} {name}  房号：{unit}  部位：{location}").format(
        code=data["project_code"], name=data["project_name"], unit=data["unit"] or "—", location=data["location"] or "—"))
    print(_("报修人：{reporter} {phone}  方式：{channel}  报修时间：{at}").format(
        reporter=data["reporter"], phone=data["phone"], channel=channel_name(data["channel"]), at=data["reported_at"]))
    print(_("类别：{category}  内容：{description}").format(category=category_name(data["category"]),
                                                      description=data["description"]))
    decision = _("保修判定：{verdict}（{reason}）").format(verdict=_in_warranty(data["in_warranty"]),
                                                     reason=resp.decision_text(data["warranty_reason"]))
    if data["warranty_override_reason"]:
        decision += " " + _("已人工更改：{reason}").format(reason=data["warranty_override_reason"])
    print(decision)
    if data["repeat_of"]:
        print(_("重复报修，关联工单：{number}").format(number=data["repeat_of"]))
    print(_("维修：{assignee} {subcontractor}  责任类别：{cause}  承担方：{payer}  费用合计：{total}").format(
        assignee=data["assignee"] or "—", subcontractor=data["subcontractor"],
        cause=resp.cause_name(data["cause_class"]) or _("未定"), payer=resp.payer_name(data["payer"]) or _("未定"),
        total=data["cost_total"]))
    for e in data["events"]:
        print(f"  {e['at']}  {st.state_name(e['from']) or '—'} → {st.state_name(e['to'])}  {e['by']}  "
              f"{event_reason_text(e['reason'])}")
    if data["next_states"]:
        print(_("可改为：{states}").format(states=names(data["next_states"], st.state_name)))
    return 0


def cmd_ticket_move(args) -> int:
    from ..services import tickets

    _open(args)
    state = stored_value(args.state, st.STATES, st.state_name)
    ticket = tickets.transition(args.number, state, args.reason or "", by=args.by, at=args.at)
    print(_("工单 {number} 已改为“{state}”").format(number=ticket.number, state=st.state_name(ticket.state)))
    return 0


def cmd_ticket_list(args) -> int:
    from ..services import tickets

    _open(args)
    rows = tickets.list_tickets(project=args.project, state=stored_value(args.state, st.STATES, st.state_name),
                                overdue=args.overdue)
    if args.json:
        print(json.dumps(json_compatible(rows), ensure_ascii=False, indent=2, default=lambda v: v.isoformat(sep=" ")))
        return 0
    for r in rows:
        print(f"{r['number']}  {r['reported_at']:%Y-%m-%d %H:%M}  {r['project_code']}  {r['unit'] or '—'}  "
              f"{category_name(r['category'])}  {sla_rules.urgency_name(r['urgency'])}  {st.state_name(r['state'])}  "
              f"{r['sla_text']}")
    print(_("共{n}张工单").format(n=len(rows)))
    return 0


def cmd_export_ledger(args) -> int:
    from ..services.ledger import export_ledger

    _open(args)
    count = export_ledger(args.output, project=args.project, state=stored_value(args.state, st.STATES, st.state_name),
                          date_from=args.date_from, date_to=args.date_to)
    print(_("已导出保修台账：{n}张工单 → {path}").format(n=count, path=args.output))
    return 0


def cmd_deposit_show(args) -> int:
    from ..services import deposits

    _open(args)
    d = deposits.show(args.code)
    if args.json:
        print(json.dumps(json_compatible(d), ensure_ascii=False, indent=2))
        return 0
    from .deposits import deposit_lines

    for line in deposit_lines(d):
        print(line)
    return 0


def register(sub) -> None:
    from ..rules.categories import CATEGORIES
    from ..services.tickets import CHANNELS, channel_name

    ticket = sub.add_parser("ticket", help=_("维修工单"))
    tsub = ticket.add_subparsers(dest="verb", required=True)
    add = tsub.add_parser("add", help=_("登记报修"))
    add.add_argument("--project", required=True, help=_("工程编号"))
    add.add_argument("--unit", help=_("房号：楼栋-单元-房号，例如 1号楼-1单元-101"))
    add.add_argument("--reporter", help=_("报修人（有房号时默认业主）"))
    add.add_argument("--phone", help=_("联系电话"))
    add.add_argument("--channel", help=_("报修方式：{names}（默认{default}）").format(
        names=names(CHANNELS, channel_name), default=channel_name(CHANNELS[0])))
    add.add_argument("--location", help=_("报修部位"))
    add.add_argument("--category", required=True, help=_("保修项目：{keys}").format(keys=" / ".join(CATEGORIES)))
    add.add_argument("--description", required=True, help=_("报修内容"))
    add.add_argument("--urgency", help=_("{names}（不填：按类别、内容和日期建议，见 ticket suggest）").format(
        names=names(sla_rules.URGENCIES, sla_rules.urgency_name)))
    add.add_argument("--urgency-reason", help=_("不按建议的紧急程度登记时的原因（记入处理记录）"))
    add.add_argument("--structural-safety", action="store_true", help=_("涉及结构安全：按紧急处理并须立即报告"))
    add.add_argument("--safety-reason", help=_("结构安全隐患的情况"))
    add.add_argument("--at", type=moment_arg, help=_("报修时间，例如 2026-11-29 14:30（默认现在）"))
    add.set_defaults(func=cmd_ticket_add)

    show = tsub.add_parser("show", help=_("显示工单"))
    show.add_argument("number", help=_("工单号，如 BX-2026-0042"))
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_ticket_show)

    move = tsub.add_parser("move", help=_("改变工单状态"))
    move.add_argument("number", help=_("工单号，如 BX-2026-0042"))
    move.add_argument("state", help=names(st.STATES, st.state_name))
    move.add_argument("--reason", default="", help=_("原因"))
    move.add_argument("--by", help=_("经办人"))
    move.add_argument("--at", type=moment_arg, help=_("时间（默认现在）"))
    move.set_defaults(func=cmd_ticket_move)

    lst = tsub.add_parser("list", help=_("列出工单"))
    lst.add_argument("--project", help=_("工程编号"))
    lst.add_argument("--state", help=names(st.STATES, st.state_name))
    lst.add_argument("--overdue", action="store_true", help=_("只列超时的工单"))
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=cmd_ticket_list)

    export = sub.add_parser("export", help=_("导出"))
    esub = export.add_subparsers(dest="what", required=True)
    ledger = esub.add_parser("ledger", help=_("导出保修台账（.xlsx）"))
    ledger.add_argument("-o", "--output", required=True, help=_("输出文件 FILE.xlsx"))
    ledger.add_argument("--project", help=_("工程编号"))
    ledger.add_argument("--state", help=names(st.STATES, st.state_name))
    ledger.add_argument("--from", dest="date_from", help=_("报修日期从，如 2026-01-01"))
    ledger.add_argument("--to", dest="date_to", help=_("报修日期到，如 2026-12-31"))
    ledger.set_defaults(func=cmd_export_ledger)

    deposit = sub.add_parser("deposit", help=_("质量保证金"))
    dsub = deposit.add_subparsers(dest="verb", required=True)
    dshow = dsub.add_parser("show", help=_("显示工程的质量保证金"))
    dshow.add_argument("code", help=_("工程编号"))
    dshow.add_argument("--json", action="store_true")
    dshow.set_defaults(func=cmd_deposit_show)
