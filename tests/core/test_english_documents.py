"""Every printed document in English, for the demo office: nothing Chinese on the paper except the
office's own data (names, addresses, what the clerk typed) — see foreign_text.py for how the check
knows the data. And the pieces that make it so: the thread-local document language, the mapping
of stored labels, the stored sentences said again in the paper's language."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import re
import threading

import pytest
from documents_fixtures import pdf_text
from foreign_text import foreign_cjk, office_data

from warranty_desk import i18n

OPERATOR = "测试员"  # the person the tests work as (WARRANTY_DESK_USER): data, like a staff name


def _every_document(tmp_path, lang: str) -> dict:
    """Each kind of document of the demo office (a residential, a public, a decoration and a
    municipal project; filled and blank forms; every report), printed in `lang`."""
    from warranty_desk.documents import forms
    from warranty_desk.documents.cards import build_cards
    from warranty_desk.documents.certificate import build_certificate
    from warranty_desk.documents.dispatch_sheet import build_dispatch_sheet
    from warranty_desk.documents.manual import build_manual
    from warranty_desk.documents.quarterly import build_quarterly_report
    from warranty_desk.documents.safety_report import build_safety_report
    from warranty_desk.documents.visit_plan_table import build_visit_plan
    from warranty_desk.documents.visit_report import build_round_report, build_visit_report
    from warranty_desk.models import Project, SafetyReport, Ticket, Unit, Visit, VisitFinding
    from warranty_desk.services import safety

    out = {}
    for kind in ("residential", "public", "decoration", "municipal"):
        project = (Project.select().where(Project.type == kind, Project.accepted_on.is_null(False))
                   .order_by(Project.accepted_on).first())
        unit = Unit.select().where(Unit.project == project).first()
        out[f"certificate {kind}"] = build_certificate(project, tmp_path / f"c-{kind}.pdf", lang=lang)
        out[f"cards {kind}"] = build_cards(project, tmp_path / f"k-{kind}.pdf", lang=lang,
                                           units=[unit] if unit else None)
        out[f"manual {kind}"] = build_manual(project, tmp_path / f"m-{kind}.pdf", lang=lang, unit=unit)
    out["quarterly"] = build_quarterly_report("2026Q3", tmp_path / "q.pdf", lang=lang, today=dt.date(2026, 11, 29))
    # the longest descriptions, one out of warranty, one with a subcontractor
    tickets = sorted(Ticket.select(), key=lambda t: (-len(t.description), t.id))[:3]
    tickets += [Ticket.select().where(Ticket.in_warranty == False).first(),  # noqa: E712
                Ticket.select().where(Ticket.subcontractor.is_null(False)).first()]
    # a repair a history import brought in (its cost line described by the program), and a second call
    # for one place with its urgency overridden (the history and the decision the intake writes)
    from warranty_desk.models import CostLine
    from warranty_desk.services import import_history
    from warranty_desk.services import tickets as ticket_service

    imported = Ticket.select().where(Ticket.state == "closed").order_by(Ticket.id).first()
    CostLine.create(ticket=imported, kind="other", description=import_history.COST_NOTE, quantity=1, unit_price=850,
                    amount=850, borne_by="us")
    base = tickets[0]
    again = ticket_service.create_ticket({
        "project": base.project_id, "unit": base.unit_id, "location": base.location, "category": base.category,
        "reporter": base.reporter, "phone": base.phone, "description": "水管爆裂", "urgency": "normal",  # i18n: data
        "urgency_reason": base.reporter, "reported_at": dt.datetime(2026, 11, 28, 9, 0)}).ticket
    tickets += [imported, again]
    for n, t in enumerate(x for x in tickets if x is not None):
        out[f"record {t.number}"] = forms.build_repair_record(t, tmp_path / f"r{n}.pdf", lang=lang)
        out[f"notice {t.number}"] = forms.build_repair_notice(t, tmp_path / f"n{n}.pdf", lang=lang)
        out[f"dispatch {t.number}"] = build_dispatch_sheet(t, tmp_path / f"d{n}.pdf", lang=lang)
    visits = list(Visit.select().where(Visit.status == "done").order_by(Visit.id).limit(4))
    visits += list(Visit.select().join(VisitFinding).where(Visit.status == "done", Visit.grade != "")
                   .order_by(Visit.id).limit(2))  # graded, with findings by area
    visits += list(Visit.select().where(Visit.status != "done").order_by(Visit.id).limit(2))
    for n, v in enumerate(visits):
        out[f"visit form {v.id}"] = forms.build_visit_form(v, tmp_path / f"v{n}.pdf", lang=lang)
    out["blank visit form"] = forms.build_visit_form(None, tmp_path / "bv.pdf", lang=lang)
    out["blank notice"] = forms.build_repair_notice(None, tmp_path / "bn.pdf", lang=lang)
    out["blank record"] = forms.build_repair_record(None, tmp_path / "br.pdf", lang=lang)
    out["visit report"] = build_visit_report([v.id for v in visits], tmp_path / "vr.pdf", lang=lang)
    out["round report"] = build_round_report(visits[0].project_id, dt.date(2020, 1, 1), dt.date(2030, 12, 31),
                                             tmp_path / "rr.pdf", lang=lang)
    out["visit plan"] = build_visit_plan(2026, tmp_path / "vp.pdf", lang=lang)
    if not SafetyReport.select().exists():
        safety.mark(tickets[0].number, "承重墙出现斜向裂缝", measures="已设警戒线，疏散住户")
    for n, report in enumerate(SafetyReport.select()):
        out[f"safety report {n}"] = build_safety_report(report.ticket, tmp_path / f"s{n}.pdf", lang=lang)
    return out


# the document builders this test prints (a new document module must be added to the list above)
COVERED = {"build_certificate", "build_cards", "build_manual", "build_quarterly_report", "build_repair_record",
           "build_repair_notice", "build_dispatch_sheet", "build_visit_form", "build_visit_report",
           "build_round_report", "build_visit_plan", "build_safety_report"}


def test_every_document_builder_is_printed_by_this_test():
    import warranty_desk.documents as package

    builders = set()
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"warranty_desk.documents.{info.name}")
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("build_") and func.__module__ == module.__name__ and "lang" in inspect.signature(func).parameters:
                builders.add(name)
    assert builders <= COVERED, f"print these in _every_document too: {sorted(builders - COVERED)}"


def test_every_english_document_has_no_chinese_but_the_offices_data(demo_db, tmp_path):
    """The issue's Must show: any CJK character on an English paper that is not part of the office's
    own data fails, naming the document and the text."""
    papers = _every_document(tmp_path, "en")
    data = office_data([OPERATOR])
    problems = {}
    for name, path in papers.items():
        text = pdf_text(path)
        assert re.search(r"Page \d+ of \d+", text) or name.startswith("cards"), name  # the English page numbers
        foreign = foreign_cjk(text, data)
        if foreign:
            problems[name] = sorted(set(foreign))[:12]
    assert not problems, "Chinese on English papers:\n" + "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_check_finds_chinese_that_is_not_the_offices(demo_db, tmp_path):
    """The same documents in Chinese fail the check (it is not blind), and a program word next to
    data is found even when the data itself is Chinese."""
    from warranty_desk.documents.certificate import build_certificate
    from warranty_desk.models import Project

    project = Project.select().where(Project.accepted_on.is_null(False)).first()
    data = office_data([OPERATOR])
    chinese = foreign_cjk(pdf_text(build_certificate(project, tmp_path / "zh.pdf", lang="zh_CN")), data)
    assert "工程质量保修书" in "".join(chinese)
    assert foreign_cjk(f"Project: {project.name}", data) == []
    assert foreign_cjk(f"Project: {project.name}项目", data) == [f"{project.name}项目"]
    assert foreign_cjk("Warranty: 5年", data) == ["5年"]
    assert foreign_cjk("Project no.：GC-1", data) == ["no.：GC-1"]  # full-width punctuation is Chinese too


def test_english_papers_say_periods_quarters_and_labels_in_english(demo_db, tmp_path):
    from warranty_desk.documents.cards import build_cards
    from warranty_desk.documents.certificate import build_certificate
    from warranty_desk.documents.quarterly import build_quarterly_report
    from warranty_desk.models import Project

    home = Project.select().where(Project.type == "residential", Project.accepted_on.is_null(False)).first()
    certificate = pdf_text(build_certificate(home, tmp_path / "c.pdf", lang="en"))
    assert f"Project no.: {home.code}" in certificate
    assert "5 years" in certificate and "2 heating seasons" in certificate
    quarterly = pdf_text(build_quarterly_report("2026Q3", tmp_path / "q.pdf", lang="en", today=dt.date(2026, 11, 29)))
    assert "Quarterly Visit Report" in quarterly and "Q3 2026" in quarterly and "Jul 1, 2026" in quarterly
    cards = pdf_text(build_cards(home, tmp_path / "k.pdf", lang="en"))
    assert "Home Warranty Card" in cards and "5 years" in cards and "Project name" in cards


def test_an_unknown_language_is_refused(demo_db, tmp_path):
    from warranty_desk.documents.certificate import build_certificate
    from warranty_desk.models import Project

    with pytest.raises(ValueError, match="unknown language"):
        build_certificate(Project.select().first(), tmp_path / "fr.pdf", lang="fr")
    assert not (tmp_path / "fr.pdf").exists()


# --- the document language is the paper's, on its own thread ---------------------------------

def test_a_document_language_stays_on_its_thread_and_in_its_block():
    i18n.set_locale("zh_CN")
    seen = {}
    inside = threading.Event()
    release = threading.Event()

    def printing():
        with i18n.override("en"):
            seen["worker"] = i18n._("保存"), i18n.format_date(dt.date(2026, 3, 15))
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=printing)
    worker.start()
    inside.wait(5)
    seen["window"] = i18n._("保存"), i18n.format_date(dt.date(2026, 3, 15))  # while the worker prints
    release.set()
    worker.join()
    assert seen["worker"] == ("Save", "Mar 15, 2026")
    assert seen["window"] == ("保存", "2026年3月15日")
    with i18n.override("en"):
        with i18n.override("zh_CN"):
            assert i18n.current_locale() == "zh_CN"
        assert i18n.current_locale() == "en"
    assert i18n.current_locale() == "zh_CN"


# --- stored labels and sentences, said in the paper's language --------------------------------

def test_one_mapping_function_per_stored_label():
    from warranty_desk.rules import categories as cat
    from warranty_desk.rules import responsibility as resp
    from warranty_desk.rules import satisfaction, sla, ticket_states, visit_methods, visit_plan, visit_states
    from warranty_desk.services import questionnaires, tickets, visit_records

    with i18n.override("en"):
        assert ticket_states.state_name("已关闭") == "Closed"
        assert sla.urgency_name("紧急") == "Urgent" and sla.urgency_name("一般") == "Normal"
        assert satisfaction.grade_name("一般") == "Neutral"  # the same word, another meaning
        assert resp.cause_name("施工质量") == "Construction quality" and resp.payer_name("业主") == "Owner"
        assert visit_methods.method_name("上门") == "On site" and visit_states.status_name("done") == "Done"
        assert visit_plan.kind_name("seasonal") == "Seasonal visit"
        assert tickets.channel_name("来函") == "Letter" and tickets.cost_kind_name("材料") == "Materials"
        assert cat.project_type_name("住宅") == "Residential" and cat.scale_name("中型") == "Medium"
        assert cat.period_text(cat.YEARS, 1) == "1 year" and cat.period_text(cat.HEATING_SEASONS, 2) == "2 heating seasons"
        assert cat.category_name("roof_waterproofing") == "Roof waterproofing"
        assert cat.category_name("other", "小区围墙") == "小区围墙"  # an item the office named itself
        assert visit_records.area_name("门窗") == "Doors and windows" and visit_records.area_name("地下室") == "Basement"
        assert visit_records.area_name("车库顶板") == "车库顶板"  # an area the clerk typed
        assert questionnaires.shown("沟通") == "Communication" and questionnaires.shown("我们自己的问题") == "我们自己的问题"
        assert ticket_states.state_name("自定义") == "自定义"  # not a label of ours: as stored
    assert ticket_states.state_name("已关闭") == "已关闭" and cat.period_text(cat.YEARS, 5) == "5年"


def test_stored_sentences_are_said_again_in_the_papers_language():
    from warranty_desk.rules import responsibility as resp
    from warranty_desk.rules.visit_purposes import purpose_text
    from warranty_desk.services.visit_records import findings_text

    made_in_chinese = "保修期满前交代回访：屋面防水工程、有防水要求的卫生间、房间的防渗漏（2029-06-15到期）"
    with i18n.override("en"):
        english = purpose_text(made_in_chinese)
        assert english == ("Visit before the warranty ends: Roof waterproofing, Leak-proofing of bathrooms and "
                           "other wet rooms (ends 2029-06-15)")
        assert purpose_text("中型项目定期回访（每6个月）") == "Periodic visit (Medium project, every 6 months)"
        assert purpose_text("请顺便看一下车库") == "请顺便看一下车库"  # the clerk's own words
        assert resp.decision_text("给排水管道 保修至 2026-06-15，剩余 1,234 天") == (
            "Water supply and drainage pipes under warranty until 2026-06-15, 1,234 days left")
        assert findings_text("门窗：窗框渗水\n未发现问题") == "Doors and windows: 窗框渗水\nNo problems found"
    # and back: a purpose stored while the window spoke English prints in Chinese on a Chinese paper
    assert purpose_text(english) == "保修期满前交代回访：屋面防水工程、有防水要求的卫生间、房间的防渗漏（2029-06-15到期）"
