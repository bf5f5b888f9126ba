"""The command line speaks the language of `--lang`, else the office's setting, else the
environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG): its help, its messages, its errors, argparse's
own words, and the papers and calendar files it writes. The contract (verbs, options, exit codes,
the JSON) stays as it is."""

from __future__ import annotations

import argparse
import json

import pytest
from foreign_text import CJK, foreign_cjk, office_data
from icalendar import Calendar

from warranty_desk import cli, i18n
from warranty_desk.cli import language as cli_language
from warranty_desk.models import Setting, Ticket, Visit, VisitFinding

OPERATOR = "测试员"


def _paths(parser: argparse.ArgumentParser, prefix=()):
    """Every verb of the command as the words that reach it: (), ("print",), ("print", "cards"), …"""
    yield prefix
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _paths(child, (*prefix, name))


@pytest.fixture
def run(capsys):
    def call(*args):
        code = cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err
    return call


def test_every_help_in_english_has_no_chinese(run):
    with cli_language.speaking(["--lang", "en"]):
        paths = list(_paths(cli.build_parser()))
    assert len(paths) > 50 and ("ticket", "safety", "sent") in paths  # every group and verb
    problems = {}
    for path in paths:
        code, out, err = run("--lang", "en", *path, "--help")
        assert code == 0 and out.startswith("usage: "), (path, err)
        if CJK.search(out):
            problems[" ".join(path) or "(top)"] = sorted({t for t in out.split() if CJK.search(t)})[:8]
    assert not problems, "Chinese in English help:\n" + "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_help_in_chinese_by_default_and_argparse_speaks_it_too(run):
    code, out, _err = run("--help")
    assert code == 0 and out.startswith("用法：") and "显示本帮助并退出" in out and "在空数据库中装入演示数据" in out
    code, _out, err = run("print", "cards")
    assert code == 2 and "错误：缺少必需的参数" in err
    code, _out, err = run("--lang", "en", "print", "cards")
    assert code == 2 and "error: the following arguments are required: code, -o/--output" in err
    assert i18n.current_locale() == "zh_CN" and i18n._("保存") == "保存"  # the command left no trace


