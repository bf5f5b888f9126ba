"""Urgency and structural safety from the command line (RULES.md §4; 《房屋建筑工程质量保修办法》
第九、十条): `ticket suggest` (the urgency the rules suggest for a request), `ticket safety
show|mark|update|sent|unmark|list`, and `print safety-report BX-… -o FILE.pdf`
(工程质量安全隐患报告)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .cli_rules import emit, open_db, verbs_of
from .errors import ValidationError

if TYPE_CHECKING:  # the services load when a verb runs
    from .services.safety import SafetyInfo


def _dt(text: str):
    from .services.tickets import _moment

    try:
        return _moment(text, "时间")
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def cmd_ticket_suggest(args) -> int:
    from .services import tickets

    open_db(args)
    s = tickets.suggest_urgency(args.project, args.category, args.description, args.at, args.structural_safety)
    data = {"urgency": s.urgency, "reasons": s.reasons, "grounds": list(s.grounds), "words": list(s.words),
            "structural_safety": s.structural, "text": s.text}
    return emit(args, data, [s.text])


def _safety_lines(d: SafetyInfo | None, number: str):
    if d is None:
        yield f"工单 {number} 没有标记为结构安全隐患"
        return
    yield f"工单 {d['ticket']}：涉及结构安全（{d['marked_at']} 由 {d['marked_by'] or '—'} 标记）"
    yield f"职责：{d['duty']}"
    yield f"隐患情况：{d['reason'] or '—'}"
    yield f"安全措施：{d['measures'] or '—'}"
    if d["sent"]:
        yield f"已报送：{d['sent_at']}  {d['authority']}  {d['sent_how_name']}  {d['sent_ref']}"
    else:
        yield f"尚未报送（已等待 {d['waiting']}）：报告对象 {d['authority'] or '未填写'}"


def _show(args, number: str, done: str | None = None) -> int:
    from .services import safety

    d = safety.info(number)
    return emit(args, d, lambda: [*([done] if done else []), *_safety_lines(d, number)])


def cmd_safety(args) -> int:
    from .services import safety

    open_db(args)
    if args.action == "show":
        return _show(args, args.number)
    if args.action == "list":
        rows = safety.pending()
        return emit(args, rows, lambda: [*(f"  {r['number']}  {r['project_code']} {r['project_name']}  {r['where']}  "
                                           f"已等待{r['waiting']}  {r['reason']}" for r in rows),
                                         f"共{len(rows)}份结构安全隐患报告尚未报送"])
    if args.action == "mark":
        safety.mark(args.number, args.reason or "", measures=args.measures or "", by=args.by, at=args.at)
        return _show(args, args.number, "已标记为结构安全隐患：须立即报告当地建设行政主管部门并采取安全措施")
    if args.action == "update":
        safety.update(args.number, reason=args.reason, measures=args.measures, authority=args.authority)
        return _show(args, args.number, "已更新")
    if args.action == "sent":
        safety.record_sent(args.number, authority=args.authority, sent_at=args.at, how=args.how, ref=args.ref or "",
                           measures=args.measures, note=args.note or "", by=args.by)
        return _show(args, args.number, "已登记报送")
    safety.unmark(args.number, args.reason or "")
    return emit(args, {"ticket": args.number, "marked": False}, [f"已取消工单 {args.number} 的结构安全隐患标记"])


def cmd_print_safety_report(args) -> int:
    from .cli_print import _done, _pdf_path
    from .documents.safety_report import build_safety_report
    from .services.tickets import get_ticket

    open_db(args)
    path = _pdf_path(args.output)
    ticket = get_ticket(args.number)
    return _done(build_safety_report(ticket, path, lang=args.lang), f"工程质量安全隐患报告 {ticket.number}")


def register(sub) -> None:
    from .i18n import LOCALES
    from .rules.categories import CATEGORIES
    from .services.safety import SENT_HOW

    tickets = verbs_of(sub, "ticket")
    suggest = tickets.add_parser("suggest", help="按类别、报修内容和日期建议紧急程度（紧急 / 一般）及理由")
    suggest.add_argument("--project", required=True, help="工程编号")
    suggest.add_argument("--category", required=True, help="保修项目：" + " / ".join(CATEGORIES))
    suggest.add_argument("--description", required=True, help="报修内容")
    suggest.add_argument("--at", type=_dt, help="报修时间（默认现在）：采暖期内不供暖为紧急")
    suggest.add_argument("--structural-safety", action="store_true", help="已判断涉及结构安全")
    suggest.add_argument("--json", action="store_true")
    suggest.set_defaults(func=cmd_ticket_suggest)

    safety = tickets.add_parser("safety", help="结构安全隐患：须立即报告当地建设行政主管部门（办法第十条）")
    actions = safety.add_subparsers(dest="action", required=True)
    for action, text in (("show", "显示工单的结构安全隐患职责和报告情况"), ("mark", "标记为结构安全隐患（改为紧急）"),
                         ("update", "补充隐患情况、安全措施、报告对象"), ("sent", "登记报告已报送（从工作台移除）"),
                         ("unmark", "取消标记（须写明原因，报送前）")):
        p = actions.add_parser(action, help=text)
        p.add_argument("number", help="工单号，如 BX-2026-0042")
        if action in ("mark", "update", "unmark"):
            p.add_argument("--reason", help="隐患情况" if action != "unmark" else "取消标记的原因（必填）")
        if action in ("mark", "update", "sent"):
            p.add_argument("--measures", help="已采取的安全措施（警戒、疏散、临时支护）")
        if action in ("update", "sent"):
            p.add_argument("--authority", required=action == "sent", help="报告对象（当地建设行政主管部门）")
        if action in ("mark", "sent"):
            p.add_argument("--at", type=_dt, help="时间（默认现在）")
            p.add_argument("--by", help="经办人")
        if action == "sent":
            p.add_argument("--how", default="letter", help="报送方式：" + " / ".join(SENT_HOW) + "（默认 letter 书面）")
            p.add_argument("--ref", help="文号、回执号或接报人")
            p.add_argument("--note", help="备注")
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=cmd_safety)
    pending = actions.add_parser("list", help="尚未报送的结构安全隐患报告")
    pending.add_argument("--json", action="store_true")
    pending.set_defaults(func=cmd_safety)

    report = verbs_of(sub, "print").add_parser("safety-report", help="工程质量安全隐患报告（已标记的工单）")
    report.add_argument("number", help="工单号，如 BX-2026-0042")
    report.add_argument("-o", "--output", required=True, help="输出的 PDF 文件")
    report.add_argument("--lang", choices=LOCALES, default="zh_CN", help="文件语言（默认中文）")
    report.set_defaults(func=cmd_print_safety_report)
