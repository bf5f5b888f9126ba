"""The `print` and `report` verbs of the `warranty-desk` command (registered by build_parser in cli/__init__.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ValidationError
from ..i18n import LOCALES, _
from .language import document_language


def _open(args):
    from .common import _open as open_db

    return open_db(args)


def _pdf_path(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() != ".pdf":
        raise ValidationError(_("输出文件“{text}”应以 .pdf 结尾").format(text=text))
    if path.parent and not path.parent.exists():
        raise ValidationError(_("输出文件夹不存在：{folder}").format(folder=path.parent))
    return path


def _project(code: str):
    from ..services.projects import find_project

    return find_project(code)


def _unit(project, label: str | None):
    if not label:
        return None
    from ..models import Unit

    for unit in Unit.select().where(Unit.project == project):
        if unit.label == label or f"{unit.building}{unit.entrance}{unit.room}" == label.replace("-", ""):
            return unit
    raise ValidationError(_("工程“{code}”中没有房号“{label}”（写法如 1号楼-2单元-301）").format(code=project.code,
                                                                                     label=label))


def _done(path: Path, what: str) -> int:
    print(_("已生成{what}：{path}").format(what=what, path=path))
    return 0


def _reporting_missing(func):
    """A print verb that also names, on stderr, the characters no font has (printed as □)."""
    import functools
    import sys

    from ..documents.style import missing_characters, missing_note

    @functools.wraps(func)
    def run(args) -> int:
        with missing_characters() as found:
            code = func(args)
        if found:
            print(missing_note(found), file=sys.stderr)
        return code
    return run


def cmd_print_certificate(args) -> int:
    from ..documents.certificate import build_certificate

    _open(args)
    path = _pdf_path(args.output)
    project = _project(args.code)
    if not project.accepted_on:
        raise ValidationError(_("工程“{code}”尚未竣工验收，不能打印保修书").format(code=project.code))
    return _done(build_certificate(project, path, lang=document_language(args)), _("工程质量保修书"))


def cmd_print_cards(args) -> int:
    from ..documents.cards import build_cards

    _open(args)
    path = _pdf_path(args.output)
    project = _project(args.code)
    if not project.accepted_on:
        raise ValidationError(_("工程“{code}”尚未竣工验收，不能打印保修卡").format(code=project.code))
    units = [_unit(project, args.unit)] if args.unit else None
    return _done(build_cards(project, path, lang=document_language(args), layout=args.layout, units=units), _("保修卡"))


def cmd_print_manual(args) -> int:
    from ..documents.manual import build_manual

    _open(args)
    path = _pdf_path(args.output)
    project = _project(args.code)
    return _done(build_manual(project, path, lang=document_language(args), unit=_unit(project, args.unit)), _("用户手册"))


def cmd_print_form(args) -> int:
    from ..documents import forms
    from ..models import Ticket, Visit

    _open(args)
    path = _pdf_path(args.output)
    if args.form == "visit":
        visit = None
        if args.visit is not None:
            visit = Visit.get_or_none(Visit.id == args.visit)
            if visit is None:
                raise ValidationError(_("找不到回访记录（编号 {id}）").format(id=args.visit))
        return _done(forms.build_visit_form(visit, path, lang=document_language(args)), _("回访记录表"))
    ticket = None
    if args.ticket:
        ticket = Ticket.get_or_none(Ticket.number == args.ticket)
        if ticket is None:
            raise ValidationError(_("找不到工单“{number}”").format(number=args.ticket))
    if args.form == "notice":
        return _done(forms.build_repair_notice(ticket, path, lang=document_language(args)), _("质量修理通知书"))
    return _done(forms.build_repair_record(ticket, path, lang=document_language(args)), _("维修记录单/保修完成验收单"))


def cmd_print_dispatch(args) -> int:
    from ..documents.dispatch_sheet import build_dispatch_sheet
    from ..models import Ticket

    _open(args)
    path = _pdf_path(args.output)
    ticket = Ticket.get_or_none(Ticket.number == args.number.strip().upper())
    if ticket is None:
        raise ValidationError(_("找不到工单“{n}”（工单号如 BX-2026-0042）").format(n=args.number))
    return _done(build_dispatch_sheet(ticket, path, lang=document_language(args)), _("派工单 {n}").format(n=ticket.number))


def cmd_report_quarterly(args) -> int:
    from ..documents.quarterly import build_quarterly_report
    from ..documents.quarterly_figures import parse_quarter

    try:
        parse_quarter(args.quarter)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    _open(args)
    path = _pdf_path(args.output)
    return _done(build_quarterly_report(args.quarter, path, lang=document_language(args)),
                 _("{quarter} 季度回访报告").format(quarter=args.quarter))


def register(sub) -> None:
    def common(parser):
        parser.add_argument("-o", "--output", required=True, help=_("输出的 PDF 文件"))
        parser.add_argument("--lang", choices=LOCALES, default=argparse.SUPPRESS,
                            help=_("文件语言：zh_CN 中文，en 英文（默认与命令行的语言相同）"))

    printing = sub.add_parser("print", help=_("打印文件（PDF）"))
    verbs = printing.add_subparsers(dest="document", required=True)

    cert = verbs.add_parser("certificate", help=_("工程质量保修书"))
    cert.add_argument("code", help=_("工程编号"))
    common(cert)
    cert.set_defaults(func=_reporting_missing(cmd_print_certificate))

    cards = verbs.add_parser("cards", help=_("保修卡（每户一张，或每个工程一张）"))
    cards.add_argument("code", help=_("工程编号"))
    cards.add_argument("--unit", help=_("只打印一户，如 1号楼-2单元-301"))
    cards.add_argument("--layout", choices=("a4_grid", "a5"), help=_("A4 多张带裁切线，或 A5 每页一张（默认按设置）"))
    common(cards)
    cards.set_defaults(func=_reporting_missing(cmd_print_cards))

    manual = verbs.add_parser("manual", help=_("用户手册 / 住宅使用说明书"))
    manual.add_argument("code", help=_("工程编号"))
    manual.add_argument("--unit", help=_("按户打印，如 1号楼-2单元-301"))
    common(manual)
    manual.set_defaults(func=_reporting_missing(cmd_print_manual))

    form = verbs.add_parser("form", help=_("空白或已填写的表格：回访记录表、质量修理通知书、维修记录单"))
    form.add_argument("form", choices=("visit", "notice", "record"))
    form.add_argument("--visit", type=int, help=_("回访记录编号（不填则打印空白表）"))
    form.add_argument("--ticket", help=_("工单号，如 BX-2026-0042（不填则打印空白表）"))
    common(form)
    form.set_defaults(func=_reporting_missing(cmd_print_form))

    dispatch = verbs.add_parser("dispatch", help=_("派工单（交维修人员带到现场）"))
    dispatch.add_argument("number", help=_("工单号，如 BX-2026-0042"))
    common(dispatch)
    dispatch.set_defaults(func=_reporting_missing(cmd_print_dispatch))

    report = sub.add_parser("report", help=_("报表"))
    report_verbs = report.add_subparsers(dest="report", required=True)
    quarterly = report_verbs.add_parser("quarterly", help=_("季度回访报告，如 2026Q3"))
    quarterly.add_argument("quarter", help=_("季度，如 2026Q3"))
    common(quarterly)
    quarterly.set_defaults(func=_reporting_missing(cmd_report_quarterly))
