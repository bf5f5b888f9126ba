"""Visits from the command line: `visits show ID` (with the questionnaire's numbered questions),
`visits record ID …` (who, when, how, the answers — scored and graded, RULES.md §7 — findings,
opinion) and `visits storm REGION DATE` (the calls after heavy rain, RULES.md §6)."""

from __future__ import annotations

import argparse
import datetime as dt

from .cli_rules import date_arg, emit, open_db, verbs_of
from .errors import ValidationError


def _moment(text: str) -> dt.datetime | None:
    from .services.tickets import _moment as parse

    try:
        return parse(text, "回访时间")
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _visit_json(visit_id: int) -> dict:
    from .rules.visit_plan import KIND_NAMES
    from .services import visit_records

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


def _lines(d: dict):
    yield f"回访 {d['id']}  {d['project_code']} {d['project_name']} {d['unit']}  {d['kind_name']}  计划 {d['planned_on']}"
    yield f"状态：{d['status']}  方式：{d['method']}  回访人：{d['visitor'] or d['staff'] or '—'}  被访人：{d['met_person'] or '—'}"
    if d["score"] is not None:
        yield f"满意度：{d['score']:.0f}分（{d['grade']}）"
    for purpose in d["purposes"]:
        yield f"  目的：{purpose}"
    yield f"问卷：{d['questionnaire']['name']}（第{d['questionnaire']['version']}版）"
    for q in d["questions"]:
        answer = d["answers"].get(str(q["number"]), "")
        choices = f"（{' / '.join(q['choices'])}）" if q["choices"] else ""
        yield f"  {q['number']}. [{q['kind']}] {q['text']}{choices}  答：{answer or '—'}"
    for f in d["findings"]:
        yield f"  发现：{f['area']}：{f['description']}" + (f"  → 工单 {f['ticket']}" if f["ticket"] else "")


def cmd_visits_show(args) -> int:
    open_db(args)
    d = _visit_json(args.visit_id)
    return emit(args, d, lambda: _lines(d))


def _answers(pairs: list[str], questions: list[dict]) -> dict:
    """`--answer 1=5 --answer 3=是` → {question id: value}; the number is the question's place."""
    answers = {}
    for pair in pairs or []:
        number, sep, value = pair.partition("=")
        if not sep or not number.strip().isdigit():
            raise ValidationError(f"答案“{pair}”应写成 题号=答案，例如 1=5")
        n = int(number)
        if not 1 <= n <= len(questions):
            raise ValidationError(f"没有第{n}题（问卷共{len(questions)}题，用 visits show 查看题目）")
        answers[questions[n - 1]["id"]] = value.strip()
    return answers


def _findings(items: list[str]) -> list[dict]:
    """`--finding "门窗|窗户密封条老化|decoration|ticket"`: area, description, warranty item, and
    `ticket` (or 工单) to make a repair ticket of it."""
    rows = []
    for item in items or []:
        parts = [p.strip() for p in item.split("|")]
        if len(parts) < 2 or len(parts) > 4:
            raise ValidationError(f"发现的问题“{item}”应写成 部位|描述[|保修项目[|ticket]]")
        area, description, category, make = (parts + ["", ""])[:4]
        if make not in ("", "ticket", "工单"):
            raise ValidationError(f"发现的问题“{item}”的第四项只能是 ticket（生成维修工单）")
        rows.append({"area": area, "description": description, "category": category, "make_ticket": bool(make),
                     "urgency": "一般"})
    return rows


def cmd_visits_record(args) -> int:
    from .services import questionnaires, visit_records

    open_db(args)
    visit = visit_records.get_visit(args.visit_id)
    template = (questionnaires.get_template(args.template) if args.template
                else visit.template or questionnaires.active_template())
    questions = questionnaires.template_data(template)["questions"]
    data = {
        "method": args.method, "done_at": args.at or dt.datetime.now().replace(microsecond=0),
        "visitor": args.visitor, "met_person": args.met, "opinion": args.opinion or "",
        "answers": _answers(args.answer, questions), "template_id": template.id,
        "findings": _findings(args.finding),
    }
    visit_records.record_visit(args.visit_id, data)
    d = _visit_json(args.visit_id)
    score = f"{d['score']:.0f}分（{d['grade']}）" if d["score"] is not None else "未评分"
    return emit(args, d, lambda: [f"已记录回访 {d['id']}：{score}", *_lines(d)])


def cmd_visits_storm(args) -> int:
    from .services import storm

    open_db(args)
    if args.dry_run:
        rows = storm.storm_projects(args.region, args.date)
        return emit(args, {"region": args.region, "storm_on": args.date.isoformat(), "projects": rows},
                    lambda: [*(f"  {r['project_code']} {r['project_name']}  {'；'.join(r['purposes'])}"
                               + ("（已安排）" if r["already_planned"] else "") for r in rows),
                             f"共{len(rows)}个工程的屋面或外墙防水在保修期内（试算，未安排）"])
    result = storm.plan_storm_calls(args.region, args.date, method=args.method, planned_on=args.on)

    def lines():
        for row in result["created"]:
            yield f"  {row['planned_on']}  {row['project_code']} {row['project_name']}  {row['method']}  {row['staff'] or '未指派'}"
        if result["already_planned"]:
            yield f"已安排过，不再重复：{'、'.join(result['already_planned'])}"
        yield f"{result['region']} {result['storm_on']} 暴雨后回访：新安排{len(result['created'])}次"

    return emit(args, result, lines)


def register(sub) -> None:
    from .services.storm import METHODS
    from .services.visit_records import METHODS as RECORD_METHODS

    verbs = verbs_of(sub, "visits")
    show = verbs.add_parser("show", help="显示一次回访及其问卷题目（带题号）")
    show.add_argument("visit_id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_visits_show)

    record = verbs.add_parser("record", help="记录一次回访：方式、时间、回访人、被访人、问卷答案（计分）、发现的问题")
    record.add_argument("visit_id", type=int, help="回访编号（visits due --json 中的 id）")
    record.add_argument("--method", required=True, help=" / ".join(RECORD_METHODS))
    record.add_argument("--at", type=_moment, help="回访时间，如 2026-11-29 14:30（默认现在）")
    record.add_argument("--visitor", required=True, help="回访人")
    record.add_argument("--met", required=True, help="被访人（接待人）")
    record.add_argument("--opinion", help="业主意见和建议")
    record.add_argument("--answer", action="append", metavar="题号=答案",
                        help="问卷答案，可重复：1=5（1–5分）、3=是、2=没有问题（选项）；题号见 visits show")
    record.add_argument("--finding", action="append", metavar="部位|描述[|保修项目[|ticket]]",
                        help="发现的问题，可重复；第四项写 ticket 时生成维修工单")
    record.add_argument("--template", type=int, help="问卷模板编号（默认当前问卷）")
    record.add_argument("--json", action="store_true")
    record.set_defaults(func=cmd_visits_record)

    storm = verbs.add_parser("storm", help="暴雨后回访：给某地区屋面或外墙防水仍在保修期内的每个工程安排回访")
    storm.add_argument("region", help="地区名称，如 北京（见 settings show）")
    storm.add_argument("date", type=date_arg, help="暴雨日期，如 2026-07-20")
    storm.add_argument("--method", default="电话", help=" / ".join(METHODS) + "（默认电话）")
    storm.add_argument("--on", type=date_arg, help="回访日期（默认暴雨后第一个工作日）")
    storm.add_argument("--dry-run", action="store_true", help="只列出涉及的工程，不安排")
    storm.add_argument("--json", action="store_true")
    storm.set_defaults(func=cmd_visits_storm)