def test_the_language_comes_from_the_option_the_setting_then_the_environment(tmp_path, db, db_target):
    from warranty_desk.services import settings

    choose = cli_language.choose
    if "://" in db_target:
        pytest.skip("the setting of a PostgreSQL office is read once the database is open (next test)")
    english = {"LANG": "en_US.UTF-8"}
    assert choose(["--db", db_target, "demo"], english) == ("en", "environment")
    assert choose(["--db", db_target, "demo"], {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US"}) == ("zh_CN", "environment")
    assert choose(["--db", db_target, "demo"], {"LANGUAGE": "en:zh", "LANG": "zh_CN"}) == ("en", "environment")
    assert choose(["--db", db_target, "demo"], {"LANG": "C.UTF-8"}) == ("zh_CN", "default")
    settings.set("language", "zh_CN")  # the office chose: the environment no longer decides
    assert choose(["--db", db_target, "demo"], english) == ("zh_CN", "setting")
    assert choose(["--db", db_target, "--lang", "en", "demo"], {}) == ("en", "option")
    assert choose(["--db", db_target, "demo", "--lang=en"], {}) == ("en", "option")
    assert choose(["--db", str(tmp_path / "nothing.db"), "demo"], {}) == ("zh_CN", "default")
    assert not (tmp_path / "nothing.db").exists()  # choosing a language creates no database
    assert i18n.locale_of("English_United States") == "en" and i18n.locale_of("Chinese (Simplified)_China") == "zh_CN"
    assert i18n.locale_of("POSIX") is None and i18n.locale_of("fr_FR.UTF-8") == "en"


def test_the_setting_is_followed_once_the_database_is_open(run, db, db_target, monkeypatch):
    """A PostgreSQL office's setting cannot be read before the command opens the database: its
    messages follow it from then on."""
    from warranty_desk.services import settings

    settings.set("language", "en")
    monkeypatch.setattr(cli_language, "stored_language", lambda target: None)  # as for PostgreSQL
    code, _out, err = run("--db", db_target, "ticket", "show", "BX-1999-0001")
    assert code == 2 and CJK.search(err) is None, err
    code, _out, err = run("--db", db_target, "--lang", "zh_CN", "ticket", "show", "BX-1999-0001")
    assert code == 2 and CJK.search(err), err  # --lang says otherwise


def test_every_message_in_english_has_no_chinese_but_the_offices_data(run, demo_db, tmp_path):
    """The command's human output and its errors, in English, on the demo office."""
    db = demo_db.database
    code = Visit.select().join(Visit.project.rel_model).first().project.code
    ticket = Ticket.select().where(Ticket.state.not_in(["closed", "cancelled"])).first()
    closed = Ticket.select().where(Ticket.state == "closed").first()
    visit = Visit.select().where(Visit.status == "planned").first()
    done = Visit.select().where(Visit.status == "done").first()
    found = Visit.select().join(VisitFinding).where(Visit.status == "done", Visit.grade != "").first()
    region = "北京"
    # a second call for the open ticket's place (a repeat), its burst pipe taken as normal: the intake's
    # combined note (repeat warning and urgency decision) and the history it writes, in English
    repeat = ["--project", ticket.project.code, "--category", "plumbing", "--description", "厨房水管爆裂",
              "--urgency", "normal", "--urgency-reason", "已关总阀", "--phone", "13800000000", "--reporter", "王先生"]
    repeat += ["--unit", ticket.unit.label] if ticket.unit_id else ["--location", ticket.location or "地下车库"]
    commands = [
        ("project", "show", code),
        ("visits", "due", "--from", "2026-10-01", "--to", "2026-12-31"),
        ("visits", "plan", code),
        ("visits", "show", done.id),
        ("visits", "show", found.id),  # a grade and findings by area
        ("visits", "ics", "--from", "2026-10-01", "--to", "2026-12-31", "-o", tmp_path / "v.ics"),
        ("visits", "storm", region, "2026-07-20", "--dry-run"),
        ("visits", "record", visit.id, "--method", "on site", "--visitor", "Li", "--met", "Wang", "--answer", "1=5",
         "--finding", "门窗|窗框渗水|decoration"),
        ("ticket", "list"),
        ("ticket", "show", ticket.number),
        ("ticket", "show", closed.number),
        ("ticket", "suggest", "--project", code, "--category", "plumbing", "--description", "厨房水管爆裂"),
        ("ticket", "add", "--project", code, "--category", "Roof waterproofing", "--description", "顶层漏水",
         "--urgency", "urgent", "--channel", "letter", "--phone", "13800000000", "--reporter", "王先生"),
        ("ticket", "add", *repeat),
        ("ticket", "add", *repeat),  # now a repeat of the one just added
        ("ticket", "safety", "mark", ticket.number, "--reason", "承重墙裂缝"),
        ("ticket", "safety", "list"),
        ("deposit", "show", _deposit_project()),
        ("settings", "show"),
        ("settings", "set", "visit_merge_days", "12"),
        ("print", "cards", code, "-o", tmp_path / "k.pdf"),
        ("print", "dispatch", ticket.number, "-o", tmp_path / "d.pdf"),
        ("report", "quarterly", "2026Q3", "-o", tmp_path / "q.pdf"),
        ("export", "ledger", "-o", tmp_path / "l.xlsx"),
        ("phone", "devices"),
        ("backup", "-o", tmp_path / "b.wdbak"),
    ]
    refusals = [
        ("project", "show", "NO-SUCH"),
        ("ticket", "move", closed.number, "dispatched"),
        ("ticket", "add", "--project", code, "--category", "roof", "--description", "x"),
        ("visits", "due", "--from", "2026-13-01", "--to", "2026-12-31"),
        ("print", "cards", code, "-o", tmp_path / "k.txt"),
        ("report", "quarterly", "2026Q5", "-o", tmp_path / "q.pdf"),
        ("deposit", "add", code),
        ("settings", "set", "no_such_setting", "1"),
        ("print", "form", "visit", "--visit", "999999", "-o", tmp_path / "f.pdf"),
    ]
    data = office_data([OPERATOR, "Li", "Wang", "王先生", "顶层漏水", "承重墙裂缝", "厨房水管爆裂", "窗框渗水", "已关总阀",
                        "地下车库"])
    problems = {}
    for args in commands + refusals:
        exit_code, out, err = run("--db", db, "--lang", "en", *args)
        expected = 0 if args in commands else 2
        assert exit_code == expected, (args, err)
        foreign = foreign_cjk(out + "\n" + err, data)
        if foreign:
            problems[" ".join(str(a) for a in args[:3])] = sorted(set(foreign))[:10]
    assert not problems, "Chinese in English output:\n" + "\n".join(f"{k}: {v}" for k, v in problems.items())
    # the repeat's history (received by, urgency overridden) reads in English as well
    second = Ticket.select().where(Ticket.description == "厨房水管爆裂").order_by(Ticket.id.desc()).first()
    assert second.repeat_of_id is not None
    exit_code, out, err = run("--db", db, "--lang", "en", "ticket", "show", second.number)
    assert exit_code == 0 and "已关总阀" in out and not foreign_cjk(out + err, data), out
    # the names of stored values were taken in English and stored as the program stores them
    added = Ticket.select().where(Ticket.description == "顶层漏水").order_by(Ticket.id.desc()).first()
    assert (added.urgency, added.channel, added.category) == ("urgent", "letter", "roof_waterproofing")
    assert Visit.get_by_id(visit.id).method == "onsite"


def _deposit_project() -> str:
    from warranty_desk.models import Deposit

    return Deposit.select().first().project.code


def test_json_stays_as_it_was_in_any_language(run, demo_db):
    db = demo_db.database
    code = Visit.select().first().project.code
    _c, zh, _e = run("--db", db, "visits", "due", "--from", "2026-10-01", "--to", "2026-12-31", "--json")
    _c, en, _e = run("--db", db, "--lang", "en", "visits", "due", "--from", "2026-10-01", "--to", "2026-12-31",
                     "--json")
    assert json.loads(zh) == json.loads(en)  # stored values and keys: the contract
    _c, out, _e = run("--db", db, "--lang", "en", "project", "show", code, "--json")
    item = json.loads(out)["items"][0]
    assert {"key", "minimum", "agreed", "start", "end"} <= set(item)


def test_the_calendar_file_speaks_the_commands_language(run, demo_db, tmp_path):
    db = demo_db.database
    assert run("--db", db, "--lang", "en", "visits", "ics", "--from", "2026-01-01", "--to", "2027-12-31",
               "-o", tmp_path / "en.ics")[0] == 0
    assert run("--db", db, "visits", "ics", "--from", "2026-01-01", "--to", "2027-12-31", "-o", tmp_path / "zh.ics")[0] == 0
    data = office_data([OPERATOR])
    english = Calendar.from_ical((tmp_path / "en.ics").read_bytes())
    texts = []
    for event in english.walk("VEVENT"):
        texts += [str(event.get("summary")), str(event.get("description")), *map(str, event.get("categories").cats)]
    texts.append(str(english.get("x-wr-calname")))
    assert foreign_cjk("\n".join(texts), data) == []
    joined = "\n".join(texts)
    assert "Visit type:" in joined and "Unit:" in joined and "Purpose:" in joined and "Method: On site" in joined
    chinese = (tmp_path / "zh.ics").read_bytes().decode("utf-8")
    assert "回访类型" in chinese and "方式：上门" in chinese
    assert Setting.get_or_none(Setting.key == "language") is None  # printing in English set nothing


def test_a_paper_follows_the_commands_language_unless_it_says_its_own(run, demo_db, tmp_path):
    from documents_fixtures import pdf_text

    db = demo_db.database
    code = Visit.select().first().project.code
    assert run("--db", db, "--lang", "en", "print", "certificate", code, "-o", tmp_path / "a.pdf")[0] == 0
    assert "Quality Warranty Certificate" in pdf_text(tmp_path / "a.pdf")
    assert run("--db", db, "--lang", "en", "print", "certificate", code, "-o", tmp_path / "b.pdf",
               "--lang", "zh_CN")[0] == 0  # the last --lang on the line decides, as argparse reads it
    assert "工程质量保修书" in pdf_text(tmp_path / "b.pdf")
    assert run("--db", db, "print", "certificate", code, "-o", tmp_path / "c.pdf")[0] == 0
    assert "工程质量保修书" in pdf_text(tmp_path / "c.pdf")
