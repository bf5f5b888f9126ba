"""The `warranty-desk` command. Exit 0 on success, 2 on bad input with the reason on stderr.

It speaks the language of `--lang`, else the office's setting, else the environment (cli/language.py)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Any

from ..errors import ImportFailed, ValidationError
from ..i18n import _
from . import language as cli_language
from .common import _early, _open, date_arg
from .language import json_compatible

# --- commands -------------------------------------------------------------------------------

def cmd_demo(args) -> int:
    from ..services.demo import build_demo

    _open(args)
    counts = build_demo()
    print(_("演示数据已装入：{projects}个工程，{units}户，{visits}次回访，{tickets}张工单").format(**counts))
    return 0


def cmd_project_show(args) -> int:
    from ..rules.categories import category_name, minimum_text, period_text, project_type_name, scale_name
    from ..services.handover import items_of
    from ..services.projects import find_project

    _open(args)
    project = find_project(args.code)
    items = items_of(project)
    data: dict[str, Any] = {
        "code": project.code,
        "name": project.name,
        "client": project.client.name if project.client else "",
        "type": project.type,
        "scale": project.scale,
        "region": project.region.name if project.region else "",
        "accepted_on": project.accepted_on.isoformat() if project.accepted_on else None,
        "handed_over_on": project.handed_over_on.isoformat() if project.handed_over_on else None,
        "design_life_years": project.design_life_years,
        "items": [
            {
                "key": i.key,
                "name": i.name,
                "minimum": minimum_text(i.key, project.design_life_years),
                "minimum_unit": i.minimum_unit,
                "minimum_amount": i.minimum_amount,
                "agreed": period_text(i.agreed_unit, i.agreed_amount),
                "agreed_unit": i.agreed_unit,
                "agreed_amount": i.agreed_amount,
                "start": i.start_on.isoformat(),
                "end": i.end_on.isoformat(),
            }
            for i in items
        ],
    }
    if args.json:
        print(json.dumps(json_compatible(data), ensure_ascii=False, indent=2))
    else:
        print(f"{project.code}  {project.name}  {project_type_name(project.type)} {scale_name(project.scale)}")
        print(_("竣工验收：{accepted}  交付：{handed_over}").format(accepted=data["accepted_on"] or "—",
                                                           handed_over=data["handed_over_on"] or "—"))
        for item in data["items"]:
            print("  " + _("{name}：法定{minimum}，约定{agreed}，{start} 至 {end}").format(
                name=category_name(item["key"], item["name"]), minimum=item["minimum"], agreed=item["agreed"],
                start=item["start"], end=item["end"]))
    return 0


def cmd_visits_due(args) -> int:
    from ..i18n import join_list
    from ..rules.visit_plan import kind_name
    from ..rules.visit_purposes import purpose_text
    from ..services.visits import due

    _open(args)
    rows = due(args.from_, args.to)
    if args.json:
        print(json.dumps(json_compatible(rows), ensure_ascii=False, indent=2))
    else:
        for row in rows:
            purposes = join_list((purpose_text(p) for p in row["purposes"]), _("；"))
            print(f"{row['date']}  {row['project_code']}  {row['project_name']}  {kind_name(row['kind'])}  "
                  f"{row['staff'] or _('未指派')}  {purposes}")
        print(_("共{n}次回访").format(n=len(rows)))
    return 0


def cmd_visits_ics(args) -> int:
    from ..services.ics import export_ics
    from ..services.staff import list_staff

    _open(args)
    staff_id = None
    if args.staff:
        match = [s for s in list_staff() if s.name == args.staff]
        if not match:
            raise ValidationError(_("没有名为“{name}”的员工").format(name=args.staff))
        staff_id = match[0].id
    count = export_ics(args.output, args.from_, args.to, staff_id)
    print(_("已导出{n}次回访到日历文件：{path}").format(n=count, path=args.output))
    return 0


def cmd_visits_plan(args) -> int:
    from ..i18n import join_list
    from ..rules.visit_purposes import purposes_of
    from ..services.visits import plan_project

    _open(args)
    visits = plan_project(args.code)
    print(_("已重新编制回访计划：{n}次计划回访").format(n=len(visits)))
    for visit in visits:
        print(f"  {visit.planned_on}  {join_list(purposes_of(visit.purposes), _('；'))}")
    return 0


# --- parser ---------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="warranty-desk", description=_("保修台 Warranty Desk"))
    parser.add_argument("--db", help=_("数据库文件路径或 postgresql:// 地址（默认：用户数据文件夹；或环境变量 WARRANTY_DESK_DB）"))
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help=_("在空数据库中装入演示数据"))
    demo.set_defaults(func=cmd_demo)

    from .importing import register as register_import
    from .importing import register_project_verbs

    register_import(sub)

    project = sub.add_parser("project", help=_("工程"))
    project_sub = project.add_subparsers(dest="verb", required=True)
    show = project_sub.add_parser("show", help=_("显示工程及其保修项目"))
    show.add_argument("code", help=_("工程编号"))
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_project_show)
    register_project_verbs(project_sub)

    visits = sub.add_parser("visits", help=_("回访"))
    visits_sub = visits.add_subparsers(dest="verb", required=True)
    due_p = visits_sub.add_parser("due", help=_("列出某段时间内的回访"))
    due_p.add_argument("--from", dest="from_", type=date_arg, required=True)
    due_p.add_argument("--to", type=date_arg, required=True)
    due_p.add_argument("--json", action="store_true")
    due_p.set_defaults(func=cmd_visits_due)
    ics_p = visits_sub.add_parser("ics", help=_("把回访导出为日历文件（.ics），供手机日历导入"))
    ics_p.add_argument("--from", dest="from_", type=date_arg, required=True)
    ics_p.add_argument("--to", type=date_arg, required=True)
    ics_p.add_argument("-o", "--output", required=True, help=_("输出文件 FILE.ics"))
    ics_p.add_argument("--staff", help=_("只导出该员工负责的回访（姓名）"))
    ics_p.set_defaults(func=cmd_visits_ics)
    plan = visits_sub.add_parser("plan", help=_("重新编制工程的回访计划"))
    plan.add_argument("code", help=_("工程编号"))
    plan.set_defaults(func=cmd_visits_plan)

    from .backup import register as register_backup

    register_backup(sub)
    from .verify import register as register_verify

    register_verify(sub)
    from .tickets import register as register_tickets

    register_tickets(sub)
    from .printing import register as register_print

    register_print(sub)
    from .phone import register as register_phone

    register_phone(sub)
    from .rule_verbs import register as register_rules  # project agree, deposit …, visits record, settings …

    register_rules(sub)
    cli_language.add_lang_option(parser)
    return parser


def _target(args) -> str | None:
    """The database address this command uses (for messages: the server's name, the password to hide)."""
    if getattr(args, "db", None):
        return args.db
    try:
        from ..paths import default_database

        return default_database()
    except Exception:  # noqa: BLE001 - only for the wording of a message
        return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    with cli_language.speaking(argv):  # before the parser: its help speaks the language too
        return _run(argv)


def _run(argv: list[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code not in (0, None) else 0
    if not (args.command == "import" and getattr(args, "what", "") == "template"):
        from .. import early_check

        # SQLite reads the file (quick_check) on a worker thread while the command loads its modules
        _early["check"] = early_check.start(_target(args))
    try:
        return args.func(args) or 0
    except ImportFailed as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except BrokenPipeError:  # `warranty-desk visits due | head`: the reader has all it wanted
        import os

        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(_("已中断：没有保存不完整的内容"), file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - every failure ends in one line, never a traceback
        return _report(exc, _target(args))


def _report(exc: BaseException, target: str | None) -> int:
    """One line on stderr in the clerk's language: 2 for what a user can cause or meet (bad input, a
    damaged or read-only file, a full disk, a busy database, a server that is down or refuses the
    password), 1 for a program error (its details only with WARRANTY_DESK_DEBUG=1)."""
    import os
    import traceback

    from ..errors import explain, scrub

    text = explain(exc, target)
    if text is not None:
        print(scrub(" ".join(text.split("\n")), target), file=sys.stderr)
        return 2
    if isinstance(exc, OSError):
        print(scrub(_("文件操作失败：{error}").format(error=exc), target), file=sys.stderr)
        return 2
    if os.environ.get("WARRANTY_DESK_DEBUG"):
        traceback.print_exc()
    detail = scrub(f"{type(exc).__name__}: {exc}".splitlines()[0], target)
    print(_("保修台内部错误（{detail}）。设置环境变量 WARRANTY_DESK_DEBUG=1 再运行可看到详细信息").format(detail=detail),
          file=sys.stderr)
    return 1

