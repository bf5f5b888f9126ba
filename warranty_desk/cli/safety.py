"""Urgency and structural safety from the command line (RULES.md §4; 《房屋建筑工程质量保修办法》
第九、十条): `ticket suggest` (the urgency the rules suggest for a request), `ticket safety
show|mark|update|sent|unmark|list`, and `print safety-report BX-… -o FILE.pdf`
(工程质量安全隐患报告)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..i18n import _
from .common import emit, moment_arg, open_db, verbs_of
from .language import document_language, names

if TYPE_CHECKING:  # the services load when a verb runs
    from ..services.safety import SafetyInfo


def cmd_ticket_suggest(args) -> int:
    from ..services import tickets

    open_db(args)
    s = tickets.suggest_urgency(args.project, args.category, args.description, args.at, args.structural_safety)
    data = {"urgency": s.urgency, "reasons": s.reasons, "grounds": list(s.grounds), "words": list(s.words),
            "structural_safety": s.structural, "text": s.text}
    return emit(args, data, [s.text])


def _safety_lines(d: SafetyInfo | None, number: str):
    if d is None:
        yield _("工单 {number} 没有标记为结构安全隐患").format(number=number)
        return
    yield _("工单 {number}：涉及结构安全（{at} 由 {by} 标记）").format(number=d["ticket"], at=d["marked_at"],
                                                               by=d["marked_by"] or "—")
    yield _("职责：{duty}").format(duty=d["duty"])
    yield _("隐患情况：{reason}").format(reason=d["reason"] or "—")
    yield _("安全措施：{measures}").format(measures=d["measures"] or "—")
    if d["sent"]:
        yield _("已报送：{at}  {authority}  {how}  {ref}").format(at=d["sent_at"], authority=d["authority"],
                                                             how=d["sent_how_name"], ref=d["sent_ref"])
    else:
        yield _("尚未报送（已等待 {waiting}）：报告对象 {authority}").format(
            waiting=d["waiting"], authority=d["authority"] or _("未填写"))


def _show(args, number: str, done: str | None = None) -> int:
    from ..services import safety

    d = safety.info(number)
    return emit(args, d, lambda: [*([done] if done else []), *_safety_lines(d, number)])


def cmd_safety(args) -> int:
    from ..services import safety

    open_db(args)
    if args.action == "show":
        return _show(args, args.number)
    if args.action == "list":
        rows = safety.pending()
        return emit(args, rows, lambda: [*("  " + _("{number}  {code} {name}  {where}  已等待{waiting}  {reason}").format(
            number=r["number"], code=r["project_code"], name=r["project_name"], where=r["where"], waiting=r["waiting"],
            reason=r["reason"]) for r in rows), _("共{n}份结构安全隐患报告尚未报送").format(n=len(rows))])
    if args.action == "mark":
        safety.mark(args.number, args.reason or "", measures=args.measures or "", by=args.by, at=args.at)
        return _show(args, args.number, _("已标记为结构安全隐患：须立即报告当地建设行政主管部门并采取安全措施"))
    if args.action == "update":
        safety.update(args.number, reason=args.reason, measures=args.measures, authority=args.authority)
        return _show(args, args.number, _("已更新"))
    if args.action == "sent":
        safety.record_sent(args.number, authority=args.authority, sent_at=args.at, how=args.how, ref=args.ref or "",
                           measures=args.measures, note=args.note or "", by=args.by)
        return _show(args, args.number, _("已登记报送"))
    safety.unmark(args.number, args.reason or "")
    return emit(args, {"ticket": args.number, "marked": False},
                [_("已取消工单 {number} 的结构安全隐患标记").format(number=args.number)])


def cmd_print_safety_report(args) -> int:
    from ..documents.safety_report import build_safety_report
    from ..services.tickets import get_ticket
    from .printing import _done, _pdf_path

    open_db(args)
    path = _pdf_path(args.output)
    ticket = get_ticket(args.number)
    return _done(build_safety_report(ticket, path, lang=document_language(args)),
                 _("工程质量安全隐患报告 {number}").format(number=ticket.number))


def register(sub) -> None:
    import argparse as _argparse

    from ..i18n import LOCALES
    from ..rules import sla as sla_rules
    from ..rules.categories import CATEGORIES
    from ..services.safety import SENT_HOW

    tickets = verbs_of(sub, "ticket")
    suggest = tickets.add_parser("suggest", help=_("按类别、报修内容和日期建议紧急程度（{names}）及理由").format(
        names=names(sla_rules.URGENCIES, sla_rules.urgency_name)))
    suggest.add_argument("--project", required=True, help=_("工程编号"))
    suggest.add_argument("--category", required=True, help=_("保修项目：{keys}").format(keys=" / ".join(CATEGORIES)))
    suggest.add_argument("--description", required=True, help=_("报修内容"))
    suggest.add_argument("--at", type=moment_arg, help=_("报修时间（默认现在）：采暖期内不供暖为紧急"))
    suggest.add_argument("--structural-safety", action="store_true", help=_("已判断涉及结构安全"))
    suggest.add_argument("--json", action="store_true")
    suggest.set_defaults(func=cmd_ticket_suggest)

    safety = tickets.add_parser("safety", help=_("结构安全隐患：须立即报告当地建设行政主管部门（办法第十条）"))
    actions = safety.add_subparsers(dest="action", required=True)
    for action, text in (("show", _("显示工单的结构安全隐患职责和报告情况")), ("mark", _("标记为结构安全隐患（改为紧急）")),
                         ("update", _("补充隐患情况、安全措施、报告对象")), ("sent", _("登记报告已报送（从工作台移除）")),
                         ("unmark", _("取消标记（须写明原因，报送前）"))):
        p = actions.add_parser(action, help=text)
        p.add_argument("number", help=_("工单号，如 BX-2026-0042"))
        if action in ("mark", "update", "unmark"):
            p.add_argument("--reason", help=_("隐患情况") if action != "unmark" else _("取消标记的原因（必填）"))
        if action in ("mark", "update", "sent"):
            p.add_argument("--measures", help=_("已采取的安全措施（警戒、疏散、临时支护）"))
        if action in ("update", "sent"):
            p.add_argument("--authority", required=action == "sent", help=_("报告对象（当地建设行政主管部门）"))
        if action in ("mark", "sent"):
            p.add_argument("--at", type=moment_arg, help=_("时间（默认现在）"))
            p.add_argument("--by", help=_("经办人"))
        if action == "sent":
            p.add_argument("--how", default="letter", help=_("报送方式：{ways}（默认 letter：{letter}）").format(
                ways=" / ".join(_("{key}（{name}）").format(key=key, name=_(name)) for key, name in SENT_HOW.items()),
                letter=_(SENT_HOW["letter"])))
            p.add_argument("--ref", help=_("文号、回执号或接报人"))
            p.add_argument("--note", help=_("备注"))
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=cmd_safety)
    pending = actions.add_parser("list", help=_("尚未报送的结构安全隐患报告"))
    pending.add_argument("--json", action="store_true")
    pending.set_defaults(func=cmd_safety)

    report = verbs_of(sub, "print").add_parser("safety-report", help=_("工程质量安全隐患报告（已标记的工单）"))
    report.add_argument("number", help=_("工单号，如 BX-2026-0042"))
    report.add_argument("-o", "--output", required=True, help=_("输出的 PDF 文件"))
    report.add_argument("--lang", choices=LOCALES, default=_argparse.SUPPRESS,
                        help=_("文件语言：zh_CN 中文，en 英文（默认与命令行的语言相同）"))
    report.set_defaults(func=cmd_print_safety_report)
