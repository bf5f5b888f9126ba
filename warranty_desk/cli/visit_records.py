"""Visits from the command line: `visits show ID` (with the questionnaire's numbered questions),
`visits record ID …` (who, when, how, the answers — scored and graded, RULES.md §7 — findings,
opinion) and `visits storm REGION DATE` (the calls after heavy rain, RULES.md §6)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..errors import ValidationError
from ..i18n import N_, _, join_list
from ..rules import visit_states as vs
from ..rules.satisfaction import grade_name
from ..rules.sla import NORMAL
from ..rules.visit_methods import method_name
from ..rules.visit_plan import kind_name
from ..rules.visit_purposes import purpose_text
from .common import date_arg, emit, moment_arg, open_db, verbs_of
from .language import names, stored_value

if TYPE_CHECKING:
    from ..services.questionnaires import QuestionData


def _visit_moment(text: str) -> dt.datetime | None:
    return moment_arg(text, N_("回访时间"))


def _visit_json(visit_id: int) -> dict:
    from ..rules.visit_plan import KIND_NAMES
    from ..services import visit_records

    d = visit_records.visit_data(visit_id)
    questions = d["template"]["questions"]
    by_id = {q["id"]: n for n, q in enumerate(questions, 1)}

    def iso(value):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else (value.isoformat() if value else None)

    return {
        "id": d["id"], "project_code": d["project_code"], "project_name": d["project_name"], "unit": d["unit"],
        "planned_on": iso(d["planned_on"]), "kind": d["kind"], "kind_name": KIND_NAMES.get(d["kind"], d["kind"]),
        "purposes": [p for p in d["purposes"].split("\n") if p], "method": d["method"], "staff": d["staff"],
        "status": d["status"], "done_at": iso(d["done_at"]), "visitor": d["visitor"], "met_person": d["met_person"],
        "opinion": d["opinion"], "score": d["score"], "grade": d["grade"],
        "questionnaire": {"id": d["template"]["id"], "name": d["template"]["name"],
                          "version": d["template"]["version_no"]},
        "questions": [{"number": n, "area": q["area"], "text": q["text"], "kind": q["kind"], "weight": q["weight"],
                       "choices": [c[0] for c in q["choices"]]} for n, q in enumerate(questions, 1)],
        "answers": {str(by_id[qid]): value for qid, value in d["answers"].items() if qid in by_id},
        "findings": [{"area": f["area"], "description": f["description"], "category": f["category"],
                      "ticket": f["ticket_number"]} for f in d["findings"]],
    }


def _score(d: dict) -> str:
    return _("{score}分（{grade}）").format(score=f"{d['score']:.0f}", grade=grade_name(d["grade"]))


def _lines(d: dict):
    from ..services.questionnaires import shown
    from ..services.visit_records import area_name

    yield _("回访 {id}  {code} {name} {unit}  {kind}  计划 {planned}").format(
        id=d["id"], code=d["project_code"], name=d["project_name"], unit=d["unit"], kind=kind_name(d["kind"]),
        planned=d["planned_on"])
    yield _("状态：{status}  方式：{method}  回访人：{visitor}  被访人：{met}").format(
        status=vs.status_name(d["status"]), method=method_name(d["method"]), visitor=d["visitor"] or d["staff"] or "—",
        met=d["met_person"] or "—")
    if d["score"] is not None:
        yield _("满意度：{score}").format(score=_score(d))
    for purpose in d["purposes"]:
        yield "  " + _("目的：{purpose}").format(purpose=purpose_text(purpose))
    yield _("问卷：{name}（第{version}版）").format(name=shown(d["questionnaire"]["name"]),
                                              version=d["questionnaire"]["version"])
    for q in d["questions"]:
        answer = d["answers"].get(str(q["number"]), "")
        choices = _("（{choices}）").format(choices=" / ".join(shown(c) for c in q["choices"])) if q["choices"] else ""
        yield "  " + _("{n}. [{kind}] {text}{choices}  答：{answer}").format(
            n=q["number"], kind=q["kind"], text=shown(q["text"]), choices=choices, answer=shown(answer) or "—")
    for f in d["findings"]:
        line = _("发现：{area}：{description}").format(area=area_name(f["area"]), description=f["description"])
        if f["ticket"]:
            line += "  " + _("→ 工单 {number}").format(number=f["ticket"])
        yield "  " + line


def cmd_visits_show(args) -> int:
    open_db(args)
    d = _visit_json(args.visit_id)
    return emit(args, d, lambda: _lines(d))


def _answers(pairs: list[str], questions: list[QuestionData]) -> dict[int, str]:
    """`--answer 1=5 --answer 3=是` → {question id: value}; the number is the question's place."""
    answers: dict[int, str] = {}
    for pair in pairs or []:
        number, sep, value = pair.partition("=")
        if not sep or not number.strip().isdigit():
            raise ValidationError(_("答案“{pair}”应写成 题号=答案，例如 1=5").format(pair=pair))
        n = int(number)
        if not 1 <= n <= len(questions):
            raise ValidationError(_("没有第{n}题（问卷共{total}题，用 visits show 查看题目）").format(
                n=n, total=len(questions)))
        question = questions[n - 1]
        value = value.strip()
        if question["choices"]:  # a choice by its name in either language
            from ..services.questionnaires import shown

            value = stored_value(value, [c[0] for c in question["choices"]], shown)
        answers[question["id"]] = value
    return answers


