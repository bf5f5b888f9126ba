"""`warranty-desk import …` (projects, units, past repairs, past visits, templates) and
`warranty-desk project handover`: what the import window and the 交付 button do, for scripts."""

from __future__ import annotations

import json
import sys

from ..errors import ImportFailed
from ..i18n import N_, _
from .common import date_arg

KIND_HELP = {
    "projects": N_("导入工程（两个日期都有的工程同时办理交付）"),
    "units": N_("导入住宅房号和业主"),
    "tickets": N_("导入以往的维修记录（保修台账）"),
    "visits": N_("导入以往的回访记录"),
}


def _open(args):
    from .common import _open as open_database

    return open_database(args)


def cmd_import(args) -> int:
    from ..services import importing

    _open(args)
    options = {"sheet": args.sheet, "update": args.update}
    if args.what == "projects":
        options["handover"] = not args.no_handover
    run = importing.check if args.dry_run else importing.run
    try:
        report = run(args.file, args.what, **options)
    except ImportFailed as exc:
        if exc.report is not None and args.json:
            print(json.dumps(exc.report.as_dict(), ensure_ascii=False, indent=2))
        elif exc.report is not None:
            for line in exc.report.lines():
                print(line, file=sys.stderr)
            return 2
        raise
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            print(line)
    return 2 if report.errors else 0


def cmd_template(args) -> int:
    from ..services import importing

    _open(args)  # the drop-down of 采暖地区 comes from the office's region table
    kind = "units" if args.units else args.kind
    path = importing.write_template(args.file, kind)
    print(_("已生成导入模板：{path}").format(path=path))
    return 0


def cmd_project_handover(args) -> int:
    from ..services.handover import handover
    from ..services.projects import find_project

    _open(args)
    project = find_project(args.code)
    items, visits = handover(project.id, args.accepted_on, args.handed_over_on)
    project = find_project(project.id)
    print(_("{code} 已办理交付：竣工验收 {accepted}，交付 {handed}；{items}个保修项目，{visits}次计划回访").format(
        code=project.code, accepted=project.accepted_on, handed=project.handed_over_on, items=len(items),
        visits=len(visits)))
    return 0


def register(sub) -> None:
    """The `import` group of verbs."""
    imp = sub.add_parser("import", help=_("从 Excel（.xlsx/.xls）或 CSV 导入，或生成导入模板"))
    imp_sub = imp.add_subparsers(dest="what", required=True)
    for what, text in KIND_HELP.items():
        p = imp_sub.add_parser(what, help=_(text))
        p.add_argument("file")
        p.add_argument("--sheet", help=_("要导入的工作表名（文件中有多个工作表时）"))
        p.add_argument("--dry-run", action="store_true", help=_("只检查，列出将新建、已存在和有错误的行，不写入"))
        p.add_argument("--update", action="store_true", help=_("更新已存在但内容不同的记录（原值记入修改记录）"))
        if what == "projects":
            p.add_argument("--no-handover", action="store_true", help=_("只导入工程资料，不办理交付"))
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=cmd_import)
    template = imp_sub.add_parser("template", help=_("生成导入模板（带下拉列表、必填标记和说明）"))
    template.add_argument("file")
    template.add_argument("--kind", choices=["projects", "units", "tickets", "visits"], default="projects",
                          help=_("模板的种类：工程、房号业主、维修记录、回访记录"))
    template.add_argument("--units", action="store_true", help=_("同 --kind units"))
    template.set_defaults(func=cmd_template)


def register_project_verbs(project_sub) -> None:
    """`project handover CODE`: the same handover (or rebuild) as the 交付 button."""
    p = project_sub.add_parser("handover", help=_("办理竣工验收/交付（已交付的工程：重新办理，已完成的回访保留）"))
    p.add_argument("code")
    p.add_argument("--accepted-on", type=date_arg, help=_("竣工验收合格日期（不填用工程已有的日期）"))
    p.add_argument("--handed-over-on", type=date_arg, help=_("交付日期（不填用工程已有的日期）"))
    p.set_defaults(func=cmd_project_handover)