def _findings(items: list[str]) -> list[dict]:
    """`--finding "门窗|窗户密封条老化|decoration|ticket"`: area, description, warranty item, and
    `ticket` (or 工单) to make a repair ticket of it."""
    rows = []
    for item in items or []:
        parts = [p.strip() for p in item.split("|")]
        if len(parts) < 2 or len(parts) > 4:
            raise ValidationError(_("发现的问题“{item}”应写成 部位|描述[|保修项目[|ticket]]").format(item=item))
        area, description, category, make = (parts + ["", ""])[:4]
        if make not in ("", "ticket", "工单"):  # i18n: data (the word accepted on the command line)
            raise ValidationError(_("发现的问题“{item}”的第四项只能是 ticket（生成维修工单）").format(item=item))
        rows.append({"area": area, "description": description, "category": category, "make_ticket": bool(make),
                     "urgency": NORMAL})
    return rows


def cmd_visits_record(args) -> int:
    from ..services import questionnaires, visit_records
    from ..services.visit_records import METHODS as RECORD_METHODS

    open_db(args)
    visit = visit_records.get_visit(args.visit_id)
    template = (questionnaires.get_template(args.template) if args.template
                else visit.template or questionnaires.active_template())
    questions = questionnaires.template_data(template)["questions"]
    data = {
        "method": stored_value(args.method, RECORD_METHODS, method_name),
        "done_at": args.at or dt.datetime.now().replace(microsecond=0),
        "visitor": args.visitor, "met_person": args.met, "opinion": args.opinion or "",
        "answers": _answers(args.answer, questions), "template_id": template.id,
        "findings": _findings(args.finding),
    }
    visit_records.record_visit(args.visit_id, data)
    d = _visit_json(args.visit_id)
    score = _score(d) if d["score"] is not None else _("未评分")
    return emit(args, d, lambda: [_("已记录回访 {id}：{score}").format(id=d["id"], score=score), *_lines(d)])


def cmd_visits_storm(args) -> int:
    from ..services import storm

    open_db(args)
    if args.dry_run:
        rows = storm.storm_projects(args.region, args.date)

        def one(r):
            line = f"  {r['project_code']} {r['project_name']}  " + join_list(
                (purpose_text(p) for p in r["purposes"]), _("；"))
            return line + (_("（已安排）") if r["already_planned"] else "")

        return emit(args, {"region": args.region, "storm_on": args.date.isoformat(), "projects": rows},
                    lambda: [*(one(r) for r in rows),
                             _("共{n}个工程的屋面或外墙防水在保修期内（试算，未安排）").format(n=len(rows))])
    method = stored_value(args.method, storm.METHODS, method_name) or storm.METHODS[0]
    result = storm.plan_storm_calls(args.region, args.date, method=method, planned_on=args.on)

    def lines():
        for row in result["created"]:
            yield (f"  {row['planned_on']}  {row['project_code']} {row['project_name']}  {method_name(row['method'])}  "
                   f"{row['staff'] or _('未指派')}")
        if result["already_planned"]:
            yield _("已安排过，不再重复：{codes}").format(codes=join_list(result["already_planned"]))
        yield _("{region} {day} 暴雨后回访：新安排{n}次").format(region=result["region"], day=result["storm_on"],
                                                          n=len(result["created"]))

    return emit(args, result, lines)


def register(sub) -> None:
    from ..services.storm import METHODS
    from ..services.visit_records import METHODS as RECORD_METHODS

    verbs = verbs_of(sub, "visits")
    show = verbs.add_parser("show", help=_("显示一次回访及其问卷题目（带题号）"))
    show.add_argument("visit_id", type=int, help=_("回访编号（visits due --json 中的 id）"))
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_visits_show)

    record = verbs.add_parser("record", help=_("记录一次回访：方式、时间、回访人、被访人、问卷答案（计分）、发现的问题"))
    record.add_argument("visit_id", type=int, help=_("回访编号（visits due --json 中的 id）"))
    record.add_argument("--method", required=True, help=names(RECORD_METHODS, method_name))
    record.add_argument("--at", type=_visit_moment, help=_("回访时间，如 2026-11-29 14:30（默认现在）"))
    record.add_argument("--visitor", required=True, help=_("回访人"))
    record.add_argument("--met", required=True, help=_("被访人（接待人）"))
    record.add_argument("--opinion", help=_("业主意见和建议"))
    record.add_argument("--answer", action="append", metavar=_("题号=答案"),
                        help=_("问卷答案，可重复：1=5（1–5分）、3=是、2=没有问题（选项）；题号见 visits show"))
    record.add_argument("--finding", action="append", metavar=_("部位|描述[|保修项目[|ticket]]"),
                        help=_("发现的问题，可重复；第四项写 ticket 时生成维修工单"))
    record.add_argument("--template", type=int, help=_("问卷模板编号（默认当前问卷）"))
    record.add_argument("--json", action="store_true")
    record.set_defaults(func=cmd_visits_record)

    storm = verbs.add_parser("storm", help=_("暴雨后回访：给某地区屋面或外墙防水仍在保修期内的每个工程安排回访"))
    storm.add_argument("region", help=_("地区名称，如 北京（见 settings show）"))
    storm.add_argument("date", type=date_arg, help=_("暴雨日期，如 2026-07-20"))
    storm.add_argument("--method", help=_("{names}（默认{default}）").format(names=names(METHODS, method_name),
                                                                        default=method_name(METHODS[0])))
    storm.add_argument("--on", type=date_arg, help=_("回访日期（默认暴雨后第一个工作日）"))
    storm.add_argument("--dry-run", action="store_true", help=_("只列出涉及的工程，不安排"))
    storm.add_argument("--json", action="store_true")
    storm.set_defaults(func=cmd_visits_storm)
